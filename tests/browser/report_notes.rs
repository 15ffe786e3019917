//! The prose of `docs/browsers.md` that no run changes: what the cookie
//! cases show, and how to read the write guard's and the rest of the
//! cross-origin surface's tables of what arrived at the API.

/// Heads the write guard's table of what arrived at the API.
pub const GUARD_NOTES: &str = "
## The write guard: what arrived at the API

The cases of the write guard group above, by what the API received. Each
cell: `Sec-Fetch-Site` / `Sec-Fetch-Mode` / `Sec-Fetch-Dest`, then `Origin`
and the cookie (– for an absent header), and whether the API's own handler
ran or the CORS layer refused the request before it (403). The suite
asserts the `Sec-Fetch-Site`, the `Origin`, the cookie and the handler.

- The user logs in first: the tab opens the API's `/api/login` (a
  top-level GET, first party), which sets `sid_guard=1` without a
  `SameSite` attribute; then the page writes. `127.0.0.1` on two ports is
  same site, `localhost` against `127.0.0.1` cross site.
- On loopback (`127.0.0.1`, `localhost`: potentially trustworthy origins
  even over plain http) all three engines send `Sec-Fetch-Site` on every
  one of these requests, and `Origin` on every POST, the same-origin form
  post included. The guard decides on `Sec-Fetch-Site` in each of them.
- **Plain http on a name that is not loopback** (`plain-*`: `app.test`
  and `other.test`, which Chromium maps with `--host-resolver-rules`,
  Firefox with `network.dns.localDomains`, and WebKit, which has neither,
  reaches through an HTTP proxy given with MiniBrowser's `--proxy`): no
  engine sends any `Sec-Fetch-*` header, not on the visit, the form post
  or the `fetch`. This is today's Chromium, Firefox ESR and WebKitGTK, not
  older browsers: Fetch Metadata goes to potentially trustworthy URLs
  only, and `http://intranet.example` is not one. Every engine still sends
  `Origin` on every POST (the same-origin form post and the same-origin
  `fetch` included) and the cookie, so the guard decides on `Origin`
  against `Host`: the site's own writes reach the handler, a form post
  from another name is refused.
- **Behind a front that rewrites `Host`** (`plain-front`: a small proxy
  in the suite sends `Host: 127.0.0.1:API`, as nginx's default
  `proxy_set_header Host $proxy_host` does), the site's own same-origin
  form post arrives with `Origin: http://app.test:PORT`, no Fetch
  Metadata, and a `Host` that no longer matches: the guard refuses it.
  Behind such a front, either pass the public `Host` through or declare
  the site's public origins in `server_origins`: with
  `http://app.test:PORT` declared (`plain-front-declared`, the same front
  and the same post), the post reaches the handler in every engine.
- **A cross-site form post answered `307` to the API**
  (`guard-form-307`): the page on `localhost` posts to a server of its
  own site, which redirects, method and body kept, to the API on
  `127.0.0.1`. In every engine the redirected POST arrives with
  `Origin: null` (the redirect taints the origin), `Sec-Fetch-Site:
  cross-site` (the farthest URL of the chain counts) and the user's cookie
  (Chromium: under two minutes old, as above), and the guard refuses it. A
  redirect does not launder a forged write.
- Chromium and Firefox mark the login navigation the driver starts
  `Sec-Fetch-Site: none`, like an address typed by the user; WebKit rates
  it against the page the tab leaves (`same-site`, `cross-site`, ...). It
  is a GET, which the guard never refuses.
- The cookie is what a forged write abuses. It arrives on every write from
  a same-site page in every engine, and on a cross-site form post in every
  engine: Chromium treats a cookie without `SameSite` as `Lax`, yet sends
  it on a cross-site top-level POST and warns
  `WarnSameSiteUnspecifiedLaxAllowUnsafe` (its \"Lax-allowing-unsafe\"
  exception, which by Chromium's documentation holds for two minutes after
  the cookie is set; the suite posts within seconds). A cross-site fetch
  carries it only in WebKit. Without the guard (the `guard-off` control)
  the handler runs for all three writes with the cookie, although the page
  can read none of the answers.
- The browser model made every write too (the form posts, `no-cors`
  fetches and `text/plain` POSTs; not the visits, which no page makes),
  against the same APIs, and agreed with each engine on what it sent
  (`Origin`, `Sec-Fetch-*`), the status it got, and that the page reads
  none of the refused answers. It carries no cookies.

";

/// Heads the table of what arrived at the API for the rest of the
/// cross-origin surface (WebSockets, isolation, timing).
pub const SURFACE_NOTES: &str = "
## The rest of the cross-origin surface: what arrived at the API

The cases of the cross-origin surface group above (WebSockets, resource
isolation, `Timing-Allow-Origin`), by what the API received, as for the
write guard (and, where it answered one, the `Timing-Allow-Origin`). 🔎 in
the table above is what the page's script saw: the socket's echo or its
close (with the close code), a `<script>` or `<img>` element's `load` or
`error` event, or the fetch's `PerformanceResourceTiming` entry
(`details`: `domainLookupStart`, `requestStart` and `responseStart`
non-zero; `zeros`: they and `transferSize` zero). The suite asserts the
page's word, and for every request the `Sec-Fetch-Site`, the `Origin`,
the status, whether the API's handler ran (the handler marks each
response it makes; a request the layer refuses has no such mark), and
for the timing cases the `Timing-Allow-Origin` answered.

- **WebSocket handshakes.** Every engine sends `Origin` on the
  handshake. Chromium sends no Fetch Metadata on it at all, so the guard
  decides on `Origin`; Firefox sends `Sec-Fetch-Site`, `Sec-Fetch-Mode:
  websocket` and `Sec-Fetch-Dest: empty`, WebKit the same with
  `Sec-Fetch-Dest: websocket`, and the guard decides on `Sec-Fetch-Site`.
  From the page the policy does not allow, the handshake is answered 403
  and the `/ws` handler never runs; the page sees only a close (code
  1006), as for any failed handshake. With the guard off (the control),
  the handler upgrades for that cross-site page and the page reads the
  echo: browsers do nothing against cross-site WebSocket hijacking.
- **Resource isolation.** From the cross-site page, `<script src>`,
  `<img src>` and a `no-cors` `fetch` arrive without `Origin`, with
  `Sec-Fetch-Site: cross-site`, `Sec-Fetch-Mode: no-cors` and the
  `Sec-Fetch-Dest` of the load (`script`, `image`, `empty`), in all three
  engines; the layer answers 403 and the handler never runs. The page
  sees the element's `error` event (WebKit also cancels the script's load
  on the error status: `Load request cancelled`) and, for the `fetch`, an
  opaque response (status 0: a `no-cors` page cannot tell the 403 from a
  200). A link the page clicks arrives as `navigate` / `document` and
  reaches the handler. From the allowed page, the CORS `fetch` carries
  `Origin` and reaches the handler, but its `<img>` carries no `Origin`
  and is refused too: isolation lets a same-site load through only from
  an allowed origin, and a `no-cors` load names none. A front end on
  another origin of the same site loads such resources with
  `crossorigin` (a CORS request) or from its own origin, or the route is
  exempted.
- **`Timing-Allow-Origin`.** With the setting on, the API answers the
  allowed page's fetch with `Timing-Allow-Origin: <its origin>`, and in
  all three engines that page's entry carries the timings. The page the
  policy does not allow (a `no-cors` fetch; the API answers it without the
  header) and the allowed page on an API without the setting read zeros
  in every engine. The sizes differ: Chromium and Firefox give
  `transferSize` and `encodedBodySize` with the header, and Firefox gives
  the allowed page's `encodedBodySize` even without it (not the `no-cors`
  fetch's); WebKit gives both as 0 either way. Chromium warns
  `ResponseWasBlockedByORB` for the `no-cors` JSON answer (opaque response
  blocking keeps its body from the page), which has nothing to do with the
  timings.

";

/// Follows the cookie cases: loopback over plain http, and what changes
/// over https.
pub const COOKIE_NOTES: &str = "
## Cookies: plain http on loopback, and what changes over https

The cookie cases are what a developer meets on their own machine: page and
API on loopback over plain http. A site is scheme plus registrable domain,
ports ignored: `127.0.0.1:3000` calling `127.0.0.1:3001` is cross-origin
(CORS applies) but same site, and every engine sends the cookie back on a
credentialed request (and never without `credentials: \"include\"`). A page
on `localhost` calling `127.0.0.1` is cross site: the cookie is a
third-party cookie, and the table shows what each engine does with it.

Over https in production:

- A cookie that must travel cross site needs `SameSite=None; Secure`, and
  `Secure` needs https. (Firefox accepted `Secure` from `http://127.0.0.1`
  above because loopback counts as a secure origin; that exception does not
  exist for a real host.)
- https does not make a cross-site cookie first-party. Chromium blocks
  third-party cookies when the user or a policy says so (`UserPreferences`
  above), Firefox partitions them by top-level site and asks for the
  `Partitioned` attribute (`cookiesCHIPS`, which itself needs `Secure`),
  and WebKit blocks them. Serving front end and API from the same site
  (`app.example.com` and `api.example.com`) avoids all of it, while CORS
  still applies between the two origins.
- An https page cannot call an http API at all (mixed content).
- None of this is CORS: tower-cors answers the same either way. CORS only
  decides whether the page may read the response; cookies decide whether the
  server knows who asked.
";
