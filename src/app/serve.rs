//! Accepting connections: HTTP/1.1 through hyper with limits a bare `axum::serve` does not
//! set. A client must send its whole request head within `header_read_timeout_secs` (slow
//! "slowloris" clients are cut off instead of pinning a connection), the head may be at most
//! [`MAX_HEAD_BYTES`] (larger heads get `431`), and on shutdown in-flight requests finish
//! before the process exits (up to `drain_secs`).
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

use crate::http::AppState;

/// The most a request line plus headers may take (hyper answers `431` beyond it).
pub const MAX_HEAD_BYTES: usize = 32 * 1024;

/// Connection-level limits from `[server]`.
#[derive(Debug, Clone, Copy)]
pub struct ConnLimits {
    pub header_read_timeout: Duration,
    pub drain: Duration,
}

/// Binds the separate metrics listener, if `addr` names one.
pub async fn bind_metrics(addr: Option<&str>) -> Result<Option<TcpListener>, super::StartError> {
    let Some(addr) = addr else {
        return Ok(None);
    };
    match TcpListener::bind(addr).await {
        Ok(l) => Ok(Some(l)),
        Err(source) => Err(super::StartError::Bind {
            addr: format!("{addr} (server.metrics_bind; empty turns metrics off)"),
            source,
        }),
    }
}

/// Serves `/metrics` alone on the separate listener, if there is one, until `stop` fires.
pub fn metrics(
    listener: Option<TcpListener>,
    state: AppState,
    stop: CancellationToken,
    limits: ConnLimits,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        if let Some(l) = listener {
            if let Ok(addr) = l.local_addr() {
                tracing::info!(metrics = %addr, "metrics are served here only");
            }
            serve(l, crate::http::metrics::router(state), stop, limits).await;
        }
    })
}

/// Serves `router` on `listener` until `stop` fires, then drains.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    stop: CancellationToken,
    limits: ConnLimits,
) {
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(MAX_HEAD_BYTES);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stop.cancelled() => break,
        };
        let _ = stream.set_nodelay(true);
        let service = router
            .clone()
            .map_request(move |mut req: hyper::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                req
            });
        let conn =
            builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
        });
    }
    tracing::info!("draining in-flight requests");
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(limits.drain) => {
            tracing::warn!("drain time over; closing the remaining connections");
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
