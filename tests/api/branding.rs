//! Branding: the example theme in `examples/theme` (the one docs/theming.md shows), a product
//! name and logo on pages and mail, safe static paths, and broken themes refused.
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::helpers::TestApp;

fn example_theme() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/theme")
}

async fn themed(dir: &Path) -> TestApp {
    let dir = dir.display().to_string();
    TestApp::spawn_with(|c| {
        c.branding.theme_dir = dir;
        c.branding.product_name = "Dawn ID".into();
        c.branding.logo = "logo.svg".into();
    })
    .await
}

/// A copy of the example theme to change.
fn theme_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&example_theme(), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[tokio::test]
async fn the_example_theme_replaces_a_template_and_a_stylesheet_and_keeps_the_rest() {
    let app = themed(&example_theme()).await;

    // Attribute values come HTML-escaped (`/` as `&#x2f;`).
    let login = unescape(&app.get("/login").await.text().await.unwrap());
    // The theme's templates/theme/footer.html replaces the built-in (empty) one.
    assert!(login.contains("help@dawn.example"), "{login}");
    // The login page itself is not overridden: it is the built-in one.
    assert!(login.contains(r#"name="password""#), "{login}");
    assert!(login.contains("· Dawn ID</title>"), "{login}");
    assert!(
        login.contains(r#"<img class="brand-logo" src="/static/logo.svg" alt="">Dawn ID</a>"#),
        "{login}"
    );
    assert!(!login.contains("Daemun"), "{login}");

    let korean = app.get("/signup?lang=ko").await.text().await.unwrap();
    assert!(korean.contains("주소로 메일을 보내 주세요"), "{korean}");
    assert!(korean.contains("Dawn ID 계정을 만드세요"), "{korean}");
    assert!(!korean.contains("대문"), "{korean}");

    let css = app.get("/static/theme.css").await;
    assert_eq!(css.status(), 200);
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    assert_eq!(css.headers()["cache-control"], "public, max-age=3600");
    let ours = std::fs::read_to_string(example_theme().join("static/theme.css")).unwrap();
    assert_eq!(css.text().await.unwrap(), ours);

    // Not in the theme: the built-in file.
    let style = app.get("/static/style.css").await;
    assert_eq!(style.status(), 200);
    assert_eq!(
        style.text().await.unwrap(),
        include_str!("../../static/style.css")
    );

    let logo = app.get("/static/logo.svg").await;
    assert_eq!(logo.status(), 200);
    assert_eq!(logo.headers()["content-type"], "image/svg+xml");
}

#[tokio::test]
async fn without_a_theme_the_built_in_files_and_name_are_used() {
    let app = TestApp::spawn().await;
    let login = app.get("/login").await.text().await.unwrap();
    assert!(login.contains("· Daemun</title>"), "{login}");
    assert!(!login.contains("brand-logo"), "{login}");
    let css = app.get("/static/theme.css").await;
    assert_eq!(css.status(), 200);
    assert_eq!(
        css.text().await.unwrap(),
        include_str!("../../static/theme.css")
    );
    assert_eq!(app.get("/static/logo.svg").await.status(), 404);
    let korean = app.get("/login?lang=ko").await.text().await.unwrap();
    assert!(korean.contains("· 대문</title>"), "{korean}");
}

#[tokio::test]
async fn only_files_under_the_theme_folder_are_served() {
    let theme = theme_copy();
    std::fs::write(theme.path().join("static/.secret.css"), "HIDDEN-FILE").unwrap();
    std::fs::write(theme.path().join("secret.css"), "OUTSIDE-STATIC").unwrap();
    let app = themed(theme.path()).await;
    for path in [
        "/static/.secret.css",
        "/static/../secret.css",
        "/static/%2e%2e/secret.css",
        "/static/..%2fsecret.css",
        "/static/%2e%2e%2f%2e%2e%2fCargo.toml",
        "/static/templates/theme/footer.html",
        "/static//etc/passwd",
        "/static/",
    ] {
        let r = app.get(path).await;
        assert!(r.status().is_client_error(), "{path}: {}", r.status());
        let body = r.text().await.unwrap();
        assert!(
            !body.contains("HIDDEN-FILE") && !body.contains("OUTSIDE-STATIC"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn every_mail_carries_the_product_name_and_logo() {
    let app = themed(&example_theme()).await;
    app.signup("minsu@example.com", "Minsu").await;
    let mut mail = app.wait_for_mails("minsu@example.com", 1).await.remove(0);
    mail.html = unescape(&mail.html);
    assert!(
        mail.from.starts_with("\"Dawn ID\" <") || mail.from.starts_with("Dawn ID <"),
        "{}",
        mail.from
    );
    assert!(mail.subject.contains("Dawn ID"), "{}", mail.subject);
    assert!(mail.text.contains("Dawn ID"), "{}", mail.text);
    assert!(!mail.text.contains("Daemun"), "{}", mail.text);
    assert!(
        mail.html
            .contains(&format!(r#"src="{}/static/logo.svg""#, app.url(""))),
        "{}",
        mail.html
    );
    assert!(!mail.html.contains("Daemun"), "{}", mail.html);
}

fn unescape(html: &str) -> String {
    html.replace("&#x2f;", "/")
}

fn daemun(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_daemun"));
    for (k, _) in std::env::vars() {
        if k.starts_with("DAEMUN_") {
            c.env_remove(k);
        }
    }
    c.current_dir(dir).env("NO_COLOR", "1");
    c
}

#[test]
fn check_config_renders_the_example_theme() {
    let work = tempfile::tempdir().unwrap();
    let out = daemun(work.path())
        .arg("check-config")
        .env("DAEMUN_BRANDING__THEME_DIR", example_theme())
        .env("DAEMUN_BRANDING__PRODUCT_NAME", "Dawn ID")
        .env("DAEMUN_BRANDING__LOGO", "logo.svg")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("templates render"), "{stdout}");
    // Every file of the example replaces a built-in template of the same name.
    assert!(!stdout.contains("no built-in namesake"), "{stdout}");
}

#[test]
fn a_broken_theme_template_is_named_by_check_config_and_stops_the_start() {
    let theme = theme_copy();
    let broken = theme.path().join("templates/theme/footer.html");
    std::fs::write(&broken, "<p>{% if lang %}unclosed</p>\n").unwrap();
    let work = tempfile::tempdir().unwrap();
    let (status, err) = check_config(work.path(), theme.path(), &[]);
    assert_eq!(status.code(), Some(2));
    assert!(err.contains(&broken.display().to_string()), "{err}");
    assert!(err.contains("syntax error"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    // It compiles, but fails when rendered: named too, by the render check.
    std::fs::write(&broken, "<p>{{ help_link() }}</p>\n").unwrap();
    let (status, err) = check_config(work.path(), theme.path(), &[]);
    assert!(!status.success());
    assert!(
        err.contains("template `theme/footer.html`") && err.contains(&broken.display().to_string()),
        "{err}"
    );
    assert!(err.contains("line 1"), "{err}");

    // The server does not start with it either.
    let out = daemun(work.path())
        .env("DAEMUN_BRANDING__THEME_DIR", theme.path())
        .env("DAEMUN_SERVER__BIND", "127.0.0.1:0")
        .env("DAEMUN_SERVER__METRICS_BIND", "")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot start: theme"), "{err}");
    assert!(err.contains(&broken.display().to_string()), "{err}");
}

#[test]
fn a_logo_must_be_a_file_of_the_theme() {
    let work = tempfile::tempdir().unwrap();
    for (logo, expected) in [
        ("https://cdn.example/logo.svg", "not a URL"),
        ("missing.svg", "missing.svg"),
        ("theme.css", "image file"),
    ] {
        let (status, err) = check_config(
            work.path(),
            &example_theme(),
            &[("DAEMUN_BRANDING__LOGO", logo)],
        );
        assert!(!status.success(), "{logo}");
        assert!(
            err.contains("branding.logo") && err.contains(expected),
            "{logo}: {err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_theme_file_that_links_outside_the_folder_is_refused() {
    let theme = theme_copy();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("private.css"), "body{}").unwrap();
    let link = theme.path().join("static/private.css");
    std::os::unix::fs::symlink(outside.path().join("private.css"), &link).unwrap();
    let work = tempfile::tempdir().unwrap();
    let (status, err) = check_config(work.path(), theme.path(), &[]);
    assert!(!status.success());
    assert!(
        err.contains(&link.display().to_string()) && err.contains("outside the theme folder"),
        "{err}"
    );
}

#[tokio::test]
async fn mail_queued_by_the_command_line_carries_the_product_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = crate::helpers::test_database_url(dir.path()).await;
    let branded = |args: &[&str]| {
        let mut c = crate::cli::daemun(dir.path(), &db);
        c.env("DAEMUN_BRANDING__THEME_DIR", example_theme())
            .env("DAEMUN_BRANDING__PRODUCT_NAME", "Dawn ID")
            .env("DAEMUN_BRANDING__LOGO", "logo.svg")
            .arg("user")
            .args(args);
        c
    };
    let (ok, _, err) = crate::cli_user::run_with_stdin(
        &mut branded(&["add", "--email", "lost@example.com"]),
        "Lantern-orbit-quiet-77\n",
    );
    assert!(ok, "{err}");
    let (ok, _, err) =
        crate::cli_user::run_with_stdin(&mut branded(&["remove-factors", "lost@example.com"]), "");
    assert!(ok, "{err}");
    let store = daemun::store::Store::connect(&db, 1).await.unwrap();
    let queued = store.outbox_mails(false, 100).await.unwrap();
    store.close().await;
    assert!(
        queued.iter().any(|m| m.to_address == "lost@example.com"
            && m.subject == "The second factors of your Dawn ID account were removed"),
        "{queued:?}"
    );
}

/// `daemun check-config` in `work` with the theme at `theme` and `env` on top: how it ended,
/// and its stderr.
fn check_config(
    work: &std::path::Path,
    theme: &std::path::Path,
    env: &[(&str, &str)],
) -> (std::process::ExitStatus, String) {
    let out = daemun(work)
        .arg("check-config")
        .env("DAEMUN_BRANDING__THEME_DIR", theme)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        out.status,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_providers_icon_must_be_an_image_of_the_theme() {
    let work = tempfile::tempdir().unwrap();
    let provider = [
        ("DAEMUN_UPSTREAM__CORP__LABEL", "Corp"),
        ("DAEMUN_UPSTREAM__CORP__ISSUER", "https://id.corp.example"),
        ("DAEMUN_UPSTREAM__CORP__CLIENT_ID", "daemun"),
        ("DAEMUN_UPSTREAM__CORP__CLIENT_SECRET", "s3cret"),
    ];
    for (icon, ok) in [
        ("logo.svg", true),
        ("missing.svg", false),
        ("theme.css", false),
    ] {
        let mut env = provider.to_vec();
        env.push(("DAEMUN_UPSTREAM__CORP__ICON", icon));
        let (status, err) = check_config(work.path(), &example_theme(), &env);
        assert_eq!(status.success(), ok, "{icon}: {err}");
        if !ok {
            assert!(
                err.contains("upstream.corp.icon") && err.contains(icon),
                "{err}"
            );
        }
    }
}
