//! B4: RP-initiated logout. Hints signed by a foreign key or with HS256 over the public key
//! prove nothing; requests without proof end the session only after the person confirms.
use daemun::keys::signing::{Alg, SigningKey};
use hmac::{Hmac, Mac};
use openidconnect::PrivateSigningKey;
use serde_json::{Value, json};

use super::support::*;
use crate::helpers::*;
use crate::rp::{Rp, signed_in};

const BYE: &str = "http://127.0.0.1:9/bye";

async fn still_logged_in(app: &TestApp, rp: &Rp) -> bool {
    let r = app.get(&rp.authorize_path(&[("prompt", "none")])).await;
    location_params(&r).contains_key("code")
}

#[tokio::test]
async fn b4_30_hints_signed_by_a_foreign_key_or_with_hs256_are_refused() {
    let app = TestApp::spawn().await;
    let rp = signed_in(&app, "hint@example.com").await;
    let t = rp.tokens(&app, &[]).await;
    let genuine = t["id_token"].as_str().unwrap().to_owned();
    let header = jwt_header(&genuine);
    let our_kid = header["kid"].as_str().unwrap().to_owned();
    let payload = genuine.split('.').nth(1).unwrap().to_owned();

    let (foreign, _) = SigningKey::generate(Alg::Rs256).unwrap();
    let sign_foreign = |h: Value| {
        let input = format!("{}.{payload}", b64(h.to_string().as_bytes()));
        let sig = foreign.sign(&Alg::Rs256.jws(), input.as_bytes()).unwrap();
        format!("{input}.{}", b64(&sig))
    };
    let foreign_kid = sign_foreign(json!({"alg": "RS256", "kid": foreign.kid()}));
    let our_kid_foreign_sig = sign_foreign(json!({"alg": "RS256", "kid": our_kid}));

    // HS256 keyed with the public key, in the forms a confused verifier might use.
    let jwks: Value = app.get("/jwks.json").await.json().await.unwrap();
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == our_kid.as_str())
        .unwrap()
        .clone();
    let hs256 = |key: &[u8]| {
        let input = format!(
            "{}.{payload}",
            b64(json!({"alg": "HS256", "kid": our_kid})
                .to_string()
                .as_bytes())
        );
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
        mac.update(input.as_bytes());
        format!("{input}.{}", b64(&mac.finalize().into_bytes()))
    };
    let hs_jwk = hs256(jwk.to_string().as_bytes());
    let hs_n = hs256(jwk["n"].as_str().unwrap().as_bytes());

    for (what, hint) in [
        ("foreign kid", foreign_kid),
        ("our kid, foreign signature", our_kid_foreign_sig),
        ("HS256 over the JWK", hs_jwk),
        ("HS256 over n", hs_n),
    ] {
        let r = app
            .get(&format!(
                "/end_session?id_token_hint={hint}&post_logout_redirect_uri={}&state=x",
                urlenc(BYE)
            ))
            .await;
        assert!(r.headers().get("location").is_none(), "{what}: no redirect");
        assert!(
            r.status() == 200 || r.status() == 400,
            "{what}: {}",
            r.status()
        );
        assert!(still_logged_in(&app, &rp).await, "{what}: session kept");
    }
    // The genuine hint still works.
    let r = app
        .get(&format!(
            "/end_session?id_token_hint={genuine}&post_logout_redirect_uri={}",
            urlenc(BYE)
        ))
        .await;
    assert_eq!(location(&r), BYE);
}

#[tokio::test]
async fn b4_32_minimal_logout_requests_end_the_session_after_confirmation() {
    let app = TestApp::spawn().await;
    let rp = signed_in(&app, "min@example.com").await;
    for query in ["", "?state=only", "?client_id=unknown&ui_locales=en"] {
        let r = app.get(&format!("/end_session{query}")).await;
        assert_eq!(r.status(), 200, "{query}");
        assert!(r.headers().get("location").is_none());
        let html = r.text().await.unwrap();
        assert!(html.contains("action=\"/end_session/confirm\""), "{query}");
        assert!(still_logged_in(&app, &rp).await, "{query}: not yet");
    }
    let r = app
        .submit("/end_session", "/end_session/confirm", &[])
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("logged out"));
    assert!(!still_logged_in(&app, &rp).await);
    let p = location_params(&app.get(&rp.authorize_path(&[("prompt", "none")])).await);
    assert_eq!(p["error"], "login_required");
    // Without a session there is nothing to confirm: the page says so at once.
    let r = app.get("/end_session").await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("logged out"));
}
