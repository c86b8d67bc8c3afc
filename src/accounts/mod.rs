//! Pages for people: sign-up, email verification, login, logout, the account home and the
//! self-service portal (profile, email, password, reset, sessions, export, deletion).
pub mod apps;
pub mod delete;
pub mod email;
pub mod export;
pub mod factors;
pub mod finished;
pub mod home;
pub mod lockout;
pub mod login;
pub mod logout;
pub mod mailing;
pub mod password;
pub mod portal;
pub mod profile;
pub mod reset;
pub mod sessions;
pub mod signup;
pub mod verify;
