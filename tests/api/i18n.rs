//! English and Korean pages and mails.
use crate::helpers::*;

#[tokio::test]
async fn accept_language_ko_serves_korean() {
    let app = TestApp::spawn().await;
    let r = app
        .client
        .get(app.url("/login"))
        .header("accept-language", "ko-KR,ko;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-language"], "ko");
    let html = r.text().await.unwrap();
    assert!(html.contains("<html lang=\"ko\""));
    assert!(html.contains("로그인"));
}

#[tokio::test]
async fn the_language_switch_is_remembered_in_a_cookie() {
    let app = TestApp::spawn().await;
    let html = app.get("/signup?lang=ko").await.text().await.unwrap();
    assert!(html.contains("<html lang=\"ko\""));
    // Next page, no query and an English browser: still Korean.
    let r = app
        .client
        .get(app.url("/login"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("<html lang=\"ko\""));
    let html = app.get("/login?lang=en").await.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\""));
    assert!(
        html.contains("?lang=ko"),
        "every page links to the other language"
    );
}

#[tokio::test]
async fn korean_sign_up_gets_a_korean_mail_and_korean_errors() {
    let app = TestApp::spawn().await;
    let _ = app.get("/signup?lang=ko").await;
    let r = app
        .submit(
            "/signup",
            "/signup",
            &[
                ("email", "ko@example.com"),
                ("name", "홍길동"),
                ("password", "12345678901"),
                ("password_confirm", "12345678901"),
            ],
        )
        .await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(!html.contains("entirely numeric"));
    assert_eq!(app.signup("ko@example.com", "홍길동").await.status(), 200);
    let mail = app.wait_for_mails("ko@example.com", 1).await.remove(0);
    // The address is not verified yet: a neutral greeting, without the name typed at sign-up.
    assert!(mail.text.contains("안녕하세요."), "{}", mail.text);
    assert!(!mail.text.contains("홍길동") && !mail.html.contains("홍길동"));
    assert!(
        mail.subject.chars().any(|c| ('가'..='힣').contains(&c)),
        "Korean subject: {}",
        mail.subject
    );
}

#[test]
fn both_languages_define_the_keys_the_code_uses() {
    use daemun::i18n::{Lang, has_key};
    let keys = [
        "brand",
        "error-required",
        "error-email-invalid",
        "error-username-invalid",
        "error-username-taken",
        "error-name-too-long",
        "error-password-too-short",
        "error-password-too-long",
        "error-password-too-similar",
        "error-password-too-common",
        "error-password-entirely-numeric",
        "error-password-mismatch",
        "login-error-generic",
        "login-error-unverified",
        "flash-verified",
        "flash-logged-out",
        "flash-login-required",
        "flash-welcome",
        "flash-welcome-first",
        "error-title-bad-request",
        "error-body-bad-request",
        "error-title-forbidden",
        "error-body-csrf",
        "error-title-not-found",
        "error-body-not-found",
        "error-title-gone",
        "error-body-link-invalid",
        "error-title-too-many",
        "error-body-too-many",
        "error-title-server",
        "error-body-server",
        "error-title-unavailable",
        "error-body-unavailable",
        "error-body-payload-too-large",
    ];
    for lang in Lang::ALL {
        for key in keys {
            assert!(has_key(lang, key), "{key} missing in {}", lang.code());
        }
    }
}

#[test]
fn english_and_korean_files_define_the_same_messages() {
    let ids = |lang: &str| {
        let mut ids = std::collections::BTreeSet::new();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for line in text.lines() {
                if let Some((id, _)) = line.split_once(" =")
                    && !id.is_empty()
                    && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                {
                    ids.insert(id.to_owned());
                }
            }
        }
        ids
    };
    let (en, ko) = (ids("en"), ids("ko"));
    assert!(en.len() > 50);
    assert_eq!(en, ko);
}
