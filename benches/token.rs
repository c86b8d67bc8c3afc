//! The token endpoint in process, counted in instructions: a regression guard that does not
//! depend on how busy the machine is (docs/performance.md, "Instruction count guard").
//!
//! `cargo bench --bench token` runs itself again under valgrind's callgrind. The inner run
//! builds the whole application on a fresh SQLite database, registers a client, serves
//! `WARMUP` client credentials requests through the complete route table (every middleware
//! layer; no socket and no HTTP parsing), zeroes callgrind's counters, serves `MEASURED`
//! more and dumps them. Every thread is counted: the runtime's and SQLite's connection
//! threads. The outer run prints instructions per token and fails when they exceed
//! [`RECORDED`] by more than [`TOLERANCE_PERCENT`].
//!
//! Under `cargo test --all-targets` (no `--bench` argument) it serves a few requests without
//! valgrind and checks each answer, so the benchmark itself cannot rot.
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, ExitCode};

use axum::body::{Body, to_bytes};
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use daemun::app::App;
use daemun::config::Config;
use daemun::oidc::registration::{ClientSpec, register};
use tower::ServiceExt;

/// Instructions per client credentials token recorded on the reference machine
/// (docs/performance.md). Lower it when a change makes the path cheaper.
const RECORDED: u64 = 172_000;
/// How far above [`RECORDED`] a run may land before the guard fails: compilers, CPU features
/// (SHA extensions, AVX2 in aws-lc) and library updates move the count by a few per cent.
const TOLERANCE_PERCENT: u64 = 10;

const WARMUP: usize = 300;
const MEASURED: usize = 1_000;
/// Requests of the quick check under `cargo test`.
const SMOKE: usize = 20;
/// Set for the run under callgrind.
const INNER: &str = "DAEMUN_BENCH_TOKEN_INNER";

fn main() -> ExitCode {
    if std::env::var_os(INNER).is_some() {
        return exit(run_requests(Mode::Callgrind));
    }
    if !std::env::args().any(|a| a == "--bench") {
        return exit(run_requests(Mode::Smoke));
    }
    exit(outer())
}

fn exit(r: Result<(), String>) -> ExitCode {
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("token bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs this binary under callgrind and judges the count.
fn outer() -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = dir.path().join("callgrind.out");
    let status = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg("-q")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(&me)
        .env(INNER, "1")
        .env("RUST_LOG", "off")
        .status()
        .map_err(|e| format!("cannot start valgrind ({e}); install it (Debian: valgrind)"))?;
    if !status.success() {
        return Err(format!("the run under callgrind failed: {status}"));
    }
    let total = totals(&dir.path().join("callgrind.out.1"))?;
    let per_token = total / MEASURED as u64;
    let limit = RECORDED + RECORDED * TOLERANCE_PERCENT / 100;
    println!(
        "client_credentials: {per_token} instructions per token ({total} for {MEASURED}; \
         recorded {RECORDED}, limit {limit})"
    );
    if per_token > limit {
        return Err(format!(
            "{per_token} instructions per token is over the limit of {limit}: \
             profile with scripts/bench-profile before landing this"
        ));
    }
    if per_token < RECORDED - RECORDED * TOLERANCE_PERCENT / 100 {
        println!("cheaper than recorded: lower RECORDED in benches/token.rs to {per_token}");
    }
    Ok(())
}

/// The `totals:` line of a callgrind dump (instructions, the only event collected).
fn totals(file: &Path) -> Result<u64, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("no callgrind dump at {}: {e}", file.display()))?;
    text.lines()
        .find_map(|l| l.strip_prefix("totals:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| format!("no totals in {}", file.display()))
}

enum Mode {
    Smoke,
    Callgrind,
}

fn run_requests(mode: Mode) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async move {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let app = App::build(config(dir.path()))
            .await
            .map_err(|e| e.to_string())?;
        let state = app.state();
        let spec = ClientSpec {
            name: "bench".into(),
            grant_types: vec!["client_credentials".into()],
            ..ClientSpec::default()
        };
        let registered = register(&state.store, &spec, state.now())
            .await
            .map_err(|e| e.to_string())?;
        let secret = registered
            .secret
            .ok_or("a confidential client has a secret")?;
        let basic = format!(
            "Basic {}",
            STANDARD.encode(format!("{}:{secret}", registered.client.client_id))
        );
        let router = app.router();
        let token = || async {
            let mut req = Request::post("/token")
                .header("host", "127.0.0.1")
                .header("authorization", basic.as_str())
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from("grant_type=client_credentials"))
                .map_err(|e| e.to_string())?;
            let peer: SocketAddr = ([127, 0, 0, 1], 40000).into();
            req.extensions_mut().insert(ConnectInfo(peer));
            let res = router
                .clone()
                .oneshot(req)
                .await
                .map_err(|e| e.to_string())?;
            let status = res.status();
            let body = to_bytes(res.into_body(), 1 << 16)
                .await
                .map_err(|e| e.to_string())?;
            if status != StatusCode::OK || !body.starts_with(b"{\"access_token\"") {
                return Err(format!("{status}: {}", String::from_utf8_lossy(&body)));
            }
            Ok::<(), String>(())
        };
        match mode {
            Mode::Smoke => {
                for _ in 0..SMOKE {
                    token().await?;
                }
                println!("token bench: {SMOKE} tokens served (run `cargo bench --bench token`)");
            }
            Mode::Callgrind => {
                for _ in 0..WARMUP {
                    token().await?;
                }
                callgrind_control("-z")?;
                for _ in 0..MEASURED {
                    token().await?;
                }
                callgrind_control("-d")?;
            }
        }
        Ok(())
    })
}

/// `callgrind_control -z` (zero) or `-d` (dump) for this process.
fn callgrind_control(what: &str) -> Result<(), String> {
    let status = Command::new("callgrind_control")
        .arg(what)
        .arg(std::process::id().to_string())
        .output()
        .map_err(|e| format!("callgrind_control: {e}"))?
        .status;
    if status.success() {
        Ok(())
    } else {
        Err(format!("callgrind_control {what} failed: {status}"))
    }
}

fn config(dir: &Path) -> Config {
    let mut c = Config::default();
    c.server.bind = "127.0.0.1:0".into();
    c.server.issuer = "http://127.0.0.1".into();
    c.server.metrics_bind = String::new();
    c.database.url = format!("sqlite://{}", dir.join("bench.db").display());
    c.mail.transport = "memory".into();
    c.keys.dir = dir.join("keys").display().to_string();
    c.keys.encryption_key = STANDARD.encode([7u8; 32]);
    c
}
