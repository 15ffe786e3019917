use super::*;

/// RFC 3492 §7.1's samples and more, as Python's reference codec
/// encodes them: the decoder must give back the very code points.
#[test]
fn punycode_decodes_known_labels() {
    for (encoded, decoded) in [
        ("mnchen-3ya", "münchen"),
        ("bcher-kva", "bücher"),
        ("ihqwcrb4cv8a8dqg056pqjye", "他们为什么不说中文"),
        ("3B-ww4c5e180e575a65lsy2b", "3年B組金八先生"),
        (
            "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n",
            "安室奈美恵-with-SUPER-MONKEYS",
        ),
        ("de-jg4avhby1noc0d", "パフィーdeルンバ"),
        ("d9juau41awczczp", "そのスピードで"),
        ("tda", "ü"),
        // Only basic code points: decodes, and the label check refuses it.
        ("mnchen-", "mnchen"),
        ("--dhaab", "üü-ü"),
        ("8kaaaaaaaaaaaaaaaaaaaa", &"Ȁ".repeat(20)),
        ("x-iv3s", "😀x"),
        // Bias adaptation exactly at its loop bound (delta 455), and
        // just over it.
        (
            "---t92c16cz40dv6j67ddt2ap2r1w1cdygy5e",
            "骅溵鞜稊-芼鰜-汉倇擆亮",
        ),
        ("e-se8eo12fe0e", "텧뇜e휔"),
        (
            "a-bgaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            &format!("a{}", "é".repeat(30)),
        ),
    ] {
        let got: Option<String> = decode(encoded).map(|c| c.into_iter().collect());
        assert_eq!(got.as_deref(), Some(decoded), "{encoded}");
    }
    // A digit that is not one, a non-ASCII basic part, an unfinished
    // number (or one that overflows).
    for bad in [
        "mnchen-3y!",
        "ü-3ya",
        "99999999999999",
        "a-zzzzzzzzzzzzzzzzzzzz",
    ] {
        assert_eq!(decode(bad), None, "{bad}");
    }
}
