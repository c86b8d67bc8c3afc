//! Properties of the form rules shared by the token, revocation and introspection endpoints
//! (RFC 6749 §3.2) and of `client_secret_basic` (RFC 6749 §2.3.1).
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use proptest::prelude::*;

use crate::oidc::client_auth::basic;
use crate::oidc::params::form_params;
use crate::proptest_config::config;

const FORM: &str = "application/x-www-form-urlencoded";

fn headers(name: axum::http::HeaderName, value: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(value) {
        h.insert(name, v);
    }
    h
}

fn encode(pairs: &[(String, String)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Parameter names that collide often, so repeats are common.
fn pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(
        (
            prop_oneof![
                "grant_type",
                "code",
                "client_id",
                "scope",
                "[a-z_]{1,6}",
                "\\PC{1,4}"
            ],
            "\\PC{0,12}",
        ),
        0..6,
    )
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn any_body_parses_without_repeats_or_is_refused(body in prop::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(params) = form_params(&headers(CONTENT_TYPE, FORM), None, &body) {
            for (i, (k, _)) in params.iter().enumerate() {
                prop_assert!(!params[..i].iter().any(|(p, _)| p == k), "{k} repeated");
            }
        }
    }

    #[test]
    fn a_form_round_trips_unless_a_name_repeats(pairs in pairs()) {
        let body = encode(&pairs);
        let parsed = form_params(&headers(CONTENT_TYPE, FORM), None, body.as_bytes());
        let repeated = pairs.iter().enumerate().any(|(i, (k, _))| pairs[..i].iter().any(|(p, _)| p == k));
        if repeated {
            prop_assert!(parsed.is_err());
        } else {
            prop_assert_eq!(parsed.ok(), Some(pairs));
        }
    }

    #[test]
    fn parameters_in_the_url_are_refused(pairs in pairs(), query in "\\PC{1,20}") {
        let body = encode(&pairs);
        prop_assert!(form_params(&headers(CONTENT_TYPE, FORM), Some(&query), body.as_bytes()).is_err());
    }

    #[test]
    fn other_content_types_are_refused(
        content_type in "(application/json|multipart/form-data; boundary=x|text/plain|[ -~]{0,30})",
    ) {
        prop_assume!(!content_type.to_ascii_lowercase().starts_with(FORM));
        prop_assert!(form_params(&headers(CONTENT_TYPE, &content_type), None, b"grant_type=x").is_err());
    }

    #[test]
    fn basic_credentials_round_trip(id in "\\PC{1,20}|[:%+&= a-z]{1,10}", secret in "\\PC{0,30}|[:%+&= a-z]{0,10}") {
        let raw = format!("{}:{}", enc(&id), enc(&secret));
        let h = headers(AUTHORIZATION, &format!("Basic {}", STANDARD.encode(raw)));
        prop_assert_eq!(basic(&h).ok().flatten(), Some((id, secret)));
    }

    #[test]
    fn malformed_basic_headers_are_errors(value in "\\PC{0,40}", plain in "[^:]{0,20}") {
        // Arbitrary text after the scheme: an error unless it happens to be valid.
        let h = headers(AUTHORIZATION, &format!("Basic {value}"));
        if let Ok(Some((id, secret))) = basic(&h) {
            let text = String::from_utf8(STANDARD.decode(value.trim()).expect("was base64")).expect("was UTF-8");
            prop_assert!(text.contains(':'));
            prop_assert!(!id.contains('&') && !secret.contains('&'));
        }
        // Valid base64 without a colon.
        let h = headers(AUTHORIZATION, &format!("Basic {}", STANDARD.encode(&plain)));
        prop_assert!(basic(&h).is_err());
    }

    #[test]
    fn unencoded_ampersands_are_refused_not_truncated(id in "[a-z]{1,8}", secret in "[a-z]{1,8}", junk in "[a-z=]{0,8}") {
        for raw in [format!("{id}&{junk}:{secret}"), format!("{id}:{secret}&{junk}")] {
            let h = headers(AUTHORIZATION, &format!("Basic {}", STANDARD.encode(&raw)));
            prop_assert!(basic(&h).is_err(), "{raw:?} → {:?}", basic(&h));
        }
    }

    #[test]
    fn other_schemes_are_not_basic(value in "\\PC{0,40}") {
        prop_assume!(!value.starts_with("Basic ") && !value.starts_with("basic "));
        let result = basic(&headers(AUTHORIZATION, &value));
        if value.is_ascii() {
            prop_assert!(matches!(result, Ok(None)), "{value:?}");
        } else {
            prop_assert!(matches!(result, Ok(None) | Err(_)));
        }
    }
}
