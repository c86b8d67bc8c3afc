//! `daemun resource add|list|remove`: the APIs (resource servers) access tokens can be issued
//! for (RFC 8707). An application may ask tokens for a resource once it is given it with
//! `daemun client add|update --resource URI`.
use std::process::ExitCode;

use clap::Subcommand;
use serde_json::json;

use super::{fail, open_store, record};
use crate::config::Config;
use crate::domain::clock::{Clock, SystemClock, format_utc};
use crate::domain::resource::{Resource, ResourceSpec};
use crate::store::resources::Removal;

#[derive(Debug, Subcommand)]
pub enum ResourceCommand {
    /// Register an API: its identifier (an absolute URI, e.g. https://api.example.com), the
    /// scopes it defines, and how its access tokens look.
    Add {
        /// The resource identifier, as applications send it in `resource` and as the API
        /// checks it in `aud`.
        #[arg(allow_hyphen_values = true)]
        resource: String,
        /// The name people see on the consent page.
        #[arg(long)]
        name: String,
        /// A scope the API defines (not openid, profile, email or offline_access); repeat for
        /// several.
        #[arg(long = "scope", value_name = "SCOPE")]
        scopes: Vec<String>,
        /// How its JWT access tokens are signed: RS256 (the default) or ES256.
        #[arg(long, value_name = "ALG")]
        alg: Option<String>,
        /// Issue opaque access tokens the API checks at /introspect, instead of JWTs
        /// (RFC 9068) it checks itself.
        #[arg(long)]
        opaque: bool,
        #[arg(long)]
        json: bool,
    },
    /// List the registered APIs.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Remove an API no application names any more.
    Remove {
        #[arg(allow_hyphen_values = true)]
        resource: String,
    },
}

fn describe(r: &Resource) -> serde_json::Value {
    json!({
        "resource": r.resource_id,
        "name": r.name,
        "scope": r.scopes.to_string(),
        "alg": r.alg,
        "access_token_format": if r.jwt { "jwt" } else { "opaque" },
        "created_at": r.created_at / 1000,
    })
}

pub async fn run(config: Config, cmd: ResourceCommand) -> ExitCode {
    let store = match open_store(&config).await {
        Ok(s) => s,
        Err(e) => return fail(format!("database: {e}")),
    };
    let now = SystemClock.now_ms();
    match cmd {
        ResourceCommand::Add {
            resource,
            name,
            scopes,
            alg,
            opaque,
            json,
        } => {
            let spec = ResourceSpec {
                resource_id: resource,
                name,
                scopes,
                alg,
                opaque,
            };
            let r = match Resource::new(&spec, now) {
                Ok(r) => r,
                Err(e) => return fail(e),
            };
            if let Ok(Some(_)) = store.resource(&r.resource_id).await {
                return fail(format!("{} is already registered", r.resource_id));
            }
            if let Err(e) = store.insert_resource(&r).await {
                return fail(e);
            }
            let detail = format!("resource={} scope={}", r.resource_id, r.scopes);
            record(&store, "resource.added", None, &detail).await;
            if json {
                println!("{}", describe(&r));
            } else {
                println!("registered {}", r.resource_id);
            }
            ExitCode::SUCCESS
        }
        ResourceCommand::List { json } => match store.resources().await {
            Ok(all) if json => {
                let list: Vec<_> = all.iter().map(describe).collect();
                println!("{}", serde_json::Value::from(list));
                ExitCode::SUCCESS
            }
            Ok(all) => {
                for r in all {
                    let format = if r.jwt { "jwt" } else { "opaque" };
                    println!(
                        "{}  {}  scope={}  {format} {}  created {}",
                        r.resource_id,
                        r.name,
                        r.scopes,
                        r.alg,
                        format_utc(r.created_at)
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        ResourceCommand::Remove { resource } => match store.remove_resource(&resource).await {
            Ok(Removal::Removed) => {
                record(
                    &store,
                    "resource.removed",
                    None,
                    &format!("resource={resource}"),
                )
                .await;
                println!("removed {resource}");
                ExitCode::SUCCESS
            }
            Ok(Removal::NotFound) => fail(format!("no resource is registered as {resource}")),
            Ok(Removal::InUse(clients)) => fail(format!(
                "{resource} is still given to {}: remove it from them first \
                 (daemun client update ID --resource …)",
                clients.join(", ")
            )),
            Err(e) => fail(e),
        },
    }
}
