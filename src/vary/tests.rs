use super::*;

fn vary_after(lines: &[&'static str]) -> Vec<String> {
    let mut h = HeaderMap::new();
    for l in lines {
        h.append(VARY, HeaderValue::from_static(l));
    }
    add_origin(&mut h);
    h.get_all(VARY)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[test]
fn adds_origin_once_and_keeps_the_rest() {
    assert_eq!(vary_after(&[]), ["origin"]);
    assert_eq!(
        vary_after(&["accept-encoding"]),
        ["accept-encoding", "origin"]
    );
    assert_eq!(
        vary_after(&["Accept-Encoding, Origin"]),
        ["Accept-Encoding, Origin"]
    );
    assert_eq!(vary_after(&["accept", "ORIGIN"]), ["accept", "ORIGIN"]);
    assert_eq!(vary_after(&["*"]), ["*"]);
    assert_eq!(vary_after(&["origin-x"]), ["origin-x", "origin"]);
}
