use super::*;

fn t(url: &str) -> Url {
    Url::parse(url).unwrap()
}

#[test]
fn normalises_like_a_browser() {
    let target = t("HTTPS://API.Example.com:443/a/b?x=1#frag");
    assert_eq!(target.uri(), "https://api.example.com/a/b?x=1");
    assert_eq!(target.origin(), "https://api.example.com");
    assert_eq!(t("http://localhost:3000").uri(), "http://localhost:3000/");
    assert_eq!(t("http://[::1]:80/").origin(), "http://[::1]");
    assert!(Url::parse("https://user@host/").is_none());
    assert!(Url::parse("data:text/plain,x").is_none());
}

#[test]
fn resolves_locations() {
    let base = t("https://api.example/v1/items?x=1");
    assert_eq!(
        base.resolve("https://other.example/z").unwrap().uri(),
        "https://other.example/z"
    );
    assert_eq!(
        base.resolve("//cdn.example/a").unwrap().uri(),
        "https://cdn.example/a"
    );
    assert_eq!(
        base.resolve("/v2/items").unwrap().uri(),
        "https://api.example/v2/items"
    );
    assert_eq!(
        base.resolve("other?y=2").unwrap().uri(),
        "https://api.example/v1/other?y=2"
    );
    assert_eq!(
        base.resolve("?y=2").unwrap().uri(),
        "https://api.example/v1/items?y=2"
    );
    assert!(base.resolve("ftp://x.example/").is_none());
}

#[test]
fn origins() {
    let o = |s: &str| serialize_origin(&s.parse().unwrap());
    assert_eq!(o("https://a.example").as_deref(), Some("https://a.example"));
    assert_eq!(
        o("http://a.example:8080").as_deref(),
        Some("http://a.example:8080")
    );
    assert_eq!(o("https://a.example/path"), None);
}

#[test]
fn hosts_are_read_as_browsers_read_them() {
    assert_eq!(t("http://127.1:3000/").origin(), "http://127.0.0.1:3000");
    assert_eq!(t("http://0x7F.0.0.1/").uri(), "http://127.0.0.1/");
    assert_eq!(t("http://[0:0::1]/").origin(), "http://[::1]");
    assert_eq!(t("https://Example.COM./a").origin(), "https://example.com.");
    assert_eq!(
        t("https://XN--BCHER-KVA.de/").origin(),
        "https://xn--bcher-kva.de"
    );
    // Hosts no browser loads: `fetch()` refuses these URLs.
    assert!(Url::parse("https://256.0.0.1/").is_none());
    assert!(Url::parse("https://xn--f.example/").is_none());
    assert!(Url::parse(&format!("https://{}.example/", "a".repeat(64))).is_none());
    // A page origin must be exactly what a browser sends.
    let o = |s: &str| serialize_origin(&s.parse().unwrap());
    assert_eq!(o("http://127.1").as_deref(), Some("http://127.0.0.1"));
    assert_eq!(o("http://a..b"), None);
}

/// The two sides agree: for generated URLs in every spelling a browser
/// takes (scheme and host case, IPv4 number forms, IPv6 written out or
/// compressed, `xn--` labels, trailing dots, default and padded ports),
/// the origin the browser model serialises is the one the `url` crate
/// (an implementation of the URL Standard) gives, and the server side
/// reads it as a configured origin that is already canonical: an exact
/// rule of the very same bytes, which matches it.
mod agreement {
    use super::*;
    use crate::origin::{parse_rule, OriginMatcher, OriginRule};
    use proptest::prelude::*;

    fn scheme() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["http", "https", "HTTP", "Https", "hTtPs"])
    }

    fn upper_some(s: &str, mask: u64) -> String {
        s.chars()
            .enumerate()
            .map(|(i, c)| {
                if mask >> (i % 64) & 1 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect()
    }

    fn domain() -> impl Strategy<Value = String> {
        let label = prop_oneof![
            4 => "[a-zA-Z0-9_][a-zA-Z0-9_-]{0,11}",
            1 => prop::sample::select(vec![
                "xn--bcher-kva",
                "XN--MNCHEN-3YA",
                "xn--ihqwcrb4cv8a8dqg056pqjye",
            ])
            .prop_map(str::to_owned),
        ];
        // The last label starts with a letter, so that the host does
        // not end in a number (which makes it an IPv4 address).
        (
            prop::collection::vec(label, 0..4),
            "[a-zA-Z][a-zA-Z0-9-]{0,8}",
            any::<bool>(),
        )
            .prop_map(|(mut labels, last, dot)| {
                labels.push(last);
                let name = labels.join(".");
                if dot {
                    name + "."
                } else {
                    name
                }
            })
    }

    /// One IPv4 part in decimal, octal (leading `0`) or hex (`0x`, `0X`).
    fn ipv4_part(n: u32, form: u8) -> String {
        match form % 4 {
            0 => n.to_string(),
            1 => format!("0{n:o}"),
            2 => format!("0x{n:x}"),
            _ => format!("0X{n:X}"),
        }
    }

    /// An IPv4 address in one to four parts, each in its own form.
    fn ipv4() -> impl Strategy<Value = String> {
        (any::<u32>(), 1usize..=4, any::<[u8; 4]>(), any::<bool>()).prop_map(
            |(address, parts, forms, dot)| {
                let bytes = address.to_be_bytes();
                let mut out: Vec<String> = bytes[..parts - 1]
                    .iter()
                    .zip(forms)
                    .map(|(&b, form)| ipv4_part(u32::from(b), form))
                    .collect();
                let rest = bytes[parts - 1..]
                    .iter()
                    .fold(0u32, |acc, &b| acc << 8 | u32::from(b));
                out.push(ipv4_part(rest, forms[3]));
                let host = out.join(".");
                if dot {
                    host + "."
                } else {
                    host
                }
            },
        )
    }

    /// An IPv6 address with runs of zero pieces, written out in full
    /// (padded, mixed case) or as Rust compresses it.
    fn ipv6() -> impl Strategy<Value = String> {
        (
            prop::array::uniform8(prop_oneof![2 => Just(0u16), 1 => any::<u16>()]),
            any::<bool>(),
            any::<u64>(),
        )
            .prop_map(|(pieces, full, mask)| {
                let text = if full {
                    let written: Vec<String> = pieces.iter().map(|p| format!("{p:04x}")).collect();
                    written.join(":")
                } else {
                    std::net::Ipv6Addr::from(pieces).to_string()
                };
                format!("[{}]", upper_some(&text, mask))
            })
    }

    fn port() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just(":".to_owned()),
            Just(":80".to_owned()),
            Just(":443".to_owned()),
            (1u16.., 0usize..3).prop_map(|(p, zeros)| format!(":{}{p}", "0".repeat(zeros))),
        ]
    }

    fn url() -> impl Strategy<Value = String> {
        (
            scheme(),
            prop_oneof![3 => domain(), 1 => ipv4(), 1 => ipv6()],
            any::<u64>(),
            port(),
            "(/[a-zA-Z0-9._~-]{0,6}){0,3}(\\?[a-z0-9=&]{0,8})?(#[a-z]{0,4})?",
        )
            .prop_map(|(scheme, host, mask, port, rest)| {
                format!("{scheme}://{}{port}{rest}", upper_some(&host, mask))
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn the_server_side_reads_the_browser_origin_as_canonical(url in url()) {
            let expected = url::Url::parse(&url)
                .map_err(|e| TestCaseError::fail(format!("the url crate refuses {url}: {e}")))?
                .origin()
                .ascii_serialization();
            let target = Url::parse(&url);
            prop_assert!(target.is_some(), "the model refuses {}", url);
            let origin = target.as_ref().map_or("", Url::origin);
            prop_assert_eq!(origin, expected.as_str(), "origin of {}", url);
            let uri: Uri = origin.parse().map_err(|e| TestCaseError::fail(format!("{e}")))?;
            let page = serialize_origin(&uri);
            prop_assert_eq!(page.as_deref(), Some(origin), "as a page origin");

            let rule = parse_rule(origin);
            prop_assert_eq!(
                rule.as_ref().map_err(|p| format!("{p:?}")),
                Ok(&OriginRule::Exact(origin.to_owned())),
                "the server side's reading of {}",
                origin
            );
            let matcher = OriginMatcher::new(&[OriginRule::Exact(origin.to_owned())]);
            prop_assert!(matcher.matches(origin.as_bytes()), "{} is not matched", origin);
        }
    }
}
