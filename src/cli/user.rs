//! `daemun user add|list|show|set-password|disable|enable|verify|make-admin|delete`. A person
//! is named by email address, username or `sub`. Every change is written to the audit log.
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::json;

use super::{fail, open_store, prompt, record_user};
use crate::accounts::mailing::{greeting_name, lang_for};
use crate::config::Config;
use crate::domain::clock::{Clock, SystemClock};
use crate::domain::email_address::EmailAddress;
use crate::domain::password::{self, Password};
use crate::domain::user::{MAX_NAME_LEN, User, name_fits};
use crate::domain::username::Username;
use crate::i18n::Lang;
use crate::mail::message::{MailKind, compose};
use crate::store::Store;
use crate::store::users::NewUser;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account (verified, active); the password is asked for or read from stdin.
    Add(AddArgs),
    /// List accounts, oldest first.
    List {
        /// Only accounts whose email, username or name contains this text.
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        /// At most this many accounts.
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(i64).range(1..=100_000))]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// Show one account.
    Show {
        #[arg(value_name = "EMAIL|USERNAME|SUB", allow_hyphen_values = true)]
        who: String,
        #[arg(long)]
        json: bool,
    },
    /// Set a new password (asked for or read from stdin); every session and token ends.
    SetPassword {
        #[arg(value_name = "EMAIL|USERNAME|SUB", allow_hyphen_values = true)]
        who: String,
    },
    /// Stop an account from logging in; its sessions end and its tokens are revoked.
    Disable {
        #[arg(value_name = "EMAIL|USERNAME|SUB", allow_hyphen_values = true)]
        who: String,
    },
    /// Let a disabled account log in again.
    Enable {
        #[arg(value_name = "EMAIL|USERNAME|SUB", allow_hyphen_values = true)]
        who: String,
    },
    /// Mark the account's email address as verified.
    Verify {
        #[arg(value_name = "EMAIL|USERNAME|SUB", allow_hyphen_values = true)]
        who: String,
    },
    /// Grant the administrator role (or take it away with --revoke).
    MakeAdmin {
        #[arg(value_name = "EMAIL|USERNAME|SUB", allow_hyphen_values = true)]
        who: String,
        #[arg(long)]
        revoke: bool,
    },
    /// Remove every second factor of an account (authenticator app, recovery codes), for a
    /// person who lost them all: they log in with their password alone until they enrol again.
    RemoveFactors {
        #[arg(value_name = "EMAIL|USERNAME|SUB", allow_hyphen_values = true)]
        who: String,
    },
    /// Delete an account for good; its `sub` is retired and never issued again.
    Delete {
        #[arg(value_name = "EMAIL|USERNAME|SUB", allow_hyphen_values = true)]
        who: String,
        /// Do not ask for confirmation (required when stdin is not a terminal).
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long)]
    email: String,
    /// Display name (default: the part of the address before `@`).
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    username: Option<String>,
    /// The password (visible to other local users in the process list: prefer the prompt or
    /// stdin).
    #[arg(long)]
    password: Option<String>,
    /// Make the account an administrator.
    #[arg(long)]
    admin: bool,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

pub async fn run(config: Config, cmd: UserCommand) -> ExitCode {
    let store = match open_store(&config).await {
        Ok(s) => s,
        Err(e) => return fail(format!("database: {e}")),
    };
    let result = dispatch(&config, &store, cmd).await;
    store.close().await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(message),
    }
}

async fn dispatch(config: &Config, store: &Store, cmd: UserCommand) -> Result<(), String> {
    let now = SystemClock.now_ms();
    match cmd {
        UserCommand::Add(a) => add(config, store, a).await,
        UserCommand::List {
            search,
            limit,
            json,
        } => {
            let list = store
                .search_users(search.as_deref().unwrap_or("").trim(), limit)
                .await
                .map_err(|e| e.to_string())?;
            if json {
                let all: Vec<_> = list.iter().map(describe).collect();
                println!("{}", serde_json::Value::Array(all));
            } else {
                for u in &list {
                    println!("{}", line(u));
                }
                if list.is_empty() {
                    println!("no accounts match");
                }
            }
            Ok(())
        }
        UserCommand::Show { who, json } => {
            let u = find(store, &who).await?;
            let v = describe(&u);
            if json {
                println!("{v}");
            } else {
                println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            }
            Ok(())
        }
        UserCommand::SetPassword { who } => {
            let u = find(store, &who).await?;
            let raw = prompt::new_password(None)?;
            let hash = checked_hash(config, &raw, &u.personal_values()).await?;
            let ended = store
                .change_password(u.user_id, &hash, now)
                .await
                .map_err(|e| e.to_string())?;
            let detail = format!("sessions={ended}");
            record_user(store, "user.password_set", &u, &detail).await;
            println!("password set for {}; {ended} session(s) ended", u.email);
            Ok(())
        }
        UserCommand::Disable { who } => {
            let u = find(store, &who).await?;
            let ended = store
                .disable_account(u.user_id, now)
                .await
                .map_err(|e| e.to_string())?;
            record_user(store, "user.disabled", &u, &format!("sessions={ended}")).await;
            println!("disabled {}; {ended} session(s) ended", u.email);
            Ok(())
        }
        UserCommand::RemoveFactors { who } => {
            let u = find(store, &who).await?;
            let removed = store
                .remove_factors(u.user_id)
                .await
                .map_err(|e| e.to_string())?;
            record_user(
                store,
                "user.factors_removed",
                &u,
                &format!("removed={removed}"),
            )
            .await;
            tell_factors_removed(config, store, &u, now).await?;
            println!("removed {removed} second factor(s) of {}", u.email);
            Ok(())
        }
        UserCommand::Enable { who } => {
            let u = find(store, &who).await?;
            store
                .set_active(u.user_id, true, now)
                .await
                .map_err(|e| e.to_string())?;
            record_user(store, "user.enabled", &u, "").await;
            println!("enabled {}", u.email);
            Ok(())
        }
        UserCommand::Verify { who } => {
            let u = find(store, &who).await?;
            store
                .mark_email_verified(u.user_id, now)
                .await
                .map_err(|e| e.to_string())?;
            record_user(store, "user.verified", &u, "").await;
            println!("{} is verified", u.email);
            Ok(())
        }
        UserCommand::MakeAdmin { who, revoke } => {
            let u = find(store, &who).await?;
            store
                .set_admin(u.user_id, !revoke, now)
                .await
                .map_err(|e| e.to_string())?;
            let (event, said) = if revoke {
                ("user.admin_revoked", "is no longer an administrator")
            } else {
                ("user.admin_granted", "is an administrator")
            };
            record_user(store, event, &u, "").await;
            println!("{} {said}", u.email);
            Ok(())
        }
        UserCommand::Delete { who, yes } => delete(store, &who, yes).await,
    }
}

async fn add(config: &Config, store: &Store, a: AddArgs) -> Result<(), String> {
    let email = EmailAddress::parse(&a.email)
        .map_err(|_| format!("{:?} is not a valid email address", a.email))?;
    let username = match a.username.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(u) => Some(Username::parse(u).map_err(|e| format!("username {u:?}: {e}"))?),
    };
    let name = match a.name.as_deref().map(str::trim) {
        Some(n) if !n.is_empty() => n.to_owned(),
        _ => email
            .as_str()
            .split('@')
            .next()
            .unwrap_or_default()
            .to_owned(),
    };
    if !name_fits(&name) {
        return Err(format!(
            "the name must be at most {MAX_NAME_LEN} characters, without control characters"
        ));
    }
    if store
        .user_by_email(email.normalized())
        .await
        .map_err(|e| e.to_string())?
        .is_some()
    {
        return Err(format!(
            "an account with the email {} exists",
            email.as_str()
        ));
    }
    if let Some(u) = &username
        && store
            .credentials(u.normalized(), false)
            .await
            .map_err(|e| e.to_string())?
            .is_some()
    {
        return Err(format!("the username {} is taken", u.as_str()));
    }
    let raw = prompt::new_password(a.password)?;
    let personal = [
        email.as_str(),
        username.as_ref().map_or("", |u| u.as_str()),
        name.as_str(),
    ];
    let hash = checked_hash(config, &raw, &personal).await?;
    let new = NewUser {
        email_verified: true,
        is_admin: a.admin,
        ..NewUser::new(&email, username.as_ref(), name, hash)
    };
    let user = match store.create_account(new, SystemClock.now_ms()).await {
        Ok(u) => u,
        Err(e) if e.is_conflict_on("username") => {
            let taken = username.as_ref().map_or("", |u| u.as_str());
            return Err(format!("the username {taken} is taken"));
        }
        Err(e) if e.is_conflict_on("email") => {
            return Err(format!(
                "an account with the email {} exists",
                email.as_str()
            ));
        }
        Err(e) => return Err(e.to_string()),
    };
    let detail = if user.is_admin { "admin" } else { "" };
    record_user(store, "user.added", &user, detail).await;
    if a.json {
        println!("{}", describe(&user));
    } else {
        println!("added {} (sub {})", user.email, user.sub);
    }
    Ok(())
}

async fn delete(store: &Store, who: &str, yes: bool) -> Result<(), String> {
    let u = find(store, who).await?;
    if !yes {
        let question = format!("Delete the account {} (sub {}) for good?", u.email, u.sub);
        if !prompt::confirm(&question)? {
            return Err(format!(
                "not deleted: confirm on a terminal or pass --yes to delete {}",
                u.email
            ));
        }
    }
    let deleted = store
        .delete_account(u.user_id, SystemClock.now_ms())
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no account matches {who:?}"))?;
    let detail = format!(
        "sessions={} unsent_mails={}",
        deleted.sessions, deleted.unsent_mails
    );
    record_user(store, "user.deleted", &u, &detail).await;
    println!("deleted {}; its sub {} is retired", u.email, u.sub);
    Ok(())
}

/// The account `who` names: an email address, a username or a `sub`.
pub(super) async fn find(store: &Store, who: &str) -> Result<User, String> {
    store
        .user_by_identifier(who)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| {
            format!(
                "no account matches {:?} (give an email address, a username or a sub)",
                who.trim()
            )
        })
}

/// Checks `raw` against the sign-up policy and hashes it with the configured argon2id
/// parameters.
async fn checked_hash(config: &Config, raw: &str, personal: &[&str]) -> Result<String, String> {
    let pw = Password::new(raw.to_owned());
    config
        .accounts
        .password_policy()
        .check(&pw, personal)
        .map_err(|p| format!("password refused: {p}; nothing was changed"))?;
    let params = config.accounts.hash_params();
    tokio::task::spawn_blocking(move || password::hash(&pw, params))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
}

fn flags(u: &User) -> String {
    let mut f = Vec::new();
    if u.is_admin {
        f.push("admin");
    }
    if !u.is_active {
        f.push("disabled");
    }
    if !u.email_verified {
        f.push("unverified");
    }
    f.join(",")
}

/// `SUB  EMAIL  USERNAME  NAME  FLAGS`, tab-separated, `-` for an empty field.
fn line(u: &User) -> String {
    let dash = |s: &str| {
        if s.is_empty() {
            "-".to_owned()
        } else {
            s.replace(['\t', '\n', '\r'], " ")
        }
    };
    [
        dash(&u.sub),
        dash(&u.email),
        dash(u.username.as_deref().unwrap_or("")),
        dash(&u.display_name),
        dash(&flags(u)),
    ]
    .join("\t")
}

/// Everything about an account except its password hash.
fn describe(u: &User) -> serde_json::Value {
    json!({
        "user_id": u.user_id,
        "sub": u.sub,
        "email": u.email,
        "email_verified": u.email_verified,
        "username": u.username,
        "name": u.display_name,
        "given_name": u.given_name,
        "family_name": u.family_name,
        "locale": u.locale,
        "active": u.is_active,
        "admin": u.is_admin,
        "created_at": u.created_at / 1000,
        "last_login_at": u.last_login_at.map(|t| t / 1000),
    })
}

/// Queues the mail that tells the person their second factors were removed; a running server
/// sends it from the outbox.
async fn tell_factors_removed(
    config: &Config,
    store: &Store,
    u: &User,
    now: i64,
) -> Result<(), String> {
    let kind = MailKind::FactorsRemoved {
        reset_link: format!("{}/password/reset", config.issuer()),
    };
    let lang = lang_for(u, Lang::En);
    // The same theme and product name as the server's mail.
    let templates = crate::app::themed_templates(config).map_err(|e| e.to_string())?;
    let mail = compose(
        &templates,
        config.issuer(),
        lang,
        &u.email,
        greeting_name(u),
        &kind,
    )
    .map_err(|e| format!("mail: {e}"))?;
    store
        .enqueue_mail(&mail, now)
        .await
        .map(drop)
        .map_err(|e| e.to_string())
}
