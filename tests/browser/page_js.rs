//! The scripts a case's steps run in the page: a `fetch`, a form post, a
//! followed link, a resource load; each resolves to what the page could
//! see, in the shape the checks read.

use serde_json::{json, Value};

use crate::case::Load;

/// A JavaScript expression that runs one `fetch` and resolves to
/// `{ok, status, body, header}` or `{ok: false, error}`.
pub fn fetch_js(url: &str, init: &Value, read_header: Option<&str>) -> String {
    format!(
        r#"(async () => {{
            try {{
                const res = await fetch({url}, {init});
                const body = await res.text();
                return {{ ok: true, status: res.status, body, header: res.headers.get({header}) }};
            }} catch (e) {{
                return {{ ok: false, error: String(e) }};
            }}
        }})()"#,
        url = json!(url),
        header = json!(read_header.unwrap_or("x-none")),
    )
}

/// JavaScript that builds a `<form method=post action=url>` with `fields`
/// as hidden inputs and submits it.
pub fn form_js(url: &str, fields: &[(&str, &str)]) -> String {
    let inputs: Vec<Value> = fields.iter().map(|(n, v)| json!([n, v])).collect();
    format!(
        r#"const f = document.createElement("form");
        f.method = "post";
        f.action = {url};
        for (const [name, value] of {inputs}) {{
            const i = document.createElement("input");
            i.type = "hidden";
            i.name = name;
            i.value = value;
            f.appendChild(i);
        }}
        document.body.appendChild(f);
        f.submit();"#,
        url = json!(url),
        inputs = Value::Array(inputs),
    )
}

/// JavaScript that follows a link to `url`, as a click on it would.
pub fn link_js(url: &str) -> String {
    format!(
        r#"const a = document.createElement("a");
        a.href = {url};
        a.textContent = "link";
        document.body.appendChild(a);
        a.click();"#,
        url = json!(url),
    )
}

/// A JavaScript expression that uses `url` as `load` says and resolves to
/// `{shows, ...}` (at most 8 s: a socket that never answers shows
/// `"no answer"`).
pub fn load_js(load: &Load, url: &str) -> String {
    let url = json!(url);
    match load {
        Load::WebSocket => format!(
            r#"new Promise(resolve => {{
                const ws = new WebSocket({url});
                const t = setTimeout(() => resolve({{ shows: "no answer" }}), 8000);
                ws.onopen = () => ws.send("ping");
                ws.onmessage = e => {{ clearTimeout(t); resolve({{ shows: "echo " + e.data }}); ws.close(); }};
                ws.onclose = e => {{ clearTimeout(t); resolve({{ shows: "closed", code: e.code }}); }};
            }})"#
        ),
        Load::ScriptTag | Load::Image => {
            let tag = if matches!(load, Load::Image) {
                "img"
            } else {
                "script"
            };
            format!(
                r#"new Promise(resolve => {{
                    const el = document.createElement("{tag}");
                    el.onload = () => resolve({{ shows: "load" }});
                    el.onerror = () => resolve({{ shows: "error" }});
                    el.src = {url};
                    document.body.appendChild(el);
                }})"#
            )
        }
        Load::Timing { init } => format!(
            r#"(async () => {{
                const url = {url};
                let observer;
                const entry = new Promise(resolve => {{
                    observer = new PerformanceObserver(list => {{
                        const e = list.getEntriesByName(url)[0];
                        if (e) resolve(e);
                    }});
                    observer.observe({{ type: "resource", buffered: true }});
                }});
                try {{ await (await fetch(url, {init})).text(); }} catch (e) {{}}
                const none = new Promise(resolve => setTimeout(() => resolve(null), 5000));
                const e = await Promise.race([entry, none]);
                observer.disconnect();
                if (!e) return {{ shows: "no entry" }};
                const d = {{ domainLookupStart: e.domainLookupStart, requestStart: e.requestStart,
                    responseStart: e.responseStart, transferSize: e.transferSize,
                    encodedBodySize: e.encodedBodySize }};
                const timings = [d.domainLookupStart, d.requestStart, d.responseStart];
                const details = timings.every(t => t > 0);
                const zeros = timings.every(t => t === 0) && d.transferSize === 0;
                return {{ shows: details ? "details" : zeros ? "zeros" : "partial", ...d }};
            }})()"#
        ),
    }
}
