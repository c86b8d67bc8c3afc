//! The pages: the board (anyone), writing and changing articles (logged in, author only), and
//! the login, callback, logout and back-channel logout routes that call into `auth`.
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::value::Serde;
use minijinja::{Value, context};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{self, AuthError, CallbackParams};
use crate::session::{CurrentUser, SessionHandle, User, csrf_ok, safe_next};
use crate::store::Article;

const TITLE_MAX: usize = 200;
const BODY_MAX: usize = 20_000;

/// The logged-in person as templates see them (the layout shows the name and a logout form).
fn user_ctx(user: &User, csrf: &str) -> Value {
    context! { name => user.name.clone(), csrf }
}

fn viewer(session: &SessionHandle) -> Option<(User, String)> {
    let s = session.get()?;
    Some((s.user?, s.csrf))
}

fn internal(state: &AppState, e: sqlx::Error) -> Response {
    tracing::error!(error = %e, "database");
    state.pages.error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Something went wrong on our side.",
        None,
    )
}

fn csrf_refused(state: &AppState) -> Response {
    state.pages.error(
        StatusCode::FORBIDDEN,
        "This form has expired. Go back, reload the page and try again.",
        None,
    )
}

/// A trimmed title and text within limits, or what is wrong.
fn validate(title: &str, body: &str) -> Result<(String, String), &'static str> {
    let (title, body) = (title.trim(), body.trim());
    if title.is_empty() || body.is_empty() {
        return Err("Please give both a title and a text.");
    }
    if title.chars().count() > TITLE_MAX || body.chars().count() > BODY_MAX {
        return Err("The title may have 200 characters and the text 20,000.");
    }
    Ok((title.to_owned(), body.to_owned()))
}

pub async fn list(State(state): State<AppState>, session: SessionHandle) -> Response {
    let articles = match state.store.list().await {
        Ok(a) => a,
        Err(e) => return internal(&state, e),
    };
    let user = viewer(&session).map(|(u, csrf)| user_ctx(&u, &csrf));
    let articles = Value::from(Serde(&articles));
    state.pages.page("list.html", context! { articles, user })
}

/// The article with this id, or the 404 page.
async fn find(state: &AppState, id: &str) -> Result<Article, Response> {
    let not_found = || {
        state
            .pages
            .error(StatusCode::NOT_FOUND, "No such article.", None)
    };
    let Ok(id) = id.parse::<i64>() else {
        return Err(not_found());
    };
    match state.store.get(id).await {
        Ok(Some(a)) => Ok(a),
        Ok(None) => Err(not_found()),
        Err(e) => Err(internal(state, e)),
    }
}

/// The article, if `user` wrote it; 404 or 403 otherwise.
async fn find_own(state: &AppState, id: &str, user: &User) -> Result<Article, Response> {
    let article = find(state, id).await?;
    if article.author_sub != user.sub {
        return Err(state.pages.error(
            StatusCode::FORBIDDEN,
            "Only the author may change this article.",
            None,
        ));
    }
    Ok(article)
}

pub async fn show(
    State(state): State<AppState>,
    session: SessionHandle,
    Path(id): Path<String>,
) -> Response {
    let article = match find(&state, &id).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let me = viewer(&session);
    let mine = me
        .as_ref()
        .is_some_and(|(u, _)| u.sub == article.author_sub);
    let user = me.map(|(u, csrf)| user_ctx(&u, &csrf));
    let article = Value::from(Serde(&article));
    state
        .pages
        .page("article.html", context! { article, user, mine })
}

pub async fn new_form(State(state): State<AppState>, me: CurrentUser) -> Response {
    form_page(&state, &me, None, "", "", None)
}

/// The article form: new (`article_id` none) or editing one, with what was typed and the
/// reason it was refused (then `400`).
fn form_page(
    state: &AppState,
    me: &CurrentUser,
    article_id: Option<i64>,
    title: &str,
    body: &str,
    error: Option<&str>,
) -> Response {
    let action = match article_id {
        Some(id) => format!("/articles/{id}/edit"),
        None => "/articles".to_owned(),
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let ctx = context! {
        user => user_ctx(&me.user, &me.csrf), editing => article_id.is_some(),
        action, title, body, error,
    };
    state.pages.render(status, "form.html", ctx)
}

#[derive(Deserialize)]
pub struct ArticleForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    csrf_token: String,
}

pub async fn create(
    State(state): State<AppState>,
    me: CurrentUser,
    Form(form): Form<ArticleForm>,
) -> Response {
    if !csrf_ok(&me.csrf, &form.csrf_token) {
        return csrf_refused(&state);
    }
    let (title, body) = match validate(&form.title, &form.body) {
        Ok(v) => v,
        Err(error) => return form_page(&state, &me, None, &form.title, &form.body, Some(error)),
    };
    match state
        .store
        .create(&title, &body, &me.user.sub, &me.user.name)
        .await
    {
        Ok(id) => Redirect::to(&format!("/articles/{id}")).into_response(),
        Err(e) => internal(&state, e),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<String>,
) -> Response {
    let article = match find_own(&state, &id, &me.user).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let id = Some(article.article_id);
    form_page(&state, &me, id, &article.title, &article.body, None)
}

pub async fn update(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<ArticleForm>,
) -> Response {
    if !csrf_ok(&me.csrf, &form.csrf_token) {
        return csrf_refused(&state);
    }
    let article = match find_own(&state, &id, &me.user).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (title, body) = match validate(&form.title, &form.body) {
        Ok(v) => v,
        Err(error) => {
            let id = Some(article.article_id);
            return form_page(&state, &me, id, &form.title, &form.body, Some(error));
        }
    };
    let id = article.article_id;
    match state
        .store
        .update(id, &me.user.sub, &title, &body, &me.user.name)
        .await
    {
        Ok(true) => Redirect::to(&format!("/articles/{id}")).into_response(),
        Ok(false) => state
            .pages
            .error(StatusCode::NOT_FOUND, "No such article.", None),
        Err(e) => internal(&state, e),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf_token: String,
}

pub async fn delete(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !csrf_ok(&me.csrf, &form.csrf_token) {
        return csrf_refused(&state);
    }
    let article = match find_own(&state, &id, &me.user).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match state.store.delete(article.article_id, &me.user.sub).await {
        Ok(_) => Redirect::to("/").into_response(),
        Err(e) => internal(&state, e),
    }
}

#[derive(Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

/// The page with the "Log in with Daemun" button.
pub async fn login_page(
    State(state): State<AppState>,
    session: SessionHandle,
    Query(q): Query<NextQuery>,
) -> Response {
    let next = safe_next(&q.next);
    let s = session.ensure();
    if s.user.is_some() {
        return Redirect::to(&next).into_response();
    }
    state
        .pages
        .page("login.html", context! { next, csrf => s.csrf })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf_token: String,
}

/// The button: remember state, nonce, PKCE verifier and `next`, then go to Daemun.
pub async fn start_login(
    State(state): State<AppState>,
    session: SessionHandle,
    Form(form): Form<LoginForm>,
) -> Response {
    let Some(s) = session.get().filter(|s| csrf_ok(&s.csrf, &form.csrf_token)) else {
        return csrf_refused(&state);
    };
    drop(s);
    let (url, pending) = auth::login_redirect(&state.provider, safe_next(&form.next));
    session.set_pending(pending);
    Redirect::to(url.as_str()).into_response()
}

/// Daemun sends the browser back here with `code`, `state` and `iss`.
pub async fn callback(
    State(state): State<AppState>,
    session: SessionHandle,
    Query(params): Query<CallbackParams>,
) -> Response {
    let bad = |message: &str| state.pages.error(StatusCode::BAD_REQUEST, message, None);
    let Some(pending) = session.take_pending() else {
        return bad(
            "This login was not started in this browser, or it was already used. Please log in again.",
        );
    };
    let next = pending.next.clone();
    match auth::finish_login(&state.provider, pending, params).await {
        Ok(done) => {
            tracing::info!(sub = %done.sub, "logged in");
            session.log_in(User {
                sid: auth::id_token_sid(&done.id_token),
                sub: done.sub,
                name: done.name,
                id_token: done.id_token,
            });
            Redirect::to(&next).into_response()
        }
        Err(e @ (AuthError::StateMismatch | AuthError::WrongIssuer | AuthError::NoCode)) => {
            tracing::warn!(error = %e, "login response refused");
            bad("This login response is not valid for this browser. Please log in again.")
        }
        Err(AuthError::Denied(reason)) => {
            tracing::info!(%reason, "login not completed");
            bad("The login was cancelled or refused.")
        }
        Err(e) => {
            tracing::error!(error = %e, "login failed");
            state.pages.error(
                StatusCode::BAD_GATEWAY,
                "The login could not be completed. Please try again.",
                None,
            )
        }
    }
}

/// Ends the local session, then sends the browser to Daemun's end-session endpoint.
pub async fn logout(
    State(state): State<AppState>,
    session: SessionHandle,
    Form(form): Form<CsrfForm>,
) -> Response {
    let Some((user, csrf)) = viewer(&session) else {
        return Redirect::to("/").into_response();
    };
    if !csrf_ok(&csrf, &form.csrf_token) {
        return csrf_refused(&state);
    }
    session.end();
    match auth::logout_url(&state.provider, &user.id_token) {
        Some(url) => Redirect::to(url.as_str()).into_response(),
        None => Redirect::to("/").into_response(),
    }
}

#[derive(Deserialize)]
pub struct BackchannelLogoutForm {
    #[serde(default)]
    logout_token: String,
}

/// Daemun posts a logout token here when a person's Daemun session ends (Back-Channel Logout
/// 1.0 §2.5); every login of this app in that session ends too. `200` once done; `400` with a
/// JSON error when the request or the token is not valid (§2.8).
pub async fn backchannel_logout(
    State(state): State<AppState>,
    form: Result<Form<BackchannelLogoutForm>, FormRejection>,
) -> Response {
    let token = match form {
        Ok(Form(form)) if !form.logout_token.is_empty() => form.logout_token,
        _ => return logout_refused("the request must be a form with a logout_token"),
    };
    match auth::verify_logout_token(&state.provider, &state.logout_tokens, &token).await {
        Ok(done) => {
            let sid = done.sid.as_deref();
            let ended = state.sessions.end_logged_out(sid, done.sub.as_deref());
            tracing::info!(sid, sub = done.sub.as_deref(), ended, "back-channel logout");
            (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")]).into_response()
        }
        Err(e) => {
            tracing::warn!(error = ?e, "logout token refused");
            logout_refused(&e.to_string())
        }
    }
}

/// `400` with `{"error": "invalid_request", "error_description": …}`.
fn logout_refused(description: &str) -> Response {
    let body = serde_json::json!({ "error": "invalid_request", "error_description": description });
    let headers = [
        (header::CONTENT_TYPE, "application/json"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    (StatusCode::BAD_REQUEST, headers, body.to_string()).into_response()
}

pub async fn not_found(State(state): State<AppState>) -> Response {
    state
        .pages
        .error(StatusCode::NOT_FOUND, "There is no such page.", None)
}

#[cfg(test)]
mod tests {
    use super::validate;

    #[test]
    fn articles_need_a_title_and_a_text_within_limits() {
        assert_eq!(
            validate("  Hello ", " World\n"),
            Ok(("Hello".into(), "World".into()))
        );
        assert!(validate("", "text").is_err());
        assert!(validate("title", "   ").is_err());
        assert!(validate(&"t".repeat(201), "text").is_err());
        assert!(
            validate(&"가".repeat(200), "text").is_ok(),
            "counted in characters"
        );
        assert!(validate("title", &"b".repeat(20_001)).is_err());
    }
}
