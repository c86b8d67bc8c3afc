//! Load generator for Daemun's protocol endpoints.
//!
//! It talks only to the base URL it is given, which must be a loopback address, and every run is
//! bounded both in time (`--duration`) and in count (`--max-ops`). See docs/performance.md.
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use clap::Parser;
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use serde_json::Value;
use url::{Host, Url};

mod security;

/// The redirect URI registered for the benchmark client. Nothing listens there: the load
/// generator reads the code from the `Location` header and never follows this redirect.
const REDIRECT_URI: &str = "http://127.0.0.1:9/cb";

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
    about = "Drives Daemun's endpoints on a loopback address and reports throughput and latency"
)]
struct Args {
    /// Daemun's base URL (loopback only), e.g. http://127.0.0.1:8080.
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

type Res<T> = Result<T, String>;

/// What every worker shares.
struct Ctx {
    base: String,
    client_id: String,
    basic: String,
    email: String,
    password: String,
    state_counter: AtomicU64,
}

/// One measured run.
struct Outcome {
    scenario: String,
    concurrency: usize,
    ok: u64,
    errors: u64,
    first_error: Option<String>,
    elapsed: Duration,
    /// Latencies of successful operations in microseconds, sorted.
    samples: Vec<u32>,
}

impl Outcome {
    fn rate(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    fn pct_ms(&self, p: f64) -> f64 {
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

fn check_args(args: &Args) -> Res<()> {
    let url = Url::parse(&args.base).map_err(|e| format!("--base: {e}"))?;
    let loopback = match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => d == "localhost",
        None => false,
    };
    if !loopback || url.scheme() != "http" {
        return Err("--base must be an http:// URL on a loopback address".into());
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
    let base = args.base.trim_end_matches('/').to_owned();
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            form_encode(&args.client_id),
            form_encode(&args.client_secret)
        ))
    );
    let ctx = Arc::new(Ctx {
        base,
        client_id: args.client_id.clone(),
        basic,
        email: args.email.clone(),
        password: args.password.clone(),
        state_counter: AtomicU64::new(0),
    });
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
        print_outcome(&o);
        return Ok(());
    }
    let scenarios: Vec<String> = if args.scenarios.is_empty() {
        SCENARIOS.iter().map(|s| (*s).to_owned()).collect()
    } else {
        args.scenarios.clone()
    };
    let mut rows = Vec::new();
    for s in &scenarios {
        for &c in &args.levels {
            let o = run_one(&ctx, s, c, duration, args.max_ops).await?;
            print_outcome(&o);
            rows.push(o);
            // Let the server settle (closing connections, background work) between runs.
            tokio::time::sleep(Duration::from_millis(500)).await;
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

fn print_outcome(o: &Outcome) {
    println!(
        "{:<20} c={:<3} {:>9.0} ops/s  ok={} errors={}  p50={:.2}ms p95={:.2}ms p99={:.2}ms ({:.1}s)",
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
}

fn http_client(cookies: bool) -> Res<Client> {
    Client::builder()
        .redirect(Policy::none())
        .cookie_store(cookies)
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| format!("http client: {e}"))
}

async fn run_one(
    ctx: &Arc<Ctx>,
    scenario: &str,
    concurrency: usize,
    duration: Duration,
    max_ops: u64,
) -> Res<Outcome> {
    // Set-up, not measured: sessions and tokens the scenario needs.
    let shared_session = match scenario {
        "userinfo" | "refresh" => {
            let c = http_client(true)?;
            login(ctx, &c).await?;
            Some(c)
        }
        _ => None,
    };
    let shared_token = match (&shared_session, scenario) {
        (Some(c), "userinfo") => {
            let t = logged_in_tokens(ctx, c).await?;
            str_field(&t, "access_token")?
        }
        _ => String::new(),
    };
    let mut workers = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let w = match scenario {
            "refresh" => {
                let session = shared_session.as_ref().ok_or("no session")?;
                let t = logged_in_tokens(ctx, session).await?;
                Worker {
                    client: http_client(false)?,
                    token: str_field(&t, "refresh_token")?,
                }
            }
            "code_flow_logged_in" => {
                let c = http_client(true)?;
                login(ctx, &c).await?;
                Worker {
                    client: c,
                    token: String::new(),
                }
            }
            _ => Worker {
                client: http_client(false)?,
                token: shared_token.clone(),
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
        let session = shared_session.clone();
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
                        if scenario == "refresh"
                            && let Some(s) = &session
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
        "discovery" => get_ok(&w.client, &ctx.url("/.well-known/openid-configuration")).await,
        "jwks" => get_ok(&w.client, &ctx.url("/jwks.json")).await,
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
            let loc = authorize(ctx, &c).await?;
            if !loc.starts_with("/login") {
                return Err(format!("expected a redirect to /login, got {loc}"));
            }
            let code = login_and_resume(ctx, &c, &loc).await?;
            let t = exchange(ctx, &c, &code).await?;
            userinfo(ctx, &c, &str_field(&t, "access_token")?).await
        }
        "code_flow_logged_in" => {
            let t = logged_in_tokens(ctx, &w.client).await?;
            userinfo(ctx, &w.client, &str_field(&t, "access_token")?).await
        }
        other => Err(format!("unknown scenario {other}")),
    }
}

impl Ctx {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn authorize_path(&self) -> String {
        let n = self.state_counter.fetch_add(1, Ordering::Relaxed);
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.append_pair("client_id", &self.client_id)
            .append_pair("redirect_uri", REDIRECT_URI)
            .append_pair("response_type", "code")
            .append_pair("scope", "openid email")
            .append_pair("state", &format!("s{n}"))
            .append_pair("nonce", &format!("n{n}"));
        format!("/authorize?{}", q.finish())
    }
}

fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn get_ok(c: &Client, url: &str) -> Res<()> {
    let r = c.get(url).send().await.map_err(|e| e.to_string())?;
    let status = r.status();
    let body = r.bytes().await.map_err(|e| e.to_string())?;
    if status != StatusCode::OK || body.is_empty() {
        return Err(format!("GET {url}: {status}"));
    }
    Ok(())
}

fn location(r: &reqwest::Response) -> Res<String> {
    if !r.status().is_redirection() {
        return Err(format!("expected a redirect, got {}", r.status()));
    }
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .ok_or_else(|| "redirect without Location".into())
}

/// GET /authorize; returns where it sends the browser (never followed to the client).
async fn authorize(ctx: &Ctx, c: &Client) -> Res<String> {
    let r = c
        .get(ctx.url(&ctx.authorize_path()))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    location(&r)
}

/// The code in a redirect to the client, or an error naming what came instead.
fn code_from(loc: &str) -> Res<String> {
    if !loc.starts_with(REDIRECT_URI) {
        return Err(format!("expected a redirect to the client, got {loc}"));
    }
    let url = Url::parse(loc).map_err(|e| e.to_string())?;
    url.query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .ok_or_else(|| format!("no code in {loc}"))
}

fn csrf_token(html: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

/// GET the login page at `login_path` (with its `next`), POST the password, follow the
/// redirect back to /authorize/resume/…; returns the code.
async fn login_and_resume(ctx: &Ctx, c: &Client, login_path: &str) -> Res<String> {
    let next = Url::parse(&ctx.url(login_path))
        .map_err(|e| e.to_string())?
        .query_pairs()
        .find(|(k, _)| k == "next")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let resume = post_login(ctx, c, login_path, &next).await?;
    if !resume.starts_with("/authorize/resume/") {
        return Err(format!("login sent us to {resume}"));
    }
    let r = c
        .get(ctx.url(&resume))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    code_from(&location(&r)?)
}

/// Logs in at `login_path` and returns the Location the login answered with.
async fn post_login(ctx: &Ctx, c: &Client, login_path: &str, next: &str) -> Res<String> {
    let r = c
        .get(ctx.url(login_path))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if r.status() != StatusCode::OK {
        return Err(format!("GET {login_path}: {}", r.status()));
    }
    let page = r.text().await.map_err(|e| e.to_string())?;
    let csrf = csrf_token(&page).ok_or("no CSRF token on the login page")?;
    let r = c
        .post(ctx.url("/login"))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("identifier", ctx.email.as_str()),
            ("password", ctx.password.as_str()),
            ("next", next),
            ("csrf_token", csrf.as_str()),
        ])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if r.status() != StatusCode::SEE_OTHER {
        return Err(format!(
            "POST /login: {} (wrong password, or throttled?)",
            r.status()
        ));
    }
    location(&r)
}

/// Logs the cookie jar of `c` in (a session cookie, not tied to any request).
async fn login(ctx: &Ctx, c: &Client) -> Res<()> {
    post_login(ctx, c, "/login", "").await.map(drop)
}

/// With a logged-in `c`: authorize → code → token; returns the token response.
async fn logged_in_tokens(ctx: &Ctx, c: &Client) -> Res<Value> {
    let code = code_from(&authorize(ctx, c).await?)?;
    exchange(ctx, c, &code).await
}

async fn exchange(ctx: &Ctx, c: &Client, code: &str) -> Res<Value> {
    token_request(
        ctx,
        c,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT_URI),
        ],
    )
    .await
}

async fn token_request(ctx: &Ctx, c: &Client, form: &[(&str, &str)]) -> Res<Value> {
    let r = c
        .post(ctx.url("/token"))
        .header("authorization", &ctx.basic)
        .form(form)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = r.status();
    let body = r.bytes().await.map_err(|e| e.to_string())?;
    if status != StatusCode::OK {
        return Err(format!(
            "POST /token: {status} {}",
            String::from_utf8_lossy(&body)
        ));
    }
    serde_json::from_slice(&body).map_err(|e| format!("token response: {e}"))
}

async fn userinfo(ctx: &Ctx, c: &Client, access_token: &str) -> Res<()> {
    let r = c
        .get(ctx.url("/userinfo"))
        .bearer_auth(access_token)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = r.status();
    let body = r.bytes().await.map_err(|e| e.to_string())?;
    if status != StatusCode::OK {
        return Err(format!("GET /userinfo: {status}"));
    }
    let v: Value = serde_json::from_slice(&body).map_err(|e| format!("userinfo: {e}"))?;
    str_field(&v, "sub").map(drop)
}

fn str_field(v: &Value, name: &str) -> Res<String> {
    v.get(name)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("no {name} in {v}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_code_only_from_a_redirect_to_the_client() {
        assert_eq!(
            code_from("http://127.0.0.1:9/cb?code=abc&state=s1").ok(),
            Some("abc".to_owned())
        );
        assert!(code_from("/login?next=%2Fauthorize%2Fresume%2Fx").is_err());
        assert!(code_from("http://127.0.0.1:9/cb?error=access_denied").is_err());
    }

    #[test]
    fn refuses_anything_but_loopback() {
        let mut args = Args::parse_from(["daemun-loadgen"]);
        assert!(check_args(&args).is_ok());
        args.base = "http://10.0.0.1:8080".into();
        assert!(check_args(&args).is_err());
        args.base = "http://[::1]:8080".into();
        assert!(check_args(&args).is_ok());
    }
}
