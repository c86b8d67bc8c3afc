//! The adversarial suite, organised like the checklist in docs/security.md (B1–B12).
mod b01_authorize;
mod b02_token;
mod b03_tokens;
mod b04_logout;
mod b05_accounts;
mod b06_sessions;
mod b08_redirects;
mod b10_input;
mod b11_storage;
mod support;
