//! Cases against a server that is not tower-cors and answers with exactly
//! the headers each case needs: what browsers do with answers tower-cors
//! never gives (two ACAO values, `ACAC: TRUE`, redirects, a 500 without
//! CORS headers, `ACAH: *` with `Authorization`).

use serde_json::{json, Value};

use crate::case::{actual, preflight, ByEngine, Case, Expect, Logs, Sent};
use crate::cases_policy::fetch;
use crate::engine::Engine;
use crate::env::Env;
use crate::reasons::{
    ACAC_NOT_TRUE, AUTHORIZATION_UNDER_WILDCARD, COMMA_ACAO, MISSING_ACAO, PREFLIGHT_403_WITH_CORS,
    PREFLIGHT_REDIRECT, PREFLIGHT_REFUSED, REDIRECT_WITHOUT_ACAO, TWO_ACAO_LINES,
    WILDCARD_WITH_CREDENTIALS,
};
use crate::servers::{Reply, Script, Server};

const ACAO: &str = "access-control-allow-origin";
const ACAC: &str = "access-control-allow-credentials";
const ACAM: &str = "access-control-allow-methods";
const ACAH: &str = "access-control-allow-headers";
const PAGE: &str = "127.0.0.1";
const DATA: &str = "/api/data";

struct Other<'a> {
    env: &'a Env,
    origin: String,
}

impl Other<'_> {
    /// A case with one step on a server answering `script`.
    fn case(
        &self,
        id: &'static str,
        title: &'static str,
        script: Script,
        init: Value,
        expect: Expect,
        differs: Option<&'static str>,
    ) -> Result<Case, String> {
        let api = self.env.servers.other_api(script)?;
        let step = fetch("fetch", &api, PAGE, DATA, init, None, expect);
        Ok(self.wrap(id, title, api, None, step, differs))
    }

    fn wrap(
        &self,
        id: &'static str,
        title: &'static str,
        api: Server,
        target: Option<Server>,
        step: crate::case::Step,
        differs: Option<&'static str>,
    ) -> Case {
        Case {
            id,
            group: "other servers",
            title,
            page: self.env.blank(PAGE),
            logs: Logs::Suite { api, target },
            steps: vec![step],
            differs,
        }
    }

    /// A good preflight for PUT from the page.
    fn good_preflight(&self) -> Reply {
        Reply::new(200, &[(ACAO, &self.origin), (ACAM, "PUT")])
    }
}

/// The other-server cases.
pub fn cases(env: &Env) -> Result<Vec<Case>, String> {
    let o = Other {
        env,
        origin: env.origin(PAGE),
    };
    let origin = o.origin.as_str();
    let none = Reply::new(200, &[]);
    let get = || vec![actual("GET", 200)];
    let put = json!({"method": "PUT"});
    let with_credentials = json!({"credentials": "include"});
    let mut cases = vec![
        o.case(
            "two-acao",
            "two Access-Control-Allow-Origin lines, both the page's origin",
            Script {
                preflight: none.clone(),
                actual: Reply::new(200, &[(ACAO, origin), (ACAO, origin)]),
            },
            json!({}),
            Expect::blocked(TWO_ACAO_LINES, get()),
            Some("Firefox joins two lines into one value that does not match (CORSAllowOriginNotMatchingOrigin); Chromium and WebKit report several values."),
        )?,
        o.case(
            "star-and-origin-acao",
            "two Access-Control-Allow-Origin lines, * and the page's origin (a proxy adds one, the app the other)",
            Script {
                preflight: none.clone(),
                actual: Reply::new(200, &[(ACAO, "*"), (ACAO, origin)]),
            },
            json!({}),
            Expect::blocked(TWO_ACAO_LINES, get()),
            None,
        )?,
        o.case(
            "comma-acao",
            "one Access-Control-Allow-Origin line with a comma list",
            Script {
                preflight: none.clone(),
                actual: Reply::new(200, &[(ACAO, &format!("{origin}, https://other.example"))]),
            },
            json!({}),
            Expect::blocked(COMMA_ACAO, get()),
            Some("Firefox reports a comma list as a mismatch (CORSAllowOriginNotMatchingOrigin); Chromium and WebKit report several values."),
        )?,
        o.case(
            "star-credentials",
            "Access-Control-Allow-Origin: * with credentials (and ACAC: true)",
            Script {
                preflight: none.clone(),
                actual: Reply::new(200, &[(ACAO, "*"), (ACAC, "true")]),
            },
            with_credentials.clone(),
            Expect::blocked(WILDCARD_WITH_CREDENTIALS, get()),
            None,
        )?,
        o.case(
            "acac-upper",
            "Access-Control-Allow-Credentials: TRUE (only true counts)",
            Script {
                preflight: none.clone(),
                actual: Reply::new(200, &[(ACAO, origin), (ACAC, "TRUE")]),
            },
            with_credentials,
            Expect::blocked(ACAC_NOT_TRUE, get()),
            None,
        )?,
        o.case(
            "preflight-403",
            "a preflight answered 403 without CORS headers",
            Script {
                preflight: Reply::new(403, &[]),
                actual: none.clone(),
            },
            put.clone(),
            Expect::blocked(PREFLIGHT_REFUSED, vec![preflight("PUT", "", 403)]),
            Some("WebKit reports the status of a 403 preflight first; Chromium and Firefox report the missing Access-Control-Allow-Origin."),
        )?,
        o.case(
            "preflight-403-cors",
            "a preflight answered 403 with every CORS header",
            Script {
                preflight: Reply::new(403, &[(ACAO, origin), (ACAM, "PUT")]),
                actual: none.clone(),
            },
            put.clone(),
            Expect::blocked(PREFLIGHT_403_WITH_CORS, vec![preflight("PUT", "", 403)]),
            None,
        )?,
        o.case(
            "actual-500",
            "a good preflight, then a 500 without CORS headers",
            Script {
                preflight: o.good_preflight(),
                actual: Reply::new(500, &[]),
            },
            put.clone(),
            Expect::blocked(MISSING_ACAO, vec![preflight("PUT", "", 200), actual("PUT", 500)]),
            None,
        )?,
        o.case(
            "acah-star-authorization",
            "Access-Control-Allow-Headers: * and a request with Authorization (no credentials)",
            Script {
                preflight: Reply::new(200, &[(ACAO, origin), (ACAH, "*")]),
                actual: Reply::new(200, &[(ACAO, origin)]),
            },
            json!({"headers": {"Authorization": "Bearer t"}}),
            Expect::read(vec![preflight("GET", "authorization", 200), actual("GET", 200)])
                .warns(AUTHORIZATION_UNDER_WILDCARD),
            Some("The Fetch standard says * never covers Authorization; all three engines still allow it. Chromium and Firefox warn that this will end; WebKit is silent."),
        )?,
    ];
    cases.extend(redirects(&o)?);
    Ok(cases)
}

/// A 307 on the preflight (blocked), and a 307 on the actual request after
/// a good preflight: followed to another origin, with a new preflight
/// there, and `Origin: null` from then on (the redirect taints the origin).
fn redirects(o: &Other<'_>) -> Result<Vec<Case>, String> {
    let target = o.env.servers.other_api(Script {
        preflight: Reply::new(200, &[(ACAO, "*"), (ACAM, "PUT")]),
        actual: Reply::new(200, &[(ACAO, "*")]),
    })?;
    let to = target.url(PAGE, DATA);
    let on_preflight = o.env.servers.other_api(Script {
        preflight: Reply::redirect(to.clone()),
        actual: Reply::new(200, &[]),
    })?;
    // A redirect is itself a response to a CORS request: it must pass the
    // CORS check to be followed.
    let mut redirect = Reply::redirect(to.clone());
    redirect.headers.push((ACAO, o.origin.clone()));
    let on_actual = o.env.servers.other_api(Script {
        preflight: o.good_preflight(),
        actual: redirect,
    })?;
    let bare_redirect = o.env.servers.other_api(Script {
        preflight: o.good_preflight(),
        actual: Reply::redirect(to),
    })?;
    let put = json!({"method": "PUT"});
    let followed = |target_preflight: Sent| -> Vec<Sent> {
        vec![
            preflight("PUT", "", 200),
            actual("PUT", 307),
            target_preflight,
            actual("PUT", 200).at_target().null_origin(),
        ]
    };
    let at_target = preflight("PUT", "", 200).at_target();
    // WebKit after the redirect: the new preflight `cross-site`, the PUT
    // without Fetch Metadata.
    let webkit_followed = vec![
        preflight("PUT", "", 200).site(Some("same-site")),
        actual("PUT", 307).site(Some("same-site")),
        at_target.clone().null_origin().site(Some("cross-site")),
        actual("PUT", 200).at_target().null_origin().site(None),
    ];
    Ok(vec![
        o.wrap(
            "preflight-307",
            "a preflight answered 307 (no CORS headers)",
            on_preflight.clone(),
            Some(target.clone()),
            fetch(
                "fetch",
                &on_preflight,
                PAGE,
                DATA,
                put.clone(),
                None,
                Expect::blocked(PREFLIGHT_REDIRECT, vec![preflight("PUT", "", 307)]),
            ),
            Some("Chromium names the redirect; Firefox reports the missing Access-Control-Allow-Origin (and the failure twice); WebKit reports a failed status (307)."),
        ),
        o.wrap(
            "actual-307",
            "a good preflight, then a 307 (with ACAO) to another origin on the PUT",
            on_actual.clone(),
            Some(target.clone()),
            fetch(
                "fetch",
                &on_actual,
                PAGE,
                DATA,
                put,
                None,
                Expect {
                    sent: ByEngine::all(followed(at_target.clone().null_origin()))
                        .but(Engine::Firefox, followed(at_target.clone()))
                        .but(Engine::WebKit, webkit_followed),
                    ..Expect::read(Vec::new())
                }
                .model_differs(Engine::Firefox, "requests")
                .model_differs(Engine::WebKit, "requests"),
            ),
            Some("After the redirect, Chromium and WebKit send Origin: null on the new preflight and on the PUT; Firefox sends the page's origin on the preflight and null on the PUT. WebKit also rates the new preflight Sec-Fetch-Site: cross-site and sends the redirected PUT without any Sec-Fetch-* header."),
        ),
        o.wrap(
            "actual-307-bare",
            "a good preflight, then a 307 without CORS headers on the PUT",
            bare_redirect.clone(),
            Some(target),
            fetch(
                "fetch",
                &bare_redirect,
                PAGE,
                DATA,
                json!({"method": "PUT"}),
                None,
                Expect::blocked(
                    REDIRECT_WITHOUT_ACAO,
                    vec![preflight("PUT", "", 200), actual("PUT", 307)],
                ),
            ),
            None,
        ),
    ])
}
