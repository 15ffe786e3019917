use super::*;

#[test]
fn special_schemes_have_default_ports() {
    assert_eq!(default_port(b"http"), Some(80));
    assert_eq!(default_port(b"ws"), Some(80));
    assert_eq!(default_port(b"https"), Some(443));
    assert_eq!(default_port(b"wss"), Some(443));
    assert_eq!(default_port(b"ftp"), Some(21));
    assert_eq!(default_port(b"chrome-extension"), None);
    assert_eq!(
        default_port(b"HTTP"),
        None,
        "schemes are compared lower case"
    );
}

#[test]
fn default_ports_are_left_out() {
    assert_eq!(serialize("https", "a.example", None), "https://a.example");
    assert_eq!(
        serialize("https", "a.example", Some(443)),
        "https://a.example"
    );
    assert_eq!(
        serialize("https", "a.example", Some(80)),
        "https://a.example:80"
    );
    assert_eq!(serialize("http", "[::1]", Some(80)), "http://[::1]");
    assert_eq!(serialize("http", "[::1]", Some(8080)), "http://[::1]:8080");
    assert_eq!(serialize("ws", "a", Some(80)), "ws://a");
    assert_eq!(serialize("wss", "a", Some(443)), "wss://a");
    assert_eq!(serialize("ftp", "a", Some(21)), "ftp://a");
    assert_eq!(serialize("x-app", "a", Some(443)), "x-app://a:443");
}
