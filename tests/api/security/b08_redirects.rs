//! B8: URIs that clients register. Dangerous redirect and post-logout URIs are refused at
//! registration, whichever list they are in.
use daemun::oidc::registration::{ClientSpec, register};

use crate::helpers::*;

#[tokio::test]
async fn b8_58_dangerous_redirect_and_post_logout_uris_are_refused_at_registration() {
    let app = TestApp::spawn().await;
    for bad in [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "DATA:text/html,x",
        "https://rp.example/cb#frag",
        "https://rp.example/cb#",
        "http://rp.example/cb",
        "https://*.rp.example/cb",
        "https://rp.example/*",
        "https://rp.example/cb*",
        "https://user@rp.example/cb",
        "file:///etc/passwd",
    ] {
        for as_logout in [false, true] {
            let mut spec = ClientSpec {
                name: "Board".into(),
                redirect_uris: vec!["https://rp.example/cb".into()],
                post_logout_redirect_uris: vec![],
                ..Default::default()
            };
            if as_logout {
                spec.post_logout_redirect_uris = vec![bad.into()];
            } else {
                spec.redirect_uris = vec![bad.into()];
            }
            let r = register(&app.state.store, &spec, app.clock_now()).await;
            assert!(r.is_err(), "{bad} (post-logout: {as_logout}) was accepted");
        }
    }
    assert!(app.state.store.clients().await.unwrap().is_empty());
}
