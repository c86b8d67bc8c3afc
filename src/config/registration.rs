//! `[registration]`: who may register an application at `/register`.
use serde::Deserialize;

/// Dynamic client registration (RFC 7591) at `/register`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RegistrationConfig {
    pub mode: RegistrationMode,
}

/// Who may register an application through `/register`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationMode {
    /// Nobody: the endpoint is not there (applications are registered by operators).
    #[default]
    Off,
    /// Holders of an initial access token (`daemun registration-token create`).
    InitialToken,
    /// Anyone, for public clients only (no secret, `none` authentication) whose redirect
    /// URIs are https or on the loopback host.
    Open,
}
