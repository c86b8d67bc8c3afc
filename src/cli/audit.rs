//! `daemun audit --user <email|username|sub>`: one person's audit trail, newest first.
use std::process::ExitCode;

use chrono::{DateTime, SecondsFormat};
use clap::Args;
use serde_json::json;

use super::{fail, open_store};
use crate::config::Config;
use crate::domain::clock::Millis;
use crate::store::audit::AuditEvent;
use crate::store::{Store, StoreResult};

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The person: email address, username or `sub` (a deleted account only by its `sub`).
    #[arg(long, value_name = "EMAIL|USERNAME|SUB", allow_hyphen_values = true)]
    user: String,
    /// At most this many events (the newest ones).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(i64).range(1..=100_000))]
    limit: i64,
    /// Only events with this name, e.g. `login.failure`.
    #[arg(long, value_name = "NAME")]
    event: Option<String>,
    /// Only events at or after this instant (RFC 3339, e.g. 2026-01-31T00:00:00Z).
    #[arg(long, value_name = "RFC3339", value_parser = parse_since)]
    since: Option<Millis>,
    /// Print one JSON array instead of one line per event.
    #[arg(long)]
    json: bool,
}

fn parse_since(s: &str) -> Result<Millis, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.timestamp_millis())
        .map_err(|e| format!("expected an RFC 3339 instant such as 2026-01-31T00:00:00Z ({e})"))
}

pub async fn run(config: Config, args: AuditArgs) -> ExitCode {
    let store = match open_store(&config).await {
        Ok(s) => s,
        Err(e) => return fail(format!("database: {e}")),
    };
    let (user_id, sub) = match find_person(&store, args.user.trim()).await {
        Ok(Some(who)) => who,
        Ok(None) => {
            return fail(format!(
                "no account or audit trail matches {:?} (give an email address, a username or a sub)",
                args.user
            ));
        }
        Err(e) => return fail(e),
    };
    let events = match store
        .audit_trail(user_id, &sub, args.event.as_deref(), args.since, args.limit)
        .await
    {
        Ok(events) => events,
        Err(e) => return fail(e),
    };
    if args.json {
        let list: Vec<_> = events.iter().map(as_json).collect();
        println!("{}", serde_json::Value::Array(list));
    } else {
        for e in &events {
            println!("{}", as_line(e));
        }
    }
    ExitCode::SUCCESS
}

/// The account id (when the account still exists) and the `sub` of the person `who` names.
async fn find_person(store: &Store, who: &str) -> StoreResult<Option<(Option<i64>, String)>> {
    if who.is_empty() {
        return Ok(None);
    }
    let found = store.user_by_identifier(who).await?;
    if let Some(u) = found {
        return Ok(Some((Some(u.user_id), u.sub)));
    }
    // A deleted account: its `sub` is retired, and its events still name it.
    if store.is_sub_retired(who).await? || store.audit_mentions_sub(who).await? {
        return Ok(Some((None, who.to_owned())));
    }
    Ok(None)
}

fn rfc3339(ms: Millis) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
        .unwrap_or_else(|| ms.to_string())
}

/// `TIME  EVENT  CLIENT  IP  USER-AGENT  DETAIL`, tab-separated, `-` for an empty field.
fn as_line(e: &AuditEvent) -> String {
    let dash = |s: &str| {
        if s.is_empty() {
            "-".to_owned()
        } else {
            s.replace(['\t', '\n', '\r'], " ")
        }
    };
    [
        rfc3339(e.at),
        dash(&e.event),
        dash(e.client_id.as_deref().unwrap_or("")),
        dash(&e.ip),
        dash(&e.user_agent),
        dash(&e.detail),
    ]
    .join("\t")
}

fn as_json(e: &AuditEvent) -> serde_json::Value {
    json!({
        "at": rfc3339(e.at),
        "event": e.event,
        "user_id": e.user_id,
        "sub": e.sub,
        "client_id": e.client_id,
        "ip": e.ip,
        "user_agent": e.user_agent,
        "detail": e.detail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sub_may_begin_with_a_hyphen() {
        use clap::Parser;
        let cli = crate::cli::Cli::try_parse_from(["daemun", "audit", "--user", "-q2x_Ab"]);
        match cli.map(|c| c.command) {
            Ok(Some(crate::cli::Command::Audit(a))) => assert_eq!(a.user, "-q2x_Ab"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn instants_are_printed_and_read_as_rfc3339_utc() {
        assert_eq!(rfc3339(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        assert_eq!(
            parse_since("2023-11-14T22:13:20.123Z"),
            Ok(1_700_000_000_123)
        );
        assert!(parse_since("yesterday").is_err());
    }

    #[test]
    fn a_line_has_six_tab_separated_fields() {
        let e = AuditEvent {
            at: 0,
            event: "consent.granted".into(),
            user_id: Some(1),
            client_id: Some("abc".into()),
            ip: "192.0.2.1".into(),
            user_agent: "Agent\twith tab".into(),
            detail: String::new(),
            sub: None,
        };
        let line = as_line(&e);
        let fields: Vec<_> = line.split('\t').collect();
        assert_eq!(
            fields,
            [
                "1970-01-01T00:00:00.000Z",
                "consent.granted",
                "abc",
                "192.0.2.1",
                "Agent with tab",
                "-"
            ]
        );
    }
}
