//! Discovery, JWKS and key rotation (OIDC Discovery §3–4, RFC 7517, RFC 7638).
use daemun::domain::clock::SECOND;
use daemun::keys::signing::Alg;
use openidconnect::core::{CoreJsonWebKeySet, CoreProviderMetadata};
use openidconnect::{JsonWebKey, PrivateSigningKey};

use crate::helpers::*;

#[tokio::test]
async fn discovery_describes_the_provider_under_its_issuer() {
    let app = TestApp::spawn().await;
    let r = app.get("/.well-known/openid-configuration").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
    let body = r.bytes().await.unwrap();
    let raw: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(raw["issuer"], app.addr.as_str());
    assert_eq!(raw["jwks_uri"], format!("{}/jwks.json", app.addr));
    assert_eq!(
        raw["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(raw["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(raw["authorization_response_iss_parameter_supported"], true);
    assert!(
        raw["scopes_supported"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "openid")
    );
    assert!(
        raw["id_token_signing_alg_values_supported"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "RS256")
    );
    // A relying-party library reads it as provider metadata.
    let meta: CoreProviderMetadata = serde_json::from_slice(&body).unwrap();
    assert_eq!(meta.issuer().as_str(), app.addr);
}

#[tokio::test]
async fn jwks_has_public_parts_only_with_distinct_thumbprint_kids() {
    let app = TestApp::spawn().await;
    let r = app.get("/jwks.json").await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let body = r.text().await.unwrap();
    let raw: serde_json::Value = serde_json::from_str(&body).unwrap();
    let keys = raw["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2, "one RS256 and one ES256 key");
    for k in keys {
        for private in ["d", "p", "q", "dp", "dq", "qi", "k"] {
            assert!(
                k.get(private).is_none(),
                "private member {private} published"
            );
        }
        assert_eq!(k["use"], "sig");
    }
    assert_ne!(keys[0]["kid"], keys[1]["kid"]);
    let set: CoreJsonWebKeySet = serde_json::from_str(&body).unwrap();
    assert_eq!(set.keys().len(), 2);
}

#[tokio::test]
async fn after_rotation_old_tokens_verify_and_new_ones_carry_the_new_kid() {
    let app = TestApp::spawn().await;
    let now = app.clock_now();
    let old = app.state.keys.signing_key(Alg::Rs256, now).unwrap();
    let sig = old.sign(&Alg::Rs256.jws(), b"signed before").unwrap();

    let new_kids = app.state.keys.rotate(now, 0, 600 * SECOND).await.unwrap();
    let new = app.state.keys.signing_key(Alg::Rs256, now).unwrap();
    assert_ne!(new.kid(), old.kid());
    assert!(new_kids.contains(&new.kid().to_owned()));

    let set: CoreJsonWebKeySet =
        serde_json::from_str(&app.get("/jwks.json").await.text().await.unwrap()).unwrap();
    let kids: Vec<String> = set
        .keys()
        .iter()
        .filter_map(|k| k.key_id().map(|id| id.to_string()))
        .collect();
    assert_eq!(kids.len(), 4, "old and new keys of both algorithms");
    let old_jwk = set
        .keys()
        .iter()
        .find(|k| k.key_id().map(|i| i.as_str()) == Some(old.kid()))
        .unwrap();
    old_jwk
        .verify_signature(&Alg::Rs256.jws(), b"signed before", &sig)
        .unwrap();

    // Once every token signed by the old key has expired, it leaves the JWKS.
    app.clock.advance_secs(601);
    app.state.keys.refresh(app.clock_now()).await.unwrap();
    let body = app.get("/jwks.json").await.text().await.unwrap();
    assert!(!body.contains(old.kid()));
    assert!(body.contains(new.kid()));
}

#[tokio::test]
async fn a_delayed_rotation_publishes_first_and_signs_later() {
    let app = TestApp::spawn().await;
    let now = app.clock_now();
    let old = app.state.keys.signing_key(Alg::Es256, now).unwrap();
    app.state
        .keys
        .rotate(now, 600 * SECOND, 600 * SECOND)
        .await
        .unwrap();
    assert_eq!(
        app.state.keys.signing_key(Alg::Es256, now).unwrap().kid(),
        old.kid(),
        "not signing yet"
    );
    assert_eq!(
        app.get("/jwks.json")
            .await
            .text()
            .await
            .unwrap()
            .matches("\"kid\"")
            .count(),
        4
    );
    let later = now + 600 * SECOND;
    assert_ne!(
        app.state.keys.signing_key(Alg::Es256, later).unwrap().kid(),
        old.kid()
    );
}

#[tokio::test]
async fn retiring_removes_a_key_at_once_but_never_the_last_one() {
    let app = TestApp::spawn().await;
    let now = app.clock_now();
    let only = app.state.keys.signing_key(Alg::Rs256, now).unwrap();
    assert!(app.state.keys.retire(only.kid(), now).await.is_err());
    app.state
        .keys
        .rotate(now, 600 * SECOND, 600 * SECOND)
        .await
        .unwrap();
    app.state.keys.retire(only.kid(), now).await.unwrap();
    assert!(
        !app.get("/jwks.json")
            .await
            .text()
            .await
            .unwrap()
            .contains(only.kid())
    );
    let signer = app.state.keys.signing_key(Alg::Rs256, now).unwrap();
    assert_ne!(signer.kid(), only.kid(), "the successor signs at once");
}
