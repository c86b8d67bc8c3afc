//! The adversarial suite, organised like the checklist in docs/security.md (B1–B13). Items
//! that other modules already cover are listed in the table there with their test names.
mod b01_authorize;
mod b02_token;
mod b03_tokens;
mod b04_logout;
mod b05_accounts;
mod b06_sessions;
mod b07_headers;
mod b08_redirects;
mod b09_brute_force;
mod b10_input;
mod b11_exhaustion;
mod b11_storage;
mod b13_edge;
mod b13_grants;
mod b13_pages;
mod b13_protocol;
mod enumeration;
pub(crate) mod support;
