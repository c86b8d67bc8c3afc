//! Local paths. The `next` parameter (where to go after login): only same-origin relative
//! paths pass. Links to the page being shown: built from its path by [`local_path`].
//!
//! Open redirects are refused by accepting a small, strict shape rather than trying to spot
//! every trick: `/` followed by a path whose second character is not `/` or `\`, no control or
//! whitespace characters, no backslashes anywhere, and nothing that percent-decodes to those.

/// Longest `next` kept; anything longer is dropped.
pub const MAX_LEN: usize = 2048;

/// Where a parked authorization request resumes after a login: this prefix, then its id. A
/// `next` of this shape names the request whose `prompt` and `max_age` a login through an
/// upstream provider passes on.
pub const RESUME_PREFIX: &str = "/authorize/resume/";

/// Returns `raw` when it is a safe local path (with optional query), else `None`.
pub fn safe_next(raw: &str) -> Option<&str> {
    if raw.is_empty() || raw.len() > MAX_LEN || !raw.starts_with('/') {
        return None;
    }
    let bytes = raw.as_bytes();
    if bytes.len() > 1 && matches!(bytes[1], b'/' | b'\\') {
        return None;
    }
    if raw
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return None;
    }
    // Reject encoded slashes/backslashes/controls that a later decoder might turn into `//`.
    let lower = raw.to_ascii_lowercase();
    for enc in ["%2f", "%5c", "%0", "%1", "%7f", "%09", "%20"] {
        if lower.contains(enc) {
            return None;
        }
    }
    Some(raw)
}

/// A request's `path` as the start of a link to this site: the same path with exactly one
/// leading `/`, whatever run of `/` and `\` it began with (`GET //evil.example/x` is a valid
/// request). A link that begins `//` is a network-path reference, another host; browsers read
/// `\` as `/` in `http(s)` URLs and drop tabs and line breaks anywhere in them, so `/\host`
/// and `/<tab>/host` are too. The rest of the path is kept as it came (percent-escapes
/// included: `%2F` is not a separator to a browser resolving a link).
pub fn local_path(path: &str) -> String {
    let rest = path.trim_start_matches(['/', '\\', '\t', '\n', '\r']);
    format!("/{rest}")
}

#[cfg(test)]
mod tests {
    use super::{local_path, safe_next};

    #[test]
    fn local_paths_have_exactly_one_leading_slash() {
        for (raw, link) in [
            ("/", "/"),
            ("", "/"),
            ("/login", "/login"),
            ("/a//b", "/a//b"),
            ("//evil.example/x", "/evil.example/x"),
            ("///evil.example", "/evil.example"),
            ("/\\evil.example/x", "/evil.example/x"),
            ("\\\\evil.example", "/evil.example"),
            ("/\\/\\evil.example", "/evil.example"),
            ("/\t/evil.example", "/evil.example"),
            ("/\r\n/evil.example", "/evil.example"),
            ("*", "/*"),
            ("/%2F%2Fevil.example", "/%2F%2Fevil.example"),
        ] {
            assert_eq!(local_path(raw), link, "{raw:?}");
        }
    }

    #[test]
    fn local_paths_are_kept() {
        for ok in [
            "/",
            "/account",
            "/authorize/resume/abc?x=1&y=2",
            "/a/b#frag",
        ] {
            assert_eq!(safe_next(ok), Some(ok));
        }
    }

    #[test]
    fn open_redirect_attempts_are_refused() {
        for bad in [
            "https://evil.com",
            "//evil.com",
            "///evil.com",
            "/\\evil.com",
            "\\\\evil.com",
            "https:evil.com",
            "javascript:alert(1)",
            "\njavascript:alert(1)",
            "\u{8}//evil.com",
            "http://ourhost\\@evil.com",
            "http:999999999",
            "/%2F%2Fevil.com",
            "/%2fevil.com",
            "/%5Cevil.com",
            "/%09/evil.com",
            "/\t/evil.com",
            "/ /evil.com",
            "",
            "evil.com",
            "/a\r\nLocation: x",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn overlong_values_are_refused() {
        let long = format!("/{}", "a".repeat(super::MAX_LEN));
        assert_eq!(safe_next(&long), None);
    }
}

#[cfg(test)]
mod props;
