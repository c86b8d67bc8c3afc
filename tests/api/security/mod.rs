//! The adversarial suite, organised like the checklist in docs/security.md (B1–B12). Items
//! that other modules already cover are listed in the table there with their test names.
mod b07_headers;
mod b09_brute_force;
mod b11_exhaustion;
mod enumeration;
