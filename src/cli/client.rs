//! `daemun client add|update|list|show|remove|role|rotate-secret`. Changes are written to the audit log.
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::json;

use super::client_role::{RoleCommand, dispatch as role};
use super::{fail, open_store, record};
use crate::config::Config;
use crate::domain::client::{AuthMethod, Client, joined};
use crate::domain::clock::{Clock, Millis, SystemClock};
use crate::oidc::registration::{self, ClientSpec, register, rotate_secret};
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Register an application; prints its id and (once) its secret.
    Add(AddArgs),
    /// Change an application's settings: only the flags given change.
    ///
    /// A repeatable flag given at all replaces its whole list (an empty value, as in
    /// `--post-logout-redirect-uri ""`, empties it); `--logo-uri ""` and `--home-uri ""` remove
    /// the URL, `--auth-method ""` goes back to both secret methods. Whether an application is public or confidential cannot change (register a new
    /// one instead), and its secret stays as it is (see `rotate-secret`).
    Update(UpdateArgs),
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
    /// An application's roles and who holds them (the `roles` claim).
    #[command(subcommand)]
    Role(RoleCommand),
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
    /// A client without a secret (single-page or native app); PKCE is required. Cannot be
    /// changed later.
    #[arg(long)]
    public: bool,
    #[command(flatten)]
    settings: Settings,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    #[arg(allow_hyphen_values = true)]
    client_id: String,
    /// The name people see on the consent page and in their list of connected apps.
    #[arg(long)]
    name: Option<String>,
    #[command(flatten)]
    settings: Settings,
    /// No longer a first-party application: people are asked for consent.
    #[arg(long, conflicts_with = "first_party")]
    no_first_party: bool,
    /// A confidential client need not use PKCE (a public client always must).
    #[arg(long, conflicts_with = "require_pkce")]
    no_require_pkce: bool,
    /// One-factor logins are enough for the application again.
    #[arg(long, conflicts_with = "require_mfa")]
    no_require_mfa: bool,
    /// Plain authorization requests are accepted again (not only through /par).
    #[arg(long, conflicts_with = "require_par")]
    no_require_par: bool,
    /// Logout tokens need not carry the session id.
    #[arg(long, conflicts_with = "backchannel_logout_session_required")]
    no_backchannel_logout_session_required: bool,
    /// Print the changed client as one JSON object (as `client show --json`).
    #[arg(long)]
    json: bool,
}

/// The settings `client add` sets and `client update` changes.
#[derive(Debug, Default, PartialEq, Args)]
struct Settings {
    /// Where people are sent back with a code; repeat for several (compared exactly).
    #[arg(long = "redirect-uri", value_name = "URI")]
    redirect_uris: Vec<String>,
    /// Where people may be sent after logging out; repeat for several.
    #[arg(long = "post-logout-redirect-uri", value_name = "URI")]
    post_logout_redirect_uris: Vec<String>,
    /// A trusted application of the same organisation: no consent page.
    #[arg(long)]
    first_party: bool,
    /// authorization_code, refresh_token, client_credentials; repeat for several (new client:
    /// authorization_code and refresh_token).
    #[arg(long = "grant-type", value_name = "GRANT")]
    grant_types: Vec<String>,
    /// Scopes the client may ask for; repeat for several (new client: all supported).
    #[arg(long = "scope", value_name = "SCOPE")]
    scopes: Vec<String>,
    /// client_secret_basic, client_secret_post or none (new client, or "": both secret methods,
    /// or none for a public one).
    #[arg(long)]
    auth_method: Option<String>,
    /// Require PKCE from a confidential client too.
    #[arg(long)]
    require_pkce: bool,
    /// Accept only logins with two factors: people without a second factor set one up first,
    /// and a one-factor session goes through the second step.
    #[arg(long)]
    require_mfa: bool,
    /// Accept authorization requests only through /par (pushed authorization requests).
    #[arg(long)]
    require_par: bool,
    /// RS256 (the default, also for "") or ES256.
    #[arg(long, value_name = "ALG")]
    id_token_alg: Option<String>,
    /// The application's logo, an https URL shown on the consent page ("" for none).
    #[arg(long, value_name = "URL")]
    logo_uri: Option<String>,
    /// The application's home page, an https URL ("" for none).
    #[arg(long, value_name = "URL")]
    home_uri: Option<String>,
    /// Where Daemun posts a logout token when a session the application took part in ends
    /// (OpenID Connect Back-Channel Logout; https, or http on localhost; "" for none).
    #[arg(long, value_name = "URI")]
    backchannel_logout_uri: Option<String>,
    /// The application needs the session id (`sid`) in logout tokens.
    #[arg(long)]
    backchannel_logout_session_required: bool,
    /// An API (resource identifier, registered with `daemun resource add`) the application may
    /// ask access tokens for, with its scopes; repeat for several.
    #[arg(long = "resource", value_name = "URI")]
    resources: Vec<String>,
    /// Only members of this group may use the application (repeat for several; "" for
    /// everyone again). People outside them are refused and the application gets
    /// access_denied.
    #[arg(long = "allowed-group", value_name = "NAME")]
    allowed_groups: Vec<String>,
}

impl Settings {
    /// Sets in `spec` what was given on the command line and leaves the rest. A list given at
    /// all replaces the whole list; an empty value in it is dropped, so `--scope ""` alone
    /// empties the list (and so asks for the default). An empty value of an option asks for
    /// its default too: none for the URLs, both secret methods for `--auth-method`.
    fn apply(self, spec: &mut ClientSpec) {
        let lists = [
            (self.redirect_uris, &mut spec.redirect_uris),
            (
                self.post_logout_redirect_uris,
                &mut spec.post_logout_redirect_uris,
            ),
            (self.grant_types, &mut spec.grant_types),
            (self.scopes, &mut spec.scopes),
            (self.resources, &mut spec.resources),
            (self.allowed_groups, &mut spec.allowed_groups),
        ];
        for (given, list) in lists {
            if !given.is_empty() {
                *list = given.into_iter().filter(|v| !v.is_empty()).collect();
            }
        }
        let values = [
            (self.auth_method, &mut spec.auth_method),
            (self.id_token_alg, &mut spec.id_token_alg),
            (self.logo_uri, &mut spec.logo_uri),
            (self.home_uri, &mut spec.home_uri),
            (
                self.backchannel_logout_uri,
                &mut spec.backchannel_logout_uri,
            ),
        ];
        for (given, value) in values {
            if let Some(v) = given {
                *value = Some(v).filter(|v| !v.is_empty());
            }
        }
        spec.first_party |= self.first_party;
        spec.require_pkce |= self.require_pkce;
        spec.require_mfa |= self.require_mfa;
        spec.require_par |= self.require_par;
        spec.backchannel_logout_session_required |= self.backchannel_logout_session_required;
    }
}

pub async fn run(config: Config, cmd: ClientCommand) -> ExitCode {
    let store = match open_store(&config).await {
        Ok(s) => s,
        Err(e) => return fail(format!("database: {e}")),
    };
    let now = SystemClock.now_ms();
    match cmd {
        ClientCommand::Add(a) => {
            let mut spec = ClientSpec {
                name: a.name,
                public: a.public,
                ..ClientSpec::default()
            };
            a.settings.apply(&mut spec);
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
        ClientCommand::Update(u) => update(&store, u, now).await,
        ClientCommand::Role(cmd) => match role(&store, cmd).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(e),
        },
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

/// `client update`: the stored client with the given flags applied, under the rules of
/// registration. A refusal changes nothing.
async fn update(store: &Store, u: UpdateArgs, now: Millis) -> ExitCode {
    let id = u.client_id.as_str();
    let nothing_given = u.name.is_none()
        && u.settings == Settings::default()
        && !u.no_first_party
        && !u.no_require_pkce
        && !u.no_require_mfa
        && !u.no_require_par
        && !u.no_backchannel_logout_session_required;
    if nothing_given {
        return fail(
            "nothing to change: give the flags to change (see `daemun client update --help`)",
        );
    }
    let old = match store.client(id).await {
        Ok(Some(c)) => c,
        Ok(None) => return fail(format!("no client has the id {id}")),
        Err(e) => return fail(e),
    };
    if u.no_require_pkce && old.is_public() {
        return fail(format!("{id} is a public client: it always requires PKCE"));
    }
    let mut spec = ClientSpec::from_row(&old);
    if let Some(name) = u.name {
        spec.name = name;
    }
    u.settings.apply(&mut spec);
    spec.first_party &= !u.no_first_party;
    spec.require_pkce &= !u.no_require_pkce;
    spec.require_mfa &= !u.no_require_mfa;
    spec.require_par &= !u.no_require_par;
    spec.backchannel_logout_session_required &= !u.no_backchannel_logout_session_required;
    let new = match registration::update(store, id, &spec, now).await {
        Ok(Some(c)) => c,
        Ok(None) => return fail(format!("no client has the id {id}")),
        Err(e) => return fail(e),
    };
    let (before, after) = (describe(&old), describe(&new));
    let changed: Vec<&str> = after
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, v)| before.get(k.as_str()) != Some(*v))
        .map(|(k, _)| k.as_str())
        .collect();
    let detail = if changed.is_empty() {
        "unchanged".to_owned()
    } else {
        format!("changed={}", changed.join(","))
    };
    record(store, "client.updated", Some(id), &detail).await;
    if u.json {
        println!("{after}");
    } else if changed.is_empty() {
        println!("{id}: nothing changed");
    } else {
        println!("updated {id}: {}", changed.join(", "));
    }
    ExitCode::SUCCESS
}

/// Everything about a client except its secret hash.
fn describe(c: &Client) -> serde_json::Value {
    json!({
        "client_id": c.client_id,
        "client_name": c.name,
        "redirect_uris": c.redirect_uris,
        "post_logout_redirect_uris": c.post_logout_redirect_uris,
        "grant_types": c.grant_types.iter().map(|g| g.as_str()).collect::<Vec<_>>(),
        "scope": c.scopes.to_string(),
        "token_endpoint_auth_method": joined(&c.auth_methods, AuthMethod::as_str),
        "public": c.is_public(),
        "require_pkce": c.require_pkce,
        "first_party": c.first_party,
        "require_mfa": c.require_mfa,
        "require_pushed_authorization_requests": c.require_par,
        "backchannel_logout_uri": c.backchannel_logout_uri,
        "backchannel_logout_session_required": c.backchannel_logout_session_required,
        "id_token_signed_response_alg": c.id_token_alg,
        "logo_uri": c.logo_uri,
        "client_uri": c.home_uri,
        "resources": c.resources,
        "allowed_groups": c.allowed_groups,
        "created_at": c.created_at / 1000,
    })
}
