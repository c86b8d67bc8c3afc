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
        format!("{}.{}", self.kind.as_str(), self.key)
    }

    pub fn decode(raw: &str) -> Option<Self> {
        let (kind, key) = raw.split_once('.')?;
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
        })
    }
}

/// Adds a flash message to a (redirect) response.
pub fn set(resp: &mut Response, kind: FlashKind, key: &str, https: bool) {
    let flash = Flash {
        kind,
        key: key.to_owned(),
    };
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
                key: "flash-verified".into()
            })
        );
        assert_eq!(Flash::decode("success.error-body-server"), None);
        assert_eq!(Flash::decode("loud.flash-verified"), None);
        assert_eq!(Flash::decode("info.flash-<script>"), None);
    }
}
