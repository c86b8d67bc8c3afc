//! Rendering pages: [`PageCtx`] gathers what every page shows (language, CSRF token, the
//! person, flash messages, language links), and the `error_pages` layer renders errors.
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use minijinja::{Value, context};

use super::authenticated::Authenticated;
use super::cookies;
use super::csrf::CsrfToken;
use super::error::{ErrorMarker, PageError};
use super::flash::Flash;
use super::state::AppState;
use crate::domain::next_path::local_path;
use crate::i18n::{self, FluentArg, Lang};

#[derive(Debug, Clone)]
pub struct PageCtx {
    pub lang: Lang,
    pub csrf: String,
    pub auth: Option<Authenticated>,
    flash: Option<Flash>,
    /// The product's name in `lang` (`{ $product }` in messages).
    product: String,
    /// Path and query of this request as a local link (see [`here_link`]), for the language
    /// links.
    here: String,
}

impl PageCtx {
    pub fn from_parts(parts: &Parts, state: &AppState) -> Self {
        let https = state.config.https();
        let flash =
            cookies::get(&parts.headers, cookies::FLASH, https).and_then(|v| Flash::decode(&v));
        let lang = parts.extensions.get::<Lang>().copied().unwrap_or_default();
        PageCtx {
            lang,
            product: state.templates.brand(lang),
            csrf: parts
                .extensions
                .get::<CsrfToken>()
                .map(|t| t.0.clone())
                .unwrap_or_default(),
            auth: parts
                .extensions
                .get::<Option<Authenticated>>()
                .cloned()
                .flatten(),
            flash,
            here: here_link(parts.uri.path_and_query().map_or("/", |p| p.as_str())),
        }
    }

    /// Translates `key` in this page's language.
    pub fn t(&self, key: &str) -> String {
        self.t_args(key, &[])
    }

    /// Translates `key` with Fluent variables (the product's name is given).
    pub fn t_args(&self, key: &str, args: &[(&str, FluentArg)]) -> String {
        let mut all = vec![(i18n::PRODUCT, FluentArg::from(self.product.as_str()))];
        all.extend(args.iter().cloned());
        i18n::t_args(self.lang, key, &all)
    }

    fn base(&self) -> Value {
        let user = self.auth.as_ref().map(|a| {
            context! {
                display_name => a.user.display_name.clone(),
                email => a.user.email.clone(),
                username => a.user.username.clone(),
                is_admin => a.user.is_admin,
            }
        });
        let flashes: Vec<Value> = self
            .flash
            .iter()
            .map(|f| {
                let message = match (&self.auth, f.key.as_str()) {
                    (Some(a), "flash-welcome" | "flash-welcome-first") => {
                        self.t_args(&f.key, &[("name", a.user.display_name.clone().into())])
                    }
                    (_, key) => match f.count {
                        Some(n) => self.t_args(key, &[("count", FluentArg::Num(n as f64))]),
                        None => self.t(key),
                    },
                };
                context! { kind => f.kind.as_str(), message => message }
            })
            .collect();
        let link = |l: Lang| lang_link(&self.here, l);
        context! {
            lang => self.lang.code(),
            csrf_token => self.csrf.clone(),
            user => user,
            flashes => flashes,
            lang_links => context! { en => link(Lang::En), ko => link(Lang::Ko) },
        }
    }

    /// Renders `template` with the common context merged under `extra`.
    pub fn render(
        &self,
        state: &AppState,
        status: StatusCode,
        template: &str,
        extra: Value,
    ) -> Response {
        let base = self.base();
        let site = context! { signup_open => state.config.accounts.signup_open };
        let ctx = context! { ..extra, ..site, ..base };
        match state.templates.render(template, ctx) {
            Ok(html) => {
                let mut resp = (status, Html(html)).into_response();
                resp.headers_mut()
                    .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
                if self.flash.is_some() {
                    cookies::remove(&mut resp, cookies::FLASH, state.config.https());
                }
                resp
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot render page");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
            }
        }
    }

    pub fn ok(&self, state: &AppState, template: &str, extra: Value) -> Response {
        self.render(state, StatusCode::OK, template, extra)
    }
}

/// A request's path and query as a link back to the same page, never to another site: the
/// path through [`local_path`], the query as it came. Every link built from the request path
/// starts here, so a crafted path (`//evil.example/x`) cannot turn into a link elsewhere.
fn here_link(path_and_query: &str) -> String {
    match path_and_query.split_once('?') {
        Some((path, query)) => format!("{}?{query}", local_path(path)),
        None => local_path(path_and_query),
    }
}

/// `here` with its `lang` parameter replaced (other parameters, such as `next`, are kept).
fn lang_link(here: &str, lang: Lang) -> String {
    let (path, query) = here.split_once('?').unwrap_or((here, ""));
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        if k != "lang" {
            out.append_pair(&k, &v);
        }
    }
    out.append_pair("lang", lang.code());
    format!("{path}?{}", out.finish())
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(PageCtx::from_parts(parts, state))
    }
}

/// Renders [`PageError`]s and framework rejections (404, 405, 413, …) as translated pages.
pub async fn error_pages(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let ctx = PageCtx::from_parts(&parts, &state);
    let resp = next.run(Request::from_parts(parts, body)).await;
    let marked = resp.extensions().get::<ErrorMarker>().map(|m| m.0);
    // A page's own answer (HTML, or JSON for a page's script) is left as it is.
    let answered = resp
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html") || v.starts_with("application/json"));
    let error = marked.or_else(|| {
        if answered {
            None
        } else {
            PageError::for_status(resp.status())
        }
    });
    match error {
        Some(e) => render_error(&state, &ctx, e, resp),
        None => resp,
    }
}

/// The translated page for `e`, for layers that answer before [`error_pages`] runs (e.g. the
/// session layer when the database is unreachable).
pub fn error_page(state: &AppState, ctx: &PageCtx, e: PageError) -> Response {
    render_error(state, ctx, e, e.into_response())
}

fn render_error(state: &AppState, ctx: &PageCtx, e: PageError, original: Response) -> Response {
    let extra = context! {
        status => e.status.as_u16(),
        title => ctx.t(e.title),
        message => ctx.t(e.body),
    };
    let mut resp = ctx.render(state, e.status, "error.html", extra);
    // Keep cookies and headers the handler set (e.g. a cleared session cookie, `Allow`).
    for (name, value) in original.headers() {
        if name != CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            resp.headers_mut().append(name, value.clone());
        }
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_links_keep_other_parameters() {
        assert_eq!(lang_link("/login", Lang::Ko), "/login?lang=ko");
        assert_eq!(
            lang_link("/login?next=%2Faccount&lang=en", Lang::Ko),
            "/login?next=%2Faccount&lang=ko"
        );
    }

    #[test]
    fn language_links_never_leave_the_site() {
        for (raw, link) in [
            ("//evil.example/x", "/evil.example/x?lang=ko"),
            (
                "//evil.example/x?a=1&lang=en",
                "/evil.example/x?a=1&lang=ko",
            ),
            ("/\\evil.example/x", "/evil.example/x?lang=ko"),
            ("///\\//evil.example", "/evil.example?lang=ko"),
            ("/%2F%2Fevil.example", "/%2F%2Fevil.example?lang=ko"),
            (
                "/login?next=//evil.example",
                "/login?next=%2F%2Fevil.example&lang=ko",
            ),
        ] {
            let href = lang_link(&here_link(raw), Lang::Ko);
            assert_eq!(href, link, "{raw:?}");
            assert!(
                !href.starts_with("//") && !href.starts_with("/\\"),
                "{raw:?}"
            );
        }
    }
}
