//! Load generator for Daemun's protocol endpoints, and for another OpenID provider beside it.
//!
//! It talks only to loopback addresses (the base URLs it is given and the endpoints their
//! discovery documents name), and every run is bounded both in time (`--duration`) and in count
//! (`--max-ops`). See docs/performance.md.
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use reqwest::Client;
use url::Url;

mod chart;
mod flow;
mod form;
mod peer;
mod security;

use flow::{
    Ctx, Res, authorize, exchange, get_ok, http_client, is_loopback_http, logged_in_tokens, login,
    str_field, token_request, userinfo,
};

const SCENARIOS: [&str; 7] = [
    "discovery",
    "jwks",
    "client_credentials",
    "userinfo",
    "refresh",
    "code_flow_login",
    "code_flow_logged_in",
];

const MAX_CONCURRENCY: usize = 1024;
const MAX_DURATION_SECS: f64 = 600.0;

#[derive(Parser, Debug, Clone)]
#[command(
    name = "daemun-loadgen",
    about = "Drives Daemun's endpoints (and optionally another OpenID provider's, side by side) \
             on loopback addresses and reports throughput and latency"
)]
struct Args {
    /// Daemun's base URL (loopback only), e.g. http://127.0.0.1:8080. The endpoints come from
    /// its discovery document.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    base: String,
    /// A first-party client allowed authorization_code, refresh_token and client_credentials,
    /// with the redirect URI http://127.0.0.1:9/cb.
    #[arg(long, default_value = "")]
    client_id: String,
    #[arg(long, default_value = "")]
    client_secret: String,
    /// A verified account (for the scenarios that need a person).
    #[arg(long, default_value = "")]
    email: String,
    #[arg(long, default_value = "")]
    password: String,
    /// One of: discovery, jwks, client_credentials, userinfo, refresh, code_flow_login,
    /// code_flow_logged_in.
    #[arg(long, default_value = "discovery")]
    scenario: String,
    /// Concurrent workers, each with its own connection(s).
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Seconds of measured load per run (set-up such as logins is not counted).
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Stop a run after this many operations in total, whichever comes first.
    #[arg(long, default_value_t = 2_000_000)]
    max_ops: u64,
    /// Run every scenario (or those in --scenarios) at every level in --levels and print a
    /// Markdown table.
    #[arg(long)]
    matrix: bool,
    /// Concurrency levels for --matrix.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    levels: Vec<usize>,
    /// Scenarios for --matrix (default: all).
    #[arg(long, value_delimiter = ',')]
    scenarios: Vec<String>,
    /// With --matrix: another OpenID provider's base URL (loopback only). Each run goes to
    /// Daemun, then to this provider, and the table sets them side by side.
    #[arg(long)]
    peer_base: Option<String>,
    /// The other provider's name in the table and the chart.
    #[arg(long, default_value = "node-oidc-provider")]
    peer_name: String,
    /// The other provider's client, registered like Daemun's (default: the same as Daemun's).
    #[arg(long)]
    peer_client_id: Option<String>,
    #[arg(long)]
    peer_client_secret: Option<String>,
    /// The other provider's account (default: the same as Daemun's).
    #[arg(long)]
    peer_email: Option<String>,
    #[arg(long)]
    peer_password: Option<String>,
    /// With --peer-base: also draw the side-by-side operations per second as an SVG bar chart.
    #[arg(long)]
    chart: Option<std::path::PathBuf>,
    /// A security measurement instead of a load run: `enum-timing` (failed-login time for
    /// existing vs unknown accounts; needs sign-up limits off) or `login-flood` (protocol
    /// latency while logins flood in; needs the login limits off).
    #[arg(long)]
    measure: Option<String>,
    /// Failed logins per kind of account for `--measure enum-timing`.
    #[arg(long, default_value_t = 50)]
    attempts: usize,
    /// Concurrent flooding workers for `--measure login-flood`.
    #[arg(long, default_value_t = 64)]
    flooders: usize,
}

/// One measured run.
pub struct Outcome {
    pub scenario: String,
    pub concurrency: usize,
    pub ok: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub elapsed: Duration,
    /// Latencies of successful operations in microseconds, sorted.
    pub samples: Vec<u32>,
}

impl Outcome {
    pub fn rate(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub fn pct_ms(&self, p: f64) -> f64 {
        if self.samples.is_empty() {
            return f64::NAN;
        }
        let idx = ((p / 100.0) * (self.samples.len() - 1) as f64).round() as usize;
        f64::from(self.samples[idx.min(self.samples.len() - 1)]) / 1000.0
    }
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    if let Err(e) = check_args(&args) {
        eprintln!("daemun-loadgen: {e}");
        return std::process::ExitCode::from(2);
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("daemun-loadgen: runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(args)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("daemun-loadgen: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn check_base(flag: &str, base: &str) -> Res<()> {
    let url = Url::parse(base).map_err(|e| format!("{flag}: {e}"))?;
    if !is_loopback_http(&url) {
        return Err(format!(
            "{flag} must be an http:// URL on a loopback address"
        ));
    }
    Ok(())
}

fn check_args(args: &Args) -> Res<()> {
    check_base("--base", &args.base)?;
    if let Some(peer) = &args.peer_base {
        check_base("--peer-base", peer)?;
        if !args.matrix || args.measure.is_some() {
            return Err("--peer-base goes with --matrix".into());
        }
    }
    if args.chart.is_some() && args.peer_base.is_none() {
        return Err("--chart goes with --peer-base".into());
    }
    let levels: Vec<usize> = if args.matrix {
        args.levels.clone()
    } else {
        vec![args.concurrency]
    };
    if !(1..=10_000).contains(&args.attempts) || !(1..=MAX_CONCURRENCY).contains(&args.flooders) {
        return Err(format!(
            "--attempts must be 1..=10000 and --flooders 1..={MAX_CONCURRENCY}"
        ));
    }
    if levels.iter().any(|&c| c == 0 || c > MAX_CONCURRENCY) {
        return Err(format!("concurrency must be 1..={MAX_CONCURRENCY}"));
    }
    if !(args.duration > 0.0 && args.duration <= MAX_DURATION_SECS) {
        return Err(format!(
            "--duration must be in (0, {MAX_DURATION_SECS}] seconds"
        ));
    }
    let chosen: Vec<String> = if args.matrix {
        args.scenarios.clone()
    } else {
        vec![args.scenario.clone()]
    };
    if let Some(s) = chosen.iter().find(|s| !SCENARIOS.contains(&s.as_str())) {
        return Err(format!(
            "unknown scenario {s} (expected one of {})",
            SCENARIOS.join(", ")
        ));
    }
    Ok(())
}

async fn run(args: Args) -> Res<()> {
    let ctx = Arc::new(
        Ctx::discover(
            &args.base,
            &args.client_id,
            &args.client_secret,
            &args.email,
            &args.password,
        )
        .await?,
    );
    let duration = Duration::from_secs_f64(args.duration);
    match args.measure.as_deref() {
        Some("enum-timing") => return security::enumeration_timing(&ctx, args.attempts).await,
        Some("login-flood") => {
            return security::login_flood(&ctx, args.flooders, args.duration).await;
        }
        Some(other) => return Err(format!("unknown measurement {other}")),
        None => {}
    }
    if !args.matrix {
        let o = run_one(
            &ctx,
            &args.scenario,
            args.concurrency,
            duration,
            args.max_ops,
        )
        .await?;
        print_outcome("", &o);
        return Ok(());
    }
    let scenarios: Vec<String> = if args.scenarios.is_empty() {
        SCENARIOS.iter().map(|s| (*s).to_owned()).collect()
    } else {
        args.scenarios.clone()
    };
    if let Some(peer_base) = &args.peer_base {
        let or = |given: &Option<String>, daemun: &str| given.clone().unwrap_or(daemun.to_owned());
        let peer = Ctx::discover(
            peer_base,
            &or(&args.peer_client_id, &args.client_id),
            &or(&args.peer_client_secret, &args.client_secret),
            &or(&args.peer_email, &args.email),
            &or(&args.peer_password, &args.password),
        )
        .await
        .map_err(|e| format!("{}: {e}", args.peer_name))?;
        let plan = peer::Plan {
            scenarios,
            levels: args.levels.clone(),
            duration,
            max_ops: args.max_ops,
            peer_name: args.peer_name.clone(),
            chart: args.chart.clone(),
        };
        return peer::side_by_side(&ctx, &Arc::new(peer), &plan).await;
    }
    let mut rows = Vec::new();
    for s in &scenarios {
        for &c in &args.levels {
            let o = run_one(&ctx, s, c, duration, args.max_ops).await?;
            print_outcome("", &o);
            rows.push(o);
            settle().await;
        }
    }
    println!();
    println!("| scenario | concurrency | ops/s | p50 ms | p95 ms | p99 ms | errors |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for o in &rows {
        println!(
            "| {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {} |",
            o.scenario,
            o.concurrency,
            o.rate(),
            o.pct_ms(50.0),
            o.pct_ms(95.0),
            o.pct_ms(99.0),
            o.errors
        );
    }
    Ok(())
}

/// Lets the server settle (closing connections, background work) between runs.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(500)).await;
}

/// One line per run; `server` names the provider when there are several.
fn print_outcome(server: &str, o: &Outcome) {
    println!(
        "{server}{:<20} c={:<3} {:>9.0} ops/s  ok={} errors={}  p50={:.2}ms p95={:.2}ms p99={:.2}ms ({:.1}s)",
        o.scenario,
        o.concurrency,
        o.rate(),
        o.ok,
        o.errors,
        o.pct_ms(50.0),
        o.pct_ms(95.0),
        o.pct_ms(99.0),
        o.elapsed.as_secs_f64()
    );
    if let Some(e) = &o.first_error {
        println!("  first error: {e}");
    }
}

/// What a worker carries from one operation to the next.
struct Worker {
    client: Client,
    /// An access token (userinfo) or the current refresh token (refresh).
    token: String,
    /// The logged-in browser a refresh chain started from (to start a new one after an error).
    session: Option<Client>,
}

async fn run_one(
    ctx: &Arc<Ctx>,
    scenario: &str,
    concurrency: usize,
    duration: Duration,
    max_ops: u64,
) -> Res<Outcome> {
    // Set-up, not measured: sessions and tokens the scenario needs. The userinfo workers share
    // one access token; every refresh worker has a session (a browser, logged in) of its own
    // and rotates its own chain, as separate people's applications would.
    let shared_token = match scenario {
        "userinfo" => {
            let c = http_client(true)?;
            login(ctx, &c).await?;
            let t = logged_in_tokens(ctx, &c).await?;
            str_field(&t, "access_token")?
        }
        _ => String::new(),
    };
    let mut workers = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let w = match scenario {
            "refresh" => {
                let session = http_client(true)?;
                login(ctx, &session).await?;
                let t = logged_in_tokens(ctx, &session).await?;
                Worker {
                    client: http_client(false)?,
                    token: str_field(&t, "refresh_token")?,
                    session: Some(session),
                }
            }
            "code_flow_logged_in" => {
                let c = http_client(true)?;
                login(ctx, &c).await?;
                Worker {
                    client: c,
                    token: String::new(),
                    session: None,
                }
            }
            _ => Worker {
                client: http_client(false)?,
                token: shared_token.clone(),
                session: None,
            },
        };
        workers.push(w);
    }

    let ops = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + duration;
    let mut set = tokio::task::JoinSet::new();
    for mut w in workers {
        let ctx = ctx.clone();
        let ops = ops.clone();
        let scenario = scenario.to_owned();
        set.spawn(async move {
            let mut samples: Vec<u32> = Vec::new();
            let mut errors = 0u64;
            let mut first_error = None;
            while Instant::now() < deadline && ops.fetch_add(1, Ordering::Relaxed) < max_ops {
                let t = Instant::now();
                match op(&ctx, &scenario, &mut w).await {
                    Ok(()) => {
                        samples.push(u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX))
                    }
                    Err(e) => {
                        errors += 1;
                        first_error.get_or_insert(e);
                        // A broken refresh chain starts again from a new code (not measured).
                        if let Some(s) = &w.session
                            && let Ok(t) = logged_in_tokens(&ctx, s).await
                            && let Ok(rt) = str_field(&t, "refresh_token")
                        {
                            w.token = rt;
                        }
                        // Do not spin on a server that refuses everything.
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                }
            }
            (samples, errors, first_error)
        });
    }
    let mut samples = Vec::new();
    let mut errors = 0;
    let mut first_error = None;
    while let Some(r) = set.join_next().await {
        let (s, e, f) = r.map_err(|e| format!("worker: {e}"))?;
        samples.extend(s);
        errors += e;
        if first_error.is_none() {
            first_error = f;
        }
    }
    let elapsed = start.elapsed();
    samples.sort_unstable();
    Ok(Outcome {
        scenario: scenario.to_owned(),
        concurrency,
        ok: samples.len() as u64,
        errors,
        first_error,
        elapsed,
        samples,
    })
}

/// One operation of a scenario (a whole flow counts as one).
async fn op(ctx: &Ctx, scenario: &str, w: &mut Worker) -> Res<()> {
    match scenario {
        "discovery" => get_ok(&w.client, &ctx.endpoints.discovery).await,
        "jwks" => get_ok(&w.client, &ctx.endpoints.jwks).await,
        "client_credentials" => {
            let v = token_request(ctx, &w.client, &[("grant_type", "client_credentials")]).await?;
            str_field(&v, "access_token").map(drop)
        }
        "userinfo" => userinfo(ctx, &w.client, &w.token).await,
        "refresh" => {
            let v = token_request(
                ctx,
                &w.client,
                &[("grant_type", "refresh_token"), ("refresh_token", &w.token)],
            )
            .await?;
            w.token = str_field(&v, "refresh_token")?;
            Ok(())
        }
        "code_flow_login" => {
            // A new browser: empty cookie jar, new connection.
            let c = http_client(true)?;
            let visit = authorize(ctx, &c).await?;
            if visit.logins != 1 {
                return Err("a new browser got a code without logging in".into());
            }
            let t = exchange(ctx, &c, &visit.code).await?;
            userinfo(ctx, &c, &str_field(&t, "access_token")?).await
        }
        "code_flow_logged_in" => {
            let t = logged_in_tokens(ctx, &w.client).await?;
            userinfo(ctx, &w.client, &str_field(&t, "access_token")?).await
        }
        other => Err(format!("unknown scenario {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_anything_but_loopback() {
        let mut args = Args::parse_from(["daemun-loadgen"]);
        assert!(check_args(&args).is_ok());
        args.base = "http://10.0.0.1:8080".into();
        assert!(check_args(&args).is_err());
        args.base = "http://[::1]:8080".into();
        assert!(check_args(&args).is_ok());
        args.matrix = true;
        args.peer_base = Some("http://192.168.1.2:8090".into());
        assert!(check_args(&args).is_err());
        args.peer_base = Some("http://127.0.0.1:8090".into());
        assert!(check_args(&args).is_ok());
    }

    #[test]
    fn a_peer_and_a_chart_go_with_the_matrix() {
        let args = Args::parse_from(["daemun-loadgen", "--peer-base=http://127.0.0.1:8090"]);
        assert!(check_args(&args).is_err());
        let args = Args::parse_from(["daemun-loadgen", "--matrix", "--chart=x.svg"]);
        assert!(check_args(&args).is_err());
        let args = Args::parse_from([
            "daemun-loadgen",
            "--matrix",
            "--peer-base=http://localhost:8090",
            "--chart=x.svg",
        ]);
        assert!(check_args(&args).is_ok());
    }
}
