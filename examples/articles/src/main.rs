//! `articles`: reads `ARTICLES_*` settings, starts the app, stops on Ctrl-C or SIGTERM.
use std::process::ExitCode;

use articles::Config;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let config = match Config::from_vars(|k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let base = config.base_url.clone();
    let app = match articles::build(config).await {
        Ok(app) => app,
        Err(e) => return fail(&e),
    };
    tracing::info!(port = app.port(), "articles is up at {base}/");
    match app.serve(shutdown()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

/// One clear line on stderr, exit status 2.
fn fail(e: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("articles: {e}");
    ExitCode::from(2)
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
