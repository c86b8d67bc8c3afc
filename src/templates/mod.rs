//! The template environment: every page and mail, compiled into the binary, auto-escaped,
//! with `t(key, **args)` for translated text in the language of the render (`lang`). A theme
//! (see [`theme`]) replaces templates and static files one by one and names the product.
use std::sync::Arc;

use minijinja::value::Kwargs;
use minijinja::{Environment, State, Value};

use crate::i18n::{self, FluentArg, Lang};

mod check;
pub mod theme;

pub use check::{TemplateFailure, summarize};
pub use theme::{Asset, Theme, ThemeError};

/// Built once at start; cheap to clone.
#[derive(Clone)]
pub struct Templates {
    env: Arc<Environment<'static>>,
    theme: Arc<Theme>,
}

#[derive(Debug, thiserror::Error)]
#[error("template {name}: {source}")]
pub struct RenderError {
    name: String,
    source: minijinja::Error,
}

impl Templates {
    /// The built-in templates, product name and static files.
    pub fn new() -> Self {
        let theme = Theme::builtin();
        Self {
            env: Arc::new(environment(&theme)),
            theme: Arc::new(theme),
        }
    }

    /// The built-in templates with `theme`'s overrides on top; a template that does not
    /// compile is named in the error.
    pub fn themed(theme: Theme) -> Result<Self, ThemeError> {
        let mut env = environment(&theme);
        for (name, source) in theme.templates() {
            env.add_template_owned(name.clone(), source.clone())
                .map_err(|e| theme.template_error(name, &e))?;
        }
        Ok(Self {
            env: Arc::new(env),
            theme: Arc::new(theme),
        })
    }

    /// Renders `name` with `ctx`; `ctx` must carry `lang`.
    pub fn render(&self, name: &str, ctx: Value) -> Result<String, RenderError> {
        let wrap = |source| RenderError {
            name: name.to_owned(),
            source,
        };
        self.env
            .get_template(name)
            .map_err(wrap)?
            .render(ctx)
            .map_err(wrap)
    }

    /// Names of all templates (tests render each one).
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .env
            .templates()
            .map(|(name, _)| name.to_owned())
            .collect();
        names.sort();
        names
    }

    /// The theme: product name, logo and static files.
    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    /// The product's name in `lang` (the operator's, or the built-in one).
    pub fn brand(&self, lang: Lang) -> String {
        i18n::brand(lang, self.theme.product_name())
    }
}

impl Default for Templates {
    fn default() -> Self {
        Self::new()
    }
}

/// The built-in templates, `t()`, and the theme's name and logo as globals.
fn environment(theme: &Theme) -> Environment<'static> {
    let mut env = Environment::new();
    minijinja_embed::load_templates!(&mut env);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
    env.add_function("t", translate);
    env.add_global("product_name", Value::from(theme.product_name()));
    env.add_global("logo_url", Value::from(theme.logo_url()));
    env
}

/// `t("key", name=value, …)`: looks the key up in the render's language; `{ $product }` in
/// a message is the product's name.
fn translate(state: &State, key: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let lang = state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::from_tag))
        .unwrap_or_default();
    let product = state
        .lookup("product_name")
        .and_then(|v| v.as_str().map(str::to_owned));
    if key == "brand" {
        return Ok(i18n::brand(lang, product.as_deref()));
    }
    let mut args: Vec<(String, FluentArg)> = Vec::new();
    if let Some(p) = product {
        args.push((i18n::PRODUCT.to_owned(), FluentArg::from(p)));
    }
    for name in kwargs.args() {
        let value: Value = kwargs.get(name)?;
        let arg = match value.as_i64() {
            Some(n) if value.is_number() => FluentArg::from(n),
            _ => FluentArg::from(value.to_string()),
        };
        args.push((name.to_owned(), arg));
    }
    let borrowed: Vec<(&str, FluentArg)> =
        args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    Ok(i18n::t_args(lang, key, &borrowed))
}
