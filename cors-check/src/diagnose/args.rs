//! The command line, and the request it describes: a page at `--origin`
//! calling `fetch(URL, {method, headers, credentials})`.

use std::time::Duration;

use clap::{Parser, ValueEnum};
use tower_cors::browser::{CorsRequest, Credentials, Engine, PageRequest};

use crate::transport::Resolve;

/// Checks a deployed API the way a browser (Chromium) would: sends the
/// preflight and the request exactly as the browser builds them, runs the
/// browser's CORS checks on the answers, and says the verdict, Chromium's
/// console message and the fix.
///
/// Exit status: 0 allowed with no medium or high finding; 1 blocked, or a
/// medium or high finding; 2 the check could not run (usage, DNS,
/// connection, TLS or timeout).
#[derive(Debug, Parser)]
#[command(name = "cors-check", version, after_help = EXAMPLES)]
pub struct Args {
    /// The URL the page calls (http or https).
    pub url: String,

    /// The page's origin, as the browser sends it: scheme, host and port
    /// only (`https://app.example.com`), or `null`.
    #[arg(long, value_name = "ORIGIN")]
    pub origin: String,

    /// The method as the script writes it: only DELETE, GET, HEAD, OPTIONS,
    /// POST and PUT are upper-cased (`patch` stays `patch`).
    #[arg(long, short = 'X', value_name = "M", default_value = "GET")]
    pub method: String,

    /// A request header the script sets, `Name: value` (repeatable).
    /// `Cookie` and `Authorization` stand for the user's credentials with
    /// `--credentials`.
    #[arg(short = 'H', long = "header", value_name = "'Name: value'")]
    pub headers: Vec<String>,

    /// `credentials: "include"`: a credentialed request, which sends any
    /// `Cookie` given with -H.
    #[arg(long)]
    pub credentials: bool,

    /// Print one JSON object (fields in docs/cors-check.md).
    #[arg(long)]
    pub json: bool,

    /// Seconds to wait for each response.
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub timeout: f64,

    /// Whose rules judge the request: each engine's verdict, console reason,
    /// warnings and preflight-cache time where the engines differ.
    #[arg(long, value_enum, value_name = "ENGINE", default_value_t = EngineArg::Chromium)]
    pub engine: EngineArg,

    /// A `Set-Cookie` line of the API (repeatable): with --credentials, says
    /// whether each engine sends that cookie with this request. Those in the
    /// API's responses are read too.
    #[arg(long = "set-cookie", value_name = "'name=value; attributes'")]
    pub set_cookies: Vec<String>,

    /// Also probe the origins misconfigured servers let in: an arbitrary
    /// one, `null`, prefix and suffix tricks, an unescaped dot, `http://`
    /// for an `https://` page, an arbitrary subdomain.
    #[arg(long)]
    pub audit: bool,

    /// Connect to ADDR for HOST:PORT instead of where DNS says, as curl's
    /// option of that name (repeatable): the URL, `Host` and TLS keep the
    /// name. An entry for the page's origin gives the page's own address
    /// (its address space, for Local Network Access).
    #[arg(long, value_name = "HOST:PORT:ADDR")]
    pub resolve: Vec<String>,
}

/// `--engine`'s values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    /// Chrome, Edge and every Blink browser.
    Chromium,
    /// Firefox (Gecko).
    Firefox,
    /// Safari and every WebKit browser.
    Webkit,
    /// The three, Chromium first.
    All,
}

impl EngineArg {
    /// The engines it names.
    pub fn engines(self) -> Vec<Engine> {
        match self {
            EngineArg::Chromium => vec![Engine::Chromium],
            EngineArg::Firefox => vec![Engine::Firefox],
            EngineArg::Webkit => vec![Engine::WebKit],
            EngineArg::All => Engine::BROWSERS.to_vec(),
        }
    }
}

const EXAMPLES: &str = "\
Examples:
  cors-check https://api.example.com/items --origin https://app.example.com
  cors-check https://api.example.com/items/1 --origin https://app.example.com \\
      -X PUT -H 'Content-Type: application/json' -H 'Authorization: Bearer t' --credentials
  cors-check https://api.example.com/items --origin https://app.example.com --audit --json

A deployment checked against its intended policy (options: cors-check --policy FILE --help):
  cors-check --policy config/app.toml https://api.example.com/items --junit cors.xml";

/// What one run checks, validated.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The page's `fetch()` call.
    pub page: PageRequest,
    /// It, once `fetch()` accepted it.
    pub request: CorsRequest,
    /// `Cookie` values to send on credentialed requests to the URL's origin.
    pub cookies: Vec<String>,
    /// Headers given with -H that a script cannot set, so that no browser
    /// sends them (`Cookie` without `--credentials` included).
    pub dropped: Vec<String>,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Whether to run the origin probes.
    pub audit: bool,
    /// The engines whose verdicts are given, the first one leading.
    pub engines: Vec<Engine>,
    /// `--set-cookie` lines.
    pub set_cookies: Vec<String>,
    /// `--resolve` entries.
    pub resolve: Vec<Resolve>,
}

impl Plan {
    /// Checks the arguments as `fetch()` would; the error is a usage error.
    pub fn from_args(args: &Args) -> Result<Self, String> {
        if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 3600.0) {
            return Err(format!(
                "--timeout must be a number of seconds between 0 and 3600, not {}",
                args.timeout
            ));
        }
        let resolve = args
            .resolve
            .iter()
            .map(|r| Resolve::parse(r))
            .collect::<Result<Vec<_>, _>>()?;
        let credentials = if args.credentials {
            Credentials::Include
        } else {
            Credentials::SameOrigin
        };
        let mut page =
            PageRequest::new(&args.origin, &args.method, &args.url).credentials(credentials);
        let mut cookies = Vec::new();
        let mut dropped = Vec::new();
        for line in &args.headers {
            let (name, value) = split_header(line)?;
            if name.eq_ignore_ascii_case("cookie") {
                if args.credentials {
                    cookies.push(value.to_owned());
                } else {
                    dropped.push(format!(
                        "{name} (a browser sends cookies only with credentials: \"include\"; add --credentials)"
                    ));
                }
                continue;
            }
            page = page.header(name, value);
        }
        let request = page
            .prepare()
            .map_err(|e| format!("fetch() would throw a TypeError: {e}"))?;
        let kept = request.headers();
        for (name, _) in page.headers() {
            if !kept.contains_key(name.to_ascii_lowercase().as_str()) {
                dropped.push(format!(
                    "{name} (a forbidden request header: scripts cannot set it, browsers drop it)"
                ));
            }
        }
        Ok(Self {
            page,
            request,
            cookies,
            dropped,
            timeout: Duration::from_secs_f64(args.timeout),
            audit: args.audit,
            engines: args.engine.engines(),
            set_cookies: args.set_cookies.clone(),
            resolve,
        })
    }

    /// Whether the request is credentialed.
    pub fn credentialed(&self) -> bool {
        self.request.is_credentialed()
    }
}

/// Splits `Name: value` (curl's form).
fn split_header(line: &str) -> Result<(&str, &str), String> {
    let (name, value) = line
        .split_once(':')
        .ok_or_else(|| format!("-H '{line}': expected 'Name: value'"))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(format!("-H '{line}': the header name is empty"));
    }
    Ok((name, value.trim()))
}

#[cfg(test)]
mod tests;
