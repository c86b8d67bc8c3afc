//! Daemun: an OAuth 2.0 / OpenID Connect identity provider with its own accounts.
pub mod accounts;
pub mod admin;
pub mod app;
pub mod cli;
pub mod config;
pub mod domain;
pub mod hashing;
pub mod http;
pub mod i18n;
pub mod keys;
pub mod mail;
pub mod oidc;
pub mod outbound;
#[cfg(test)]
pub(crate) mod proptest_config;
pub mod store;
pub mod telemetry;
pub mod templates;
pub mod upstream;
