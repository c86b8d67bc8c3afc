//! Pages for people: sign-up, email verification, login, logout and the account home.
pub mod home;
pub mod login;
pub mod logout;
pub mod mailing;
pub mod signup;
pub mod verify;
