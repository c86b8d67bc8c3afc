//! Security measurements (docs/security.md): how long a failed login takes for an existing
//! and for an unknown account, and how the protocol endpoints answer during a login flood.
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};

use crate::flow::{
    Ctx, Res, get_ok, http_client, logged_in_tokens, login, str_field, token_request, userinfo,
};
use crate::form::field_value;

const WRONG: &str = "not-the-Password-0";

/// The median of `v` in milliseconds (sorts it).
fn median_ms(v: &mut [Duration]) -> f64 {
    percentile_ms(v, 50.0)
}

fn percentile_ms(v: &mut [Duration], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort();
    let idx = ((p / 100.0) * (v.len() - 1) as f64).round() as usize;
    v[idx.min(v.len() - 1)].as_secs_f64() * 1000.0
}

/// A fresh browser that has the login (or any) form's CSRF token.
async fn form_token(ctx: &Ctx, path: &str) -> Res<(Client, String)> {
    let c = http_client(true)?;
    let page = c
        .get(ctx.url(path))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .text()
        .await
        .map_err(|e| e.to_string())?;
    let token =
        field_value(&page, "csrf_token").ok_or_else(|| format!("no CSRF token on {path}"))?;
    Ok((c, token))
}

async fn post_form(c: &Client, ctx: &Ctx, path: &str, form: &[(&str, &str)]) -> Res<StatusCode> {
    let r = c
        .post(ctx.url(path))
        .header("sec-fetch-site", "same-origin")
        .form(form)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = r.status();
    let _ = r.bytes().await;
    Ok(status)
}

/// One timed failed login (only the POST is timed).
async fn timed_failure(ctx: &Ctx, who: &str) -> Res<Duration> {
    let (c, token) = form_token(ctx, "/login").await?;
    let start = Instant::now();
    let status = post_form(
        &c,
        ctx,
        "/login",
        &[
            ("identifier", who),
            ("password", WRONG),
            ("csrf_token", &token),
        ],
    )
    .await?;
    let took = start.elapsed();
    if status != StatusCode::BAD_REQUEST {
        return Err(format!(
            "login as {who}: {status} (limits on? see docs/security.md)"
        ));
    }
    Ok(took)
}

/// `attempts` failed logins against fresh accounts (signed up here, each used once) and as
/// many against unknown addresses, interleaved, one at a time; prints both medians.
pub async fn enumeration_timing(ctx: &Ctx, attempts: usize) -> Res<()> {
    let run = std::process::id();
    let mut known = Vec::with_capacity(attempts);
    for i in 0..attempts {
        let email = format!("timing-{run}-{i}@example.com");
        let (c, token) = form_token(ctx, "/signup").await?;
        let status = post_form(
            &c,
            ctx,
            "/signup",
            &[
                ("email", &email),
                ("username", ""),
                ("name", "Timing"),
                ("password", "a-Timing-passphrase-1"),
                ("password_confirm", "a-Timing-passphrase-1"),
                ("csrf_token", &token),
            ],
        )
        .await?;
        if status != StatusCode::OK {
            return Err(format!("sign-up {email}: {status}"));
        }
        known.push(email);
    }
    let (mut k, mut u) = (Vec::new(), Vec::new());
    for (i, email) in known.iter().enumerate() {
        k.push(timed_failure(ctx, email).await?);
        u.push(timed_failure(ctx, &format!("nobody-{run}-{i}@example.com")).await?);
    }
    let (mk, mu) = (median_ms(&mut k), median_ms(&mut u));
    println!("failed logins, {attempts} each, one at a time, fresh accounts:");
    println!("| account | median ms | p90 ms |");
    println!("|---|---:|---:|");
    println!(
        "| existing, wrong password | {mk:.2} | {:.2} |",
        percentile_ms(&mut k, 90.0)
    );
    println!("| unknown | {mu:.2} | {:.2} |", percentile_ms(&mut u, 90.0));
    println!(
        "unknown / existing = {:.3} (difference {:+.1} %)",
        mu / mk,
        (mu / mk - 1.0) * 100.0
    );
    Ok(())
}

/// The probes measured during the flood.
const PROBES: [&str; 4] = ["discovery", "jwks", "client_credentials", "userinfo"];

async fn probe(ctx: &Ctx, c: &Client, which: &str, access_token: &str) -> Res<()> {
    match which {
        "discovery" => get_ok(c, &ctx.endpoints.discovery).await,
        "jwks" => get_ok(c, &ctx.endpoints.jwks).await,
        "client_credentials" => token_request(ctx, c, &[("grant_type", "client_credentials")])
            .await
            .map(drop),
        _ => userinfo(ctx, c, access_token).await,
    }
}

/// Latencies of each probe, one request at a time, for `secs` seconds in turn.
async fn probe_all(ctx: &Ctx, access_token: &str, secs: f64) -> Res<Vec<(String, Vec<Duration>)>> {
    let c = http_client(false)?;
    let mut out = Vec::new();
    for which in PROBES {
        let mut lat = Vec::new();
        let end = Instant::now() + Duration::from_secs_f64(secs);
        while Instant::now() < end {
            let start = Instant::now();
            probe(ctx, &c, which, access_token).await?;
            lat.push(start.elapsed());
        }
        out.push((which.to_owned(), lat));
    }
    Ok(out)
}

/// Probes the protocol endpoints alone, then again while `flooders` workers post logins
/// (unknown addresses, wrong passwords) as fast as they can; prints p50/p99 of both and what
/// the flooding logins got back.
pub async fn login_flood(ctx: &Arc<Ctx>, flooders: usize, secs: f64) -> Res<()> {
    let session = http_client(true)?;
    login(ctx, &session).await?;
    let tokens = logged_in_tokens(ctx, &session).await?;
    let access = str_field(&tokens, "access_token")?;
    let quiet = probe_all(ctx, &access, secs).await?;

    let stop = Arc::new(AtomicBool::new(false));
    let counts: Arc<[AtomicU64; 4]> = Arc::new(Default::default()); // 400, 503, 429, other
    let mut tasks = Vec::new();
    for w in 0..flooders {
        let (ctx, stop, counts) = (ctx.clone(), stop.clone(), counts.clone());
        tasks.push(tokio::spawn(async move {
            let (c, token) = form_token(&ctx, "/login").await?;
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let who = format!("flood-{w}-{i}@example.com");
                let form = [
                    ("identifier", who.as_str()),
                    ("password", WRONG),
                    ("csrf_token", &token),
                ];
                let slot = match post_form(&c, &ctx, "/login", &form).await {
                    Ok(StatusCode::BAD_REQUEST) => 0,
                    Ok(StatusCode::SERVICE_UNAVAILABLE) => 1,
                    Ok(StatusCode::TOO_MANY_REQUESTS) => 2,
                    _ => 3,
                };
                counts[slot].fetch_add(1, Ordering::Relaxed);
            }
            Ok::<(), String>(())
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    let flooded = probe_all(ctx, &access, secs).await;
    let flood_secs = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.map_err(|e| e.to_string())??;
    }
    let mut flooded = flooded?;
    let c: Vec<u64> = counts.iter().map(|a| a.load(Ordering::Relaxed)).collect();
    println!(
        "login flood: {flooders} workers for {flood_secs:.1} s: {} answered 400 (checked), {} 503 (busy), {} 429, {} other",
        c[0], c[1], c[2], c[3]
    );
    println!(
        "| endpoint | p50 ms quiet | p99 ms quiet | p50 ms flood | p99 ms flood | requests in flood |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let mut quiet = quiet;
    for ((name, q), (_, f)) in quiet.iter_mut().zip(flooded.iter_mut()) {
        println!(
            "| {name} | {:.2} | {:.2} | {:.2} | {:.2} | {} |",
            percentile_ms(q, 50.0),
            percentile_ms(q, 99.0),
            percentile_ms(f, 50.0),
            percentile_ms(f, 99.0),
            f.len()
        );
    }
    Ok(())
}
