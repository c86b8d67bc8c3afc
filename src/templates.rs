//! The template environment: every page and mail, compiled into the binary, auto-escaped,
//! with `t(key, **args)` for translated text in the language of the render (`lang`).
use std::sync::Arc;

use minijinja::value::Kwargs;
use minijinja::{Environment, State, Value};

use crate::i18n::{self, FluentArg, Lang};

/// Built once at start; cheap to clone.
#[derive(Clone)]
pub struct Templates {
    env: Arc<Environment<'static>>,
}

#[derive(Debug, thiserror::Error)]
#[error("template {name}: {source}")]
pub struct RenderError {
    name: String,
    source: minijinja::Error,
}

impl Templates {
    pub fn new() -> Self {
        let mut env = Environment::new();
        minijinja_embed::load_templates!(&mut env);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        env.add_function("t", translate);
        Self { env: Arc::new(env) }
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
        self.env
            .templates()
            .map(|(name, _)| name.to_owned())
            .collect()
    }
}

impl Default for Templates {
    fn default() -> Self {
        Self::new()
    }
}

/// `t("key", name=value, …)`: looks the key up in the render's language.
fn translate(state: &State, key: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let lang = state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::from_tag))
        .unwrap_or_default();
    let mut args: Vec<(String, FluentArg)> = Vec::new();
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
