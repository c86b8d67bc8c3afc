//! A page route is declared in one line that names its CSRF rule and its limit group: a probe
//! route added the way `app::routes` adds its own gets the token, the check and the limit.
use std::net::SocketAddr;

use axum::Extension;
use axum::response::Html;
use axum::routing::{get, post};
use daemun::app::pages::Pages;
use daemun::http::csrf::CsrfToken;
use daemun::http::limiter::Group;

use crate::helpers::*;

async fn probe_form(Extension(token): Extension<CsrfToken>) -> Html<String> {
    Html(format!(
        r#"<form method="post"><input type="hidden" name="csrf_token" value="{}"></form>"#,
        token.0
    ))
}

async fn probe_post() -> &'static str {
    "done"
}

/// Serves `/probe` (declared with [`Pages::form`], limited as a login) and `/probe/open`
/// (declared with [`Pages::rp_initiated`]) on their own port, with the app's state.
async fn serve_probe(app: &TestApp) -> String {
    let router = Pages::new(&app.state)
        .form(
            "/probe",
            get(probe_form),
            post(probe_post),
            Some(Group::Login),
        )
        .rp_initiated("/probe/open", post(probe_post), None)
        .finish()
        .with_state(app.state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_form_route_declared_in_one_line_gets_its_token_check_and_limit() {
    let app = TestApp::spawn_with(|c| c.limits.edge_login_per_minute = 3).await;
    let base = serve_probe(&app).await;
    let browser = new_client();
    // The form page carries a token and the browser gets its cookie.
    let page = browser.get(format!("{base}/probe")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let token = csrf_token(&page.text().await.unwrap()).expect("a form token");
    let post = |fields: Vec<(&'static str, String)>| {
        browser
            .post(format!("{base}/probe"))
            .header("sec-fetch-site", "same-origin")
            .form(&fields)
            .send()
    };
    // Without the token the handler never runs.
    let forged = post(vec![("x", "1".into())]).await.unwrap();
    assert_eq!(forged.status(), 403);
    // With it, it does.
    let ok = post(vec![("csrf_token", token.clone())]).await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().await.unwrap(), "done");
    // Refused and accepted POSTs count alike, GETs not at all: the fourth POST is over the
    // login group's allowance of 3.
    let limited = post(vec![("csrf_token", token.clone())]).await.unwrap();
    assert_eq!(limited.status(), 200);
    let over = post(vec![("csrf_token", token.clone())]).await.unwrap();
    assert_eq!(over.status(), 429);
    assert!(over.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn an_rp_initiated_route_takes_cross_site_posts() {
    let app = TestApp::spawn().await;
    let base = serve_probe(&app).await;
    let r = new_client()
        .post(format!("{base}/probe/open"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("x", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // The same POST to a form route is refused.
    let r = new_client()
        .post(format!("{base}/probe"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("x", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}
