//! Languages and translations (Fluent files under `locales/`, compiled into the binary).
use std::borrow::Cow;
use std::collections::HashMap;

use fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Unicode isolation marks around placeables would end up inside addresses and links.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The languages pages and mails are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Ko,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ko];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    /// Parses a language tag such as `ko`, `ko-KR` or `en-GB`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "ko" => Some(Lang::Ko),
            _ => None,
        }
    }

    /// Picks the best supported language from an `Accept-Language` header (RFC 9110 §12.5.4).
    pub fn negotiate(accept_language: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for item in accept_language.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(lang) = Lang::from_tag(tag)
                && q > 0.0
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l)
    }

    fn id(self) -> LanguageIdentifier {
        match self {
            Lang::En => langid!("en"),
            Lang::Ko => langid!("ko"),
        }
    }
}

/// The text of message `key` in `lang`; a missing key shows the key itself (and is logged).
pub fn t(lang: Lang, key: &str) -> String {
    t_args(lang, key, &[])
}

/// The variable that names the product in messages (`{ $product }`); when a caller does not
/// give it, the built-in name in that language is used (see [`brand`]).
pub const PRODUCT: &str = "product";

/// As [`t`], with Fluent variables.
pub fn t_args(lang: Lang, key: &str, args: &[(&str, FluentArg)]) -> String {
    let mut map: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(k, v)| {
            let value = match v {
                FluentArg::Str(s) => FluentValue::from(s.clone()),
                FluentArg::Num(n) => FluentValue::from(*n),
            };
            (Cow::Owned((*k).to_owned()), value)
        })
        .collect();
    if key != "brand" && !map.contains_key(PRODUCT) {
        map.insert(Cow::Borrowed(PRODUCT), FluentValue::from(brand(lang, None)));
    }
    let found = LOCALES.try_lookup_with_args(&lang.id(), key, &map);
    found.unwrap_or_else(|| {
        tracing::warn!(key, lang = lang.code(), "missing translation");
        key.to_owned()
    })
}

/// The product's name in `lang`: the operator's `product_name`, else the built-in one.
pub fn brand(lang: Lang, product_name: Option<&str>) -> String {
    match product_name {
        Some(name) => name.to_owned(),
        None => LOCALES
            .try_lookup(&lang.id(), "brand")
            .unwrap_or_else(|| "Daemun".to_owned()),
    }
}

/// A value for a Fluent variable.
#[derive(Debug, Clone)]
pub enum FluentArg {
    Str(String),
    Num(f64),
}

impl From<&str> for FluentArg {
    fn from(s: &str) -> Self {
        FluentArg::Str(s.to_owned())
    }
}
impl From<String> for FluentArg {
    fn from(s: String) -> Self {
        FluentArg::Str(s)
    }
}
impl From<usize> for FluentArg {
    fn from(n: usize) -> Self {
        FluentArg::Num(n as f64)
    }
}
impl From<i64> for FluentArg {
    fn from(n: i64) -> Self {
        FluentArg::Num(n as f64)
    }
}

/// Whether `key` is defined for `lang` (tests check both languages define the same keys).
pub fn has_key(lang: Lang, key: &str) -> bool {
    // A message with variables fails to format without them, yet it exists.
    // (The crate does not export its error type, so the variant is told by its text.)
    match LOCALES.lookup_single_language::<&str>(&lang.id(), key, None) {
        Ok(_) => true,
        Err(e) => e.to_string().starts_with("Fluent errors"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_highest_supported_quality() {
        assert_eq!(Lang::negotiate("ko-KR,ko;q=0.9,en;q=0.8"), Some(Lang::Ko));
        assert_eq!(Lang::negotiate("fr, en;q=0.5, ko;q=0.4"), Some(Lang::En));
        assert_eq!(Lang::negotiate("en;q=0.2, ko;q=0.9"), Some(Lang::Ko));
        assert_eq!(Lang::negotiate("fr, de"), None);
        assert_eq!(Lang::negotiate("ko;q=0"), None);
        assert_eq!(Lang::negotiate(""), None);
    }

    #[test]
    fn tags_map_to_languages() {
        assert_eq!(Lang::from_tag("ko-KR"), Some(Lang::Ko));
        assert_eq!(Lang::from_tag("EN_us"), Some(Lang::En));
        assert_eq!(Lang::from_tag("ja"), None);
    }
}
