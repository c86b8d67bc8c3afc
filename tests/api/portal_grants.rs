//! The portal's effect on what applications hold: a password change or reset revokes every
//! refresh and access token of the person; a deletion also forgets consents, and the deleted
//! account's tokens fail at the token endpoint.
use crate::helpers::*;
use crate::rp::{Grant, grant};

const NEW: &str = "another-Quiet-river-42";

async fn assert_revoked(g: &Grant) {
    let r = g.rp.userinfo(&g.access).await;
    assert_eq!(r.status(), 401, "the access token is dead");
    let (status, v) = g.rp.refresh(&g.refresh).await;
    assert_eq!(status, 400);
    assert_eq!(v["error"], "invalid_grant", "the refresh token is dead");
}

#[tokio::test]
async fn a_password_change_revokes_every_token_of_the_person() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, "g@example.com", "G").await;
    let g = grant(&app).await;
    let r = app.change_password(NEW).await;
    assert_eq!(r.status(), 303);
    assert_revoked(&g).await;
}

#[tokio::test]
async fn a_reset_revokes_every_token_of_the_person() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, "r@example.com", "R").await;
    let g = grant(&app).await;
    let r = Browser::new(&app)
        .submit(
            "/password/reset",
            "/password/reset",
            &[("email", "r@example.com")],
        )
        .await;
    assert_eq!(r.status(), 200);
    let path = mailed_link(&app, "r@example.com", 2, "/password/reset/").await;
    let r = Browser::new(&app)
        .post(&path, &[("password", NEW), ("password_confirm", NEW)])
        .await;
    assert_eq!(r.status(), 303);
    assert_revoked(&g).await;
}

#[tokio::test]
async fn a_deleted_account_leaves_nothing_an_application_can_use() {
    let app = TestApp::spawn().await;
    logged_in_user(&app, "x@example.com", "X").await;
    let g = grant(&app).await;
    let r = app
        .submit(
            "/account/delete",
            "/account/delete",
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_revoked(&g).await;
    let q = g.rp.authorize_path(&[("prompt", "none")]);
    assert_eq!(
        location_params(&app.get(&q).await)["error"],
        "login_required"
    );
}
