//! The command line: `daemun` (= `daemun serve`), `migrate`, `check-config`, `client …`,
//! `user …`, `keys …`, `audit`. Management commands work on the same database as the server and are safe
//! to run while it serves; the changes they make are written to the audit log.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::app::App;
use crate::config::Config;
use crate::domain::clock::{Clock, SystemClock};
use crate::i18n::Lang;
use crate::store::Store;
use crate::store::audit::AuditEvent;
use crate::templates::{Templates, Theme};

mod audit;
mod client;
mod client_role;
mod group;
mod import;
mod keys;
mod prompt;
mod registration_token;
mod resource;
mod user;

/// The `ip` of an audit event written by a management command (there is no network peer).
pub const CLI_IP: &str = "cli";
/// The `user_agent` of an audit event written by a management command.
pub const CLI_USER_AGENT: &str = concat!("daemun-cli/", env!("CARGO_PKG_VERSION"));

#[derive(Debug, Parser)]
#[command(
    name = "daemun",
    version,
    about = "An OAuth 2.0 / OpenID Connect identity provider"
)]
pub struct Cli {
    /// Configuration file (default: ./daemun.toml when it exists).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Log format: text or json (overrides server.log_format).
    #[arg(long, global = true, value_name = "FORMAT")]
    pub log_format: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the provider (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load and validate the configuration and theme, print it with secrets redacted, render
    /// every page and mail template once, and exit.
    CheckConfig,
    /// Manage relying parties (applications).
    #[command(subcommand)]
    Client(Box<client::ClientCommand>),
    /// Manage people's accounts.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Manage ID token signing keys.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Print one person's audit trail (also for a deleted account, by its `sub`).
    Audit(audit::AuditArgs),
    /// Manage initial access tokens for dynamic client registration.
    #[command(subcommand)]
    RegistrationToken(registration_token::RegistrationTokenCommand),
    /// Manage groups of people (applications can be limited to their members).
    #[command(subcommand)]
    Group(group::GroupCommand),
    /// Manage the APIs access tokens are issued for (resource indicators).
    #[command(subcommand)]
    Resource(resource::ResourceCommand),
    /// Bring accounts in from Django, Keycloak or a JSON Lines file, with their password
    /// hashes (a dry run unless --commit).
    Import(import::ImportArgs),
}

pub async fn run(cli: Cli) -> ExitCode {
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("daemun: {e}");
            return ExitCode::from(2);
        }
    };
    let log_format = cli
        .log_format
        .unwrap_or_else(|| config.server.log_format.clone());
    if !matches!(log_format.as_str(), "text" | "json") {
        eprintln!("daemun: --log-format has the value `{log_format}`, expected `text` or `json`");
        return ExitCode::from(2);
    }
    crate::telemetry::init(&log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => migrate(config).await,
        Command::CheckConfig => check_config(&config),
        Command::Client(cmd) => client::run(config, *cmd).await,
        Command::User(cmd) => user::run(config, cmd).await,
        Command::Keys(cmd) => keys::run(config, cmd).await,
        Command::Audit(args) => audit::run(config, args).await,
        Command::RegistrationToken(cmd) => registration_token::run(config, cmd).await,
        Command::Resource(cmd) => resource::run(config, cmd).await,
        Command::Group(cmd) => group::run(config, cmd).await,
        Command::Import(args) => import::run(config, args).await,
    }
}

/// `check-config`: prints the configuration (secrets redacted), then renders every page and
/// mail template once with sample data and names each one that fails (exit code 2, as for any
/// other unusable setting).
fn check_config(config: &Config) -> ExitCode {
    println!("{config:#?}");
    let theme = Theme::load(&config.branding).and_then(|t| t.with_icons(&config.upstream));
    let templates = match theme.and_then(Templates::themed) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("daemun: {e}");
            return ExitCode::from(2);
        }
    };
    match crate::domain::passkey::relying_party(config.issuer(), &templates.brand(Lang::En)) {
        Ok(_) => println!("passkeys are on (relying party: the issuer's host)"),
        Err(off) => println!("note: {off}"),
    }
    // A theme template that replaces nothing is used only where another one includes it:
    // often a misspelt name.
    let built_in = Templates::new().names();
    for (name, _) in templates.theme().templates() {
        if !built_in.contains(name) {
            println!(
                "note: theme template `{name}` has no built-in namesake; it is used only where a template includes it"
            );
        }
    }
    let failures = templates.check();
    if !failures.is_empty() {
        for line in crate::templates::summarize(&failures) {
            eprintln!("daemun: {line}");
        }
        eprintln!(
            "daemun: {} template(s) do not render; the configuration is not usable",
            failures.len()
        );
        return ExitCode::from(2);
    }
    println!("{} templates render", templates.names().len());
    println!("configuration is valid");
    ExitCode::SUCCESS
}

async fn serve(config: Config) -> ExitCode {
    let app = match App::build(config).await {
        Ok(app) => app,
        Err(e) => {
            eprintln!("daemun: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match app.state().store.admin_exists().await {
        Ok(false) => tracing::warn!(
            "no administrator account exists yet; create one with \
             `daemun user add --email you@example.com --admin`"
        ),
        Ok(true) => {}
        Err(e) => tracing::warn!(error = %e, "cannot tell whether an administrator exists"),
    }
    match app.serve().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("daemun: server error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The store for a management command, migrated like `serve` would.
pub(crate) async fn open_store(config: &Config) -> Result<Store, crate::store::StoreError> {
    let store = Store::connect(&config.database.url, 2).await?;
    if config.database.migrate_on_start {
        store.migrate().await?;
    }
    Ok(store)
}

/// Writes an audit event for a change a management command made. Like a request, the command
/// does not fail because of its trail: a failed write is logged and also reported on stderr.
pub(crate) async fn record(store: &Store, event: &str, client_id: Option<&str>, detail: &str) {
    record_about(store, event, None, client_id, detail).await;
}

/// Writes an audit event about one person's account (kept by its `sub` after a deletion).
pub(crate) async fn record_user(
    store: &Store,
    event: &str,
    user: &crate::domain::user::User,
    detail: &str,
) {
    record_about(store, event, Some(user), None, detail).await;
}

/// Writes an audit event about a person and/or an application.
pub(crate) async fn record_about(
    store: &Store,
    event: &str,
    user: Option<&crate::domain::user::User>,
    client_id: Option<&str>,
    detail: &str,
) {
    let e = AuditEvent {
        at: SystemClock.now_ms(),
        event: event.to_owned(),
        user_id: user.map(|u| u.user_id),
        client_id: client_id.map(str::to_owned),
        ip: CLI_IP.to_owned(),
        user_agent: CLI_USER_AGENT.to_owned(),
        detail: detail.to_owned(),
        sub: user.map(|u| u.sub.clone()),
    };
    write(store, &e).await;
}

async fn write(store: &Store, e: &AuditEvent) {
    let event = &e.event;
    if !store.record_audit_bounded(e).await {
        eprintln!("daemun: warning: the audit event {event} could not be written");
    }
}

/// Prints `message` as `daemun: …` on stderr and gives the failure exit code.
pub(crate) fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("daemun: {message}");
    ExitCode::FAILURE
}

async fn migrate(config: Config) -> ExitCode {
    let result = async {
        let store = Store::connect(&config.database.url, 1).await?;
        store.migrate().await?;
        store.close().await;
        Ok::<_, crate::store::StoreError>(())
    }
    .await;
    match result {
        Ok(()) => {
            println!("migrations applied");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("daemun: migration failed: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::Cli;

    #[test]
    fn generated_ids_that_begin_with_a_hyphen_are_values_not_options() {
        // Key ids (RFC 7638 thumbprints) and client ids are base64url: `-` may come first.
        let ids: [&[&str]; 6] = [
            &["daemun", "keys", "retire", "-w3x"],
            &["daemun", "client", "show", "-abc"],
            &["daemun", "client", "remove", "-abc"],
            &["daemun", "client", "rotate-secret", "-abc"],
            &["daemun", "client", "update", "-abc", "--name", "Board"],
            &["daemun", "user", "show", "-sub"],
        ];
        for args in ids {
            assert!(Cli::try_parse_from(args).is_ok(), "{args:?}");
        }
    }
}
