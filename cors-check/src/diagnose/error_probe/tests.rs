use super::*;

fn missing(url: &str) -> String {
    missing_url(&url.parse().unwrap()).unwrap().to_string()
}

#[test]
fn the_missing_path_sits_beside_the_called_resource_without_its_query() {
    assert_eq!(
        missing("https://api.example/v1/items/7?x=1"),
        "https://api.example/v1/items/cors-check-no-such-resource"
    );
    assert_eq!(
        missing("https://api.example/v1/items/"),
        "https://api.example/v1/items/cors-check-no-such-resource"
    );
    assert_eq!(
        missing("http://127.0.0.1:8080/"),
        "http://127.0.0.1:8080/cors-check-no-such-resource"
    );
    assert_eq!(
        missing("http://127.0.0.1:8080"),
        "http://127.0.0.1:8080/cors-check-no-such-resource"
    );
}
