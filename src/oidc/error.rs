//! OAuth errors (RFC 6749 §5.2, §4.1.2.1; OIDC Core §3.1.2.6). The types live in
//! [`crate::http::oauth_error`], so the edge limit answers in the same shape.
pub use crate::http::oauth_error::{ErrorCode, OAuthError};
