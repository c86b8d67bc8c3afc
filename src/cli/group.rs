//! `daemun group add|list|show|rename|remove|add-member|remove-member`: groups of people, which
//! applications can be limited to (`client update --allowed-group`). A group's name is what
//! applications see and never changes; `rename` changes its label only. Members are named by
//! email address, username or `sub`.
use std::process::ExitCode;

use clap::Subcommand;
use serde_json::json;

use super::user::find;
use super::{fail, open_store, record, record_user};
use crate::config::Config;
use crate::domain::clock::{Clock, SystemClock, format_utc};
use crate::domain::group::{Group, check_label, check_name};
use crate::store::{Removal, Store};

#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Create a group.
    Add {
        /// Its name: 1 to 64 of a-z, 0-9, `.`, `_`, `-` (what applications see; never changes).
        name: String,
        /// What people read (default: the name).
        #[arg(long)]
        label: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List groups with their member counts.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show a group and its members.
    Show {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Change a group's label (its name stays).
    Rename {
        name: String,
        #[arg(long)]
        label: String,
    },
    /// Remove a group and its memberships (applications limited to it must not name it).
    Remove { name: String },
    /// Add a person to a group.
    AddMember {
        name: String,
        /// An email address, a username or a `sub`.
        #[arg(allow_hyphen_values = true)]
        who: String,
    },
    /// Take a person out of a group.
    RemoveMember {
        name: String,
        #[arg(allow_hyphen_values = true)]
        who: String,
    },
}

pub async fn run(config: Config, cmd: GroupCommand) -> ExitCode {
    let store = match open_store(&config).await {
        Ok(s) => s,
        Err(e) => return fail(format!("database: {e}")),
    };
    match dispatch(&store, cmd).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

async fn dispatch(store: &Store, cmd: GroupCommand) -> Result<(), String> {
    let now = SystemClock.now_ms();
    match cmd {
        GroupCommand::Add { name, label, json } => {
            let name = check_name(name.trim())
                .map_err(|e| e.to_string())?
                .to_owned();
            let label = check_label(label.as_deref().unwrap_or(&name))
                .map_err(|e| e.to_string())?
                .to_owned();
            if store
                .group(&name)
                .await
                .map_err(|e| e.to_string())?
                .is_some()
            {
                return Err(format!("a group named {name} exists already"));
            }
            let g = Group {
                name,
                label,
                created_at: now,
            };
            store.insert_group(&g).await.map_err(|e| e.to_string())?;
            record(store, "group.added", None, &format!("group={}", g.name)).await;
            if json {
                println!("{}", json!({ "name": g.name, "label": g.label }));
            } else {
                println!("created group {}", g.name);
            }
        }
        GroupCommand::List { json } => {
            let all = store.groups().await.map_err(|e| e.to_string())?;
            if json {
                let list: Vec<_> = all
                    .iter()
                    .map(|(g, n)| json!({ "name": g.name, "label": g.label, "members": n }))
                    .collect();
                println!("{}", serde_json::Value::from(list));
            } else {
                for (g, n) in all {
                    println!("{}  {}  {n} members", g.name, g.label);
                }
            }
        }
        GroupCommand::Show { name, json } => {
            let g = existing(store, &name).await?;
            let members = store
                .group_members(&g.name)
                .await
                .map_err(|e| e.to_string())?;
            if json {
                let list: Vec<_> = members
                    .iter()
                    .map(|m| json!({ "sub": m.sub, "email": m.email, "added_at": m.added_at / 1000 }))
                    .collect();
                println!(
                    "{}",
                    json!({ "name": g.name, "label": g.label, "members": list })
                );
            } else {
                println!(
                    "{}  {}  created {}",
                    g.name,
                    g.label,
                    format_utc(g.created_at)
                );
                for m in members {
                    println!("  {}  {}  added {}", m.email, m.sub, format_utc(m.added_at));
                }
            }
        }
        GroupCommand::Rename { name, label } => {
            let g = existing(store, &name).await?;
            let label = check_label(&label).map_err(|e| e.to_string())?;
            store
                .relabel_group(&g.name, label)
                .await
                .map_err(|e| e.to_string())?;
            record(store, "group.renamed", None, &format!("group={}", g.name)).await;
            println!("{} is now labelled {label}", g.name);
        }
        GroupCommand::Remove { name } => {
            let g = existing(store, &name).await?;
            match store
                .delete_group(&g.name)
                .await
                .map_err(|e| e.to_string())?
            {
                Removal::InUse(users) => {
                    return Err(format!(
                        "applications are limited to {}: {}; change them first \
                         (daemun client update ID --allowed-group …)",
                        g.name,
                        users.join(", ")
                    ));
                }
                Removal::NotFound => return Err(format!("no group is named {:?}", g.name)),
                Removal::Removed => {}
            }
            record(store, "group.removed", None, &format!("group={}", g.name)).await;
            println!("removed group {}", g.name);
        }
        GroupCommand::AddMember { name, who } => {
            let g = existing(store, &name).await?;
            let u = find(store, &who).await?;
            if !store
                .add_member(&g.name, u.user_id, now)
                .await
                .map_err(|e| e.to_string())?
            {
                return Err(format!("{} is already in {}", u.email, g.name));
            }
            record_user(
                store,
                "group.member_added",
                &u,
                &format!("group={}", g.name),
            )
            .await;
            println!("added {} to {}", u.email, g.name);
        }
        GroupCommand::RemoveMember { name, who } => {
            let g = existing(store, &name).await?;
            let u = find(store, &who).await?;
            if !store
                .remove_member(&g.name, u.user_id)
                .await
                .map_err(|e| e.to_string())?
            {
                return Err(format!("{} is not in {}", u.email, g.name));
            }
            record_user(
                store,
                "group.member_removed",
                &u,
                &format!("group={}", g.name),
            )
            .await;
            println!("removed {} from {}", u.email, g.name);
        }
    }
    Ok(())
}

async fn existing(store: &Store, name: &str) -> Result<Group, String> {
    store
        .group(name.trim())
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no group is named {:?}", name.trim()))
}
