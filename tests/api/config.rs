//! The binary itself: start-up with no configuration, and clear refusals of bad settings.
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn daemun() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_daemun"));
    for (k, _) in std::env::vars() {
        if k.starts_with("DAEMUN_") {
            c.env_remove(k);
        }
    }
    c.env("RUST_LOG", "info").env("NO_COLOR", "1");
    c
}

#[test]
fn a_bad_setting_stops_start_up_with_a_message_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = daemun()
        .current_dir(dir.path())
        .env("DAEMUN_SERVER__BIND", "not-an-address")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("server.bind") && err.contains("not-an-address") && err.contains("expected"),
        "{err}"
    );
    assert!(!err.contains("panicked"));

    let out = daemun()
        .current_dir(dir.path())
        .args(["--config", "missing.toml", "check-config"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.toml"));
}

#[test]
fn check_config_reads_the_file_and_redacts_secrets() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("daemun.toml"),
        "[mail]\nsmtp_password = \"hunter2\"\n[session]\nidle_minutes = 30\n",
    )
    .unwrap();
    let out = daemun()
        .current_dir(dir.path())
        .arg("check-config")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("idle_minutes: 30"));
    assert!(!text.contains("hunter2"));
    std::fs::write(
        dir.path().join("daemun.toml"),
        "[session]\nidle_minuets = 30\n",
    )
    .unwrap();
    let out = daemun()
        .current_dir(dir.path())
        .arg("check-config")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("idle_minuets"));
}

/// A plain HTTP/1.1 GET over a socket: the whole response as text.
fn http_get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn with_no_configuration_it_serves_health_and_the_signup_page() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = daemun()
        .current_dir(dir.path())
        // Only the ports differ from the defaults, so parallel test runs do not collide.
        .env("DAEMUN_SERVER__BIND", "127.0.0.1:0")
        .env("DAEMUN_SERVER__METRICS_BIND", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let (mut addr, mut metrics) = (None, None);
    let field = |line: &str, name: &str| {
        let rest = line.split(&format!(" {name}=")).nth(1)?;
        Some(rest.split_whitespace().next()?.to_owned())
    };
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        addr = addr.or_else(|| field(&line, "addr"));
        metrics = metrics.or_else(|| field(&line, "metrics"));
        if addr.is_some() && metrics.is_some() {
            break;
        }
        assert!(Instant::now() < deadline, "no start-up line");
    }
    let addr = addr.expect("the server logs its address");
    let metrics = metrics.expect("the server logs its metrics address");
    let get = |path: &str| http_get(&addr, path);
    assert!(get("/healthz").starts_with("HTTP/1.1 200"));
    // Metrics are on by default, on the management listener only.
    assert!(get("/metrics").starts_with("HTTP/1.1 404"));
    let scraped = http_get(&metrics, "/metrics");
    assert!(scraped.starts_with("HTTP/1.1 200"), "{scraped}");
    assert!(scraped.contains("daemun_http_requests_total"));
    let signup = get("/signup");
    assert!(signup.starts_with("HTTP/1.1 200"), "{signup}");
    assert!(signup.contains("name=\"email\""));
    assert!(
        dir.path().join("data/daemun.db").exists(),
        "the SQLite file is created"
    );
    assert!(
        dir.path().join("keys/encryption.key").exists(),
        "the dev key is generated"
    );
    let _ = child.kill();
    let _ = child.wait();
}

/// `daemun.example.toml` names every setting of docs/configuration.md, and with every
/// setting uncommented it is a valid configuration equal to the defaults.
#[test]
fn the_example_configuration_names_every_setting_and_is_valid() {
    let root = env!("CARGO_MANIFEST_DIR");
    let example = std::fs::read_to_string(format!("{root}/daemun.example.toml")).unwrap();
    let doc = std::fs::read_to_string(format!("{root}/docs/configuration.md")).unwrap();
    let rows: Vec<(&str, &str)> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once("` | `DAEMUN_"))
        .collect();
    // `[upstream.<name>]` tables have no defaults: the example shows one, commented as a whole.
    let (upstream, documented): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .partition(|(_, env)| env.starts_with("UPSTREAM__"));
    let documented: Vec<&str> = documented.into_iter().map(|(key, _)| key).collect();
    assert!(upstream.len() >= 10, "{upstream:?}");
    for (key, _) in &upstream {
        let leaf = key.rsplit('.').next().unwrap_or(key);
        assert!(
            example.contains(&format!("\n#  {leaf} = ")),
            "upstream key {key} is missing from daemun.example.toml"
        );
    }
    assert!(documented.len() > 50, "{documented:?}");
    for key in &documented {
        assert!(
            example.contains(&format!("\n# {key} = ")),
            "{key} is missing from daemun.example.toml"
        );
    }
    let uncommented: String = example
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(setting)
                if setting
                    .split_once(" = ")
                    .is_some_and(|(k, _)| documented.contains(&k)) =>
            {
                setting
            }
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("daemun.toml");
    std::fs::write(&path, uncommented).unwrap();
    let loaded = daemun::config::Config::load_from(Some(&path), Vec::new()).unwrap();
    let defaults = daemun::config::Config::default();
    assert_eq!(format!("{loaded:?}"), format!("{defaults:?}"));
}
