//! The admin console's application roles (`/admin/clients/<client_id>/roles`): define a role
//! with the command line's rules, grant it to a group or a person, see who holds it, take it
//! back, remove it; every change in the audit trail.
use daemun::domain::group::Group;
use daemun::store::audit::{AuditEvent, AuditFilter};

use crate::admin::{act, admin, admin_events};
use crate::helpers::*;
use crate::rp::Rp;

const MEMBER: &str = "mina@example.com";

async fn staff_group(app: &TestApp) {
    let g = Group {
        name: "staff".into(),
        label: "All staff".into(),
        created_at: app.clock_now(),
    };
    app.state.store.insert_group(&g).await.unwrap();
}

/// The newest event named `event` about the application `client_id`.
async fn last_event(app: &TestApp, event: &str, client_id: &str) -> AuditEvent {
    let f = AuditFilter {
        event: Some(event.to_owned()),
        client_id: Some(client_id.to_owned()),
        ..AuditFilter::default()
    };
    let found = app.state.store.audit_search(&f, 1, 0).await.unwrap();
    found.into_iter().next().expect(event)
}

#[tokio::test]
async fn administrators_define_grant_and_remove_roles_in_the_console() {
    let app = TestApp::spawn().await;
    let (admin, admin_sub) = admin(&app).await;
    app.verified_user(MEMBER, "Mina").await;
    let mina = app.user(MEMBER).await.unwrap();
    staff_group(&app).await;
    let rp = Rp::register(&app, |_| {}).await;
    let page = format!("/admin/clients/{}/roles", rp.id);

    let settings = admin.get(&format!("/admin/clients/{}", rp.id)).await;
    let settings = settings.text().await.unwrap();
    assert!(
        settings.contains(&format!("href=\"{page}\"")) && settings.contains("Manage roles (0)"),
        "{settings}"
    );
    let html = admin.get(&page).await.text().await.unwrap();
    assert!(html.contains("defines no roles yet"), "{html}");

    // Defining: the command line's rules, refusals under their field.
    for (fields, message) in [
        ([("name", "Bad Name"), ("label", "")], "lower-case letters"),
        (
            [("name", "editor"), ("label", &"x".repeat(101))],
            "label of 1 to 100",
        ),
    ] {
        let mut all = vec![("action", "add")];
        all.extend(fields);
        let r = admin.submit(&page, &page, &all).await;
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains(message), "{message}: {html}");
        assert!(html.contains("aria-invalid=\"true\""));
    }
    let add = |name: &'static str, label: &'static str| {
        [("action", "add"), ("name", name), ("label", label)]
    };
    let html = act(&admin, &page, &add("editor", "Editor")).await;
    assert!(html.contains("The role is added"), "{html}");
    assert!(html.contains("<code>editor</code>") && html.contains("Editor"));
    let r = admin.submit(&page, &page, &add("editor", "")).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("has a role with this name already"), "{html}");
    assert!(html.contains("value=\"editor\""), "the typed name is kept");
    let html = act(&admin, &page, &add("viewer", "")).await;
    assert!(html.contains("<code>viewer</code>"), "{html}");
    let viewer = app.state.store.role(&rp.id, "viewer").await.unwrap();
    assert_eq!(
        viewer.unwrap().label,
        "viewer",
        "an empty label is the name"
    );

    // Granting: to a group or to a person, exactly one of the two, both existing.
    let grant = |group: &'static str, who: &'static str| {
        [
            ("action", "grant"),
            ("role", "editor"),
            ("group", group),
            ("who", who),
        ]
    };
    let html = act(&admin, &page, &grant("staff", "")).await;
    assert!(html.contains("The role is granted"), "{html}");
    let html = act(&admin, &page, &grant("staff", "")).await;
    assert!(html.contains("holds the role already"), "{html}");
    let html = act(&admin, &page, &grant("nobody", "")).await;
    assert!(html.contains("No group has that name"), "{html}");
    let html = act(&admin, &page, &grant("", "nobody@example.com")).await;
    assert!(html.contains("No account matches"), "{html}");
    for both_or_neither in [grant("staff", MEMBER), grant("", " ")] {
        let html = act(&admin, &page, &both_or_neither).await;
        assert!(html.contains("either a group name or a person"), "{html}");
    }
    let unknown = [("action", "grant"), ("role", "owner"), ("group", "staff")];
    let html = act(&admin, &page, &unknown).await;
    assert!(html.contains("no such role"), "{html}");
    let html = act(&admin, &page, &grant("", MEMBER)).await;
    assert!(html.contains("The role is granted"), "{html}");

    // The page lists who holds each role, with a way to take it back.
    assert!(html.contains("href=\"/admin/groups/staff\""), "{html}");
    assert!(
        html.contains(&format!("href=\"/admin/users/{}\">{MEMBER}</a>", mina.sub)),
        "{html}"
    );
    assert!(html.contains(&format!("name=\"sub\" value=\"{}\"", mina.sub)));
    assert!(html.contains("name=\"group\" value=\"staff\""));
    let held = app.state.store.client_roles(&rp.id).await.unwrap();
    let editor = held.iter().find(|r| r.role.name == "editor").unwrap();
    assert_eq!(editor.groups, ["staff"]);
    assert_eq!(editor.people.len(), 1);
    let roles = app.state.store.roles_for(&rp.id, mina.user_id).await;
    assert_eq!(roles.unwrap(), Some(vec!["editor".to_owned()]));
    let settings = admin.get(&format!("/admin/clients/{}", rp.id)).await;
    assert!(settings.text().await.unwrap().contains("Manage roles (2)"));
    let ko = admin
        .get(&format!("{page}?lang=ko"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        ko.contains("Board의 역할") && ko.contains("역할 부여"),
        "{ko}"
    );
    let _ = admin.get(&format!("{page}?lang=en")).await;

    // Revoking, from the group and then from the person.
    let revoke_group = [("action", "revoke"), ("role", "editor"), ("group", "staff")];
    let html = act(&admin, &page, &revoke_group).await;
    assert!(html.contains("The role is taken back"), "{html}");
    let html = act(&admin, &page, &revoke_group).await;
    assert!(html.contains("did not hold the role"), "{html}");
    let revoke_person = [("action", "revoke"), ("role", "editor"), ("sub", &mina.sub)];
    let html = act(&admin, &page, &revoke_person).await;
    assert!(html.contains("The role is taken back"), "{html}");
    assert!(
        html.contains("No group or person holds a role yet"),
        "{html}"
    );
    let roles = app.state.store.roles_for(&rp.id, mina.user_id).await;
    assert_eq!(roles.unwrap(), Some(vec![]));

    // Removing a role takes it back from everyone.
    act(&admin, &page, &grant("staff", "")).await;
    let remove = [("action", "remove"), ("role", "editor")];
    let html = act(&admin, &page, &remove).await;
    assert!(html.contains("The role is removed"), "{html}");
    assert!(!html.contains("<code>editor</code>"), "{html}");
    let html = act(&admin, &page, &remove).await;
    assert!(html.contains("already removed"), "{html}");
    let left = app.state.store.client_roles(&rp.id).await.unwrap();
    assert_eq!(left.len(), 1);
    assert!(left[0].groups.is_empty() && left[0].people.is_empty());

    // The audit trail: the command line's event names and details, the administrator named.
    for (event, n) in [
        ("role.added", 2),
        ("role.granted", 3),
        ("role.revoked", 2),
        ("role.removed", 1),
    ] {
        assert_eq!(admin_events(&app, event, &admin_sub).await, n, "{event}");
    }
    let added = last_event(&app, "role.added", &rp.id).await;
    assert_eq!(added.detail, format!("by={admin_sub} role=viewer"));
    let from_person = last_event(&app, "role.revoked", &rp.id).await;
    assert_eq!(from_person.user_id, Some(mina.user_id));
    assert_eq!(from_person.detail, format!("by={admin_sub} role=editor"));
    let f = AuditFilter {
        event: Some("role.granted".into()),
        client_id: Some(rp.id.clone()),
        ..AuditFilter::default()
    };
    let granted = app.state.store.audit_search(&f, 10, 0).await.unwrap();
    let details: Vec<(&str, Option<i64>)> = granted
        .iter()
        .rev()
        .map(|e| (e.detail.as_str(), e.user_id))
        .collect();
    let by_group = format!("by={admin_sub} role=editor group=staff");
    let by_person = format!("by={admin_sub} role=editor");
    assert_eq!(
        details,
        [
            (by_group.as_str(), None),
            (by_person.as_str(), Some(mina.user_id)),
            (by_group.as_str(), None),
        ]
    );
    let removed = last_event(&app, "role.removed", &rp.id).await;
    assert_eq!(removed.detail, format!("by={admin_sub} role=editor"));
}

#[tokio::test]
async fn the_roles_of_an_unknown_client_are_not_found() {
    let app = TestApp::spawn().await;
    let (admin, _) = admin(&app).await;
    let rp = Rp::register(&app, |_| {}).await;
    let page = format!("/admin/clients/{}/roles", rp.id);
    let r = admin.get("/admin/clients/no-such-client/roles").await;
    assert_eq!(r.status(), 404);
    // The form's token with another client's path: still not found, and nothing is made.
    let r = admin
        .submit(
            &page,
            "/admin/clients/no-such-client/roles",
            &[("action", "add"), ("name", "editor")],
        )
        .await;
    assert_eq!(r.status(), 404);
    let r = admin
        .submit(&page, &page, &[("action", "rename"), ("role", "editor")])
        .await;
    assert_eq!(r.status(), 400, "an unknown action");
    assert!(
        app.state
            .store
            .client_roles(&rp.id)
            .await
            .unwrap()
            .is_empty()
    );
}
