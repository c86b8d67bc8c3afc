//! What becomes of each record of a batch: the lookups for the whole batch (records imported
//! before, addresses and usernames taken) in a few queries, then one decision per record in
//! file order. Nothing is written here.
use std::collections::HashSet;

use super::{Line, Outcome, Parsed, Record, account, checked_email, checked_username, stored_hash};
use crate::domain::clock::{Clock, SystemClock};
use crate::store::imports::ImportedAccount;
use crate::store::{Store, StoreResult};

/// The options that change what an account becomes.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub admins: bool,
    pub trust_emails: bool,
}

/// What earlier batches of the same file claimed.
#[derive(Debug, Default)]
pub struct Seen {
    ids: HashSet<String>,
    emails: HashSet<String>,
    usernames: HashSet<String>,
}

/// A batch's decisions: a line per record, and the accounts to write with the index of the
/// line each belongs to.
pub struct Planned {
    pub lines: Vec<Line>,
    pub accounts: Vec<ImportedAccount>,
    pub at: Vec<usize>,
}

fn line(source_id: &str, email: &str, outcome: Outcome) -> Line {
    Line {
        source_id: source_id.to_owned(),
        outcome,
        sub: None,
        email: email.to_owned(),
        reason: None,
        notes: Vec::new(),
    }
}

fn skipped(source_id: &str, email: &str, reason: impl Into<String>) -> Line {
    Line {
        reason: Some(reason.into()),
        ..line(source_id, email, Outcome::Skipped)
    }
}

/// PostgreSQL cannot store a NUL character in text; such a record is refused whole.
fn has_nul(r: &Record) -> bool {
    [&r.source_id, &r.email, &r.given_name, &r.family_name]
        .into_iter()
        .chain(r.username.as_ref())
        .chain(r.password_hash.as_ref())
        .any(|s| s.contains('\0'))
}

pub async fn batch(
    store: &Store,
    source: &str,
    chunk: &[<Parsed as IntoIterator>::Item],
    seen: &mut Seen,
    rules: Rules,
) -> StoreResult<Planned> {
    let records: Vec<&Record> = chunk.iter().filter_map(|r| r.as_ref().ok()).collect();
    let ids: Vec<String> = records.iter().map(|r| r.source_id.clone()).collect();
    let earlier = store.imported_before(source, &ids).await?;
    let emails: Vec<String> = records
        .iter()
        .filter_map(|r| checked_email(&r.email))
        .map(|e| e.normalized().to_owned())
        .collect();
    let emails_taken = store.emails_taken(&emails).await?;
    let names: Vec<String> = records
        .iter()
        .filter_map(|r| r.username.as_deref().and_then(checked_username))
        .map(|u| u.normalized().to_owned())
        .collect();
    let names_taken = store.usernames_taken(&names).await?;

    let now = SystemClock.now_ms();
    let mut planned = Planned {
        lines: Vec::with_capacity(chunk.len()),
        accounts: Vec::new(),
        at: Vec::new(),
    };
    for item in chunk {
        let r = match item {
            Ok(r) => r,
            Err(u) => {
                planned
                    .lines
                    .push(skipped(&u.source_id, "", u.reason.clone()));
                continue;
            }
        };
        let (id, raw_email) = (r.source_id.as_str(), r.email.trim());
        if has_nul(r) {
            planned.lines.push(skipped(id, "", "holds a NUL character"));
            continue;
        }
        if !seen.ids.insert(id.to_owned()) {
            let reason = "an earlier record of the file has the same id";
            planned.lines.push(skipped(id, raw_email, reason));
            continue;
        }
        match earlier.get(id) {
            Some(Some(sub)) => {
                let mut l = line(id, raw_email, Outcome::Unchanged);
                l.sub = Some(sub.clone());
                planned.lines.push(l);
                continue;
            }
            Some(None) => {
                let reason = "imported before, and that account was deleted since";
                planned.lines.push(skipped(id, raw_email, reason));
                continue;
            }
            None => {}
        }
        let Some(email) = checked_email(raw_email) else {
            let reason = if raw_email.is_empty() {
                "no email address".to_owned()
            } else {
                format!("{raw_email:?} is not a usable email address")
            };
            planned.lines.push(skipped(id, raw_email, reason));
            continue;
        };
        let key = email.normalized().to_owned();
        if emails_taken.contains(&key) {
            let reason = "an account of this provider already has this address";
            planned.lines.push(skipped(id, raw_email, reason));
            continue;
        }
        if !seen.emails.insert(key) {
            let reason = "an earlier record of the file has this address";
            planned.lines.push(skipped(id, raw_email, reason));
            continue;
        }
        let mut l = line(id, email.as_str(), Outcome::WouldCreate);
        let hash = match stored_hash(r.password_hash.as_deref()) {
            Ok(h) if h.starts_with('!') => {
                l.notes
                    .push("no usable password: the person must reset it".into());
                h
            }
            Ok(h) => h,
            Err(e) => {
                l.notes.push(format!(
                    "{e}; imported without a password (the person must reset it)"
                ));
                crate::domain::password::NO_PASSWORD.to_owned()
            }
        };
        let raw_name = r
            .username
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty());
        let username = match raw_name.map(|n| (n, checked_username(n))) {
            None => None,
            Some((n, None)) => {
                l.notes.push(format!(
                    "username {n:?} does not fit (3–30 letters, digits, '.', '_' or '-'); \
                     imported without one"
                ));
                None
            }
            Some((n, Some(u))) => {
                let key = u.normalized().to_owned();
                if names_taken.contains(&key) || !seen.usernames.insert(key) {
                    l.notes
                        .push(format!("username {n:?} is taken; imported without one"));
                    None
                } else {
                    Some(u)
                }
            }
        };
        planned.at.push(planned.lines.len());
        planned.lines.push(l);
        let a = account(r, &email, username.as_ref(), hash, rules, now);
        planned.accounts.push(a);
    }
    Ok(planned)
}
