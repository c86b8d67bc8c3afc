//! Pure types and rules of the product: no I/O, no web or database crates.
pub mod acr;
pub mod client;
pub mod client_address;
pub mod clock;
pub mod email_address;
pub mod lockout;
pub mod next_path;
pub mod password;
pub mod pkce;
pub mod recovery_code;
pub mod scope;
pub mod secret;
pub mod totp;
pub mod user;
pub mod user_agent;
pub mod user_code;
pub mod username;
