//! HTML pages: minijinja templates embedded in the binary, auto-escaped, and the error page.
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use minijinja::{Environment, Value, context};

pub struct Pages {
    env: Environment<'static>,
}

impl Default for Pages {
    fn default() -> Self {
        Self::new()
    }
}

impl Pages {
    pub fn new() -> Self {
        let mut env = Environment::new();
        // Names ending in .html are auto-escaped.
        for (name, source) in [
            ("layout.html", include_str!("../templates/layout.html")),
            ("list.html", include_str!("../templates/list.html")),
            ("article.html", include_str!("../templates/article.html")),
            ("form.html", include_str!("../templates/form.html")),
            ("login.html", include_str!("../templates/login.html")),
            ("error.html", include_str!("../templates/error.html")),
        ] {
            env.add_template(name, source)
                .expect("the embedded templates parse");
        }
        env.add_filter("datetime", datetime);
        Self { env }
    }

    /// Renders `name` with `ctx`; a template error is logged and shown as a plain 500.
    pub fn render(&self, status: StatusCode, name: &str, ctx: Value) -> Response {
        match self.env.get_template(name).and_then(|t| t.render(ctx)) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(template = name, error = %e, "render failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "Internal error").into_response()
            }
        }
    }

    pub fn page(&self, name: &str, ctx: Value) -> Response {
        self.render(StatusCode::OK, name, ctx)
    }

    /// An error page with a short message.
    pub fn error(&self, status: StatusCode, message: &str, user: Option<Value>) -> Response {
        self.render(
            status,
            "error.html",
            context! { status => status.as_u16(), message, user },
        )
    }
}

/// Unix milliseconds as `YYYY-MM-DD HH:MM UTC`.
fn datetime(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/style.css"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_shown_in_utc() {
        assert_eq!(datetime(0), "1970-01-01 00:00 UTC");
        assert_eq!(datetime(1_709_210_096_000), "2024-02-29 12:34 UTC");
    }

    #[test]
    fn every_template_renders_and_escapes() {
        let pages = Pages::new();
        let evil = "<script>alert(1)</script>";
        let article = context! {
            article_id => 1, title => evil, body => evil, author_name => evil,
            author_sub => "s", created_at => 0, updated_at => 0,
        };
        let user = context! { name => evil, csrf => "t" };
        for (name, ctx) in [
            (
                "list.html",
                context! { articles => vec![article.clone()], user => user.clone() },
            ),
            (
                "article.html",
                context! { article, user => user.clone(), mine => true },
            ),
            (
                "form.html",
                context! { user, title => evil, body => evil, action => "/articles" },
            ),
            ("login.html", context! { next => evil, csrf => "t" }),
            ("error.html", context! { status => 400, message => evil }),
        ] {
            let html = pages.env.get_template(name).unwrap().render(ctx).unwrap();
            assert!(!html.contains(evil), "{name} escapes");
            assert!(html.contains("viewport"), "{name} suits phones");
        }
    }
}
