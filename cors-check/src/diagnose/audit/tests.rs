use super::*;

fn origins(page: &str) -> Vec<String> {
    tricks(page).into_iter().map(|t| t.origin).collect()
}

#[test]
fn tricks_for_a_named_https_origin() {
    assert_eq!(
        origins("https://app.example.com"),
        [
            "null",
            "https://app.example.com.cors-check-probe.example",
            "https://corscheckexample.com",
            "https://appxexample.com",
            "https://cors-check-probe.app.example.com",
            "http://app.example.com",
        ]
    );
}

#[test]
fn tricks_keep_the_port_and_skip_what_an_ip_cannot_have() {
    assert_eq!(
        origins("http://127.0.0.1:8080"),
        ["null", "http://127.0.0.1.cors-check-probe.example:8080"]
    );
    assert_eq!(origins("http://[::1]:3000"), ["null"]);
    assert_eq!(
        origins("http://localhost:3000")[2..],
        [
            "http://corschecklocalhost:3000",
            "http://cors-check-probe.localhost:3000"
        ]
    );
    assert_eq!(origins("null"), ["null"]);
}
