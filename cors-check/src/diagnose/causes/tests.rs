use super::*;

const ALL: [Engine; 3] = Engine::BROWSERS;

#[test]
fn mixed_content_is_an_https_page_calling_http_that_is_not_loopback() {
    let c = mixed_content("https://app.example", "http://api.example/x", &ALL).unwrap();
    assert!(ALL.iter().all(|e| c.blocks(*e)));
    assert!(c.fix.contains("https://api.example/x"), "{}", c.fix);
    assert!(mixed_content("https://app.example", "https://api.example/x", &ALL).is_none());
    assert!(mixed_content("http://app.example", "http://api.example/x", &ALL).is_none());
    for loopback in [
        "http://localhost:8080/x",
        "http://127.0.0.1/x",
        "http://[::1]:3000/",
        "http://api.localhost/",
    ] {
        // Chromium and Firefox exempt loopback; WebKit blocks it too.
        let c = mixed_content("https://app.example", loopback, &ALL).unwrap();
        let blocks: Vec<bool> = ALL.iter().map(|e| c.blocks(*e)).collect();
        let webkit: Vec<bool> = ALL.iter().map(|e| *e == Engine::WebKit).collect();
        assert_eq!(blocks, webkit, "{loopback}");
        assert!(c.summary.contains("WebKit"), "{}", c.summary);
        let others = [Engine::Chromium, Engine::Firefox];
        assert!(
            mixed_content("https://app.example", loopback, &others).is_none(),
            "{loopback}"
        );
    }
}

#[test]
fn address_spaces_follow_local_network_access() {
    for (ip, want) in [
        ("127.0.0.1", Space::Loopback),
        ("::1", Space::Loopback),
        ("::ffff:127.0.0.1", Space::Loopback),
        ("10.1.2.3", Space::Local),
        ("172.16.0.1", Space::Local),
        ("192.168.1.10", Space::Local),
        ("169.254.1.1", Space::Local),
        ("100.64.0.1", Space::Local),
        ("fd00::1", Space::Local),
        ("fe80::1", Space::Local),
        ("93.184.216.34", Space::Public),
        ("2606:4700::1", Space::Public),
    ] {
        assert_eq!(space(ip.parse().unwrap()), want, "{ip}");
    }
}

#[test]
fn local_network_access_asks_from_secure_pages_and_blocks_from_others() {
    let loopback: SocketAddr = "127.0.0.1:8080".parse().unwrap();
    let private: SocketAddr = "192.168.1.5:80".parse().unwrap();
    let c = local_network_access("https://app.example", &[], loopback, &ALL).unwrap();
    let effects: Vec<&Effect> = c.engines.iter().map(|(_, e, _)| e).collect();
    assert_eq!(effects, [&Effect::Asks, &Effect::Asks, &Effect::Allows]);
    assert!(
        c.summary.contains("127.0.0.1") && c.summary.contains("assumed"),
        "{}",
        c.summary
    );
    assert!(
        c.fix.contains("Access-Control-Allow-Private-Network"),
        "{}",
        c.fix
    );
    let c = local_network_access("http://app.example", &[], private, &ALL).unwrap();
    assert!(c.blocks(Engine::Chromium) && !c.blocks(Engine::Firefox));
    // The same space, or a more public one: nothing to ask.
    assert!(local_network_access("http://127.0.0.1:3000", &[], loopback, &ALL).is_none());
    assert!(local_network_access("http://localhost:3000", &[], loopback, &ALL).is_none());
    assert!(local_network_access(
        "http://192.168.1.2",
        &[],
        "93.184.216.34:443".parse().unwrap(),
        &ALL
    )
    .is_none());
    // A private page reaching loopback asks too.
    assert!(local_network_access("https://192.168.1.2", &[], loopback, &ALL).is_some());
}

#[test]
fn the_page_address_given_with_resolve_decides_its_space() {
    let loopback: SocketAddr = "127.0.0.1:8080".parse().unwrap();
    let page_on = |addr: &str| [Resolve::parse(addr).unwrap()];
    // Served from loopback itself: the same space, nothing to ask.
    assert!(local_network_access(
        "https://app.test:8443",
        &page_on("app.test:8443:127.0.0.1"),
        loopback,
        &ALL
    )
    .is_none());
    // The default port counts; another port does not match.
    assert!(local_network_access(
        "https://app.test",
        &page_on("app.test:443:127.0.0.1"),
        loopback,
        &ALL
    )
    .is_none());
    let c = local_network_access(
        "https://app.test",
        &page_on("app.test:8443:127.0.0.1"),
        loopback,
        &ALL,
    )
    .unwrap();
    assert!(c.summary.contains("assumed"), "{}", c.summary);
    // A page on the private network reaching loopback: asked, and said so.
    let c = local_network_access(
        "http://app.test",
        &page_on("app.test:80:192.168.1.2"),
        loopback,
        &ALL,
    )
    .unwrap();
    assert!(c.summary.contains("from --resolve"), "{}", c.summary);
    assert!(c.blocks(Engine::Chromium));
}

#[test]
fn chromium_s_console_words_and_codes_are_quoted() {
    let loopback: SocketAddr = "127.0.0.1:8080".parse().unwrap();
    let private: SocketAddr = "10.0.0.2:80".parse().unwrap();
    let detail = |page: &str, to: SocketAddr| {
        local_network_access(page, &[], to, &[Engine::Chromium])
            .unwrap()
            .engines[0]
            .2
            .clone()
    };
    let asks = detail("https://app.example", loopback);
    assert!(
        asks.contains("\"Loopback network\"")
            && asks.contains("LocalNetworkAccessPermissionDenied")
            && asks.contains("access the `loopback` address space."),
        "{asks}"
    );
    assert!(detail("https://app.example", private).contains("\"Local network\""));
    let blocks = detail("http://app.example", private);
    assert!(
        blocks.contains("InsecureLocalNetwork")
            && blocks.contains("more-private address space `local`."),
        "{blocks}"
    );
}

#[test]
fn local_network_access_carries_chromium_s_devtools_code() {
    let loopback: SocketAddr = "127.0.0.1:8080".parse().unwrap();
    let cause = |page: &str| local_network_access(page, &[], loopback, &ALL).unwrap();
    // A non-secure page: blocked outright, before CORS.
    let plain = cause("http://app.example");
    assert_eq!(plain.devtools_code, Some("InsecureLocalNetwork"));
    assert_eq!(
        plain.blocking_code(Engine::Chromium),
        Some("InsecureLocalNetwork")
    );
    assert_eq!(plain.blocking_code(Engine::Firefox), None);
    // A secure page: the prompt; its code is the denial's, and it blocks
    // nothing by itself.
    let secure = cause("https://app.example");
    assert_eq!(
        secure.devtools_code,
        Some("LocalNetworkAccessPermissionDenied")
    );
    assert_eq!(secure.blocking_code(Engine::Chromium), None);
    // Mixed content has no corsError in Chromium.
    let mixed = mixed_content("https://app.example", "http://api.example/x", &ALL).unwrap();
    assert_eq!(mixed.devtools_code, None);
}
