//! Renders every page and mail template once with sample data, so a broken theme is found by
//! `daemun check-config` and at start, before anyone sees it.
use minijinja::{Value, context};

use super::Templates;
use super::theme::describe;
use crate::i18n::Lang;

/// A template that did not render, with where it came from.
#[derive(Debug)]
pub struct TemplateFailure {
    /// The template's name, e.g. `accounts/login.html`.
    pub name: String,
    /// The theme file that replaces it, if one does.
    pub file: Option<String>,
    /// The renderer's complaint, with the line.
    pub message: String,
}

impl std::fmt::Display for TemplateFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.file {
            Some(file) => write!(
                f,
                "template `{}` (theme file `{file}`): {}",
                self.name, self.message
            ),
            None => write!(f, "template `{}`: {}", self.name, self.message),
        }
    }
}

/// The lines to show for `failures`: when theme files fail, those files, and a count of the
/// built-in templates that fail only because they use them.
pub fn summarize(failures: &[TemplateFailure]) -> Vec<String> {
    let own: Vec<String> = failures
        .iter()
        .filter(|f| f.file.is_some())
        .map(ToString::to_string)
        .collect();
    if own.is_empty() {
        return failures.iter().map(ToString::to_string).collect();
    }
    let others = failures.len() - own.len();
    let mut lines = own;
    if others > 0 {
        lines.push(format!(
            "{others} more template(s) fail because they include or extend the ones above"
        ));
    }
    lines
}

impl Templates {
    /// Renders each template in every language with sample data; the failures, by name.
    pub fn check(&self) -> Vec<TemplateFailure> {
        let mut failures = Vec::new();
        for name in self.names() {
            for lang in Lang::ALL {
                let rendered = self
                    .env
                    .get_template(&name)
                    .and_then(|t| t.render(sample(lang)));
                if let Err(e) = rendered {
                    failures.push(TemplateFailure {
                        file: self
                            .theme
                            .template_path(&name)
                            .map(|p| p.display().to_string()),
                        name,
                        message: describe(&e),
                    });
                    break;
                }
            }
        }
        failures
    }
}

/// Values of the kinds pages and mails are given (missing ones are undefined, which renders
/// as nothing), with a logged-in administrator so that every branch of the header shows.
fn sample(lang: Lang) -> Value {
    let session = context! {
        sid => "s", current => true, browser => "Firefox", system => "Linux",
        ip => "192.0.2.1", created => "c", last_seen => "l",
    };
    context! {
        lang => lang.code(),
        csrf_token => "csrf",
        user => context! { display_name => "Minsu", email => "minsu@example.com", username => "minsu", is_admin => true },
        flashes => vec![context! { kind => "success", message => "ok" }],
        lang_links => context! { en => "/?lang=en", ko => "/?lang=ko" },
        status => 404, title => "Title", message => "Message", link => "https://id.example.com/x",
        issuer => "https://id.example.com", name => "Minsu", greeting => "Hello", expires_hours => 24,
        email => "minsu@example.com", new_email => "new@example.com", min_length => 8, token => "t",
        expires_minutes => 60, username => "minsu", taken => true, sent => true, others => 1,
        change => "totp-added", count => 3, next => "/account",
        sessions => vec![session],
        client => context! { name => "Board", client_id => "board", logo_uri => "https://board.example.com/logo.png", client_uri => "https://board.example.com" },
        scopes => vec!["openid", "profile", "email"],
        form => context! { display_name => "Minsu", locale => "ko", email => "minsu@example.com", login => "minsu" },
        profile => context! { email => "minsu@example.com" },
    }
}
