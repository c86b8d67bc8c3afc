//! One-shot messages carried across a redirect in a cookie. Only Fluent ids of the
//! `flash-` family travel, never free text, so a forged cookie cannot inject content.
use axum::response::Response;
use serde::Serialize;

use super::cookies;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FlashKind {
    Success,
    Info,
    Error,
}

/// A message to show on the next page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub kind: FlashKind,
    pub key: String,
    /// A number the message names (`{ $count }`), e.g. recovery codes left.
    pub count: Option<i64>,
}

impl FlashKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FlashKind::Success => "success",
            FlashKind::Info => "info",
            FlashKind::Error => "error",
        }
    }
}

impl Flash {
    fn encode(&self) -> String {
        match self.count {
            Some(n) => format!("{}.{}.{n}", self.kind.as_str(), self.key),
            None => format!("{}.{}", self.kind.as_str(), self.key),
        }
    }

    pub fn decode(raw: &str) -> Option<Self> {
        let (kind, rest) = raw.split_once('.')?;
        let (key, count) = match rest.split_once('.') {
            Some((key, n)) => (
                key,
                Some(n.parse::<i64>().ok().filter(|n| (0..=1000).contains(n))?),
            ),
            None => (rest, None),
        };
        let kind = match kind {
            "success" => FlashKind::Success,
            "info" => FlashKind::Info,
            "error" => FlashKind::Error,
            _ => return None,
        };
        let ok = key.starts_with("flash-")
            && key.len() <= 64
            && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
        ok.then(|| Flash {
            kind,
            key: key.to_owned(),
            count,
        })
    }
}

/// Adds a flash message to a (redirect) response.
pub fn set(resp: &mut Response, kind: FlashKind, key: &str, https: bool) {
    put(
        resp,
        Flash {
            kind,
            key: key.to_owned(),
            count: None,
        },
        https,
    );
}

/// Adds a flash message that names a number (`{ $count }` in its text).
pub fn set_count(resp: &mut Response, kind: FlashKind, key: &str, count: i64, https: bool) {
    let count = Some(count.clamp(0, 1000));
    put(
        resp,
        Flash {
            kind,
            key: key.to_owned(),
            count,
        },
        https,
    );
}

fn put(resp: &mut Response, flash: Flash, https: bool) {
    cookies::set(resp, cookies::FLASH, &flash.encode(), https, None);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_flash_ids_survive_decoding() {
        assert_eq!(
            Flash::decode("success.flash-verified"),
            Some(Flash {
                kind: FlashKind::Success,
                key: "flash-verified".into(),
                count: None,
            })
        );
        assert_eq!(
            Flash::decode("info.flash-recovery-code-used.3"),
            Some(Flash {
                kind: FlashKind::Info,
                key: "flash-recovery-code-used".into(),
                count: Some(3),
            })
        );
        assert_eq!(Flash::decode("info.flash-recovery-code-used.x"), None);
        assert_eq!(Flash::decode("info.flash-recovery-code-used.-1"), None);
        assert_eq!(Flash::decode("info.flash-a.1.2"), None);
        assert_eq!(Flash::decode("success.error-body-server"), None);
        assert_eq!(Flash::decode("loud.flash-verified"), None);
        assert_eq!(Flash::decode("info.flash-<script>"), None);
    }
}
