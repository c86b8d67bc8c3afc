//! `daemun client role add|list|remove|grant|revoke`: roles an application defines for itself,
//! granted to groups (every member holds the role) or to people (by email, username or `sub`).
//! The application reads them from the `roles` claim of its own ID tokens and UserInfo.
use clap::{Args, Subcommand};
use serde_json::json;

use super::user::find;
use super::{record, record_about};
use crate::domain::clock::{Clock, SystemClock};
use crate::domain::group::check_label;
use crate::domain::role::{Grantee, Role, check_name};
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    /// Define a role on an application.
    Add {
        #[arg(allow_hyphen_values = true)]
        client_id: String,
        /// Its name: 1 to 64 of a-z, 0-9, `.`, `_`, `-` (what the application sees).
        role: String,
        /// What people read (default: the name).
        #[arg(long)]
        label: Option<String>,
    },
    /// List an application's roles and who holds them.
    List {
        #[arg(allow_hyphen_values = true)]
        client_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Remove a role and all its grants.
    Remove {
        #[arg(allow_hyphen_values = true)]
        client_id: String,
        role: String,
    },
    /// Give a role to a group or a person.
    Grant(GrantArgs),
    /// Take a role back from a group or a person.
    Revoke(GrantArgs),
}

#[derive(Debug, Args)]
pub struct GrantArgs {
    #[arg(allow_hyphen_values = true)]
    client_id: String,
    role: String,
    /// Every member of this group.
    #[arg(long, conflicts_with = "user", required_unless_present = "user")]
    group: Option<String>,
    /// One person: an email address, a username or a `sub`.
    #[arg(long, allow_hyphen_values = true)]
    user: Option<String>,
}

pub async fn dispatch(store: &Store, cmd: RoleCommand) -> Result<(), String> {
    match cmd {
        RoleCommand::Add {
            client_id,
            role,
            label,
        } => {
            let c = client(store, &client_id).await?;
            let name = check_name(role.trim()).map_err(|e| e.to_string())?;
            let label = check_label(label.as_deref().unwrap_or(name)).map_err(|e| e.to_string())?;
            if store.role(&c, name).await.map_err(db)?.is_some() {
                return Err(format!("{c} already has a role named {name}"));
            }
            let r = Role {
                client_id: c.clone(),
                name: name.to_owned(),
                label: label.to_owned(),
                created_at: SystemClock.now_ms(),
            };
            store.insert_role(&r).await.map_err(db)?;
            record(store, "role.added", Some(&c), &format!("role={name}")).await;
            println!("{c}: added role {name}");
        }
        RoleCommand::List { client_id, json } => {
            let c = client(store, &client_id).await?;
            let roles = store.client_roles(&c).await.map_err(db)?;
            if json {
                let list: Vec<_> = roles
                    .iter()
                    .map(|r| {
                        json!({
                            "name": r.role.name,
                            "label": r.role.label,
                            "groups": r.groups,
                            "people": r.people.iter()
                                .map(|p| json!({ "sub": p.sub, "email": p.email }))
                                .collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(list));
            } else if roles.is_empty() {
                println!("{c} defines no roles; add one with `daemun client role add {c} NAME`");
            } else {
                for r in &roles {
                    let mut holders: Vec<String> =
                        r.groups.iter().map(|g| format!("group {g}")).collect();
                    holders.extend(r.people.iter().map(|p| p.email.clone()));
                    let holders = if holders.is_empty() {
                        "nobody yet".to_owned()
                    } else {
                        holders.join(", ")
                    };
                    println!("{}  ({})  {holders}", r.role.name, r.role.label);
                }
            }
        }
        RoleCommand::Remove { client_id, role } => {
            let c = client(store, &client_id).await?;
            let name = role.trim();
            if !store.delete_role(&c, name).await.map_err(db)? {
                return Err(format!("{c} has no role named {name:?}"));
            }
            record(store, "role.removed", Some(&c), &format!("role={name}")).await;
            println!("{c}: removed role {name} and its grants");
        }
        RoleCommand::Grant(g) => change(store, g, true).await?,
        RoleCommand::Revoke(g) => change(store, g, false).await?,
    }
    Ok(())
}

/// `grant` (`give`) or `revoke`: the role and the group or person must exist.
async fn change(store: &Store, g: GrantArgs, give: bool) -> Result<(), String> {
    let c = client(store, &g.client_id).await?;
    let role = g.role.trim();
    if store.role(&c, role).await.map_err(db)?.is_none() {
        return Err(format!(
            "{c} has no role named {role:?} (see `daemun client role list {c}`)"
        ));
    }
    let (to, person, shown) = match (&g.group, &g.user) {
        (Some(group), _) => {
            let group = group.trim();
            if store.group(group).await.map_err(db)?.is_none() {
                return Err(format!("no group is named {group:?}"));
            }
            let shown = format!("group {group}");
            (Grantee::Group(group.to_owned()), None, shown)
        }
        (None, Some(who)) => {
            let u = find(store, who).await?;
            (Grantee::Person(u.user_id), Some(u.clone()), u.email)
        }
        (None, None) => return Err("give --group NAME or --user WHO".into()),
    };
    let changed = if give {
        let now = SystemClock.now_ms();
        store.grant_role(&c, role, &to, now).await.map_err(db)?
    } else {
        store.revoke_role(&c, role, &to).await.map_err(db)?
    };
    let (event, done, unchanged) = if give {
        ("role.granted", "granted", "already holds")
    } else {
        ("role.revoked", "revoked", "does not hold")
    };
    if !changed {
        return Err(format!("{shown} {unchanged} {role} in {c}"));
    }
    let detail = match &to {
        Grantee::Group(group) => format!("role={role} group={group}"),
        Grantee::Person(_) => format!("role={role}"),
    };
    record_about(store, event, person.as_ref(), Some(&c), &detail).await;
    println!("{c}: {done} {role} for {shown}");
    Ok(())
}

/// The id of an existing application.
async fn client(store: &Store, client_id: &str) -> Result<String, String> {
    match store.client(client_id).await.map_err(db)? {
        Some(c) => Ok(c.client_id),
        None => Err(format!("no client has the id {client_id}")),
    }
}

fn db(e: crate::store::StoreError) -> String {
    e.to_string()
}
