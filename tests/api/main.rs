//! Integration tests: the real server on port 0, driven over HTTP, on SQLite or (with
//! `TEST_DATABASE_URL`) on PostgreSQL. Grouped by feature.
// Tests may unwrap; `SmtpServer` reaps its child process in `Drop`.
#![allow(clippy::unwrap_used, clippy::zombie_processes)]
mod helpers;

mod admin;
mod admin_clients;
mod audit;
mod cli;
mod cli_user;
mod config;
mod csrf;
mod db_outage;
mod fuzz_requests;
mod guide_rust;
mod hygiene;
mod i18n;
mod licenses;
mod login;
mod logout;
mod metrics;
mod nul_inputs;
mod oidc_authorize;
mod oidc_flow;
mod oidc_keys;
mod oidc_logout;
mod oidc_token;
mod portal_apps;
mod portal_csrf;
mod portal_delete;
mod portal_email;
mod portal_export;
mod portal_grants;
mod portal_mail;
mod portal_password;
mod portal_profile;
mod portal_reset;
mod portal_sessions;
mod portal_store;
mod props_authorize;
mod rp_libraries;
mod security;
mod signup;
mod smtp;
mod store;
mod two_nodes;
mod verify;
