use super::*;

#[test]
fn resolve_reads_curls_form_and_names_what_is_wrong() {
    let r = Resolve::parse("API.Example:8443:127.0.0.1").unwrap();
    assert_eq!(
        r,
        Resolve {
            host: "api.example".into(),
            port: 8443,
            addr: "127.0.0.1".parse().unwrap(),
        }
    );
    assert_eq!(
        Resolve::parse("api.example:443:[::1]").unwrap().addr,
        "::1".parse::<IpAddr>().unwrap()
    );
    assert_eq!(
        Resolve::parse("api.example:443:fd00::2").unwrap().addr,
        "fd00::2".parse::<IpAddr>().unwrap()
    );
    for (bad, says) in [
        ("api.example:443", "expected HOST:PORT:ADDR"),
        (":443:127.0.0.1", "the host is empty"),
        ("api.example:https:127.0.0.1", "'https' is not a port"),
        (
            "api.example:443:localhost",
            "'localhost' is not an IP address",
        ),
    ] {
        let e = Resolve::parse(bad).unwrap_err();
        assert!(e.contains(says) && e.contains(bad), "{bad}: {e}");
    }
}

#[test]
fn resolve_matches_host_and_port_only() {
    let table = [Resolve::parse("api.example:8080:10.0.0.7").unwrap()];
    assert_eq!(
        Resolve::find(&table, "API.example", 8080),
        Some("10.0.0.7".parse().unwrap())
    );
    assert_eq!(Resolve::find(&table, "api.example", 80), None);
    assert_eq!(Resolve::find(&table, "app.example", 8080), None);
    let uri: Uri = "https://api.example/x".parse().unwrap();
    assert_eq!(port_of(&uri), 443);
    let uri: Uri = "http://api.example/x".parse().unwrap();
    assert_eq!(port_of(&uri), 80);
    let uri: Uri = "http://api.example:8080/x".parse().unwrap();
    assert_eq!(port_of(&uri), 8080);
}
