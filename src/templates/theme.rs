//! A theme: a folder whose `templates/` and `static/` files replace the built-in ones file by
//! file (anything not there falls back to the built-in file), plus the product name and logo.
//!
//! Everything is read once at start and kept in memory, so a request can only ever reach a
//! file that was found under the folder then: a path from a request is looked up by name,
//! never joined to a directory.
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{BrandingConfig, UpstreamProviders, is_asset_name};

/// A theme file larger than this is refused (logos and style sheets are far smaller).
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;
/// Folders nested deeper than this under `templates/` or `static/` are refused.
const MAX_DEPTH: usize = 8;

/// Why a theme cannot be used, naming the file and what is wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ThemeError(pub String);

/// A static file served under `/static/`.
#[derive(Debug, Clone)]
pub struct Asset {
    pub bytes: Arc<[u8]>,
    pub content_type: &'static str,
}

/// The files and names that make up the look of pages and mail.
#[derive(Debug, Clone)]
pub struct Theme {
    dir: Option<PathBuf>,
    /// Template name (as the built-ins are named, e.g. `accounts/login.html`) → source.
    templates: Vec<(String, String)>,
    /// Path under `/static/` → file; the theme's files replace the built-in ones.
    assets: HashMap<String, Asset>,
    product_name: Option<String>,
    logo: Option<String>,
}

impl Theme {
    /// Daemun's own look: no overrides, the built-in name, no logo.
    pub fn builtin() -> Self {
        let mut assets = HashMap::new();
        for (name, bytes) in [
            ("style.css", &include_bytes!("../../static/style.css")[..]),
            ("passkey.js", &include_bytes!("../../static/passkey.js")[..]),
            ("theme.css", &include_bytes!("../../static/theme.css")[..]),
        ] {
            let content_type = content_type(name).unwrap_or("application/octet-stream");
            let bytes = Arc::from(bytes);
            assets.insert(
                name.to_owned(),
                Asset {
                    bytes,
                    content_type,
                },
            );
        }
        Self {
            dir: None,
            templates: Vec::new(),
            assets,
            product_name: None,
            logo: None,
        }
    }

    /// The built-in look with `[branding]` applied: the theme folder's files read and checked.
    pub fn load(config: &BrandingConfig) -> Result<Self, ThemeError> {
        let mut theme = Self::builtin();
        if !config.product_name.is_empty() {
            theme.product_name = Some(config.product_name.clone());
        }
        if !config.theme_dir.is_empty() {
            let dir = PathBuf::from(&config.theme_dir);
            let root = dir
                .canonicalize()
                .map_err(|e| ThemeError(format!("theme folder `{}`: {e}", dir.display())))?;
            for (name, path) in files(&root, "templates")? {
                let source = std::fs::read_to_string(&path)
                    .map_err(|e| ThemeError(format!("theme file `{}`: {e}", path.display())))?;
                theme.templates.push((name, source));
            }
            for (name, path) in files(&root, "static")? {
                let content_type = content_type(&name).ok_or_else(|| {
                    ThemeError(format!(
                        "theme file `{}`: unknown type; static files must end in .css, .js, \
                         .svg, .png, .jpg, .jpeg, .gif, .webp, .ico, .woff or .woff2",
                        path.display()
                    ))
                })?;
                let bytes = std::fs::read(&path)
                    .map_err(|e| ThemeError(format!("theme file `{}`: {e}", path.display())))?;
                theme.assets.insert(
                    name,
                    Asset {
                        bytes: bytes.into(),
                        content_type,
                    },
                );
            }
            theme.dir = Some(dir);
        }
        if !config.logo.is_empty() {
            let logo = &config.logo;
            theme.image("branding.logo", logo)?;
            theme.logo = Some(logo.clone());
        }
        Ok(theme)
    }

    /// Checks that configuration key `key` names an image among the theme's static files.
    fn image(&self, key: &str, name: &str) -> Result<(), ThemeError> {
        let is_image = self
            .assets
            .get(name)
            .is_some_and(|a| a.content_type.starts_with("image/"));
        if is_image {
            return Ok(());
        }
        Err(ThemeError(format!(
            "configuration key `{key}` has the value `{name}`, expected an image file under the \
             theme's static/ folder (`{}`)",
            self.dir
                .as_ref()
                .map(|d| d.join("static").join(name).display().to_string())
                .unwrap_or_else(|| "branding.theme_dir is empty".to_owned())
        )))
    }

    /// Checks the upstream providers' button icons as the logo is checked: each an image of
    /// the theme.
    pub fn with_icons(self, upstream: &UpstreamProviders) -> Result<Self, ThemeError> {
        for (name, p) in upstream.iter().filter(|(_, p)| !p.icon.is_empty()) {
            self.image(&format!("upstream.{name}.icon"), &p.icon)?;
        }
        Ok(self)
    }

    /// The template overrides, by template name.
    pub fn templates(&self) -> &[(String, String)] {
        &self.templates
    }

    /// Whether the theme replaces template `name`.
    pub fn overrides(&self, name: &str) -> bool {
        self.templates.iter().any(|(n, _)| n == name)
    }

    /// The file on disk that replaces template `name`, for messages.
    pub fn template_path(&self, name: &str) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        self.overrides(name)
            .then(|| dir.join("templates").join(name))
    }

    /// A message naming the theme file of template `name` and the compiler's complaint.
    pub fn template_error(&self, name: &str, e: &minijinja::Error) -> ThemeError {
        let file = self
            .template_path(name)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| name.to_owned());
        ThemeError(format!(
            "theme template `{file}` is broken: {}",
            describe(e)
        ))
    }

    /// The static file served at `/static/<path>`.
    pub fn asset(&self, path: &str) -> Option<&Asset> {
        self.assets.get(path)
    }

    /// The operator's product name, if set.
    pub fn product_name(&self) -> Option<&str> {
        self.product_name.as_deref()
    }

    /// The logo's path on this server (`/static/…`), if there is one.
    pub fn logo_url(&self) -> Option<String> {
        self.logo.as_ref().map(|l| format!("/static/{l}"))
    }
}

/// A compiler error in one line with its place (`… (in accounts/login.html line 3)`).
pub fn describe(e: &minijinja::Error) -> String {
    let mut text = e.kind().to_string();
    if let Some(detail) = e.detail() {
        text.push_str(": ");
        text.push_str(detail);
    }
    let mut text = match (e.name(), e.line()) {
        (Some(name), Some(line)) => format!("{text} (in {name} line {line})"),
        (Some(name), None) => format!("{text} (in {name})"),
        _ => text,
    };
    // An error inside an included or extended template carries the real cause as its source.
    if let Some(inner) = std::error::Error::source(e).and_then(|s| s.downcast_ref()) {
        text.push_str(": ");
        text.push_str(&describe(inner));
    }
    text
}

/// Every file under `root/sub`, by its `/`-separated path below `sub`. Hidden names (`.x`)
/// are skipped; a file that resolves outside `root` (through a link) is refused.
fn files(root: &Path, sub: &str) -> Result<Vec<(String, PathBuf)>, ThemeError> {
    let mut out = Vec::new();
    let start = root.join(sub);
    if start.is_dir() {
        walk(root, &start, "", 0, &mut out)?;
    }
    out.sort();
    Ok(out)
}

fn walk(
    root: &Path,
    dir: &Path,
    prefix: &str,
    depth: usize,
    out: &mut Vec<(String, PathBuf)>,
) -> Result<(), ThemeError> {
    let fail = |p: &Path, what: String| ThemeError(format!("theme file `{}`: {what}", p.display()));
    if depth > MAX_DEPTH {
        return Err(fail(dir, format!("nested deeper than {MAX_DEPTH} folders")));
    }
    let entries = std::fs::read_dir(dir).map_err(|e| fail(dir, e.to_string()))?;
    for entry in entries {
        let entry = entry.map_err(|e| fail(dir, e.to_string()))?;
        let path = entry.path();
        let Some(file_name) = entry.file_name().to_str().map(str::to_owned) else {
            return Err(fail(&path, "the name is not UTF-8".into()));
        };
        if file_name.starts_with('.') {
            continue;
        }
        let name = format!("{prefix}{file_name}");
        if !is_asset_name(&name) {
            return Err(fail(
                &path,
                "the name may not contain `\\`, `:`, `?` or `#`".into(),
            ));
        }
        let real = path
            .canonicalize()
            .map_err(|e| fail(&path, e.to_string()))?;
        if !real.starts_with(root) {
            return Err(fail(&path, "it points outside the theme folder".into()));
        }
        let meta = std::fs::metadata(&real).map_err(|e| fail(&path, e.to_string()))?;
        if meta.is_dir() {
            walk(root, &path, &format!("{name}/"), depth + 1, out)?;
        } else if meta.len() > MAX_FILE_BYTES {
            return Err(fail(&path, format!("larger than {MAX_FILE_BYTES} bytes")));
        } else {
            out.push((name, path));
        }
    }
    Ok(())
}

/// The `Content-Type` of a static file, by its extension; `None`: not a kind Daemun serves.
fn content_type(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_kinds_of_static_files_are_served() {
        assert_eq!(content_type("a/logo.SVG"), Some("image/svg+xml"));
        assert_eq!(content_type("style.css"), Some("text/css; charset=utf-8"));
        assert_eq!(content_type("page.html"), None);
        assert_eq!(content_type("noext"), None);
    }

    #[test]
    fn the_built_in_look_serves_the_built_in_files_only() {
        let theme = Theme::builtin();
        assert!(theme.asset("style.css").is_some());
        assert!(theme.asset("../Cargo.toml").is_none());
        assert_eq!(theme.logo_url(), None);
    }
}
