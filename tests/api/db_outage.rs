//! security.md B12 #74–#76 with a real outage: the test starts a PostgreSQL cluster of its
//! own on a free port (never the shared server), runs Daemun on it, stops the cluster under
//! the running server, checks what people and applications see, starts the cluster again and
//! checks that Daemun recovers by itself. Runs the same on the SQLite and PostgreSQL passes.
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::*;
use crate::rp::signed_in;

/// The Korean `error-body-unavailable` (locales/ko/errors.ftl), in part.
const KO_UNAVAILABLE: &str = "지금은 대문 서비스를 이용할 수 없습니다";
const EN_UNAVAILABLE: &str = "temporarily unavailable";

/// A private PostgreSQL cluster in a temporary folder; stopped and removed on drop, also when
/// a test panics.
struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    as_postgres: bool,
    _dir: tempfile::TempDir,
}

/// The newest installed PostgreSQL's programs: the Debian layout scripts/ensure-postgres
/// installs, else wherever `pg_config` says.
fn postgres_bin() -> PathBuf {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    if let Some((_, bin)) = found.pop() {
        return bin;
    }
    let out = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .expect("PostgreSQL's programs are installed (scripts/ensure-postgres)");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

impl Cluster {
    /// initdb and start. PostgreSQL refuses to run as root, so as root (CI) its programs run
    /// as the `postgres` user on a folder that user owns.
    fn start() -> Self {
        let bin = postgres_bin();
        let as_postgres = running_as_root();
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        std::fs::create_dir(&data).expect("data folder");
        if as_postgres {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
            std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).unwrap();
            let ok = Command::new("chown")
                .args(["postgres:", data.to_str().unwrap()])
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "chown the data folder to the postgres user");
        }
        let cluster = Self {
            bin,
            data,
            port: free_port(),
            as_postgres,
            _dir: dir,
        };
        let data = cluster.data.to_str().unwrap().to_owned();
        assert!(
            cluster.run(
                "initdb",
                &["-D", &data, "--auth=trust", "-U", "postgres", "--no-sync"]
            ),
            "initdb"
        );
        cluster.pg_ctl_start();
        cluster
    }

    /// Runs one of the cluster's programs to completion; true when it succeeded.
    fn run(&self, program: &str, args: &[&str]) -> bool {
        let path = self.bin.join(program);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        cmd.args(args)
            .current_dir(&self.data)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    fn pg_ctl_start(&self) {
        let data = self.data.to_str().unwrap();
        let log = self.data.join("server.log");
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port, data
        );
        let started = self.run(
            "pg_ctl",
            &[
                "-D",
                data,
                "-l",
                log.to_str().unwrap(),
                "-o",
                &options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
        assert!(started, "pg_ctl start: {}", server_log(&log));
    }

    /// Stops the server the hard way (`immediate`: like a crash, no clean shutdown).
    fn pg_ctl_stop(&self) -> bool {
        let data = self.data.to_str().unwrap();
        self.run("pg_ctl", &["-D", data, "-m", "immediate", "-w", "stop"])
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

fn server_log(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.data.join("postmaster.pid").exists() {
            self.pg_ctl_stop();
        }
    }
}

/// The cluster's programs block; they run off the runtime that serves Daemun.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

fn json_503(what: &str, r: &reqwest::Response) {
    assert_eq!(r.status(), 503, "{what}");
    assert!(r.headers().contains_key("retry-after"), "{what}");
    assert_eq!(r.headers()["cache-control"], "no-store", "{what}");
}

fn page_503(what: &str, status: u16, headers: &reqwest::header::HeaderMap, html: &str, text: &str) {
    assert_eq!(status, 503, "{what}: {html}");
    assert!(headers.contains_key("retry-after"), "{what}");
    let html_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    assert!(html_type, "{what}: a page, not a bare status: {headers:?}");
    assert!(html.contains(text), "{what}: {html}");
}

async fn page(r: reqwest::Response) -> (u16, reqwest::header::HeaderMap, String) {
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.text().await.unwrap_or_default())
}

#[tokio::test]
async fn b12_74_75_76_stopping_the_database_gives_translated_503s_changes_nothing_and_daemun_recovers()
 {
    let cluster = blocking(Cluster::start).await;
    let url = cluster.url();
    let app = TestApp::spawn_with(|c| c.database.url = url).await;
    let rp = signed_in(&app, "o@example.com").await;
    let access = rp.tokens(&app, &[]).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let pending_code = rp.code(&app, &[]).await;
    let session = Browser::new(&app).login("o@example.com", PASSWORD).await;
    let fresh = Browser::new(&app);
    let csrf = csrf_token(&fresh.get("/login").await.text().await.unwrap()).unwrap();

    let cluster = blocking(move || {
        assert!(cluster.pg_ctl_stop(), "pg_ctl stop");
        cluster
    })
    .await;
    let started = Instant::now();

    // People: a translated "temporarily unavailable" page, in both languages, never a 500.
    let login = fresh
        .client
        .post(app.url("/login"))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("identifier", "o@example.com"),
            ("password", PASSWORD),
            ("csrf_token", csrf.as_str()),
        ])
        .send();
    let with_session = |path: &str, lang: &str| {
        crate::helpers::client_builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(app.url(path))
            .header("cookie", format!("daemun_session={session}"))
            .header("accept-language", lang)
            .send()
    };
    let account_ko = with_session("/account", "ko");
    let sessions_en = with_session("/account/sessions", "en");
    let profile_ko = with_session("/account/profile", "ko");
    // Applications: JSON `temporarily_unavailable`, and nothing issued.
    let exchanged = rp.exchange(&pending_code, None);
    let userinfo = rp.userinfo(&access);
    let token = [("token", access.as_str())];
    let revoke = rp.post("/revoke", &token);
    let introspect = rp.post("/introspect", &token);
    let (login, account_ko, sessions_en, profile_ko, exchanged, userinfo, revoke, introspect) = tokio::join!(
        login,
        account_ko,
        sessions_en,
        profile_ko,
        exchanged,
        userinfo,
        revoke,
        introspect
    );

    // B12 #74: a login fails closed: 503, no session cookie, not "wrong password".
    let login = login.unwrap();
    assert!(set_cookie(&login, "daemun_session").is_none(), "no session");
    let (s, h, html) = page(login).await;
    page_503("POST /login", s, &h, &html, EN_UNAVAILABLE);
    assert!(!html.contains("correct email or username and password"));
    let (s, h, html) = page(account_ko.unwrap()).await;
    page_503("GET /account in Korean", s, &h, &html, KO_UNAVAILABLE);
    let (s, h, html) = page(sessions_en.unwrap()).await;
    page_503("GET /account/sessions", s, &h, &html, EN_UNAVAILABLE);
    let (s, h, html) = page(profile_ko.unwrap()).await;
    page_503(
        "GET /account/profile in Korean",
        s,
        &h,
        &html,
        KO_UNAVAILABLE,
    );

    // B12 #75: the exchange fails as a whole: temporarily_unavailable, nothing issued.
    let (status, body) = exchanged;
    assert_eq!(
        (status, body["error"].as_str()),
        (503, Some("temporarily_unavailable")),
        "{body}"
    );
    assert!(body.get("access_token").is_none(), "nothing issued");
    // B12 #76: revocation does not claim a success it could not make, and UserInfo cannot
    // check a token either.
    for (what, r) in [
        ("/userinfo", userinfo),
        ("/revoke", revoke),
        ("/introspect", introspect),
    ] {
        json_503(what, &r);
        let body: Value = r.json().await.unwrap_or(Value::Null);
        assert_eq!(body["error"], "temporarily_unavailable", "{what}: {body}");
    }

    // Probes: not ready, but alive.
    assert_eq!(app.get("/readyz").await.status(), 503);
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "the process itself is alive"
    );

    // Many routes at once: a 503 where the database is needed, never another 5xx.
    let authorize = rp.authorize_path(&[]);
    let gets = [
        "/",
        "/login",
        "/signup",
        "/password/reset",
        "/account",
        "/account/apps",
        "/account/email",
        "/account/password",
        "/account/sessions",
        "/account/delete",
        "/account/export",
        "/logout",
        "/.well-known/openid-configuration",
        authorize.as_str(),
        "/userinfo",
    ];
    let batch = gets.iter().map(|path| {
        let req = crate::helpers::client_builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(app.url(path))
            .header("cookie", format!("daemun_session={session}"))
            .bearer_auth(&access);
        async move {
            (
                path.to_string(),
                req.send().await.unwrap().status().as_u16(),
            )
        }
    });
    let posts = ["/token", "/revoke", "/introspect", "/userinfo"].map(|path| {
        let form = [("grant_type", "client_credentials"), ("token", "x")];
        let rp = &rp;
        async move {
            let status = rp.post(path, &form).await.status().as_u16();
            (format!("POST {path}"), status)
        }
    });
    let (got, posted) = tokio::join!(
        futures::future::join_all(batch),
        futures::future::join_all(posts)
    );
    for (what, status) in got.into_iter().chain(posted) {
        assert!(status < 500 || status == 503, "{what} answered {status}");
    }
    assert!(
        started.elapsed() < Duration::from_secs(55),
        "the outage answers came within the pool's wait: {:?}",
        started.elapsed()
    );

    // The database comes back; Daemun is not restarted.
    let cluster = blocking(move || {
        cluster.pg_ctl_start();
        cluster
    })
    .await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while app.get("/readyz").await.status() != 200 {
        assert!(Instant::now() < deadline, "ready again within 30 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        get_with_session(&app, "/account", &session).await.status(),
        200
    );
    // The code requested before the outage was not spent by the failed exchange.
    let (status, body) = rp.exchange(&pending_code, None).await;
    assert_eq!(status, 200, "{body}");
    let fresh_access = body["access_token"].as_str().unwrap();
    let r = rp.userinfo(fresh_access).await;
    assert_eq!(r.status(), 200);
    let claims: Value = r.json().await.unwrap();
    assert_eq!(claims["email"], "o@example.com");
    // The revocation that failed during the outage did not happen either.
    let r = rp.userinfo(&access).await;
    assert_eq!(r.status(), 200);
    assert!(
        !Browser::new(&app)
            .login("o@example.com", PASSWORD)
            .await
            .is_empty()
    );
    drop(app);
    drop(cluster);
}
