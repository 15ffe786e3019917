//! The diagnosis's options, part of the one command line
//! ([`crate::cli`]), and the request they describe: a page at `--origin`
//! calling `fetch(URL, {method, headers, credentials})`.

use std::time::Duration;

use clap::{Args, ValueEnum};
use tower_cors::browser::{CorsRequest, Credentials, Engine, PageRequest};

use crate::transport::Resolve;

/// Diagnose one request the way a browser would make it.
#[derive(Debug, Clone, Args)]
#[group(id = "diagnose", multiple = true, conflicts_with = "policy_source")]
#[command(next_help_heading = "Diagnose one request (one URL)")]
pub struct DiagnoseArgs {
    /// The page's origin, as the browser sends it: scheme, host and port
    /// only (`https://app.example.com`), or `null`.
    #[arg(long, value_name = "ORIGIN", required_unless_present_any = ["policy", "policy_env"])]
    pub origin: Option<String>,

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
    pub fn from_args(url: &str, timeout: Duration, args: &DiagnoseArgs) -> Result<Self, String> {
        let origin = args.origin.as_deref().unwrap_or_default();
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
        let mut page = PageRequest::new(origin, &args.method, url).credentials(credentials);
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
            timeout,
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
