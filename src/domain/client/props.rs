//! Properties of redirect-URI registration and matching: exact strings only, and the port of a
//! loopback IP literal as the one thing that may differ.
use proptest::prelude::*;
use url::Url;

use super::{RedirectUri, redirect_uri_matches};
use crate::proptest_config::config;

/// An https URI as a relying party registers it: lower-case host and path, optional port and query.
fn https_uri() -> impl Strategy<Value = String> {
    (
        "[a-z]{1,10}(\\.[a-z]{2,8}){1,2}",
        prop::option::of(1u16..),
        "(/[a-z0-9_-]{1,8}){1,3}",
        prop::option::of("[a-z]{1,5}=[a-z0-9]{1,5}"),
    )
        .prop_map(|(host, port, path, query)| {
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            let query = query.map(|q| format!("?{q}")).unwrap_or_default();
            format!("https://{host}{port}{path}{query}")
        })
        .prop_filter("a valid redirect URI", |u| RedirectUri::parse(u).is_ok())
}

/// Changes `uri` in one of the ways attackers try; every result differs from `uri`.
fn mutate(uri: &str, kind: u8, pick: usize, ch: char) -> String {
    let rest = uri.strip_prefix("https://").unwrap_or(uri);
    let path_at = "https://".len() + rest.find('/').unwrap_or(rest.len());
    match kind % 12 {
        0 => format!("{uri}{ch}"),
        1 => format!("{uri}/"),
        2 => format!("{uri}?x=1"),
        3 => format!("{uri}#f"),
        4 => {
            // Upper-case one letter of the path.
            let letters: Vec<usize> = uri[path_at..]
                .char_indices()
                .filter(|(_, c)| c.is_ascii_lowercase())
                .map(|(i, _)| path_at + i)
                .collect();
            match letters.get(pick % letters.len().max(1)) {
                Some(&i) => format!(
                    "{}{}{}",
                    &uri[..i],
                    uri[i..=i].to_uppercase(),
                    &uri[i + 1..]
                ),
                None => format!("{uri}A"),
            }
        }
        5 => {
            // Another port (or one where there was none).
            let authority = &uri["https://".len()..path_at];
            let host = authority.split(':').next().unwrap_or(authority);
            let port = 1 + (pick % 65_000);
            let changed = format!("https://{host}:{port}{}", &uri[path_at..]);
            if changed == uri {
                format!("https://{host}:{}{}", port + 1, &uri[path_at..])
            } else {
                changed
            }
        }
        6 => format!("http{}", &uri["https".len()..]),
        7 => format!("https://user@{rest}"),
        8 => {
            // Percent-encode one character of the path.
            let i = path_at + 1 + pick % (uri.len() - path_at - 1).max(1);
            let i = i.min(uri.len() - 1);
            format!("{}%{:02X}{}", &uri[..i], uri.as_bytes()[i], &uri[i + 1..])
        }
        9 => format!("{uri}/..;/x"),
        10 => format!(
            "{}{}",
            &uri[..path_at],
            &uri[path_at..].replacen('/', "//", 1)
        ),
        _ => format!(
            "https://{}.evil.example{}",
            &uri["https://".len()..path_at],
            &uri[path_at..]
        ),
    }
}

/// An independent statement of the rule: identical, or an http loopback IP literal whose raw
/// string differs only in the port.
fn allowed(registered: &[String], requested: &str) -> bool {
    let portless = |raw: &str| -> Option<String> {
        for host in ["http://127.0.0.1", "http://[::1]"] {
            if let Some(rest) = raw.strip_prefix(host) {
                let rest = match rest.strip_prefix(':') {
                    Some(r) => r.trim_start_matches(|c: char| c.is_ascii_digit()),
                    None => rest,
                };
                return Some(format!("{host}{rest}"));
            }
        }
        None
    };
    registered.iter().any(|r| {
        r == requested || matches!((portless(r), portless(requested)), (Some(a), Some(b)) if a == b)
    })
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn a_registered_uri_always_matches_itself(uri in https_uri()) {
        prop_assert!(redirect_uri_matches(std::slice::from_ref(&uri), &uri));
    }

    #[test]
    fn a_mutated_https_uri_never_matches(
        registered in prop::collection::vec(https_uri(), 1..4),
        which in any::<usize>(),
        kind in any::<u8>(),
        pick in any::<usize>(),
        ch in any::<char>(),
    ) {
        let original = &registered[which % registered.len()];
        let mutated = mutate(original, kind, pick, ch);
        prop_assert_ne!(&mutated, original);
        prop_assume!(!registered.contains(&mutated));
        prop_assert!(!redirect_uri_matches(&registered, &mutated), "{mutated} matched");
    }

    #[test]
    fn only_a_loopback_ip_port_may_differ(
        host in prop_oneof!["127\\.0\\.0\\.1", "\\[::1\\]", "localhost", "example\\.com"],
        scheme in prop_oneof!["http", "https"],
        ports in (prop::option::of(1u16..), prop::option::of(1u16..)),
        path in "(/[a-z]{1,6}){0,2}",
        tail in "[/?#:@.%a-z0-9\\\\]{0,6}",
    ) {
        let port = |p: Option<u16>| p.map(|p| format!(":{p}")).unwrap_or_default();
        let registered = vec![format!("{scheme}://{host}{}{path}", port(ports.0))];
        let requested = format!("{scheme}://{host}{}{path}{tail}", port(ports.1));
        let matched = redirect_uri_matches(&registered, &requested);
        if tail.is_empty() {
            prop_assert_eq!(matched, allowed(&registered, &requested), "{} vs {}", registered[0], requested);
        } else {
            prop_assert!(!matched || allowed(&registered, &requested), "{} vs {}", registered[0], requested);
        }
        if matched && requested != registered[0] {
            prop_assert_eq!(scheme, "http");
            prop_assert!(host == "127.0.0.1" || host == "[::1]");
        }
    }

    #[test]
    fn matching_arbitrary_text_never_panics_nor_widens_the_rule(
        registered in prop::collection::vec("http://(127\\.0\\.0\\.1|\\[::1\\])(:[0-9]{1,5})?/[a-z]{0,4}", 1..3),
        requested in "http://(127\\.0\\.0\\.1|\\[::1\\]|localhost)[:0-9@/a-z.\\\\%?#]{0,12}|\\PC{0,20}",
    ) {
        prop_assert!(
            !redirect_uri_matches(&registered, &requested) || allowed(&registered, &requested),
            "{:?} vs {}", registered, requested
        );
    }

    #[test]
    fn whatever_registration_accepts_is_a_safe_absolute_uri(raw in "\\PC{0,40}|[a-zA-Z.+]{1,12}:[/a-z0-9.:@\\[\\]%#*?]{0,30}") {
        if let Ok(uri) = RedirectUri::parse(&raw) {
            prop_assert_eq!(uri.as_str(), raw.as_str());
            prop_assert!(!raw.contains(['#', '*']));
            prop_assert!(!raw.chars().any(|c| c.is_whitespace() || c.is_control()));
            let url = Url::parse(&raw).expect("accepted URIs parse");
            prop_assert!(url.username().is_empty() && url.password().is_none());
            match url.scheme() {
                "https" => prop_assert!(url.host_str().is_some_and(|h| !h.is_empty())),
                "http" => prop_assert!(matches!(url.host_str(), Some("127.0.0.1" | "[::1]" | "localhost"))),
                other => prop_assert!(other.contains('.'), "scheme {other}"),
            }
        }
    }
}
