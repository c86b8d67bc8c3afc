//! Properties of the authorization request parser against a real store: the client and its
//! redirect URI are settled first, a response only ever goes to a registered URI, and
//! repeated parameters never produce a valid request.
use std::cell::Cell;

use daemun::oidc::authorize::request::{Rejection, parse};
use daemun::oidc::registration::{ClientSpec, register};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};

use crate::helpers::test_store;

const REGISTERED: [&str; 2] = ["https://app.example.com/cb", "http://127.0.0.1:8400/cb"];

/// The parameters that may appear at most once, as the server knows them.
const SINGLE: [&str; 18] = daemun::oidc::authorize::request::SINGLE;

/// A fixed seed and case count (overridable by `PROPTEST_CASES` and `PROPTEST_RNG_SEED`).
pub fn config(cases: u32) -> Config {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    Config {
        cases: env("PROPTEST_CASES").map_or(cases, |n| u32::try_from(n).unwrap_or(u32::MAX)),
        rng_seed: RngSeed::Fixed(env("PROPTEST_RNG_SEED").unwrap_or(0x00da_e3d0)),
        source_file: Some(file!()),
        ..Config::default()
    }
}

/// Values that matter to the parser, mixed with hostile text.
fn value(client_id: String) -> impl Strategy<Value = String> {
    prop_oneof![
        Just(client_id),
        Just(REGISTERED[0].to_owned()),
        Just(REGISTERED[1].to_owned()),
        Just("http://127.0.0.1:1/cb".to_owned()),
        Just("https://app.example.com/cb/".to_owned()),
        Just("https://app.example.com/cb?x=1".to_owned()),
        Just("https://evil.example/cb".to_owned()),
        Just("code".to_owned()),
        Just("openid email profile".to_owned()),
        Just("S256".to_owned()),
        Just("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".to_owned()),
        Just("none login".to_owned()),
        Just("form_post".to_owned()),
        "\\PC{0,20}",
        "[\u{0}\r\n%\u{ff}a-z]{0,8}",
        Just("x".repeat(3000)),
    ]
}

fn params(client_id: String) -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        prop::sample::select(SINGLE.to_vec()).prop_map(str::to_owned),
        "[a-z_\\[\\]]{1,8}",
    ];
    prop::collection::vec((name, value(client_id)), 0..10)
}

#[test]
fn authorization_requests_only_ever_answer_a_registered_uri() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (store, _dir) = rt.block_on(test_store());
    let spec = ClientSpec {
        name: "Props".into(),
        redirect_uris: REGISTERED.iter().map(|s| (*s).to_owned()).collect(),
        ..Default::default()
    };
    let client_id = rt
        .block_on(register(&store, &spec, 0))
        .unwrap()
        .client
        .client_id;
    let mut runner = TestRunner::new(config(1000));
    let strategy = params(client_id.clone())
        .prop_flat_map(|p| {
            // Usually start from a complete request so later stages are reached.
            let n = p.len();
            (Just(p), 0..=n)
        })
        .prop_map({
            let client_id = client_id.clone();
            move |(mut p, at): (Vec<(String, String)>, usize)| {
                let base = [
                    ("client_id", client_id.as_str()),
                    ("redirect_uri", REGISTERED[at % 2]),
                    ("response_type", "code"),
                    ("scope", "openid"),
                ];
                if at % 3 == 0 {
                    return p;
                }
                let mut all: Vec<(String, String)> = base
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect();
                all.append(&mut p);
                all
            }
        });
    // How often each outcome came up, to show the cases reach every stage of the parser.
    let outcomes = [Cell::new(0u32), Cell::new(0u32), Cell::new(0u32)];
    runner
        .run(&strategy, |params| {
            let count = |name: &str| params.iter().filter(|(k, _)| k == name).count();
            let first = |name: &str| {
                params
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.as_str())
            };
            let repeated = SINGLE.iter().any(|n| count(n) > 1);
            let redirect_ok = count("redirect_uri") == 1
                && count("client_id") == 1
                && first("client_id") == Some(client_id.as_str())
                && first("redirect_uri").is_some_and(|r| {
                    REGISTERED.contains(&r)
                        || r.strip_prefix("http://127.0.0.1:").is_some_and(|rest| {
                            rest.trim_start_matches(|c: char| c.is_ascii_digit()) == "/cb"
                        })
                });
            match rt.block_on(parse(&store, &params)) {
                Ok(req) => {
                    outcomes[0].set(outcomes[0].get() + 1);
                    prop_assert!(!repeated, "a repeated parameter was accepted: {params:?}");
                    prop_assert!(redirect_ok, "accepted {params:?}");
                    prop_assert_eq!(
                        Some(req.target.redirect_uri.as_str()),
                        first("redirect_uri")
                    );
                }
                Err(Rejection::Redirect(target, _)) => {
                    outcomes[1].set(outcomes[1].get() + 1);
                    prop_assert!(redirect_ok, "redirected for {params:?}");
                    prop_assert_eq!(Some(target.redirect_uri.as_str()), first("redirect_uri"));
                    prop_assert_eq!(&target.client.client_id, &client_id);
                }
                Err(Rejection::Page(page)) => {
                    outcomes[2].set(outcomes[2].get() + 1);
                    prop_assert!(
                        page.status.is_client_error(),
                        "{:?} for {params:?}",
                        page.status
                    );
                }
            }
            Ok(())
        })
        .unwrap();
    let [accepted, redirected, refused] = outcomes.map(Cell::into_inner);
    println!(
        "authorization requests: {accepted} accepted, {redirected} errors sent to the client, {refused} error pages"
    );
    assert!(accepted > 0 && redirected > 0 && refused > 0);
}
