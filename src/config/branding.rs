//! `[branding]`: the operator's product name, logo and theme folder.
use std::path::Path;

use serde::Deserialize;

use super::{ConfigError, bad};

/// What people see of the operator: pages and mail carry this name and logo, and files in
/// `theme_dir` replace the built-in templates and static files one by one.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BrandingConfig {
    /// A folder with `templates/` and `static/` overrides; empty: the built-in look.
    pub theme_dir: String,
    /// The name in page titles, the header and every mail; empty: Daemun (대문 in Korean).
    pub product_name: String,
    /// A file under `theme_dir/static/` (or a built-in static file), served at
    /// `/static/<logo>` and shown in the header and in mail; empty: no logo.
    pub logo: String,
}

/// Longest product name accepted: it fits a page title and a mail's From line.
pub const MAX_PRODUCT_NAME: usize = 60;

impl BrandingConfig {
    /// Checks the settings that need no file access beyond the theme folder itself.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let name = &self.product_name;
        if name.chars().count() > MAX_PRODUCT_NAME
            || name.chars().any(char::is_control)
            || name.trim() != name
        {
            return Err(bad(
                "branding.product_name",
                name,
                "at most 60 characters, without control characters or surrounding spaces",
            ));
        }
        if !self.theme_dir.is_empty() && !Path::new(&self.theme_dir).is_dir() {
            return Err(bad(
                "branding.theme_dir",
                &self.theme_dir,
                "empty (the built-in look) or an existing folder",
            ));
        }
        if !self.logo.is_empty() && !is_asset_name(&self.logo) {
            return Err(bad(
                "branding.logo",
                &self.logo,
                "empty (no logo) or the name of a file under the theme's static/ folder, \
                 such as `logo.svg` (not a URL: pages load nothing from other origins)",
            ));
        }
        Ok(())
    }
}

/// A relative path of plain segments: no scheme, no leading `/`, no `.`/`..`, no backslash.
pub fn is_asset_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains(['\\', ':', '?', '#'])
        && name
            .split('/')
            .all(|seg| !seg.is_empty() && !seg.starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_logo_names_a_file_of_the_theme_never_a_url() {
        for ok in ["logo.svg", "img/logo.png"] {
            assert!(is_asset_name(ok), "{ok}");
        }
        for bad in [
            "https://cdn.example/logo.svg",
            "//cdn.example/logo.svg",
            "/etc/passwd",
            "../logo.svg",
            "img/../../x",
            ".hidden.svg",
            "img\\logo.svg",
            "",
        ] {
            assert!(!is_asset_name(bad), "{bad}");
        }
    }

    #[test]
    fn a_product_name_is_one_short_line() {
        let mut b = BrandingConfig {
            product_name: "Example Corp".into(),
            ..Default::default()
        };
        assert!(b.validate().is_ok());
        b.product_name = "Example\nCorp".into();
        assert!(b.validate().is_err());
        b.product_name = "x".repeat(61);
        assert!(b.validate().is_err());
    }
}
