use super::*;

#[test]
fn the_line_names_the_request_and_whole_seconds() {
    assert_eq!(
        line("GET https://api.example/x", Duration::from_millis(2700)),
        "waiting for GET https://api.example/x … 2 s"
    );
    let long = format!("GET https://api.example/{}", "a".repeat(80));
    assert_eq!(
        line(&long, Duration::ZERO),
        format!("waiting for {}… … 0 s", &long[..59])
    );
}

#[tokio::test(flavor = "current_thread")]
async fn waiting_past_the_quiet_second_returns_what_the_request_returned() {
    let progress = Progress { enabled: true };
    let slow = async {
        tokio::time::sleep(QUIET + TICK).await;
        42
    };
    assert_eq!(progress.while_waiting("GET /", slow).await, 42);
}
