//! Linking logins through an upstream provider to an existing account, unlinking them, the
//! first password of an account made at such a login, `idp_hint`, `prompt`/`max_age` passed
//! on, and the provider's second factor under `trust_upstream_mfa`. The upstream is a second
//! Daemun (see `upstream.rs`).
use daemun::config::SecondFactorPolicy;
use daemun::domain::email_address::EmailAddress;
use daemun::domain::password::NO_PASSWORD;
use daemun::store::account::ProfileUpdate;

use crate::admin::admin;
use crate::helpers::{Browser, PASSWORD, TestApp, location};
use crate::rp::Rp;
use crate::second_factor::{STEP, code_now, code_step, enrol, password_step};
use crate::upstream::{Pair, identities, pair, pair_configured, through_upstream};

const OWNER: &str = "owner@corp.example";

/// The person logged in downstream as `OWNER` (password) starts linking Corp: the redirect to
/// the provider.
async fn start_link(down: &Browser<'_>) -> reqwest::Response {
    down.submit(
        "/account/linked",
        "/account/linked/link",
        &[("provider", "corp")],
    )
    .await
}

/// Logs `up` in as Kim at the upstream (once) and follows the provider's redirect back to the
/// downstream callback in `down`.
async fn come_back(
    pair: &Pair,
    down: &Browser<'_>,
    up: &Browser<'_>,
    authorize: &str,
) -> reqwest::Response {
    assert!(authorize.starts_with(&pair.upstream.addr), "{authorize}");
    if up.get("/account").await.status() != 200 {
        up.login("kim@corp.example", PASSWORD).await;
    }
    let r = up.client.get(authorize).send().await.unwrap();
    assert_eq!(r.status(), 303);
    down.client.get(location(&r)).send().await.unwrap()
}

async fn linked_to(app: &TestApp, email: &str) -> Vec<String> {
    let user = app.user(email).await.expect("account");
    app.state
        .store
        .upstream_identities_of(user.user_id)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.email)
        .collect()
}

#[tokio::test]
async fn the_owner_links_a_provider_after_logging_in_and_it_logs_them_in_from_then_on() {
    let pair = pair(|_| {}).await;
    let down_app = &pair.downstream;
    down_app.verified_user(OWNER, "Owner").await;
    let (down, up) = (Browser::new(down_app), Browser::new(&pair.upstream));
    // Not logged in: the page is for account owners only.
    assert_eq!(
        location(&down.get("/account/linked").await),
        "/login?next=%2Faccount%2Flinked"
    );
    down.login(OWNER, PASSWORD).await;
    let page = down.get("/account/linked").await.text().await.unwrap();
    assert!(page.contains("Link Corp"), "{page}");
    let r = start_link(&down).await;
    assert_eq!(r.status(), 303);
    let r = come_back(&pair, &down, &up, &location(&r)).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(location(&r), "/account/linked");
    assert_eq!(linked_to(down_app, OWNER).await, ["kim@corp.example"]);
    let page = down.get("/account/linked").await.text().await.unwrap();
    assert!(
        page.contains("kim@corp.example") && page.contains("Unlink"),
        "{page}"
    );
    down_app.wait_for_mails(OWNER, 1).await;
    assert!(
        down_app
            .mails_to(OWNER)
            .iter()
            .any(|m| m.subject.contains("was linked"))
    );
    // The address at the provider is not the account's: the link is by subject, and a new
    // browser logs in to the owner's account through the provider.
    let other = Browser::new(down_app);
    let r = through_upstream(&pair, &other, &up).await;
    assert_eq!(location(&r), "/account");
    let page = other.get("/account").await.text().await.unwrap();
    assert!(page.contains(OWNER), "the owner's account");
    assert!(
        down_app.user("kim@corp.example").await.is_none(),
        "no second account"
    );
}

#[tokio::test]
async fn linking_needs_a_recent_login_and_the_same_person_at_the_callback() {
    let pair = pair(|_| {}).await;
    let down_app = &pair.downstream;
    down_app.verified_user(OWNER, "Owner").await;
    let (down, up) = (Browser::new(down_app), Browser::new(&pair.upstream));
    down.login(OWNER, PASSWORD).await;
    down_app.clock.advance_secs(11 * 60);
    let r = start_link(&down).await;
    assert_eq!(location(&r), "/login?reauth=1&next=%2Faccount%2Flinked");
    // Logged in again: linking starts; the browser logs out before it comes back.
    let r = down
        .submit(
            "/login?reauth=1&next=/account/linked",
            "/login",
            &[
                ("identifier", OWNER),
                ("password", PASSWORD),
                ("reauth", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = start_link(&down).await;
    assert!(location(&r).starts_with(&pair.upstream.addr));
    let authorize = location(&r);
    down.submit("/logout", "/logout", &[]).await;
    let r = come_back(&pair, &down, &up, &authorize).await;
    assert_eq!(r.status(), 400);
    assert!(linked_to(down_app, OWNER).await.is_empty());
}

#[tokio::test]
async fn a_login_linked_to_one_account_is_not_linked_to_another() {
    let pair = pair(|_| {}).await;
    let down_app = &pair.downstream;
    let up = Browser::new(&pair.upstream);
    // Kim's first login made an account linked to Kim at the provider.
    let kim = Browser::new(down_app);
    assert_eq!(through_upstream(&pair, &kim, &up).await.status(), 303);
    down_app.verified_user(OWNER, "Owner").await;
    let down = Browser::new(down_app);
    down.login(OWNER, PASSWORD).await;
    let r = start_link(&down).await;
    let r = come_back(&pair, &down, &up, &location(&r)).await;
    assert_eq!(r.status(), 409);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("already linked to another account")
    );
    assert!(linked_to(down_app, OWNER).await.is_empty());
    assert_eq!(identities(down_app, "kim@corp.example").await, 1);
}

#[tokio::test]
async fn the_last_way_in_cannot_be_unlinked_until_a_password_is_set() {
    let pair = pair(|_| {}).await;
    let down_app = &pair.downstream;
    let (down, up) = (Browser::new(down_app), Browser::new(&pair.upstream));
    through_upstream(&pair, &down, &up).await;
    let user = down_app.user("kim@corp.example").await.unwrap();
    let identity = down_app
        .state
        .store
        .upstream_identities_of(user.user_id)
        .await
        .unwrap();
    let fields = [
        ("issuer", identity[0].issuer.as_str()),
        ("subject", identity[0].subject.as_str()),
    ];
    let r = down
        .submit("/account/linked", "/account/linked/unlink", &fields)
        .await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("only way left"));
    assert_eq!(identities(down_app, "kim@corp.example").await, 1);
    // The account page offers to set a password; the form asks for no current one.
    let home = down.get("/account").await.text().await.unwrap();
    assert!(home.contains("Set a password"), "{home}");
    let form = down.get("/account/password").await.text().await.unwrap();
    assert!(!form.contains("current_password") && form.contains("Set a password"));
    let weak = [("password", "short"), ("password_confirm", "short")];
    let r = down
        .submit("/account/password", "/account/password", &weak)
        .await;
    assert_eq!(r.status(), 400, "the rules hold");
    let good = [("password", PASSWORD), ("password_confirm", PASSWORD)];
    let r = down
        .submit("/account/password", "/account/password", &good)
        .await;
    assert_eq!(location(&r), "/account");
    let (_, hash) = down_app
        .state
        .store
        .credentials("kim@corp.example", true)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(hash, NO_PASSWORD);
    assert_eq!(
        down.get("/account").await.status(),
        200,
        "the session stays"
    );
    let r = down
        .submit("/account/linked", "/account/linked/unlink", &fields)
        .await;
    assert_eq!(location(&r), "/account/linked");
    assert_eq!(identities(down_app, "kim@corp.example").await, 0);
    // The password logs in; and the form now asks for the current one to change it.
    let fresh = Browser::new(down_app);
    fresh.login("kim@corp.example", PASSWORD).await;
    let form = fresh.get("/account/password").await.text().await.unwrap();
    assert!(form.contains("current_password"));
    // Someone else's link is not found.
    let r = fresh
        .submit("/account/linked", "/account/linked/unlink", &fields)
        .await;
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn setting_a_first_password_needs_a_recent_login() {
    let pair = pair(|_| {}).await;
    let down_app = &pair.downstream;
    let (down, up) = (Browser::new(down_app), Browser::new(&pair.upstream));
    through_upstream(&pair, &down, &up).await;
    down_app.clock.advance_secs(11 * 60);
    let r = down.get("/account/password").await;
    assert_eq!(location(&r), "/login?reauth=1&next=%2Faccount%2Fpassword");
    // The login page offers the provider for it.
    let page = down
        .get("/login?reauth=1&next=/account/password")
        .await
        .text()
        .await
        .unwrap();
    let start = "/login/upstream/corp?reauth=1&next=%2Faccount%2Fpassword";
    let shown = page.replace("&#x2f;", "/").replace("&amp;", "&");
    assert!(shown.contains(start), "{page}");
    // The provider is asked for a fresh login.
    let authorize = location(&down.get(start).await);
    assert!(authorize.starts_with(&pair.upstream.addr), "{authorize}");
    assert!(authorize.contains("prompt=login"), "{authorize}");
}

#[tokio::test]
async fn a_changed_address_at_the_provider_does_not_move_the_link() {
    let pair = pair(|_| {}).await;
    let down_app = &pair.downstream;
    let (down, up) = (Browser::new(down_app), Browser::new(&pair.upstream));
    through_upstream(&pair, &down, &up).await;
    let first = down_app.user("kim@corp.example").await.unwrap();
    // Kim's address changes at the provider: the account keeps its address, and the link
    // follows the subject.
    let kim_up = pair.upstream.user("kim@corp.example").await.unwrap();
    pair.upstream
        .state
        .store
        .change_email(
            kim_up.user_id,
            &EmailAddress::parse("kim.new@corp.example").unwrap(),
            pair.upstream.clock_now(),
        )
        .await
        .unwrap();
    pair.upstream
        .state
        .store
        .mark_email_verified(kim_up.user_id, pair.upstream.clock_now())
        .await
        .unwrap();
    let again = Browser::new(down_app);
    let up2 = Browser::new(&pair.upstream);
    up2.login("kim.new@corp.example", PASSWORD).await;
    let r = through_upstream(&pair, &again, &up2).await;
    assert_eq!(location(&r), "/account");
    let page = again.get("/account").await.text().await.unwrap();
    assert!(
        page.contains("kim@corp.example"),
        "the same account, its address unchanged"
    );
    assert!(down_app.user("kim.new@corp.example").await.is_none());
    assert_eq!(
        linked_to(down_app, "kim@corp.example").await,
        ["kim.new@corp.example"]
    );
    assert_eq!(
        down_app.user("kim@corp.example").await.unwrap().user_id,
        first.user_id
    );
}

#[tokio::test]
async fn idp_hint_goes_straight_to_the_provider_with_prompt_and_max_age() {
    let pair = pair(|_| {}).await;
    let rp = Rp::register(&pair.downstream, |_| {}).await;
    let down = Browser::new(&pair.downstream);
    let path = rp.authorize_path(&[
        ("idp_hint", "corp"),
        ("prompt", "login"),
        ("max_age", "300"),
    ]);
    let r = down.get(&path).await;
    let start = location(&r);
    assert!(
        start.starts_with("/login/upstream/corp?next=/authorize/resume/"),
        "{start}"
    );
    let r = down.get(&start).await;
    let authorize = location(&r);
    assert!(authorize.starts_with(&pair.upstream.addr), "{authorize}");
    assert!(authorize.contains("prompt=login"), "{authorize}");
    assert!(authorize.contains("max_age=300"), "{authorize}");
    // An unknown provider is only a hint: Daemun's own login page.
    let path = rp.authorize_path(&[("idp_hint", "nobody")]);
    assert!(location(&down.get(&path).await).starts_with("/login?next=/authorize/resume/"));
    // Without prompt or max_age, the provider is asked for neither.
    let path = rp.authorize_path(&[("idp_hint", "corp")]);
    let start = location(&down.get(&path).await);
    let authorize = location(&down.get(&start).await);
    assert!(
        !authorize.contains("prompt=") && !authorize.contains("max_age="),
        "{authorize}"
    );
}

#[tokio::test]
async fn a_login_older_than_max_age_at_the_provider_is_refused() {
    let pair = pair(|_| {}).await;
    let rp = Rp::register(&pair.downstream, |_| {}).await;
    let (down, up) = (Browser::new(&pair.downstream), Browser::new(&pair.upstream));
    up.login("kim@corp.example", PASSWORD).await;
    let path = rp.authorize_path(&[("idp_hint", "corp"), ("max_age", "60")]);
    let start = location(&down.get(&path).await);
    let authorize = location(&down.get(&start).await);
    // The upstream honours max_age itself; make its answer come from a login that the
    // downstream sees as too old by moving the downstream's clock instead.
    pair.downstream.clock.advance_secs(300);
    let r = up.client.get(&authorize).send().await.unwrap();
    let r = down.client.get(location(&r)).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("fresh login"));
}

/// Kim at the upstream with an authenticator app, logged in there with both factors; the
/// downstream account (made at a first login) with a password and an authenticator app too.
async fn two_factors_both_sides(trust: bool) -> (Pair, i64) {
    let pair = pair(|p| p.trust_upstream_mfa = trust).await;
    let up = Browser::new(&pair.upstream);
    up.login("kim@corp.example", PASSWORD).await;
    let (up_secret, _) = enrol(&up).await;
    let down = Browser::new(&pair.downstream);
    through_upstream(&pair, &down, &up).await;
    let good = [("password", PASSWORD), ("password_confirm", PASSWORD)];
    down.submit("/account/password", "/account/password", &good)
        .await;
    enrol(&down).await;
    // Kim logs in at the upstream again, with the code.
    let up = Browser::new(&pair.upstream);
    password_step(&up, "kim@corp.example").await;
    let r = code_step(&up, "totp", &code_now(&pair.upstream, &up_secret)).await;
    assert_eq!(r.status(), 303);
    let user = pair.downstream.user("kim@corp.example").await.unwrap();
    // A new browser downstream comes through the upstream.
    let fresh = Browser::new(&pair.downstream);
    let r = through_upstream(&pair, &fresh, &up).await;
    let step = location(&r);
    (
        pair,
        if step == STEP {
            -user.user_id
        } else {
            user.user_id
        },
    )
}

#[tokio::test]
async fn the_providers_second_factor_counts_only_when_trusted() {
    let (pair, id) = two_factors_both_sides(true).await;
    assert!(id > 0, "no second step downstream");
    let sessions = pair
        .downstream
        .state
        .store
        .sessions_of_user(id)
        .await
        .unwrap();
    let newest = sessions.iter().max_by_key(|s| s.auth_time).unwrap();
    assert_eq!(newest.amr, "fed pwd otp mfa");
    let (_, id) = two_factors_both_sides(false).await;
    assert!(id < 0, "the downstream asks for its own second factor");
}

/// Gives Kim at the upstream the username `name`.
async fn upstream_username(pair: &Pair, name: &str) {
    let kim = pair.upstream.user("kim@corp.example").await.unwrap();
    let update = ProfileUpdate {
        display_name: "Kim".into(),
        given_name: String::new(),
        family_name: String::new(),
        username: Some(name.into()),
        username_normalized: Some(name.to_lowercase()),
        locale: None,
    };
    let now = pair.upstream.clock_now();
    pair.upstream
        .state
        .store
        .update_profile(kim.user_id, &update, now)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_new_account_takes_the_providers_username_only_when_it_is_free() {
    let pair = pair(|_| {}).await;
    upstream_username(&pair, "KimCorp").await;
    let (down, up) = (Browser::new(&pair.downstream), Browser::new(&pair.upstream));
    through_upstream(&pair, &down, &up).await;
    let kim = pair.downstream.user("kim@corp.example").await.unwrap();
    assert_eq!(kim.username.as_deref(), Some("KimCorp"));

    let pair = self::pair(|_| {}).await;
    upstream_username(&pair, "taken").await;
    pair.downstream
        .verified_user("other@corp.example", "Other")
        .await;
    let other = pair.downstream.user("other@corp.example").await.unwrap();
    let update = ProfileUpdate {
        display_name: "Other".into(),
        given_name: String::new(),
        family_name: String::new(),
        username: Some("Taken".into()),
        username_normalized: Some("taken".into()),
        locale: None,
    };
    let now = pair.downstream.clock_now();
    pair.downstream
        .state
        .store
        .update_profile(other.user_id, &update, now)
        .await
        .unwrap();
    let (down, up) = (Browser::new(&pair.downstream), Browser::new(&pair.upstream));
    let r = through_upstream(&pair, &down, &up).await;
    assert_eq!(
        location(&r),
        "/account",
        "the account is made without the username"
    );
    let kim = pair.downstream.user("kim@corp.example").await.unwrap();
    assert_eq!(kim.username, None);
}

#[tokio::test]
async fn with_sign_up_closed_the_page_refuses_but_a_provider_may_still_create_accounts() {
    let open = TestApp::spawn().await;
    let home = open.get("/").await.text().await.unwrap();
    assert!(home.contains("signup"), "open by default");

    let pair = pair_configured(|_| {}, |c| c.accounts.signup_open = false).await;
    let down_app = &pair.downstream;
    for page in ["/", "/login"] {
        let html = down_app.get(page).await.text().await.unwrap();
        assert!(
            !html.contains("signup"),
            "{page} links to no sign-up: {html}"
        );
    }
    let r = down_app.get("/signup").await;
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("Sign-up is closed"));
    let fields = [
        ("email", "new@corp.example"),
        ("display_name", "New"),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
    ];
    let r = Browser::new(down_app).post("/signup", &fields).await;
    assert_eq!(r.status(), 403);
    assert!(down_app.user("new@corp.example").await.is_none());
    // A first login through the provider still makes an account.
    let (down, up) = (Browser::new(down_app), Browser::new(&pair.upstream));
    let r = through_upstream(&pair, &down, &up).await;
    assert_eq!(location(&r), "/account");
    assert!(down_app.user("kim@corp.example").await.is_some());
}

#[tokio::test]
async fn the_console_lists_the_providers_with_their_callback_and_links_but_no_secret() {
    let pair = pair(|p| p.allowed_email_domains = vec!["corp.example".into()]).await;
    let (down, up) = (Browser::new(&pair.downstream), Browser::new(&pair.upstream));
    through_upstream(&pair, &down, &up).await;
    let (console, _) = admin(&pair.downstream).await;
    let r = console.get("/admin/upstream").await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap().replace("&#x2f;", "/");
    let secret = &pair.downstream.state.config.upstream["corp"].client_secret;
    assert!(
        html.contains("Corp") && html.contains(&pair.upstream.addr),
        "{html}"
    );
    assert!(html.contains(&format!(
        "{}/login/upstream/corp/callback",
        pair.downstream.addr
    )));
    assert!(html.contains("creates accounts (corp.example)"), "{html}");
    assert!(html.contains("<td data-label=\"Linked\">1</td>"), "{html}");
    assert!(
        !html.contains(secret.as_str()),
        "the secret stays out of the page"
    );
}

#[tokio::test]
async fn an_address_the_provider_does_not_vouch_for_makes_no_account() {
    // The mapped flag is one the provider never sends: the address counts as unverified.
    let pair = pair(|p| p.claims.email_verified = "corp_checked_email".into()).await;
    let (down, up) = (Browser::new(&pair.downstream), Browser::new(&pair.upstream));
    let r = through_upstream(&pair, &down, &up).await;
    assert_eq!(r.status(), 403);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("has not verified your email address")
    );
    assert!(pair.downstream.user("kim@corp.example").await.is_none());
    assert_eq!(down.get("/account").await.status(), 303, "nobody logged in");
}

#[tokio::test]
async fn a_trusted_providers_two_factors_satisfy_a_policy_of_two_factors_for_everyone() {
    for trust in [true, false] {
        let pair = pair_configured(
            |p| p.trust_upstream_mfa = trust,
            |c| c.accounts.require_second_factor = SecondFactorPolicy::Everyone,
        )
        .await;
        // Kim logs in at the upstream with a password and an authenticator app.
        let up = Browser::new(&pair.upstream);
        up.login("kim@corp.example", PASSWORD).await;
        let (secret, _) = enrol(&up).await;
        let up = Browser::new(&pair.upstream);
        password_step(&up, "kim@corp.example").await;
        code_step(&up, "totp", &code_now(&pair.upstream, &secret)).await;
        let down = Browser::new(&pair.downstream);
        through_upstream(&pair, &down, &up).await;
        let rp = Rp::register(&pair.downstream, |s| s.first_party = true).await;
        let next = location(&down.get(&rp.authorize_path(&[])).await);
        if trust {
            assert!(next.starts_with(&rp.redirect_uri), "a code at once: {next}");
        } else {
            assert!(
                next.starts_with("/account/security?next="),
                "set one up: {next}"
            );
            let page = down.get(&next).await.text().await.unwrap();
            assert!(
                page.contains("set one first"),
                "no password to confirm it with yet"
            );
        }
    }
}

#[tokio::test]
async fn an_address_in_use_is_linked_once_its_owner_logs_in_and_confirms() {
    let pair = pair(|_| {}).await;
    let down_app = &pair.downstream;
    down_app.verified_user("kim@corp.example", "Kim Here").await;
    let (down, up) = (Browser::new(down_app), Browser::new(&pair.upstream));
    let r = through_upstream(&pair, &down, &up).await;
    assert_eq!(r.status(), 403, "no login and no link by the address");
    let page = r.text().await.unwrap();
    assert!(page.contains("Log in to link"), "{page}");
    assert_eq!(identities(down_app, "kim@corp.example").await, 0);
    // Someone else's browser, logged in to the account, finds nothing waiting.
    let other = Browser::new(down_app);
    other.login("kim@corp.example", PASSWORD).await;
    let r = other.get("/account/linked/confirm").await;
    assert_eq!(location(&r), "/account/linked");
    // The owner logs in with the password and confirms.
    let r = down
        .submit(
            "/login?next=%2Faccount%2Flinked%2Fconfirm",
            "/login",
            &[
                ("identifier", "kim@corp.example"),
                ("password", PASSWORD),
                ("next", "/account/linked/confirm"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/account/linked/confirm");
    let page = down
        .get("/account/linked/confirm")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Link Corp"), "{page}");
    let r = down
        .submit("/account/linked/confirm", "/account/linked/confirm", &[])
        .await;
    assert_eq!(location(&r), "/account/linked");
    assert_eq!(identities(down_app, "kim@corp.example").await, 1);
    // Used once: a second confirmation links nothing more.
    let r = down
        .submit("/account/linked", "/account/linked/confirm", &[])
        .await;
    assert_eq!(location(&r), "/account/linked");
    // From now on the provider logs the owner in.
    let again = Browser::new(down_app);
    let r = through_upstream(&pair, &again, &up).await;
    assert_eq!(location(&r), "/account");
    let home = again.get("/account").await.text().await.unwrap();
    assert!(home.contains("Kim Here"), "the owner's account");
}
