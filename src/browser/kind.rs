//! The kinds of request a page makes: a `fetch()` in `cors` mode (the only
//! kind the CORS protocol governs), a `fetch()` in `no-cors` mode, and a
//! `<form>` submission. The last two need no permission from the server:
//! the browser sends them to any origin, and only hides the response.

/// The `mode` option of `fetch()`
/// (<https://fetch.spec.whatwg.org/#concept-request-mode>).
///
/// `same-origin` is not modelled, and `navigate` is not a mode a script can
/// pick (`fetch()` throws): a navigation is a
/// [`PageRequest::form_post`](crate::browser::PageRequest::form_post) or
/// [`form_get`](crate::browser::PageRequest::form_get).
///
/// ```
/// use tower_cors::browser::{Mode, PageRequest, RequestKind};
/// // fetch("https://api.example/ping", {method: "POST", mode: "no-cors"})
/// let page = PageRequest::new("https://app.example", "POST", "https://api.example/ping")
///     .mode(Mode::NoCors);
/// assert_eq!(page.kind(), RequestKind::NoCors);
/// assert_eq!(Mode::default(), Mode::Cors);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// `mode: "cors"` (the default): a cross-origin request goes by the
    /// CORS protocol, with a preflight when its method or headers are not
    /// safelisted, and script reads the response only if the server allows
    /// it.
    #[default]
    Cors,
    /// `mode: "no-cors"`: only `GET`, `HEAD` and `POST` (`fetch()` throws
    /// otherwise), only the no-CORS-safelisted request headers (others are
    /// dropped), never a preflight; a cross-origin response is opaque.
    NoCors,
}

/// The `enctype` of a `<form method=post>`: the `Content-Type` of its body
/// (<https://html.spec.whatwg.org/multipage/form-control-infrastructure.html#attr-fs-enctype>).
/// All three are CORS-safelisted content types: a form needed no
/// permission to send them long before CORS existed.
///
/// ```
/// use tower_cors::browser::Enctype;
/// assert_eq!(Enctype::default(), Enctype::UrlEncoded);
/// assert_eq!(Enctype::TextPlain.content_type(), "text/plain");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Enctype {
    /// `application/x-www-form-urlencoded` (the default).
    #[default]
    UrlEncoded,
    /// `multipart/form-data`, with a boundary parameter.
    Multipart,
    /// `text/plain` (which lets a form post a body that looks like JSON).
    TextPlain,
}

impl Enctype {
    /// The `Content-Type` the browser sends (the model's multipart boundary
    /// is fixed; engines draw a random one).
    pub fn content_type(self) -> &'static str {
        match self {
            Enctype::UrlEncoded => "application/x-www-form-urlencoded",
            Enctype::Multipart => "multipart/form-data; boundary=----TowerCorsModelBoundary",
            Enctype::TextPlain => "text/plain",
        }
    }
}

/// What kind of request a page makes, which decides what the browser sends
/// (`Sec-Fetch-Mode`, `Sec-Fetch-Dest`, `Origin`), whether CORS applies and
/// what the page may read of the response.
///
/// | kind | preflight | `Sec-Fetch-Mode` | `Sec-Fetch-Dest` | the page reads a cross-origin response |
/// |---|---|---|---|---|
/// | [`Cors`](RequestKind::Cors) | when not simple | `cors` | `empty` | if the server allows it |
/// | [`NoCors`](RequestKind::NoCors) | never | `no-cors` | `empty` | never (opaque) |
/// | [`Form`](RequestKind::Form) | never | `navigate` | `document` | never (it becomes the new document) |
///
/// ```
/// use tower_cors::browser::{Enctype, PageRequest, RequestKind};
/// let form = PageRequest::form_post("https://app.example", "https://api.example/f", Enctype::TextPlain);
/// assert_eq!(form.kind(), RequestKind::Form);
/// assert_eq!(RequestKind::Form.sec_fetch_mode(), "navigate");
/// assert_eq!(RequestKind::Form.sec_fetch_dest(), "document");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RequestKind {
    /// `fetch()` or `XMLHttpRequest` in `cors` mode.
    #[default]
    Cors,
    /// `fetch()` in `no-cors` mode (and, for what the server sees, an
    /// `<img>`, `<script>` or `<link>` without `crossorigin`).
    NoCors,
    /// A `<form>` submitted in the page's own window: a top-level
    /// navigation, `GET` or `POST`, whose response replaces the page.
    Form,
}

impl RequestKind {
    /// The request's mode, as `Sec-Fetch-Mode` names it.
    pub fn sec_fetch_mode(self) -> &'static str {
        match self {
            RequestKind::Cors => "cors",
            RequestKind::NoCors => "no-cors",
            RequestKind::Form => "navigate",
        }
    }

    /// The request's destination, as `Sec-Fetch-Dest` names it: `empty`
    /// for `fetch()`, `document` for a top-level navigation.
    pub fn sec_fetch_dest(self) -> &'static str {
        match self {
            RequestKind::Cors | RequestKind::NoCors => "empty",
            RequestKind::Form => "document",
        }
    }

    /// Whether the CORS protocol governs it.
    pub fn is_cors(self) -> bool {
        self == RequestKind::Cors
    }

    /// Whether it is a navigation.
    pub fn is_navigation(self) -> bool {
        self == RequestKind::Form
    }
}

impl From<Mode> for RequestKind {
    fn from(mode: Mode) -> Self {
        match mode {
            Mode::Cors => RequestKind::Cors,
            Mode::NoCors => RequestKind::NoCors,
        }
    }
}
