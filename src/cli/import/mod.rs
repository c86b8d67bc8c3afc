//! `daemun import django|keycloak|jsonl FILE`: brings an existing user base in with its
//! password hashes, so nobody has to reset a password. Each format's file reads into
//! [`Record`]s (one module per format); this module decides what becomes of each record and
//! writes the accounts in batches, one transaction per batch.
//!
//! A dry run unless `--commit`. The same record of the same source again is "unchanged", so a
//! second run changes nothing. A record is skipped, with its reason, when it has no usable
//! address or its address is taken (by an account or by an earlier record of the file); a
//! username that breaks Daemun's rule or is taken is left out and reported. Foreign hashes
//! stay as they are until the person's first login, which replaces them with argon2id.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::{fail, open_store, record};
use crate::config::Config;
use crate::domain::clock::{Clock, Millis, SystemClock};
use crate::domain::email_address::EmailAddress;
use crate::domain::username::Username;
use crate::hashing::foreign;
use crate::store::Store;
use crate::store::imports::ImportedAccount;
use crate::store::users::NewUser;

mod django;
mod jsonl;
mod keycloak;
mod plan;

/// How many records one transaction writes.
const BATCH: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `manage.py dumpdata auth.user` (JSON).
    Django,
    /// A Keycloak realm export with its users (`kc.sh export --users realm_file`).
    Keycloak,
    /// One JSON object per line: `id`, `email`, `password_hash` (a PHC string or a bcrypt hash)
    /// and optionally `username`, `given_name`, `family_name`, `email_verified`, `is_active`,
    /// `is_admin`, `created_at`, `last_login_at` (RFC 3339).
    Jsonl,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[arg(value_enum)]
    format: Format,
    /// The file to read.
    file: PathBuf,
    /// Write the accounts (without it, only say what would happen).
    #[arg(long)]
    commit: bool,
    /// Print one JSON report: the summary and, per record, its outcome and `sub`.
    #[arg(long)]
    json: bool,
    /// Make the source's superusers administrators of Daemun too.
    #[arg(long)]
    admins: bool,
    /// Keep the addresses' verified state (Django keeps none: all count as verified). Without
    /// it every imported address is unverified until its owner proves it.
    #[arg(long)]
    trust_emails: bool,
    /// The name this source's record ids are kept under (default: the format's name, or
    /// `keycloak:<realm>`); give each site its own when importing several.
    #[arg(long)]
    source: Option<String>,
}

/// One account as the source describes it.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// The source's own id of the account (Django's primary key, Keycloak's id).
    pub source_id: String,
    pub email: String,
    pub username: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub is_active: bool,
    pub is_superuser: bool,
    /// `None` when the source does not say.
    pub email_verified: Option<bool>,
    pub joined: Option<Millis>,
    pub last_login: Option<Millis>,
    /// The stored password hash; `None` for an account without a usable password.
    pub password_hash: Option<String>,
}

/// A record the file holds but that cannot be read, with the place and the reason.
#[derive(Debug, Clone)]
pub struct Unreadable {
    pub source_id: String,
    pub reason: String,
}

/// What a file holds: records in file order, interleaved with those that cannot be read.
pub type Parsed = Vec<Result<Record, Unreadable>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Created,
    WouldCreate,
    Unchanged,
    Skipped,
}

/// What became of one record.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub source_id: String,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

pub async fn run(config: Config, args: ImportArgs) -> ExitCode {
    let text = match std::fs::read_to_string(&args.file) {
        Ok(t) => t,
        Err(e) => return fail(format!("cannot read {}: {e}", args.file.display())),
    };
    let (parsed, default_source) = match args.format {
        Format::Django => (django::parse(&text), "django".to_owned()),
        Format::Jsonl => (jsonl::parse(&text), "jsonl".to_owned()),
        Format::Keycloak => match keycloak::parse(&text) {
            Ok((realm, parsed)) => (parsed, format!("keycloak:{realm}")),
            Err(e) => return fail(e),
        },
    };
    let parsed = match parsed {
        Ok(p) => p,
        Err(e) => return fail(format!("{}: {e}", args.file.display())),
    };
    let store = match open_store(&config).await {
        Ok(s) => s,
        Err(e) => return fail(format!("database: {e}")),
    };
    let source = args.source.clone().unwrap_or(default_source);
    let started = std::time::Instant::now();
    let lines = match import(&store, &source, parsed, &args).await {
        Ok(l) => l,
        Err(e) => return fail(format!("database: {e}")),
    };
    let seconds = started.elapsed().as_secs_f64();
    let count = |o: Outcome| lines.iter().filter(|l| l.outcome == o).count();
    let created = count(Outcome::Created);
    if args.commit {
        let detail = format!(
            "source={source} created={created} unchanged={} skipped={}",
            count(Outcome::Unchanged),
            count(Outcome::Skipped)
        );
        record(&store, "import.committed", None, &detail).await;
    }
    if args.json {
        let report = serde_json::json!({
            "source": source,
            "committed": args.commit,
            "summary": {
                "created": created,
                "would_create": count(Outcome::WouldCreate),
                "unchanged": count(Outcome::Unchanged),
                "skipped": count(Outcome::Skipped),
                "seconds": (seconds * 1000.0).round() / 1000.0,
            },
            "records": lines,
        });
        println!("{report}");
    } else {
        for l in &lines {
            let who = if l.email.is_empty() {
                l.source_id.clone()
            } else {
                format!("{} ({})", l.source_id, l.email)
            };
            if let Some(reason) = &l.reason {
                println!("skipped {who}: {reason}");
            }
            for n in &l.notes {
                println!("note    {who}: {n}");
            }
        }
        if args.commit {
            println!(
                "{source}: {created} created, {} unchanged, {} skipped in {seconds:.1} s",
                count(Outcome::Unchanged),
                count(Outcome::Skipped)
            );
        } else {
            println!(
                "dry run of {source}: {} would be created, {} unchanged, {} skipped; \
                 nothing was written (run again with --commit)",
                count(Outcome::WouldCreate),
                count(Outcome::Unchanged),
                count(Outcome::Skipped)
            );
        }
    }
    ExitCode::SUCCESS
}

/// Decides and (with `--commit`) writes, batch by batch, with a progress bar on a terminal.
async fn import(
    store: &Store,
    source: &str,
    parsed: Parsed,
    args: &ImportArgs,
) -> Result<Vec<Line>, crate::store::StoreError> {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(parsed.len() as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    let mut seen = plan::Seen::default();
    let mut lines = Vec::with_capacity(parsed.len());
    for (n, chunk) in parsed.chunks(BATCH).enumerate() {
        let now = SystemClock.now_ms();
        let planned = plan::batch(store, source, chunk, &mut seen, args.rules()).await?;
        let mut batch_lines = planned.lines;
        if args.commit && !planned.accounts.is_empty() {
            let written = store
                .import_accounts(source, &planned.accounts, now)
                .await?;
            for ((at, account), ok) in planned.at.iter().zip(&planned.accounts).zip(written) {
                let line = &mut batch_lines[*at];
                if ok {
                    line.outcome = Outcome::Created;
                    line.sub = Some(account.account.sub.clone());
                } else {
                    line.outcome = Outcome::Skipped;
                    line.reason = Some("the address or username was taken meanwhile".into());
                }
            }
        }
        if args.commit && n % 10 == 9 {
            store.refresh_import_statistics().await?;
        }
        bar.inc(chunk.len() as u64);
        lines.extend(batch_lines);
    }
    bar.finish_and_clear();
    Ok(lines)
}

impl ImportArgs {
    fn rules(&self) -> plan::Rules {
        plan::Rules {
            admins: self.admins,
            trust_emails: self.trust_emails,
        }
    }
}

/// What a record's address and username become, checked on their own (the taken ones are
/// judged per batch in [`plan`]).
pub(crate) fn checked_email(raw: &str) -> Option<EmailAddress> {
    EmailAddress::parse(raw.trim()).ok()
}

pub(crate) fn checked_username(raw: &str) -> Option<Username> {
    Username::parse(raw).ok()
}

/// The stored form of a record's hash, or why it cannot be used.
pub(crate) fn stored_hash(hash: Option<&str>) -> Result<String, String> {
    match hash {
        None | Some("") => Ok(crate::domain::password::NO_PASSWORD.to_owned()),
        Some(h) => foreign::check(h)
            .map(|_| h.to_owned())
            .map_err(|e| e.to_string()),
    }
}

/// An account built from a planned record.
pub(crate) fn account(
    r: &Record,
    email: &EmailAddress,
    username: Option<&Username>,
    hash: String,
    rules: plan::Rules,
    now: Millis,
) -> ImportedAccount {
    let display_name = [r.given_name.trim(), r.family_name.trim()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let display_name = if !display_name.is_empty() {
        display_name
    } else if let Some(u) = r.username.as_deref().filter(|u| !u.trim().is_empty()) {
        u.trim().to_owned()
    } else {
        email
            .as_str()
            .split('@')
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    let mut account = NewUser::new(email, username, display_name, hash);
    account.email_verified = rules.trust_emails && r.email_verified.unwrap_or(true);
    account.is_admin = rules.admins && r.is_superuser;
    ImportedAccount {
        source_id: r.source_id.clone(),
        account,
        given_name: r.given_name.trim().to_owned(),
        family_name: r.family_name.trim().to_owned(),
        is_active: r.is_active,
        created_at: r.joined.unwrap_or(now),
        last_login_at: r.last_login,
    }
}

/// The default of a source's yes-or-no field that is absent (`is_active`, `enabled`).
pub(crate) fn yes() -> bool {
    true
}

/// Milliseconds since the epoch of an RFC 3339 time, or of a time without an offset (read as
/// UTC, as Django writes them when `USE_TZ` is off).
pub(crate) fn millis(raw: &str) -> Option<Millis> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(raw) {
        return Some(t.timestamp_millis());
    }
    chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc().timestamp_millis())
}
