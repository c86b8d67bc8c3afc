//! A token is stored before it is returned: one that `POST /token` answered with is still valid
//! after the server process is killed with SIGKILL right after the answer, when a new process
//! starts on the same database. The real binary, as an operator runs it; on SQLite, or on
//! PostgreSQL with `TEST_DATABASE_URL`.
use std::time::Duration;

use base64::Engine;
use serde_json::Value;

use crate::helpers::free_port;
use crate::helpers::test_database_url;
use crate::rp::Rp;
use crate::two_nodes::{Browser, Node, Shared, token};

const PASSWORD: &str = "Harbour-lantern-cedar-42";

/// Kills `node` with SIGKILL (no shutdown of any kind) and waits until it is gone.
fn kill_9(mut node: Node) {
    // `Child::kill` sends SIGKILL on Unix.
    node.child.kill().unwrap();
    let status = node.child.wait().unwrap();
    assert!(!status.success(), "the node was killed, not stopped");
}

/// `POST /introspect` at `node` as `rp`: the JSON answer.
async fn introspect(b: &mut Browser, node: &Node, rp: &Rp, token: &str) -> Value {
    let req = b
        .http
        .post(format!("{}/introspect", node.base))
        .header("authorization", rp.basic())
        .form(&[("token", token)]);
    let r = b.send(req).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

/// A fresh node on the shared database, ready.
async fn restart(shared: &Shared, name: &str, http: &reqwest::Client) -> Node {
    let mut node = shared.start(name, free_port());
    node.wait_ready(http).await;
    node
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_survive_a_sigkill_right_after_the_response() {
    let dir = tempfile::tempdir().unwrap();
    let db = test_database_url(dir.path()).await;
    let port = free_port();
    let shared = Shared {
        dir,
        db,
        kek: base64::engine::general_purpose::STANDARD.encode([7u8; 32]),
        issuer: format!("http://127.0.0.1:{port}"),
    };
    let http = crate::helpers::client_builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut b = Browser::new(&http, &shared.issuer);

    let mut a = shared.start("a", port);
    a.wait_ready(&http).await;
    let email = "ada@example.com";
    shared.cli_json(
        &["user", "add", "--email", email, "--name", "Ada", "--json"],
        &format!("{PASSWORD}\n"),
    );
    let rp = shared.add_client(
        "Board",
        &["authorization_code", "refresh_token", "client_credentials"],
    );
    let csrf = b.csrf(&a, "/login").await;
    let form = [
        ("identifier", email),
        ("password", PASSWORD),
        ("csrf_token", &csrf),
    ];
    assert_eq!(b.post(&a, "/login", &form).await.status(), 303);
    let code = b.code(&a, &rp).await;
    let (status, first) = token(&mut b, &a, &rp, &rp.exchange_form(&code, None)).await;
    assert_eq!(status, 200, "{first}");
    let old_refresh = first["refresh_token"].as_str().unwrap();

    // 1. A refresh-token rotation, then SIGKILL at once.
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", old_refresh),
    ];
    let (status, rotated) = token(&mut b, &a, &rp, &form).await;
    assert_eq!(status, 200, "{rotated}");
    kill_9(a);
    let b_node = restart(&shared, "b", &http).await;
    for kind in ["access_token", "refresh_token"] {
        let v = introspect(&mut b, &b_node, &rp, rotated[kind].as_str().unwrap()).await;
        assert_eq!(v["active"], true, "the rotated {kind} was lost: {v}");
    }
    // The rotation itself was kept too: the old refresh token is spent.
    let v = introspect(&mut b, &b_node, &rp, old_refresh).await;
    assert_eq!(
        v["active"], false,
        "the old refresh token is still current: {v}"
    );

    // 2. A client credentials token, then SIGKILL at once.
    let (status, cc) = token(
        &mut b,
        &b_node,
        &rp,
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(status, 200, "{cc}");
    kill_9(b_node);
    let c_node = restart(&shared, "c", &http).await;
    let v = introspect(&mut b, &c_node, &rp, cc["access_token"].as_str().unwrap()).await;
    assert_eq!(
        v["active"], true,
        "the client credentials token was lost: {v}"
    );
    assert_eq!(v["client_id"], rp.id.as_str());
    // The rotated access token still answers at /userinfo for its person.
    let r = b
        .send(
            http.get(format!("{}/userinfo", c_node.base))
                .bearer_auth(rotated["access_token"].as_str().unwrap()),
        )
        .await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["email"], email);
}
