//! Application roles: defined on one client, granted to groups or people, and read by that
//! client only from the `roles` claim.
use daemun::domain::group::Group;
use daemun::domain::role::{Grantee, Role};
use serde_json::{Value, json};

use crate::cli::{daemun, run};
use crate::helpers::*;
use crate::oidc_flow::jwt_payload;
use crate::rp::Rp;

const MEMBER: &str = "mina@example.com";

async fn first_party(app: &TestApp, name: &str, uri: &str) -> Rp {
    Rp::register(app, |s| {
        s.name = name.into();
        s.redirect_uris = vec![uri.into()];
        s.first_party = true;
        s.grant_types = vec!["authorization_code".into(), "refresh_token".into()];
    })
    .await
}

async fn role(app: &TestApp, rp: &Rp, name: &str) {
    let r = Role {
        client_id: rp.id.clone(),
        name: name.into(),
        label: name.to_uppercase(),
        created_at: app.clock_now(),
    };
    app.state.store.insert_role(&r).await.unwrap();
}

async fn grant(app: &TestApp, rp: &Rp, role: &str, to: Grantee) {
    let store = &app.state.store;
    assert!(
        store
            .grant_role(&rp.id, role, &to, app.clock_now())
            .await
            .unwrap()
    );
}

/// The `roles` claim of an ID token and of UserInfo for `rp`, after a login with `scope`.
async fn roles_seen(app: &TestApp, rp: &Rp, scope: &str) -> (Value, Value, String) {
    let v = rp.tokens(app, &[("scope", scope)]).await;
    let claims = jwt_payload(v["id_token"].as_str().unwrap());
    let info: Value = rp
        .userinfo(v["access_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        claims.get("roles"),
        info.get("roles"),
        "ID token and UserInfo agree"
    );
    let refresh = v["refresh_token"].as_str().unwrap_or_default().to_owned();
    (claims, info, refresh)
}

/// Roles granted to a group reach its members, roles granted to a person reach them, and only
/// the application that defines them sees them; an application without roles gets no claim,
/// one with roles the person lacks gets an empty list. Changes show at the next refresh.
#[tokio::test]
async fn roles_reach_only_the_application_that_defines_them() {
    let app = TestApp::spawn().await;
    let board = first_party(&app, "Board", REDIRECT_URI).await;
    let wiki = first_party(&app, "Wiki", "http://127.0.0.1:9/wiki-cb").await;
    let g = Group {
        name: "staff".into(),
        label: "Staff".into(),
        created_at: app.clock_now(),
    };
    app.state.store.insert_group(&g).await.unwrap();
    app.verified_user(MEMBER, "Mina").await;
    let user_id = app.user(MEMBER).await.unwrap().user_id;
    app.state
        .store
        .add_member("staff", user_id, app.clock_now())
        .await
        .unwrap();
    for r in ["editor", "admin", "viewer"] {
        role(&app, &board, r).await;
    }
    grant(&app, &board, "editor", Grantee::Group("staff".into())).await;
    grant(&app, &board, "admin", Grantee::Person(user_id)).await;
    assert_eq!(app.login(MEMBER, PASSWORD).await.status(), 303);

    let d = app.discovery().await;
    assert!(
        d["claims_supported"]
            .as_array()
            .unwrap()
            .contains(&"roles".into())
    );

    // No scope asks for roles: they are the application's own, with any scope.
    let (claims, _, refresh) = roles_seen(&app, &board, "openid").await;
    assert_eq!(claims["roles"], json!(["admin", "editor"]));
    assert!(claims.get("groups").is_none(), "groups only with its scope");
    let (claims, _, _) = roles_seen(&app, &wiki, "openid profile").await;
    assert!(
        claims.get("roles").is_none(),
        "Wiki defines no roles: {claims}"
    );
    role(&app, &wiki, "reader").await;
    let (claims, info, _) = roles_seen(&app, &wiki, "openid").await;
    assert_eq!(claims["roles"], json!([]), "Wiki's roles, none held");
    assert_eq!(info["roles"], json!([]));

    // Out of the group: the group's role goes at the next refresh; the direct one stays.
    assert!(
        app.state
            .store
            .remove_member("staff", user_id)
            .await
            .unwrap()
    );
    let (status, v) = board.refresh(&refresh).await;
    assert_eq!(status, 200, "{v}");
    let claims = jwt_payload(v["id_token"].as_str().unwrap());
    assert_eq!(claims["roles"], json!(["admin"]));
    let store = &app.state.store;
    assert!(
        store
            .revoke_role(&board.id, "admin", &Grantee::Person(user_id))
            .await
            .unwrap()
    );
    let (_, v) = board.refresh(v["refresh_token"].as_str().unwrap()).await;
    assert_eq!(
        jwt_payload(v["id_token"].as_str().unwrap())["roles"],
        json!([])
    );
}

/// Roles go with their application, their group and the account; the export lists the
/// person's roles with the application's name.
#[tokio::test]
async fn roles_are_exported_and_removed_cleanly() {
    let app = TestApp::spawn().await;
    let board = first_party(&app, "Board", REDIRECT_URI).await;
    let g = Group {
        name: "staff".into(),
        label: "Staff".into(),
        created_at: app.clock_now(),
    };
    let store = &app.state.store;
    store.insert_group(&g).await.unwrap();
    app.verified_user(MEMBER, "Mina").await;
    let user_id = app.user(MEMBER).await.unwrap().user_id;
    store
        .add_member("staff", user_id, app.clock_now())
        .await
        .unwrap();
    role(&app, &board, "editor").await;
    role(&app, &board, "admin").await;
    grant(&app, &board, "editor", Grantee::Group("staff".into())).await;
    grant(&app, &board, "admin", Grantee::Person(user_id)).await;
    // A second grant of the same role is no change.
    let me = Grantee::Person(user_id);
    let again = store.grant_role(&board.id, "admin", &me, app.clock_now());
    assert!(!again.await.unwrap());
    assert_eq!(app.login(MEMBER, PASSWORD).await.status(), 303);
    let r = app.submit("/account/export", "/account/export", &[]).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v["app_roles"],
        json!([
            { "client_id": board.id, "client_name": "Board", "name": "admin", "label": "ADMIN" },
            { "client_id": board.id, "client_name": "Board", "name": "editor", "label": "EDITOR" },
        ])
    );

    // The group goes: its grant goes with it.
    assert!(matches!(
        store.delete_group("staff").await.unwrap(),
        daemun::store::Removal::Removed
    ));
    let roles = store.client_roles(&board.id).await.unwrap();
    assert!(roles.iter().all(|r| r.groups.is_empty()), "{roles:?}");
    assert_eq!(roles.iter().map(|r| r.people.len()).sum::<usize>(), 1);
    // The account goes: its grant goes with it, the roles stay.
    store
        .delete_account(user_id, app.clock_now())
        .await
        .unwrap();
    let roles = store.client_roles(&board.id).await.unwrap();
    assert_eq!(roles.len(), 2);
    assert!(roles.iter().all(|r| r.people.is_empty()), "{roles:?}");
    // The application goes: its roles go with it.
    assert!(store.delete_client_and_grants(&board.id).await.unwrap());
    assert!(store.client_roles(&board.id).await.unwrap().is_empty());
    assert!(store.role(&board.id, "admin").await.unwrap().is_none());
}

#[tokio::test]
async fn roles_are_managed_from_the_command_line() {
    let app = TestApp::spawn().await;
    let board = first_party(&app, "Board", REDIRECT_URI).await;
    app.verified_user(MEMBER, "Mina").await;
    let sub = app.user(MEMBER).await.unwrap().sub;
    let dir = tempfile::tempdir().unwrap();
    let db = app.state.config.database.url.clone();
    let cli = || daemun(dir.path(), &db);
    let id = board.id.as_str();
    let (ok, _, err) = run(cli().args(["group", "add", "staff"]));
    assert!(ok, "{err}");
    let (ok, _, err) =
        run(cli().args(["client", "role", "add", id, "editor", "--label", "Editor"]));
    assert!(ok, "{err}");
    let (ok, _, err) = run(cli().args(["client", "role", "add", id, "admin"]));
    assert!(ok, "{err}");
    for (args, says) in [
        (vec!["client", "role", "add", id, "editor"], "already has"),
        (
            vec!["client", "role", "add", id, "Bad Name"],
            "not a role name",
        ),
        (vec!["client", "role", "add", "nope", "editor"], "no client"),
        (
            vec!["client", "role", "grant", id, "ghost", "--group", "staff"],
            "no role",
        ),
        (
            vec!["client", "role", "grant", id, "editor", "--group", "nope"],
            "no group",
        ),
        (
            vec![
                "client",
                "role",
                "grant",
                id,
                "editor",
                "--user",
                "x@example.com",
            ],
            "no account",
        ),
        (vec!["client", "role", "grant", id, "editor"], "--group"),
        (
            vec![
                "client", "role", "grant", id, "editor", "--group", "staff", "--user", MEMBER,
            ],
            "cannot be used with",
        ),
        (
            vec!["client", "role", "revoke", id, "editor", "--group", "staff"],
            "does not hold",
        ),
        (vec!["client", "role", "remove", id, "ghost"], "no role"),
    ] {
        let (ok, _, err) = run(cli().args(&args));
        assert!(!ok && err.contains(says), "{args:?}: {err}");
    }
    let (ok, _, err) =
        run(cli().args(["client", "role", "grant", id, "editor", "--group", "staff"]));
    assert!(ok, "{err}");
    let (ok, _, err) = run(cli().args(["client", "role", "grant", id, "admin", "--user", &sub]));
    assert!(ok, "{err}");
    let (ok, _, err) = run(cli().args(["client", "role", "grant", id, "admin", "--user", MEMBER]));
    assert!(!ok && err.contains("already holds"), "{err}");
    let (_, out, _) = run(cli().args(["client", "role", "list", id, "--json"]));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v,
        json!([
            { "name": "admin", "label": "admin", "groups": [], "people": [{ "sub": sub, "email": MEMBER }] },
            { "name": "editor", "label": "Editor", "groups": ["staff"], "people": [] },
        ])
    );
    let (_, out, _) = run(cli().args(["client", "role", "list", id]));
    assert!(out.contains("editor  (Editor)  group staff"), "{out}");
    let (ok, _, err) = run(cli().args(["client", "role", "revoke", id, "admin", "--user", MEMBER]));
    assert!(ok, "{err}");
    let (ok, _, err) = run(cli().args(["client", "role", "remove", id, "editor"]));
    assert!(ok, "{err}");
    let (_, out, _) = run(cli().args(["client", "role", "list", id, "--json"]));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().map(Vec::len), Some(1), "{v}");
    let events = crate::cli::events(&db).await;
    for e in ["role.added", "role.granted", "role.revoked", "role.removed"] {
        assert!(events.iter().any(|x| x.event == e), "{e}");
    }
    let revoked = events.iter().find(|x| x.event == "role.revoked").unwrap();
    assert_eq!(revoked.client_id.as_deref(), Some(id));
    assert!(
        revoked.user_id.is_some(),
        "a person's grant names the person"
    );
}
