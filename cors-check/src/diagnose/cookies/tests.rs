use super::*;

fn fates(page: &str, url: &str, line: &str) -> Vec<Fate> {
    let cx = Context::new(page, url).unwrap();
    let c = SetCookie::parse(line).unwrap();
    Engine::BROWSERS.iter().map(|e| fate(*e, &c, &cx)).collect()
}

fn sent(f: &Fate) -> &'static str {
    match f {
        Fate::Sent => "yes",
        Fate::SentIf(_) => "if",
        Fate::NotSent(_) => "no",
    }
}

fn summary(page: &str, url: &str, line: &str) -> Vec<&'static str> {
    fates(page, url, line).iter().map(sent).collect()
}

#[test]
fn sites_come_from_the_public_suffix_list_and_the_scheme() {
    let same = |a: &str, b: &str| Context::new(a, b).unwrap().same_site;
    assert!(same("https://app.example.com", "https://api.example.com/x"));
    assert!(same("http://127.0.0.1:3000", "http://127.0.0.1:3001/x"));
    assert!(!same("https://app.example.com", "http://api.example.com/x"));
    assert!(!same("http://localhost:3000", "http://127.0.0.1:3001/x"));
    // Two tenants of a public suffix are two sites.
    assert!(!same("https://a.github.io", "https://b.github.io/x"));
    assert!(!same(
        "https://app.example.com",
        "https://api.example.net/x"
    ));
}

#[test]
fn same_site_cookies_go_whatever_their_same_site() {
    let (page, url) = ("https://app.example.com", "https://api.example.com/v1/me");
    for line in [
        "s=1",
        "s=1; SameSite=Strict",
        "s=1; SameSite=Lax",
        "s=1; SameSite=None; Secure",
    ] {
        assert_eq!(summary(page, url, line), ["yes"; 3], "{line}");
    }
    // Unless the cookie itself is refused or does not cover the request.
    assert_eq!(summary(page, url, "s=1; SameSite=None")[..2], ["no", "no"]);
    assert_eq!(summary(page, url, "s=1; Path=/admin"), ["no"; 3]);
    assert_eq!(summary(page, url, "s=1; Domain=other.com"), ["no"; 3]);
    assert_eq!(summary(page, url, "s=1; Max-Age=0"), ["no"; 3]);
    assert_eq!(
        summary(
            "http://app.example.com",
            "http://api.example.com/x",
            "s=1; Secure"
        ),
        ["no"; 3]
    );
}

#[test]
fn cross_site_cookies_depend_on_the_engine() {
    let (page, url) = ("https://app.example.com", "https://api.other.net/me");
    // No SameSite: Chromium's Lax default keeps it; Firefox partitions it;
    // Safari blocks third-party cookies.
    assert_eq!(summary(page, url, "s=1"), ["no", "if", "no"]);
    assert_eq!(summary(page, url, "s=1; SameSite=Lax"), ["no"; 3]);
    assert_eq!(summary(page, url, "s=1; SameSite=Strict"), ["no"; 3]);
    assert_eq!(summary(page, url, "s=1; SameSite=None"), ["no", "no", "no"]);
    assert_eq!(
        summary(page, url, "s=1; SameSite=None; Secure"),
        ["if", "if", "no"]
    );
    assert_eq!(
        summary(page, url, "s=1; SameSite=None; Secure; Partitioned"),
        ["if", "if", "no"]
    );
    // Partitioned needs Secure in Chromium and Firefox; WebKit ignores it.
    assert_eq!(
        summary(page, url, "s=1; SameSite=None; Partitioned")[..2],
        ["no", "no"]
    );
    assert_eq!(
        summary(
            "https://a.example.com",
            "https://b.example.com/",
            "s=1; Partitioned"
        ),
        ["no", "no", "yes"]
    );
}

#[test]
fn secure_cookies_over_plain_http_on_loopback_are_kept_by_chromium_and_firefox_only() {
    let (page, url) = ("http://127.0.0.1:3000", "http://127.0.0.1:3001/api");
    for line in ["s=1; Secure", "s=1; SameSite=None; Secure"] {
        assert_eq!(summary(page, url, line), ["yes", "yes", "no"], "{line}");
    }
    let webkit = &fates(page, url, "s=1; Secure")[2];
    assert!(
        matches!(webkit, Fate::NotSent(why) if why.contains("even on loopback")),
        "{webkit:?}"
    );
    // Cross site, Chromium keeps a Partitioned cookie set within the
    // page's site even when third-party cookies are blocked.
    let cross = fates(
        "http://localhost:3000",
        "http://127.0.0.1:3001/api",
        "s=1; SameSite=None; Secure; Partitioned",
    );
    assert!(
        matches!(&cross[0], Fate::SentIf(why) if why.contains("does not block it")),
        "{cross:?}"
    );
}

#[test]
fn set_cookie_lines_are_read_leniently() {
    let c = SetCookie::parse(
        " sid=abc ; path=/api ; SECURE; samesite=none; Domain=.Example.com; partitioned",
    )
    .unwrap();
    assert_eq!(c.name, "sid");
    assert_eq!(c.path.as_deref(), Some("/api"));
    assert_eq!(c.domain.as_deref(), Some("example.com"));
    assert_eq!(c.same_site.as_deref(), Some("none"));
    assert!(c.secure && c.partitioned && !c.deletes);
    assert!(SetCookie::parse("no-equals-sign").is_none());
    assert!(SetCookie::parse("=v").is_none());
}
