//! Shared web plumbing for pages: state, cookies, sessions, CSRF, locale, flash messages,
//! rendering, error pages, client info, rate limits and security headers.
pub mod audit;
pub mod authenticated;
pub mod client;
pub mod cookies;
pub mod csrf;
pub mod edge_limit;
pub mod error;
pub mod failure_window;
pub mod flash;
pub mod form;
pub mod headers;
pub mod limiter;
pub mod locale;
pub mod metrics;
pub mod oauth_error;
pub mod page;
pub mod rate_limit;
pub mod session;
pub mod state;

pub use error::PageError;
pub use page::PageCtx;
pub use state::AppState;
