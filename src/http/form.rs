//! Form bodies with a friendly rejection: malformed input is a 400 page, never a 500.
use axum::Form;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use super::error::PageError;

#[derive(Debug, Clone)]
pub struct PageForm<T>(pub T);

impl<T, S> FromRequest<S> for PageForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Form::<T>::from_request(req, state).await {
            Ok(Form(v)) => Ok(PageForm(v)),
            Err(e) => {
                tracing::info!(error = %e, "malformed form");
                Err(PageError::bad_request())
            }
        }
    }
}
