//! Applications asking for a stronger login: `acr_values` and clients that require two factors.
//! A one-factor session takes the second step (no password again) and the same session rises to
//! `urn:daemun:acr:mfa`; someone without a factor sets one up first; `prompt=none` answers
//! `interaction_required`; ID tokens say the level in `acr`.
use crate::helpers::*;
use crate::oidc_flow::jwt_payload;
use crate::rp::{Rp, code_at};
use crate::second_factor::{STEP, code_now, code_step, enrol, next_step};

const PWD: &str = "urn:daemun:acr:pwd";
const MFA: &str = "urn:daemun:acr:mfa";

/// The ID token's payload for the code the browser of `app` gets at `path`.
async fn id_token_for(app: &TestApp, rp: &Rp, path: &str) -> serde_json::Value {
    let code = code_at(app, path).await;
    let (status, body) = rp.exchange(&code, None).await;
    assert_eq!(status, 200, "{body}");
    jwt_payload(body["id_token"].as_str().unwrap())
}

/// `app.client` logged in with the password alone, and the person's app set up in another
/// browser afterwards (setting it up there does not raise this older session).
async fn one_factor_session_of_an_enrolled_person(
    app: &TestApp,
) -> daemun::domain::totp::TotpSecret {
    app.verified_user("minsu@example.com", "Minsu").await;
    assert_eq!(app.login("minsu@example.com", PASSWORD).await.status(), 303);
    let phone = Browser::new(app);
    phone.login("minsu@example.com", PASSWORD).await;
    let (secret, _) = enrol(&phone).await;
    secret
}

#[tokio::test]
async fn discovery_lists_the_levels_and_id_tokens_name_the_one_reached() {
    let app = TestApp::spawn().await;
    let meta: serde_json::Value = app
        .get("/.well-known/openid-configuration")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(meta["acr_values_supported"], serde_json::json!([PWD, MFA]));
    assert!(
        meta["claims_supported"]
            .as_array()
            .unwrap()
            .contains(&"acr".into())
    );

    let rp = Rp::register(&app, |s| s.first_party = true).await;
    app.verified_user("minsu@example.com", "Minsu").await;
    assert_eq!(app.login("minsu@example.com", PASSWORD).await.status(), 303);
    let token = id_token_for(&app, &rp, &rp.authorize_path(&[])).await;
    assert_eq!(token["acr"], PWD);
    // Asking for the level the session has (or for an unknown one) changes nothing.
    for asked in [PWD, "urn:example:gold"] {
        let path = rp.authorize_path(&[("acr_values", asked)]);
        assert_eq!(id_token_for(&app, &rp, &path).await["acr"], PWD);
    }
}

#[tokio::test]
async fn acr_values_mfa_steps_a_one_factor_session_up_through_the_second_step() {
    let app = TestApp::spawn().await;
    let rp = Rp::register(&app, |s| s.first_party = true).await;
    let secret = one_factor_session_of_an_enrolled_person(&app).await;
    let b = Browser {
        app: &app,
        client: app.client.clone(),
    };
    let before = app
        .state
        .store
        .sessions_of_user(app.user("minsu@example.com").await.unwrap().user_id)
        .await
        .unwrap();

    // prompt=none cannot show the second step.
    let path = rp.authorize_path(&[("acr_values", MFA), ("prompt", "none")]);
    let r = app.get(&path).await;
    assert_eq!(location_params(&r)["error"], "interaction_required");

    let r = app.get(&rp.authorize_path(&[("acr_values", MFA)])).await;
    assert_eq!(r.status(), 303);
    let to = location(&r);
    assert!(
        to.starts_with("/login/step-up?next=/authorize/resume/"),
        "{to}"
    );
    let resume = to.trim_start_matches("/login/step-up?next=").to_owned();
    // The step-up goes straight to the code: no password again.
    let r = app.get(&to).await;
    assert_eq!(location(&r), STEP);
    // Until the code, the application gets nothing.
    let r = app.get(&resume).await;
    assert!(
        location(&r).starts_with("/login/step-up"),
        "{}",
        location(&r)
    );
    next_step(&app);
    let r = code_step(&b, "totp", &code_now(&app, &secret)).await;
    assert_eq!(location(&r), resume);
    let token = id_token_for(&app, &rp, &resume).await;
    assert_eq!(token["acr"], MFA);
    assert_eq!(token["amr"], serde_json::json!(["pwd", "otp", "mfa"]));
    // The same session (same sid) rose; it did not start another.
    assert_eq!(
        token["sid"],
        before.iter().find(|s| s.amr == "pwd").unwrap().sid
    );

    // From now on the session has the level: no second step for the next request.
    let token = id_token_for(&app, &rp, &rp.authorize_path(&[("acr_values", MFA)])).await;
    assert_eq!(token["acr"], MFA);
}

#[tokio::test]
async fn a_client_that_requires_two_factors_leads_a_password_only_person_to_set_one_up() {
    let app = TestApp::spawn().await;
    let rp = Rp::register(&app, |s| {
        s.first_party = true;
        s.require_mfa = true;
    })
    .await;
    let other = Rp::register(&app, |s| s.first_party = true).await;
    app.verified_user("minsu@example.com", "Minsu").await;
    assert_eq!(app.login("minsu@example.com", PASSWORD).await.status(), 303);
    let b = Browser {
        app: &app,
        client: app.client.clone(),
    };
    // Another application is happy with the password.
    let token = id_token_for(&app, &other, &other.authorize_path(&[])).await;
    assert_eq!(token["acr"], PWD);

    let path = rp.authorize_path(&[("prompt", "none")]);
    assert_eq!(
        location_params(&app.get(&path).await)["error"],
        "interaction_required"
    );
    let r = app.get(&rp.authorize_path(&[])).await;
    let to = location(&r);
    assert!(
        to.starts_with("/account/security?next=/authorize/resume/"),
        "{to}"
    );
    let resume = to.trim_start_matches("/account/security?next=").to_owned();
    // Without setting one up there is no way through.
    let r = app.get(&resume).await;
    assert!(
        location(&r).starts_with("/account/security"),
        "{}",
        location(&r)
    );

    let r = b
        .submit(
            &to,
            "/account/security/totp",
            &[("current_password", PASSWORD), ("next", &resume)],
        )
        .await;
    let setup = location(&r);
    let page = b.get(&setup).await.text().await.unwrap();
    let secret = crate::second_factor::key_on(&page);
    let r = b
        .submit(
            &setup,
            "/account/security/totp/confirm",
            &[("code", &code_now(&app, &secret)), ("next", &resume)],
        )
        .await;
    assert_eq!(
        r.status(),
        200,
        "the recovery codes, then on to the application"
    );
    // Setting the app up was the second step for this session.
    let token = id_token_for(&app, &rp, &resume).await;
    assert_eq!(token["acr"], MFA);
}
