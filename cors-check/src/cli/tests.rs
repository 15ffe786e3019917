use super::*;

fn parse(argv: &[&str]) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(argv)
}

#[test]
fn each_mode_has_its_own_options_and_they_do_not_mix() {
    // The diagnosis needs --origin; the policy check does not.
    let missing = parse(&["cors-check", "https://api.example/x"]).unwrap_err();
    assert!(missing.to_string().contains("--origin"), "{missing}");
    assert!(parse(&["cors-check", "--policy", "c.toml", "https://api.example/x"]).is_ok());
    // One mode's options are refused in the other.
    for argv in [
        &[
            "cors-check",
            "--policy",
            "c.toml",
            "https://a.example/",
            "--origin",
            "https://b.example",
        ][..],
        &[
            "cors-check",
            "--policy",
            "c.toml",
            "https://a.example/",
            "--audit",
        ],
        &[
            "cors-check",
            "https://a.example/",
            "--origin",
            "https://b.example",
            "--junit",
            "x.xml",
        ],
        &[
            "cors-check",
            "https://a.example/",
            "--origin",
            "https://b.example",
            "--send",
            "POST /x",
        ],
        &[
            "cors-check",
            "--policy",
            "c.toml",
            "--policy-env",
            "CORS",
            "https://a.example/",
        ],
    ] {
        assert!(parse(argv).is_err(), "{argv:?} parsed");
    }
    // Shared options go with either.
    let cli = parse(&[
        "cors-check",
        "--policy-env",
        "CORS",
        "https://a.example/",
        "--json",
        "--timeout",
        "3",
    ])
    .unwrap();
    assert_eq!((cli.format(), cli.timeout), (Format::Json, 3.0));
}

#[test]
fn one_url_is_diagnosed_at_a_time() {
    let cli = parse(&[
        "cors-check",
        "https://a.example/1",
        "https://a.example/2",
        "--origin",
        "https://b.example",
    ])
    .unwrap();
    let err = cli.mode().unwrap_err();
    assert!(err.contains("--policy"), "{err}");
}

#[test]
fn the_timeout_is_checked_for_every_mode() {
    for argv in [
        &[
            "cors-check",
            "https://a.example/",
            "--origin",
            "https://b.example",
            "--timeout",
            "0",
        ][..],
        &[
            "cors-check",
            "--policy-env",
            "CORS",
            "https://a.example/",
            "--timeout",
            "NaN",
        ],
    ] {
        let err = parse(argv).unwrap().mode().unwrap_err();
        assert!(err.starts_with("--timeout must be"), "{err}");
    }
}
