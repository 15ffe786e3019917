use super::*;

fn kinds(raw: &str) -> Vec<ProblemKind> {
    parse_rule(raw)
        .unwrap_err()
        .iter()
        .map(Problem::kind)
        .collect()
}

fn hint(raw: &str) -> String {
    parse_rule(raw).unwrap_err()[0].hint().to_owned()
}

#[test]
fn exact_origins() {
    for ok in [
        "https://a.com",
        "http://localhost:3000",
        "http://127.0.0.1:8080",
        "http://[::1]:3000",
        "https://xn--bcher-kva.de",
        "chrome-extension://abcdefghijklmnop",
        "https://example.com.",
        "http://localhost.:3000",
        "http://my_service:8080",
        "http://[::ffff:7f7f:7f7f]:90",
    ] {
        assert_eq!(parse_rule(ok), Ok(OriginRule::Exact(ok.into())), "{ok}");
    }
}

#[test]
fn patterns() {
    assert_eq!(
        parse_rule("https://*.example.com"),
        Ok(OriginRule::Subdomains {
            scheme: "https".into(),
            suffix: "example.com".into(),
            port: PortRule::Exact(None),
        })
    );
    assert_eq!(
        parse_rule("http://*.localhost:*"),
        Ok(OriginRule::Subdomains {
            scheme: "http".into(),
            suffix: "localhost".into(),
            port: PortRule::Any,
        })
    );
    assert_eq!(
        parse_rule("http://localhost:*"),
        Ok(OriginRule::AnyPort {
            site: "http://localhost".into()
        })
    );
    assert_eq!(
        parse_rule("http://[::1]:*"),
        Ok(OriginRule::AnyPort {
            site: "http://[::1]".into()
        })
    );
}

#[test]
fn mistakes_get_the_corrected_origin_as_hint() {
    assert_eq!(kinds("myfrontend.com"), [ProblemKind::OriginMissingScheme]);
    assert!(hint("myfrontend.com").contains("`https://myfrontend.com`"));
    assert!(hint("localhost:3000").contains("`http://localhost:3000`"));
    assert_eq!(
        kinds("https://myfrontend.com/"),
        [ProblemKind::OriginHasPath]
    );
    assert!(hint("https://myfrontend.com/").contains("`https://myfrontend.com`"));
    assert_eq!(
        kinds("https://myfrontend.com/api"),
        [ProblemKind::OriginHasPath]
    );
    assert_eq!(
        kinds("https://user@x.com"),
        [ProblemKind::OriginHasUserinfo]
    );
    assert!(hint("https://user:pw@x.com").contains("`https://x.com`"));
    assert_eq!(
        kinds("https://a.com:443"),
        [ProblemKind::OriginHasDefaultPort]
    );
    assert!(hint("https://a.com:443").contains("`https://a.com`"));
    assert_eq!(
        kinds("http://a.com:80"),
        [ProblemKind::OriginHasDefaultPort]
    );
    assert_eq!(kinds("HTTPS://A.com"), [ProblemKind::OriginNotLowercase]);
    assert!(hint("HTTPS://A.com").contains("`https://a.com`"));
    assert_eq!(
        kinds("HTTPS://A.com:443/"),
        [
            ProblemKind::OriginHasPath,
            ProblemKind::OriginNotLowercase,
            ProblemKind::OriginHasDefaultPort
        ]
    );
    assert!(hint("http://[0:0::1]:3000").contains("`http://[::1]:3000`"));
    assert!(hint("http://[::ffff:127.127.127.127]:90").contains("`http://[::ffff:7f7f:7f7f]:90`"));
}

#[test]
fn rejected_outright() {
    assert_eq!(kinds("null"), [ProblemKind::OriginOpaque]);
    assert_eq!(kinds("file://"), [ProblemKind::OriginOpaque]);
    assert_eq!(
        kinds("file:///home/me/index.html"),
        [ProblemKind::OriginOpaque]
    );
    assert_eq!(kinds(""), [ProblemKind::EmptyValue]);
    assert_eq!(kinds(" https://a.com"), [ProblemKind::OriginBadHost]);
    assert_eq!(kinds("https://bücher.de"), [ProblemKind::OriginNotAscii]);
    assert_eq!(kinds("https://a..com"), [ProblemKind::OriginBadHost]);
    assert_eq!(kinds("http://1.2.3.4."), [ProblemKind::OriginBadHost]);
    assert!(hint("http://1.2.3.4.").contains("`http://1.2.3.4`"));
    assert!(hint("http://127.1:8080").contains("`http://127.0.0.1:8080`"));
    assert_eq!(kinds("https://xn--f"), [ProblemKind::OriginBadHost]);
    assert!(hint("https://xn--f").contains("punycode"));
    assert_eq!(
        kinds(&format!(
            "https://*.{}.com",
            [61, 61, 61, 62].map(|n| "a".repeat(n)).join(".")
        )),
        [ProblemKind::OriginTooLong]
    );
    assert_eq!(kinds("https://"), [ProblemKind::OriginBadHost]);
    assert_eq!(kinds("https://a.com:0"), [ProblemKind::OriginBadPort]);
    assert_eq!(kinds("https://a.com:"), [ProblemKind::OriginBadPort]);
    assert_eq!(kinds("https://a.com:99999"), [ProblemKind::OriginBadPort]);
    assert!(hint("https://a.com:08080").contains("`8080`"));
    assert_eq!(kinds("https://*"), [ProblemKind::OriginBadWildcard]);
    assert_eq!(kinds("https://a*.b.com"), [ProblemKind::OriginBadWildcard]);
    assert_eq!(kinds("https://a.*.b.com"), [ProblemKind::OriginBadWildcard]);
    assert_eq!(
        kinds("https://*.127.0.0.1"),
        [ProblemKind::OriginBadWildcard]
    );
    assert_eq!(kinds("http://01.2.3.4"), [ProblemKind::OriginBadHost]);
    assert_eq!(kinds("http://[zz]"), [ProblemKind::OriginBadHost]);
    assert_eq!(
        kinds(&format!("https://{}.com", "a".repeat(600))),
        [ProblemKind::OriginTooLong]
    );
}
