use super::*;

fn life(engine: Engine, v: Option<&str>) -> u64 {
    engine.preflight_cache_lifetime(v).as_secs()
}

#[test]
fn missing_or_invalid_is_five_seconds() {
    for engine in Engine::ALL {
        assert_eq!(life(engine, None), 5, "{engine}");
    }
    for engine in [Engine::Standard, Engine::Chromium, Engine::WebKit] {
        assert_eq!(life(engine, Some("ten")), 5, "{engine}");
        assert_eq!(life(engine, Some("10, 20")), 5, "{engine}");
    }
}

#[test]
fn zero_and_negative_are_not_cached() {
    for engine in Engine::ALL {
        assert_eq!(life(engine, Some("0")), 0, "{engine}");
        assert_eq!(life(engine, Some("-1")), 0, "{engine}");
    }
}

#[test]
fn firefox_refuses_anything_but_digits() {
    assert_eq!(life(Engine::Firefox, Some("")), 5);
    assert_eq!(life(Engine::Firefox, Some("+5")), 0);
    assert_eq!(life(Engine::Firefox, Some("5, 5")), 0);
    assert_eq!(life(Engine::Firefox, Some("600")), 600);
}

#[test]
fn caps_apply() {
    let big = Some("99999999999999999999999");
    assert_eq!(life(Engine::Standard, big), u64::MAX);
    assert_eq!(life(Engine::Chromium, Some("7201")), 7200);
    assert_eq!(life(Engine::Firefox, big), 86400);
    assert_eq!(life(Engine::WebKit, Some("601")), 600);
    // Too large for an i64: Chromium and WebKit fall back to 5 s.
    assert_eq!(life(Engine::Chromium, big), 5);
    assert_eq!(life(Engine::WebKit, Some("+601")), 600);
    assert_eq!(life(Engine::Standard, Some(" 30 ")), 30);
}
