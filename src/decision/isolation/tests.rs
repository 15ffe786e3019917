use http::header::HeaderMap;
use http::Method;

use super::*;

fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(*name, HeaderValue::from_static(value));
    }
    map
}

#[test]
fn without_fetch_metadata_or_from_the_same_origin_it_passes() {
    for pairs in [
        &[][..],
        &[("sec-fetch-mode", "no-cors"), ("sec-fetch-dest", "script")],
        &[
            ("sec-fetch-site", "same-origin"),
            ("sec-fetch-mode", "no-cors"),
        ],
        &[("sec-fetch-site", "none"), ("sec-fetch-mode", "navigate")],
    ] {
        assert!(
            refuses(&Method::GET, &headers(pairs)).is_none(),
            "{pairs:?}"
        );
    }
}

#[test]
fn navigations_pass_but_not_objects_embeds_or_unsafe_methods() {
    let nav = |dest| {
        headers(&[
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-mode", "navigate"),
            ("sec-fetch-dest", dest),
        ])
    };
    for dest in ["document", "iframe", "frame"] {
        assert!(refuses(&Method::GET, &nav(dest)).is_none(), "{dest}");
        assert!(refuses(&Method::HEAD, &nav(dest)).is_none(), "{dest}");
        assert!(refuses(&Method::POST, &nav(dest)).is_some(), "{dest}");
    }
    for dest in ["object", "embed"] {
        assert!(refuses(&Method::GET, &nav(dest)).is_some(), "{dest}");
    }
}

#[test]
fn other_sites_loads_are_refused_with_their_site() {
    for site in ["cross-site", "same-site", "bogus"] {
        let map = headers(&[
            ("sec-fetch-site", site),
            ("sec-fetch-mode", "no-cors"),
            ("sec-fetch-dest", "image"),
        ]);
        assert_eq!(refuses(&Method::GET, &map).unwrap(), site);
    }
    // Only the first line of each header counts.
    let map = headers(&[
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-origin"),
        ("sec-fetch-mode", "cors"),
        ("sec-fetch-mode", "navigate"),
    ]);
    assert!(refuses(&Method::GET, &map).is_some());
}
