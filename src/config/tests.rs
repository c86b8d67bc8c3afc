//! Loading and validation of configuration.
use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn defaults_need_no_file_and_validate() {
    let c = Config::load_from(None, env(&[])).unwrap();
    assert_eq!(c.server.bind, "127.0.0.1:8080");
    assert_eq!(c.server.issuer, "http://127.0.0.1:8080");
    assert_eq!(c.database.url, "sqlite://data/daemun.db");
    assert_eq!(c.mail.transport, "file");
}

#[test]
fn environment_variables_override_defaults() {
    let c = Config::load_from(
        None,
        env(&[
            (
                "DAEMUN_DATABASE__URL",
                "postgres://postgres@127.0.0.1/daemun",
            ),
            ("DAEMUN_SESSION__IDLE_MINUTES", "30"),
            ("DAEMUN_SERVER__TRUSTED_PROXIES", "10.0.0.1,10.0.0.2"),
        ]),
    )
    .unwrap();
    assert_eq!(c.database.url, "postgres://postgres@127.0.0.1/daemun");
    assert_eq!(c.session.idle_minutes, 30);
    assert_eq!(c.server.trusted_proxies, vec!["10.0.0.1", "10.0.0.2"]);
}

#[test]
fn the_pool_size_follows_the_database_unless_set() {
    let load = |pairs: &[(&str, &str)]| Config::load_from(None, env(pairs)).unwrap();
    assert_eq!(load(&[]).database.pool_size(), 4);
    let pg = [(
        "DAEMUN_DATABASE__URL",
        "postgres://postgres@127.0.0.1/daemun",
    )];
    assert_eq!(load(&pg).database.pool_size(), 8);
    let set = [("DAEMUN_DATABASE__MAX_CONNECTIONS", "16")];
    assert_eq!(load(&set).database.pool_size(), 16);
}

#[test]
fn a_client_cache_over_a_minute_is_refused() {
    let e = Config::load_from(None, env(&[("DAEMUN_DATABASE__CLIENT_CACHE_MS", "60001")]))
        .and_then(|c| c.validate().map(|()| c));
    let msg = e.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(msg.contains("database.client_cache_ms"), "{msg}");
}

#[test]
fn bad_values_name_the_key_and_the_value() {
    let err = Config::load_from(None, env(&[("DAEMUN_SERVER__BIND", "nonsense")])).unwrap_err();
    assert!(
        err.0.contains("server.bind") && err.0.contains("nonsense"),
        "{err}"
    );
    let err = Config::load_from(None, env(&[("DAEMUN_MAIL__TRANSPORT", "pigeon")])).unwrap_err();
    assert!(
        err.0.contains("mail.transport") && err.0.contains("pigeon"),
        "{err}"
    );
    let err =
        Config::load_from(None, env(&[("DAEMUN_SESSION__IDLE_MINUTES", "soon")])).unwrap_err();
    assert!(err.0.contains("idle_minutes"), "{err}");
}

#[test]
fn production_requires_https_and_a_shared_key() {
    let err =
        Config::load_from(None, env(&[("DAEMUN_SERVER__ENVIRONMENT", "production")])).unwrap_err();
    assert!(err.0.contains("server.issuer"), "{err}");
    let err = Config::load_from(
        None,
        env(&[
            ("DAEMUN_SERVER__ENVIRONMENT", "production"),
            ("DAEMUN_SERVER__ISSUER", "https://id.example.com"),
        ]),
    )
    .unwrap_err();
    assert!(err.0.contains("keys.encryption_key"), "{err}");
}

#[test]
fn a_missing_config_file_is_an_error() {
    let err = Config::load_from(Some(Path::new("/nonexistent/daemun.toml")), env(&[])).unwrap_err();
    assert!(err.0.contains("does not exist"));
}

#[test]
fn debug_redacts_secrets() {
    let mut c = Config::default();
    c.mail.smtp_password = "hunter2".into();
    c.keys.encryption_key = "c2VjcmV0".into();
    let shown = format!("{c:?}");
    assert!(!shown.contains("hunter2") && !shown.contains("c2VjcmV0"));
}

#[test]
fn issuer_paths_bad_keys_and_mail_timings_are_refused() {
    let err = Config::load_from(
        None,
        env(&[("DAEMUN_SERVER__ISSUER", "https://id.example.com/auth")]),
    )
    .unwrap_err();
    assert!(err.0.contains("server.issuer"), "{err}");
    let err =
        Config::load_from(None, env(&[("DAEMUN_KEYS__ENCRYPTION_KEY", "short")])).unwrap_err();
    assert!(
        err.0.contains("keys.encryption_key") && !err.0.contains("short"),
        "{err}"
    );
    let err = Config::load_from(None, env(&[("DAEMUN_MAIL__RETRY_BASE_MS", "0")])).unwrap_err();
    assert!(err.0.contains("mail.retry_base_ms"), "{err}");
}

#[test]
fn the_issuer_origin_and_scheme_are_read_case_insensitively() {
    let c = Config::load_from(
        None,
        env(&[("DAEMUN_SERVER__ISSUER", "HTTPS://ID.example.com:443")]),
    )
    .unwrap();
    assert!(c.https());
    assert_eq!(c.issuer_origin(), "https://id.example.com");
}

#[test]
fn a_password_in_the_database_url_is_redacted() {
    let c = Config::load_from(
        None,
        env(&[("DAEMUN_DATABASE__URL", "postgres://app:s3cret@db/daemun")]),
    )
    .unwrap();
    assert!(!format!("{c:?}").contains("s3cret"));
}

#[test]
fn portal_settings_have_defaults_and_are_checked() {
    let c = Config::load_from(None, env(&[])).unwrap();
    assert_eq!(c.accounts.reset_ttl_minutes, 60);
    assert_eq!((c.limits.reset_per_address, c.limits.reset_per_ip), (3, 20));
    assert_eq!(c.limits.email_change_per_account, 5);
    let c = Config::load_from(None, env(&[("DAEMUN_ACCOUNTS__RESET_TTL_MINUTES", "15")])).unwrap();
    assert_eq!(c.accounts.reset_ttl_minutes, 15);
    for bad in ["0", "-5", "20000"] {
        let err = Config::load_from(None, env(&[("DAEMUN_ACCOUNTS__RESET_TTL_MINUTES", bad)]))
            .unwrap_err();
        assert!(err.0.contains("accounts.reset_ttl_minutes"), "{err}");
    }
}

#[test]
fn the_rules_are_built_from_their_settings() {
    let c = Config::load_from(
        None,
        env(&[
            ("DAEMUN_ACCOUNTS__PASSWORD_MIN_LENGTH", "12"),
            ("DAEMUN_LIMITS__LOCKOUT_BASE_SECS", "3"),
            ("DAEMUN_LIMITS__LOCKOUT_FORGET_HOURS", "2"),
        ]),
    )
    .unwrap();
    assert_eq!(c.accounts.password_policy().min_length, 12);
    assert_eq!(
        c.accounts.hash_params(),
        crate::domain::password::HashParams::default()
    );
    let lockout = c.limits.lockout_policy();
    assert_eq!(lockout.threshold, c.limits.lockout_threshold);
    assert_eq!(lockout.base_ms, 3_000);
    assert_eq!(lockout.max_ms, c.limits.lockout_max_secs * 1000);
    assert_eq!(lockout.forget_ms, 7_200_000);
}

#[test]
fn an_upstream_secret_comes_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("daemun.toml");
    std::fs::write(
        &path,
        "[upstream.corp]\nlabel = \"Corp\"\nissuer = \"https://id.corp.example\"\nclient_id = \"daemun\"\n",
    )
    .unwrap();
    let c = Config::load_from(
        Some(&path),
        env(&[("DAEMUN_UPSTREAM__CORP__CLIENT_SECRET", "from-env")]),
    )
    .unwrap();
    let corp = &c.upstream["corp"];
    assert_eq!(corp.client_secret, "from-env");
    assert_eq!(corp.scopes, vec!["openid", "email", "profile"]);
    assert!(!corp.may_create_accounts);
    let missing = Config::load_from(Some(&path), env(&[]))
        .unwrap_err()
        .to_string();
    assert!(
        missing.contains("DAEMUN_UPSTREAM__CORP__CLIENT_SECRET"),
        "{missing}"
    );
}
