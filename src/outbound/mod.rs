//! Server-to-server HTTP: the one outbound client (rustls, no redirects, time-outs, and a
//! resolver that can refuse private addresses) and the sender of the outbound queue
//! (`store::outbound`), today for back-channel logout tokens. Nothing else in the server
//! builds an HTTP client.
pub mod client;
pub mod logout_token;
pub mod openid;
pub mod sender;

pub use client::{Http, HttpError};
pub use openid::Upstreams;
