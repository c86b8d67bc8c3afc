//! `daemun client add|list|show|remove|rotate-secret`. Changes are written to the audit log.
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::json;

use super::{fail, open_store, record};
use crate::config::Config;
use crate::domain::clock::{Clock, SystemClock};
use crate::oidc::registration::{ClientSpec, register, rotate_secret};
use crate::store::clients::ClientRow;

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Register an application; prints its id and (once) its secret.
    Add(AddArgs),
    /// List registered applications.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one application.
    Show {
        #[arg(allow_hyphen_values = true)]
        client_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Remove an application.
    Remove {
        #[arg(allow_hyphen_values = true)]
        client_id: String,
    },
    /// Replace the secret of a confidential application (the old one stops working at once).
    RotateSecret {
        #[arg(allow_hyphen_values = true)]
        client_id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long)]
    name: String,
    /// Where people are sent back with a code; repeat for several (compared exactly).
    #[arg(long = "redirect-uri")]
    redirect_uris: Vec<String>,
    /// Where people may be sent after logging out; repeat for several.
    #[arg(long = "post-logout-redirect-uri")]
    post_logout_redirect_uris: Vec<String>,
    /// A client without a secret (single-page or native app); PKCE is required.
    #[arg(long)]
    public: bool,
    /// A trusted application of the same organisation: no consent page.
    #[arg(long)]
    first_party: bool,
    /// authorization_code, refresh_token, client_credentials; repeat for several.
    #[arg(long = "grant-type")]
    grant_types: Vec<String>,
    /// Scopes the client may ask for; repeat for several (default: all supported).
    #[arg(long = "scope")]
    scopes: Vec<String>,
    /// client_secret_basic, client_secret_post or none (default: both secret methods).
    #[arg(long)]
    auth_method: Option<String>,
    /// Require PKCE from a confidential client too.
    #[arg(long)]
    require_pkce: bool,
    /// RS256 (default) or ES256.
    #[arg(long)]
    id_token_alg: Option<String>,
    #[arg(long)]
    logo_uri: Option<String>,
    #[arg(long)]
    home_uri: Option<String>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

pub async fn run(config: Config, cmd: ClientCommand) -> ExitCode {
    let store = match open_store(&config).await {
        Ok(s) => s,
        Err(e) => return fail(format!("database: {e}")),
    };
    let now = SystemClock.now_ms();
    match cmd {
        ClientCommand::Add(a) => {
            let spec = ClientSpec {
                name: a.name,
                redirect_uris: a.redirect_uris,
                post_logout_redirect_uris: a.post_logout_redirect_uris,
                public: a.public,
                first_party: a.first_party,
                grant_types: a.grant_types,
                scopes: a.scopes,
                auth_method: a.auth_method,
                require_pkce: a.require_pkce,
                id_token_alg: a.id_token_alg,
                logo_uri: a.logo_uri,
                home_uri: a.home_uri,
            };
            match register(&store, &spec, now).await {
                Ok(r) => {
                    let kind = if r.client.is_public() {
                        "public"
                    } else {
                        "confidential"
                    };
                    let detail = format!("name={} {kind}", r.client.name);
                    record(&store, "client.added", Some(&r.client.client_id), &detail).await;
                    if a.json {
                        let mut v = describe(&r.client);
                        v["client_secret"] = json!(r.secret);
                        println!("{v}");
                    } else {
                        println!("client_id:     {}", r.client.client_id);
                        match &r.secret {
                            Some(s) => println!("client_secret: {s}\n(shown once: store it now)"),
                            None => println!("public client: no secret; PKCE (S256) is required"),
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        ClientCommand::List { json } => match store.clients().await {
            Ok(list) if json => {
                println!(
                    "{}",
                    serde_json::Value::Array(list.iter().map(describe).collect())
                );
                ExitCode::SUCCESS
            }
            Ok(list) => {
                for c in &list {
                    let kind = if c.is_public() {
                        "public"
                    } else {
                        "confidential"
                    };
                    println!("{}  {}  ({kind})", c.client_id, c.name);
                }
                if list.is_empty() {
                    println!("no clients; add one with `daemun client add`");
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        ClientCommand::Show { client_id, json } => match store.client(&client_id).await {
            Ok(Some(c)) => {
                let v = describe(&c);
                if json {
                    println!("{v}");
                } else {
                    println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
                }
                ExitCode::SUCCESS
            }
            Ok(None) => fail(format!("no client has the id {client_id}")),
            Err(e) => fail(e),
        },
        ClientCommand::Remove { client_id } => match store.delete_client(&client_id).await {
            Ok(true) => {
                record(&store, "client.removed", Some(&client_id), "").await;
                println!("removed {client_id}");
                ExitCode::SUCCESS
            }
            Ok(false) => fail(format!("no client has the id {client_id}")),
            Err(e) => fail(e),
        },
        ClientCommand::RotateSecret { client_id, json } => {
            match rotate_secret(&store, &client_id, now).await {
                Ok(Some(secret)) => {
                    record(&store, "client.secret_rotated", Some(&client_id), "").await;
                    if json {
                        println!(
                            "{}",
                            json!({ "client_id": client_id, "client_secret": secret })
                        );
                    } else {
                        println!("client_secret: {secret}\n(shown once: store it now)");
                    }
                    ExitCode::SUCCESS
                }
                Ok(None) => fail(format!("{client_id} is not a confidential client")),
                Err(e) => fail(e),
            }
        }
    }
}

/// Everything about a client except its secret hash.
fn describe(c: &ClientRow) -> serde_json::Value {
    json!({
        "client_id": c.client_id,
        "client_name": c.name,
        "redirect_uris": c.redirect_uri_list(),
        "post_logout_redirect_uris": c.post_logout_uri_list(),
        "grant_types": c.grant_types.split(' ').collect::<Vec<_>>(),
        "scope": c.scopes,
        "token_endpoint_auth_method": c.token_endpoint_auth_method,
        "public": c.is_public(),
        "require_pkce": c.require_pkce,
        "first_party": c.first_party,
        "id_token_signed_response_alg": c.id_token_alg,
        "logo_uri": c.logo_uri,
        "client_uri": c.home_uri,
        "created_at": c.created_at / 1000,
    })
}
