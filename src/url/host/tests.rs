use super::*;

#[test]
fn domains_are_lower_cased_and_keep_a_trailing_dot() {
    let domain = |s: &str| Ok(Sent::Domain(s.to_owned()));
    assert_eq!(serialize("Example.COM"), domain("example.com"));
    assert_eq!(serialize("example.com."), domain("example.com."));
    assert_eq!(serialize("localhost."), domain("localhost."));
    assert_eq!(serialize("my_service"), domain("my_service"));
    assert_eq!(serialize("a..b"), Err(HostError::EmptyLabel));
    assert_eq!(serialize("a b"), Err(HostError::ForbiddenCodePoint(' ')));
    assert_eq!(serialize("a%2eb"), Err(HostError::ForbiddenCodePoint('%')));
    assert_eq!(serialize(&"a".repeat(64)), Err(HostError::TooLong));
    assert_eq!(serialize("bücher.de"), Err(HostError::NotAscii));
}

#[test]
fn dns_length_limits_are_inclusive() {
    // Labels of 63 bytes and names of 253 (a final dot not counted) are
    // the longest DNS names; one byte more is too long.
    let label = "a".repeat(MAX_LABEL_LEN);
    assert!(serialize(&label).is_ok());
    let name = |len: usize| {
        // Labels of 63 bytes and a last shorter one, joined by dots.
        let mut s = String::new();
        while s.len() + 64 < len {
            s.push_str(&label);
            s.push('.');
        }
        s.push_str(&"b".repeat(len - s.len()));
        s
    };
    assert_eq!(name(MAX_HOST_LEN).len(), MAX_HOST_LEN);
    assert!(serialize(&name(MAX_HOST_LEN)).is_ok());
    assert!(serialize(&format!("{}.", name(MAX_HOST_LEN))).is_ok());
    assert_eq!(serialize(&name(MAX_HOST_LEN + 1)), Err(HostError::TooLong));
}

#[test]
fn ipv4_forms_are_normalised() {
    for (written, sent) in [
        ("127.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("01.2.3.4", "1.2.3.4"),
        ("1.2.3.4.", "1.2.3.4"),
        ("2130706433", "127.0.0.1"),
        ("4294967295", "255.255.255.255"),
        ("255.1.1.1", "255.1.1.1"),
        ("1.65536", "1.1.0.0"),
        ("1.2.256", "1.2.1.0"),
        ("1.2.3.255", "1.2.3.255"),
        ("0x0000000000000001", "0.0.0.1"),
        ("0x0000000000000000000001.0", "1.0.0.0"),
        ("00000000000000000000010.0.0.1", "8.0.0.1"),
        ("0.0x.00.0", "0.0.0.0"),
    ] {
        assert_eq!(
            serialize(written).as_ref().map(Sent::as_str),
            Ok(sent),
            "{written}"
        );
    }
    for bad in [
        "256.0.0.1",
        "1.2.3.4.5",
        "1.2.3.09",
        "4294967296",
        "1..2",
        "1.2.3.256",
        "1.2.65536",
        "1.16777216",
        "0x10000000000000000",
        "1.+2.3.4",
        "1.2.0x+3.4",
    ] {
        assert!(serialize(bad).is_err(), "{bad}");
    }
}

#[test]
fn ipv6_is_compressed_without_a_dotted_tail() {
    for (written, sent) in [
        ("[::1]", "[::1]"),
        ("[0:0::1]", "[::1]"),
        ("[::ffff:127.127.127.127]", "[::ffff:7f7f:7f7f]"),
        ("[::ffff:7f7f:7f7f]", "[::ffff:7f7f:7f7f]"),
        ("[2001:DB8:0:0:1:0:0:1]", "[2001:db8::1:0:0:1]"),
        ("[1:0:0:2:0:0:0:3]", "[1:0:0:2::3]"),
        ("[1:2:3:4:5:6:7:8]", "[1:2:3:4:5:6:7:8]"),
        ("[1::]", "[1::]"),
        // A single zero piece is not compressed.
        ("[1:0:2:3:4:5:6:7]", "[1:0:2:3:4:5:6:7]"),
        // Of two equal runs, the first is compressed.
        ("[1:0:0:2:3:0:0:4]", "[1::2:3:0:0:4]"),
    ] {
        assert_eq!(
            serialize(written).as_ref().map(Sent::as_str),
            Ok(sent),
            "{written}"
        );
    }
    assert_eq!(serialize("[zz]"), Err(HostError::BadIpv6));
}

#[test]
fn punycode_labels_must_decode_to_unicode() {
    assert_eq!(
        serialize("xn--bcher-kva.de"),
        Ok(Sent::Domain("xn--bcher-kva.de".to_owned()))
    );
    assert_eq!(
        punycode::decode("bcher-kva")
            .unwrap()
            .iter()
            .collect::<String>(),
        "bücher"
    );
    assert!(matches!(serialize("xn--f"), Err(HostError::BadPunycode(_))));
    assert!(matches!(
        serialize("xn--abc-"),
        Err(HostError::BadPunycode(_))
    ));
    assert!(matches!(serialize("xn--"), Err(HostError::BadPunycode(_))));
}
