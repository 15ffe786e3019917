use http::HeaderValue;
use std::mem::size_of;

/// What an actual request's future carries besides the inner future is
/// moved with it on every request: two header values (the origin and
/// the exposed headers), two flags and a pointer to the rare rest.
#[test]
fn the_headers_an_actual_response_waits_with_stay_small() {
    let budget = 2 * size_of::<HeaderValue>() + 2 * size_of::<usize>();
    assert!(
        size_of::<crate::decision::ActualHeaders>() <= budget,
        "{} > {budget}",
        size_of::<crate::decision::ActualHeaders>()
    );
    assert!(size_of::<super::Action>() <= budget + size_of::<usize>());
}
