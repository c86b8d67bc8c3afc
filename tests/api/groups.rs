//! Groups and who may use which application: `daemun group`, a client limited to groups
//! (`--allowed-group`), the page an outsider sees, `access_denied` for the application, and a
//! removed member's refresh refused.
use daemun::domain::group::Group;
use serde_json::Value;

use crate::cli::{daemun, run};
use crate::helpers::*;
use crate::rp::{Rp, read};

const MEMBER: &str = "mina@example.com";

async fn group(app: &TestApp, name: &str) {
    let g = Group {
        name: name.into(),
        label: name.to_uppercase(),
        created_at: app.clock_now(),
    };
    app.state.store.insert_group(&g).await.unwrap();
}

/// A logged-in person and a first-party client for members of `staff` only.
async fn setup() -> (TestApp, Rp, i64) {
    let app = TestApp::spawn().await;
    group(&app, "staff").await;
    let rp = Rp::register(&app, |s| {
        s.first_party = true;
        s.grant_types = vec!["authorization_code".into(), "refresh_token".into()];
        s.allowed_groups = vec!["staff".into()];
    })
    .await;
    app.verified_user(MEMBER, "Mina").await;
    assert_eq!(app.login(MEMBER, PASSWORD).await.status(), 303);
    let id = app.user(MEMBER).await.unwrap().user_id;
    (app, rp, id)
}

#[tokio::test]
async fn an_outsider_is_told_and_the_application_gets_access_denied() {
    let (app, rp, user_id) = setup().await;
    let r = app.get(&rp.authorize_path(&[])).await;
    assert_eq!(r.status(), 303);
    let page = location(&r);
    assert!(
        page.starts_with("/authorize/not-allowed?request="),
        "{page}"
    );
    for (lang, says) in [
        ("en", "is not available to you"),
        ("ko", "사용할 수 없습니다"),
    ] {
        let r = app
            .client
            .get(app.url(&page))
            .header("accept-language", lang)
            .send()
            .await
            .unwrap();
        if lang == "ko" {
            // The request ended with the first answer.
            assert_eq!(r.status(), 400, "used once");
            break;
        }
        assert_eq!(r.status(), 403);
        let html = r.text().await.unwrap();
        assert!(html.contains(says), "{html}");
        let back = html
            .split("href=\"")
            .map(|s| {
                s.split('"')
                    .next()
                    .unwrap()
                    .replace("&amp;", "&")
                    .replace("&#x2f;", "/")
            })
            .find(|h| h.starts_with(&rp.redirect_uri))
            .expect("a way back to the application");
        let url = url::Url::parse(&back).unwrap();
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q.get("error").map(String::as_str), Some("access_denied"));
        assert_eq!(q.get("state").map(String::as_str), Some("st-1"));
        assert_eq!(q.get("iss"), Some(&app.addr));
    }
    let events = app.state.store.recent_audit(None, 20).await.unwrap();
    assert!(events.iter().any(|e| e.event == "authorize.not_allowed"
        && e.user_id == Some(user_id)
        && e.client_id.as_deref() == Some(rp.id.as_str())));

    // The same in Korean, on a fresh request.
    let r = app.get(&rp.authorize_path(&[])).await;
    let html = app
        .client
        .get(app.url(&location(&r)))
        .header("accept-language", "ko")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("사용할 수 없습니다"), "{html}");

    // prompt=none: no page, the application hears it at once.
    let r = app.get(&rp.authorize_path(&[("prompt", "none")])).await;
    assert_eq!(
        location_params(&r).get("error").map(String::as_str),
        Some("access_denied")
    );
}

#[tokio::test]
async fn members_get_in_and_a_removed_member_cannot_refresh() {
    let (app, rp, user_id) = setup().await;
    app.state
        .store
        .add_member("staff", user_id, app.clock_now())
        .await
        .unwrap();
    let v = rp.tokens(&app, &[]).await;
    let refresh = v["refresh_token"].as_str().unwrap().to_owned();
    let (status, v) = rp.refresh(&refresh).await;
    assert_eq!(status, 200, "{v}");
    let refresh = v["refresh_token"].as_str().unwrap().to_owned();

    assert!(
        app.state
            .store
            .remove_member("staff", user_id)
            .await
            .unwrap()
    );
    let (status, e) = rp.refresh(&refresh).await;
    assert_eq!((status, e["error"].as_str()), (400, Some("invalid_grant")));
    // Another application, open to everyone, is not affected.
    let open = Rp::register(&app, |s| s.first_party = true).await;
    let (status, _) = read(
        open.token(&open.exchange_form(&open.code(&app, &[]).await, None))
            .await,
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn groups_are_managed_from_the_command_line() {
    let app = TestApp::spawn().await;
    app.verified_user(MEMBER, "Mina").await;
    let sub = app.user(MEMBER).await.unwrap().sub;
    let dir = tempfile::tempdir().unwrap();
    let db = app.state.config.database.url.clone();
    let cli = || daemun(dir.path(), &db);
    let (ok, _, err) = run(cli().args(["group", "add", "staff", "--label", "Staff"]));
    assert!(ok, "{err}");
    for (args, says) in [
        (vec!["group", "add", "staff"], "exists already"),
        (vec!["group", "add", "Not Valid"], "not a group name"),
        (vec!["group", "add-member", "nope", MEMBER], "no group"),
        (
            vec!["group", "add-member", "staff", "ghost@example.com"],
            "no account",
        ),
    ] {
        let (ok, _, err) = run(cli().args(&args));
        assert!(!ok && err.contains(says), "{args:?}: {err}");
    }
    // Members by email, username or sub.
    let (ok, _, err) = run(cli().args(["group", "add-member", "staff", &sub]));
    assert!(ok, "{err}");
    let (ok, _, err) = run(cli().args(["group", "add-member", "staff", MEMBER]));
    assert!(!ok && err.contains("already"), "{err}");
    let (ok, _, err) = run(cli().args(["group", "rename", "staff", "--label", "All staff"]));
    assert!(ok, "{err}");
    let (_, out, _) = run(cli().args(["group", "show", "staff", "--json"]));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["name"], "staff", "the name never changes");
    assert_eq!(v["label"], "All staff");
    assert_eq!(v["members"][0]["sub"], sub);

    // An application limited to the group; an unknown group is refused.
    let (ok, out, err) = run(cli().args([
        "client",
        "add",
        "--name",
        "Wiki",
        "--redirect-uri",
        "https://wiki.example/cb",
        "--allowed-group",
        "staff",
        "--json",
    ]));
    assert!(ok, "{err}");
    let id = serde_json::from_str::<Value>(&out).unwrap()["client_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (ok, _, err) = run(cli().args(["client", "update", &id, "--allowed-group", "nope"]));
    assert!(!ok && err.contains("unknown group"), "{err}");
    let (ok, _, err) = run(cli().args(["group", "remove", "staff"]));
    assert!(!ok && err.contains(&id), "{err}");
    let (ok, _, err) = run(cli().args(["client", "update", &id, "--allowed-group", ""]));
    assert!(ok, "{err}");
    let (ok, _, err) = run(cli().args(["group", "remove-member", "staff", MEMBER]));
    assert!(ok, "{err}");
    let (ok, _, err) = run(cli().args(["group", "remove", "staff"]));
    assert!(ok, "{err}");
    let (_, out, _) = run(cli().args(["group", "list", "--json"]));
    assert_eq!(out.trim(), "[]");
    let events = crate::cli::events(&db).await;
    for e in [
        "group.added",
        "group.renamed",
        "group.member_added",
        "group.member_removed",
        "group.removed",
    ] {
        assert!(events.iter().any(|x| x.event == e), "{e}");
    }
}

/// The `groups` scope: the names (never the labels) of the person's groups in the ID token
/// and at UserInfo; nothing without the scope.
#[tokio::test]
async fn the_groups_scope_gives_group_names_in_the_id_token_and_userinfo() {
    let (app, rp, user_id) = setup().await;
    group(&app, "ops.oncall").await;
    for g in ["staff", "ops.oncall"] {
        app.state
            .store
            .add_member(g, user_id, app.clock_now())
            .await
            .unwrap();
    }
    assert!(
        app.state
            .store
            .relabel_group("staff", "Everyone at work")
            .await
            .unwrap()
    );
    let d = app.discovery().await;
    assert!(
        d["scopes_supported"]
            .as_array()
            .unwrap()
            .contains(&"groups".into())
    );
    assert!(
        d["claims_supported"]
            .as_array()
            .unwrap()
            .contains(&"groups".into())
    );

    let v = rp.tokens(&app, &[("scope", "openid groups")]).await;
    let claims = crate::oidc_flow::jwt_payload(v["id_token"].as_str().unwrap());
    assert_eq!(claims["groups"], serde_json::json!(["ops.oncall", "staff"]));
    let r = rp.userinfo(v["access_token"].as_str().unwrap()).await;
    let info: Value = r.json().await.unwrap();
    assert_eq!(info["groups"], serde_json::json!(["ops.oncall", "staff"]));
    // A refreshed ID token says the same, after a change.
    assert!(
        app.state
            .store
            .remove_member("ops.oncall", user_id)
            .await
            .unwrap()
    );
    let (_, v) = rp.refresh(v["refresh_token"].as_str().unwrap()).await;
    let claims = crate::oidc_flow::jwt_payload(v["id_token"].as_str().unwrap());
    assert_eq!(claims["groups"], serde_json::json!(["staff"]));

    let v = rp.tokens(&app, &[("scope", "openid email")]).await;
    let claims = crate::oidc_flow::jwt_payload(v["id_token"].as_str().unwrap());
    assert!(claims.get("groups").is_none(), "{claims}");
    let info: Value = rp
        .userinfo(v["access_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert!(info.get("groups").is_none(), "{info}");
}

/// A person sees their groups (by label) on the account page and finds them in the export;
/// deleting the account takes the memberships with it.
#[tokio::test]
async fn people_see_their_groups_and_take_them_in_the_export() {
    let (app, _rp, user_id) = setup().await;
    app.state
        .store
        .add_member("staff", user_id, app.clock_now())
        .await
        .unwrap();
    let html = app.get("/account").await.text().await.unwrap();
    assert!(html.contains("Groups") && html.contains("STAFF"), "{html}");
    let r = app.submit("/account/export", "/account/export", &[]).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v["groups"],
        serde_json::json!([{ "name": "staff", "label": "STAFF" }])
    );
    app.state
        .store
        .delete_account(user_id, app.clock_now())
        .await
        .unwrap();
    assert!(
        app.state
            .store
            .group_members("staff")
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn administrators_manage_groups_and_members_in_the_console() {
    let app = TestApp::spawn().await;
    let (admin, admin_sub) = crate::admin::admin(&app).await;
    app.verified_user(MEMBER, "Mina").await;
    let r = admin
        .submit(
            "/admin/groups",
            "/admin/groups",
            &[("name", "Bad Name"), ("label", "")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("lower-case letters"));
    let html = crate::admin::act(
        &admin,
        "/admin/groups",
        &[("name", "staff"), ("label", "All staff")],
    )
    .await;
    assert!(
        html.contains("The group is created") && html.contains("All staff"),
        "{html}"
    );
    let page = "/admin/groups/staff";
    let html = crate::admin::act(&admin, page, &[("action", "add_member"), ("who", MEMBER)]).await;
    assert!(
        html.contains("added to the group") && html.contains(MEMBER),
        "{html}"
    );
    let html = crate::admin::act(&admin, page, &[("action", "add_member"), ("who", MEMBER)]).await;
    assert!(html.contains("in the group already"), "{html}");
    let html =
        crate::admin::act(&admin, page, &[("action", "add_member"), ("who", "nobody")]).await;
    assert!(html.contains("No account matches"), "{html}");
    let html =
        crate::admin::act(&admin, page, &[("action", "rename"), ("label", "Everyone")]).await;
    assert!(html.contains("The label is saved"), "{html}");
    let g = app.state.store.group("staff").await.unwrap().unwrap();
    assert_eq!((g.name.as_str(), g.label.as_str()), ("staff", "Everyone"));

    // Limited to by an application: it stays until the application changes.
    let rp = Rp::register(&app, |s| s.allowed_groups = vec!["staff".into()]).await;
    let html = crate::admin::act(&admin, page, &[("action", "delete"), ("confirm", "staf")]).await;
    assert!(html.contains("Type the group"), "{html}");
    let html = crate::admin::act(&admin, page, &[("action", "delete"), ("confirm", "staff")]).await;
    assert!(
        html.contains("An application is limited to this group"),
        "{html}"
    );
    let sub = app.user(MEMBER).await.unwrap().sub;
    let html = crate::admin::act(&admin, page, &[("action", "remove_member"), ("sub", &sub)]).await;
    assert!(html.contains("taken out of the group"), "{html}");
    app.state.store.delete_client(&rp.id).await.unwrap();
    let html = crate::admin::act(&admin, page, &[("action", "delete"), ("confirm", "staff")]).await;
    assert!(html.contains("The group is deleted"), "{html}");
    assert!(app.state.store.group("staff").await.unwrap().is_none());
    for event in [
        "group.added",
        "group.member_added",
        "group.renamed",
        "group.member_removed",
        "group.removed",
    ] {
        assert_eq!(
            crate::admin::admin_events(&app, event, &admin_sub).await,
            1,
            "{event}"
        );
    }
}
