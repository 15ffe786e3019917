//! What each engine prints in its console for a blocked `fetch()`: the
//! reason's sentence and the lines around it, in the engine's order, from
//! the reason table ([`super::reasons`]).

use super::engine::Engine;
use super::reasons::{
    fill, FIREFOX_DID_NOT_SUCCEED, FIREFOX_PREFLIGHT_DID_NOT_SUCCEED, WEBKIT_CONSOLE,
};
use super::verdict::{Blocked, Check, Failure};
use crate::fetch;

impl Blocked {
    /// The console lines `engine` prints for these responses, one per
    /// console message, in order; empty when it would not block them (see
    /// [`reason_in`](Blocked::reason_in)).
    ///
    /// - Chromium (and the standard, which prints nothing): its one
    ///   sentence, [`message`](Blocked::message).
    /// - Firefox: its "Cross-Origin Request Blocked" sentence, then, after
    ///   a failed preflight or a refused redirect, "CORS request did not
    ///   succeed" (twice for a preflight answered with a bare redirect,
    ///   after "CORS preflight response did not succeed" for one with CORS
    ///   headers), as Firefox ESR 153 prints them.
    /// - WebKit: the reason, the script's failure naming the URL it called,
    ///   the request's failure (WebKitGTK 2.50).
    ///
    /// ```
    /// use http::{HeaderMap, StatusCode};
    /// use tower_cors::browser::{check_preflight, Engine, PageRequest};
    ///
    /// let request = PageRequest::new("https://app.example", "PUT", "https://api.example/x").prepare()?;
    /// let blocked = check_preflight(Engine::Firefox, &request, StatusCode::FORBIDDEN, &HeaderMap::new())
    ///     .unwrap_err();
    /// assert_eq!(blocked.console_in(Engine::Firefox), [
    ///     "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example/x. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 403.",
    ///     "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example/x. (Reason: CORS request did not succeed). Status code: (null).",
    /// ]);
    /// assert_eq!(blocked.console_in(Engine::WebKit)[1], "Fetch API cannot load https://api.example/x due to access control checks.");
    /// # Ok::<(), tower_cors::browser::InvalidRequest>(())
    /// ```
    pub fn console_in(&self, engine: Engine) -> Vec<String> {
        let Some(failure) = self.first_for(engine) else {
            return Vec::new();
        };
        match engine {
            Engine::Standard | Engine::Chromium => vec![self.message()],
            Engine::Firefox => self.firefox_console(failure),
            Engine::WebKit => {
                let reason = self.reason_in(engine).unwrap_or_default();
                let url = self.exchange.initial_url.to_string();
                WEBKIT_CONSOLE
                    .iter()
                    .map(|line| fill(line, &[("{reason}", &reason), ("{url}", &url)]))
                    .collect()
            }
        }
    }

    /// Firefox's lines: the reason's sentence, then "did not succeed" after
    /// a failed preflight or a refused redirect.
    fn firefox_console(&self, failure: &Failure) -> Vec<String> {
        let exchange = &self.exchange;
        let url = exchange.url.to_string();
        let status = exchange.status.to_string();
        let firefox = failure.firefox();
        let token = first_non_token(&failure.webkit_parameter);
        let sentence = |template: &str| {
            fill(
                template,
                &[
                    ("{url}", &url),
                    ("{status}", &status),
                    ("{token}", token),
                    ("{}", &failure.parameter),
                ],
            )
        };
        let did_not_succeed = sentence(FIREFOX_DID_NOT_SUCCEED);
        let mut lines = vec![sentence(firefox.console)];
        match (self.is_preflight(), exchange.redirected) {
            (true, true) if failure.check == Check::Redirect => {
                lines.push(sentence(FIREFOX_PREFLIGHT_DID_NOT_SUCCEED));
                lines.push(did_not_succeed);
            }
            (true, true) => lines.extend([did_not_succeed.clone(), did_not_succeed]),
            (true, false) | (false, true) => lines.push(did_not_succeed),
            (false, false) => {}
        }
        lines
    }
}

/// The first element of a list value that is not a token, as Firefox
/// quotes it: trimmed, empty ones skipped.
fn first_non_token(list: &str) -> &str {
    list.split(',')
        .map(|t| t.trim_matches([' ', '\t']))
        .find(|t| !t.is_empty() && !fetch::is_token(t.as_bytes()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
