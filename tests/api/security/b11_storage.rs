//! B11: storage growth. Requests parked for people who are not logged in expire, stop working
//! and are removed by the clean-up.
use crate::helpers::*;
use crate::rp::Rp;

#[tokio::test]
async fn b11_73_parked_authorization_requests_expire_and_are_removed() {
    let app = TestApp::spawn().await;
    let rp = Rp::register(&app, |_| {}).await;
    let mut resumes = Vec::new();
    for _ in 0..30 {
        let r = new_client()
            .get(app.url(&rp.authorize_path(&[])))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert!(
            set_cookie(&r, "daemun_session").is_none(),
            "no anonymous session"
        );
        resumes.push(location(&r).trim_start_matches("/login?next=").to_owned());
    }
    assert_eq!(app.get(&resumes[0]).await.status(), 303, "live while fresh");
    app.clock.advance_secs(601);
    assert_eq!(app.get(&resumes[1]).await.status(), 400, "expired");
    let removed = app
        .state
        .store
        .delete_expired(app.clock_now())
        .await
        .unwrap();
    assert!(removed >= 30, "{removed}");
    assert_eq!(app.get(&resumes[2]).await.status(), 400, "gone");
}

#[tokio::test]
async fn b11_73_one_address_cannot_park_unlimited_authorization_requests() {
    let app = TestApp::spawn_with(|c| c.limits.edge_authorize_per_minute = 5).await;
    let rp = Rp::register(&app, |_| {}).await;
    let park = || async {
        new_client()
            .get(app.url(&rp.authorize_path(&[])))
            .send()
            .await
            .unwrap()
    };
    for _ in 0..5 {
        assert_eq!(park().await.status(), 303);
    }
    let r = park().await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    assert!(r.headers().get("location").is_none(), "nothing parked");
}
