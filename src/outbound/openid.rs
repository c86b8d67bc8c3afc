//! The relying-party side of OpenID Connect toward upstream providers: openidconnect's
//! `AsyncHttpClient` over the outbound client, and provider metadata (discovery document and
//! JWKS) kept per issuer for a few minutes.
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use openidconnect::core::CoreProviderMetadata;
use openidconnect::http;
use openidconnect::{AsyncHttpClient, HttpRequest, HttpResponse, IssuerUrl};

use super::client::{Http, HttpError};

/// How long a provider's discovery document and keys are reused.
const METADATA_TTL: Duration = Duration::from_secs(300);

impl<'c> AsyncHttpClient<'c> for Http {
    type Error = HttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

/// Upstream providers' metadata by issuer, shared by every request of this node.
pub struct Upstreams {
    pub http: Http,
    cache: Mutex<HashMap<String, (Instant, CoreProviderMetadata)>>,
}

impl Upstreams {
    /// `http` calls providers; they are configured by the operator, so private addresses are
    /// allowed (`Http::new(.., false)`).
    pub fn new(http: Http) -> Self {
        Self {
            http,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The provider's metadata and keys: from the cache when fresh, else from its discovery
    /// document (which also fetches the JWKS).
    pub async fn metadata(&self, issuer: &str) -> Result<CoreProviderMetadata, HttpError> {
        if let Some(hit) = self.cached(issuer) {
            return Ok(hit);
        }
        let url =
            IssuerUrl::new(issuer.to_owned()).map_err(|e| HttpError::Request(e.to_string()))?;
        let found = CoreProviderMetadata::discover_async(url, &self.http)
            .await
            .map_err(|e| HttpError::Request(format!("discovery of {issuer} failed: {e}")))?;
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(issuer.to_owned(), (Instant::now(), found.clone()));
        }
        Ok(found)
    }

    /// Drops the cached metadata of `issuer` (its keys may have rotated): the next login reads
    /// them again.
    pub fn forget(&self, issuer: &str) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.remove(issuer);
        }
    }

    /// The provider's UserInfo answer (OIDC Core §5.3) for `access_token`, as a JSON object.
    /// Only a plain JSON answer is read; a signed or encrypted one is refused.
    pub async fn userinfo(
        &self,
        endpoint: &str,
        access_token: &str,
    ) -> Result<serde_json::Map<String, serde_json::Value>, HttpError> {
        let request = http::Request::get(endpoint)
            .header(
                http::header::AUTHORIZATION,
                format!("Bearer {access_token}"),
            )
            .header(http::header::ACCEPT, "application/json")
            .body(Vec::new())
            .map_err(|e| HttpError::Request(e.to_string()))?;
        let answer = self.http.send(request).await?;
        if answer.status() != http::StatusCode::OK {
            return Err(HttpError::Request(format!(
                "UserInfo answered {}",
                answer.status()
            )));
        }
        let json = answer
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json {
            return Err(HttpError::Request(
                "UserInfo answered something other than JSON".into(),
            ));
        }
        serde_json::from_slice(answer.body())
            .map_err(|e| HttpError::Request(format!("UserInfo answer: {e}")))
    }

    fn cached(&self, issuer: &str) -> Option<CoreProviderMetadata> {
        let cache = self.cache.lock().ok()?;
        let (at, m) = cache.get(issuer)?;
        (at.elapsed() < METADATA_TTL).then(|| m.clone())
    }
}
