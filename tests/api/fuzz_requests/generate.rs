//! The request generator: every route, hostile values, encodings, bodies and credentials.
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use reqwest::Method;

use super::{ROUTES, UNKNOWN};
use crate::helpers::{PASSWORD, REDIRECT_URI};

/// The longest request target generated; the HTTP client cannot send much longer ones.
const MAX_TARGET: usize = 24 * 1024;

/// Parameter names the handlers read, so generated requests get past the first checks.
const NAMES: [&str; 63] = [
    "csrf_token",
    "email",
    "username",
    "name",
    "display_name",
    "given_name",
    "family_name",
    "password",
    "password_confirm",
    "current_password",
    "new_email",
    "identifier",
    "remember",
    "next",
    "reauth",
    "locale",
    "decision",
    "request",
    "ctx",
    "sid",
    "others",
    "client_id",
    "client_secret",
    "redirect_uri",
    "response_type",
    "response_mode",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "prompt",
    "max_age",
    "code",
    "code_verifier",
    "grant_type",
    "refresh_token",
    "token",
    "id_token_hint",
    "post_logout_redirect_uri",
    "action",
    "confirm",
    "mail_id",
    "kid",
    "q",
    "page",
    "user",
    "client",
    "event",
    "since",
    "until",
    "redirect_uris",
    "post_logout_redirect_uris",
    "public",
    "first_party",
    "require_pkce",
    "grant_authorization_code",
    "grant_client_credentials",
    "scope_openid",
    "auth_method",
    "id_token_alg",
    "logo_uri",
    "home_uri",
];

/// What the run knows that makes requests valid enough to reach deep code.
pub struct Known {
    pub client_id: String,
    pub client_secret: String,
    pub access_token: String,
    pub csrf_cookie: String,
    pub csrf_token: String,
}

/// One generated request; the session cookie is added when it is sent.
pub struct Spec {
    pub method: Method,
    pub target: String,
    pub headers: Vec<(&'static str, Vec<u8>)>,
    pub body: Vec<u8>,
    pub signed_in: bool,
}

fn pick<'a>(rng: &mut StdRng, items: &'a [&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or_default()
}

fn token_like(rng: &mut StdRng) -> String {
    let bytes: Vec<u8> = (0..32).map(|_| rng.random()).collect();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn value(rng: &mut StdRng, k: &Known) -> String {
    match rng.random_range(0..20) {
        0 => String::new(),
        1 => "A".repeat(rng.random_range(500..6000)),
        2 => "a\u{0}b".into(),
        3 => "x\r\nSet-Cookie: daemun_session=evil".into(),
        4 => pick(
            rng,
            &[
                "ü",
                "日本語",
                "🦀",
                "\u{202e}gnp.exe",
                "\u{feff}",
                "ﬀ",
                "İı",
                "ｍｉｋｅ＠example.org",
            ],
        )
        .into(),
        5 => k.client_id.clone(),
        6 => REDIRECT_URI.into(),
        7 => pick(
            rng,
            &[
                "code",
                "openid",
                "openid email profile offline_access",
                "S256",
                "plain",
                "none",
                "login",
                "consent",
                "form_post",
                "authorization_code",
                "refresh_token",
                "client_credentials",
                "allow",
                "deny",
                "on",
                "true",
                // Admin console actions.
                "disable",
                "enable",
                "verify",
                "resend_verification",
                "send_reset",
                "end_sessions",
                "grant_admin",
                "revoke_admin",
                "delete",
                "save",
                "rotate_secret",
                "rotate",
                "retire",
                "1",
            ],
        )
        .into(),
        8 => pick(
            rng,
            &[
                "fuzz@example.com",
                PASSWORD,
                "new-Horse-battery-42",
                "a@b",
                "@",
                "x@y.z",
                "fuzz@EXAMPLE.com",
                "user",
            ],
        )
        .into(),
        9 => pick(
            rng,
            &[
                "-1",
                "0",
                "99999999999999999999",
                "1e9",
                "NaN",
                "0x10",
                " 1",
                "9223372036854775807",
            ],
        )
        .into(),
        10 => pick(
            rng,
            &[
                "//evil.example",
                "/\\evil.example",
                "javascript:alert(1)",
                "https://evil.example/",
                "/account",
                "/authorize/resume/x",
                "http://127.0.0.1:9/bye",
            ],
        )
        .into(),
        11 => pick(
            rng,
            &[
                "<script>alert(1)</script>",
                "' OR '1'='1",
                "{{ 7*7 }}",
                "${jndi:ldap://x}",
                "../../../etc/passwd",
                "%s%n",
                "a[]=1",
                "[object Object]",
            ],
        )
        .into(),
        12 => k.access_token.clone(),
        13 => token_like(rng),
        14 => (0..rng.random_range(0..30))
            .map(|_| rng.random::<char>())
            .collect(),
        15 => (0..rng.random_range(0..40))
            .map(|_| char::from(rng.random_range(0x20u8..0x7f)))
            .collect(),
        16 => "é".repeat(rng.random_range(100..3000)),
        17 => k.csrf_token.clone(),
        _ => (0..rng.random_range(1..10))
            .map(|_| char::from(rng.random_range(b'a'..=b'z')))
            .collect(),
    }
}

/// Encodes `s` for a query or form body: properly, raw, or with a broken escape added.
fn encode(rng: &mut StdRng, s: &str) -> String {
    let proper: String = url::form_urlencoded::byte_serialize(s.as_bytes()).collect();
    match rng.random_range(0..10) {
        0..6 => proper,
        6 | 7 => s.to_owned(),
        _ => format!(
            "{proper}{}",
            pick(
                rng,
                &[
                    "%FF",
                    "%C3%28",
                    "%00",
                    "%0D%0A",
                    "%",
                    "%G1",
                    "%E2%80%AE",
                    "%ED%A0%80"
                ]
            )
        ),
    }
}

fn pairs(rng: &mut StdRng, k: &Known) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for _ in 0..rng.random_range(0..8) {
        let name = match rng.random_range(0..10) {
            0 => pick(rng, &["a[]", "a[b]", "", "\u{0}", "=", "&", "client_id[]"]).to_owned(),
            1 => value(rng, k),
            _ => pick(rng, &NAMES).to_owned(),
        };
        out.push((name, value(rng, k)));
        if rng.random_bool(0.1) {
            let again = out[rng.random_range(0..out.len())].clone();
            out.push(again);
        }
    }
    out
}

fn encode_pairs(rng: &mut StdRng, pairs: &[(String, String)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .map(|(n, v)| format!("{}={}", encode(rng, n), encode(rng, v)))
        .collect();
    parts.join("&")
}

fn path(rng: &mut StdRng, k: &Known) -> String {
    let route = if rng.random_bool(0.06) {
        pick(rng, &UNKNOWN)
    } else {
        pick(rng, &ROUTES)
    };
    let segment = match rng.random_range(0..6) {
        0 => String::new(),
        1 => {
            let v = value(rng, k);
            encode(rng, &v)
        }
        2 => pick(rng, &["..", "%2F", "%00", "%FF", "a%2Fb", ".", "%2e%2e"]).to_owned(),
        _ => token_like(rng),
    };
    let p = route.replace("{t}", &segment);
    match rng.random_range(0..30) {
        0 => format!("{p}/"),
        1 => p.to_uppercase(),
        _ => p,
    }
}

fn method(rng: &mut StdRng) -> Method {
    match rng.random_range(0..100) {
        0..35 => Method::GET,
        35..75 => Method::POST,
        75..82 => Method::HEAD,
        82..88 => Method::PUT,
        88..94 => Method::DELETE,
        _ => Method::OPTIONS,
    }
}

fn body(rng: &mut StdRng, k: &Known, signed_in: bool) -> (Option<String>, Vec<u8>) {
    let mut fields = pairs(rng, k);
    if signed_in && rng.random_bool(0.9) {
        let at = rng.random_range(0..=fields.len());
        fields.insert(at, ("csrf_token".into(), k.csrf_token.clone()));
    }
    let form = "application/x-www-form-urlencoded".to_owned();
    let (content_type, body) = match rng.random_range(0..20) {
        0..12 => (Some(form), encode_pairs(rng, &fields).into_bytes()),
        12 | 13 => {
            let map: serde_json::Map<String, serde_json::Value> =
                fields.into_iter().map(|(n, v)| (n, v.into())).collect();
            (
                Some("application/json".into()),
                serde_json::to_vec(&map).unwrap_or_default(),
            )
        }
        14 => {
            let mut b = String::new();
            for (n, v) in &fields {
                b.push_str(&format!(
                    "--XyZ\r\nContent-Disposition: form-data; name=\"{n}\"\r\n\r\n{v}\r\n"
                ));
            }
            if rng.random_bool(0.7) {
                b.push_str("--XyZ--\r\n");
            }
            (
                Some("multipart/form-data; boundary=XyZ".into()),
                b.into_bytes(),
            )
        }
        15 => (Some(form), vec![b'a'; rng.random_range(60_000..80_000)]),
        16 => (None, encode_pairs(rng, &fields).into_bytes()),
        _ => {
            let ct = pick(
                rng,
                &[
                    "text/plain",
                    "application/x-www-form-urlencoded; charset=utf-16",
                    "APPLICATION/X-WWW-FORM-URLENCODED",
                    "application/xml",
                    "*/*",
                    "form",
                    "",
                ],
            );
            let len = rng.random_range(0..2000);
            (
                Some(ct.to_owned()),
                (0..len).map(|_| rng.random()).collect(),
            )
        }
    };
    (content_type, body)
}

fn authorization(rng: &mut StdRng, k: &Known) -> Option<Vec<u8>> {
    let basic = |s: &[u8]| format!("Basic {}", STANDARD.encode(s)).into_bytes();
    Some(match rng.random_range(0..24) {
        0..12 => return None,
        12 => basic(format!("{}:{}", k.client_id, k.client_secret).as_bytes()),
        13 => basic(format!("{}:{}", k.client_id, token_like(rng)).as_bytes()),
        14 => basic(
            &(0..rng.random_range(0..40))
                .map(|_| rng.random())
                .collect::<Vec<u8>>(),
        ),
        15 => pick(
            rng,
            &[
                "Basic",
                "Basic ",
                "Basic !!!",
                "Basic Og==",
                "basic bm9jb2xvbg==",
                "Basic JVpaOiU=",
                "Basic /w==",
                "BASIC x",
            ],
        )
        .as_bytes()
        .to_vec(),
        16 => format!("Bearer {}", k.access_token).into_bytes(),
        17 => format!("Bearer {}", token_like(rng)).into_bytes(),
        18 => pick(
            rng,
            &[
                "Bearer",
                "Bearer ",
                "bearer x",
                "Bearer a b",
                "Digest x",
                "Bearer \u{7f}",
            ],
        )
        .as_bytes()
        .to_vec(),
        19 => format!("Bearer {}", "A".repeat(rng.random_range(100..6000))).into_bytes(),
        20 => vec![b'B', b'e', b'a', b'r', b'e', b'r', b' ', 0xff, 0xfe, 0x80],
        _ => {
            let v = value(rng, k);
            encode(rng, &v).into_bytes()
        }
    })
}

pub fn spec(rng: &mut StdRng, k: &Known) -> Spec {
    let method = method(rng);
    let signed_in = rng.random_bool(0.3);
    let mut target = path(rng, k);
    if rng.random_bool(if method == Method::GET { 0.6 } else { 0.15 }) {
        let q = pairs(rng, k);
        let query = encode_pairs(rng, &q);
        if target.len() + query.len() < MAX_TARGET {
            target = format!("{target}?{query}");
        }
    }
    let mut headers: Vec<(&'static str, Vec<u8>)> = Vec::new();
    let mut body_bytes = Vec::new();
    if (method != Method::GET && method != Method::HEAD) || rng.random_bool(0.05) {
        let (ct, b) = body(rng, k, signed_in);
        if let Some(ct) = ct {
            headers.push(("content-type", ct.into_bytes()));
        }
        body_bytes = b;
    }
    if let Some(a) = authorization(rng, k) {
        headers.push(("authorization", a));
    }
    if signed_in {
        headers.push(("sec-fetch-site", b"same-origin".to_vec()));
    } else if rng.random_bool(0.3) {
        let (name, v) = match rng.random_range(0..8) {
            0 => (
                "origin",
                pick(rng, &["https://evil.example", "null", "http://127.0.0.1"]).to_owned(),
            ),
            1 => (
                "sec-fetch-site",
                pick(
                    rng,
                    &["cross-site", "same-site", "none", "same-origin", "x"],
                )
                .to_owned(),
            ),
            2 => ("accept-language", value(rng, k)),
            3 => ("cookie", format!("daemun_session={}", value(rng, k))),
            4 => (
                "cookie",
                format!(
                    "daemun_lang={}; daemun_flash={}",
                    value(rng, k),
                    value(rng, k)
                ),
            ),
            5 => ("x-forwarded-for", value(rng, k)),
            6 => (
                "host",
                pick(rng, &["evil.example", "127.0.0.1", "", "127.0.0.1:1"]).to_owned(),
            ),
            _ => ("cookie", format!("daemun_csrf={}", value(rng, k))),
        };
        headers.push((name, v.into_bytes()));
    }
    Spec {
        method,
        target,
        headers,
        body: body_bytes,
        signed_in,
    }
}
