//! Headers as the outputs show them: which matter to CORS, and their
//! values with credentials redacted.

/// Whether a header name matters to CORS (what the human output shows).
pub fn is_cors_relevant(name: &str) -> bool {
    name.starts_with("access-control-")
        || name == tower_cors::EXPLANATION_HEADER.as_str()
        || matches!(
            name,
            "origin"
                | "vary"
                | "location"
                | "www-authenticate"
                | "cache-control"
                | "age"
                | "x-cache"
                | "cf-cache-status"
                | "cookie"
                | "authorization"
        )
}

/// A header value as shown: credentials are redacted.
pub fn shown_value(name: &str, value: &http::HeaderValue) -> String {
    if matches!(name, "cookie" | "authorization") {
        let text = String::from_utf8_lossy(value.as_bytes());
        let scheme = text
            .split_once(' ')
            .map(|(s, _)| s)
            .filter(|_| name == "authorization");
        return match scheme {
            Some(s) => format!("{s} <redacted, {} bytes>", value.len()),
            None => format!("<redacted, {} bytes>", value.len()),
        };
    }
    String::from_utf8_lossy(value.as_bytes()).into_owned()
}
