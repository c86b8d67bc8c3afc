//! argon2id on a bounded blocking pool: at most N hashes at once, off the async runtime, so
//! a burst of logins queues instead of starving every other request.
use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::domain::password::{self, HashError, HashParams, Password, Verified};

#[derive(Clone)]
pub struct Hasher {
    params: HashParams,
    permits: Arc<Semaphore>,
    /// A hash of a random password, verified for unknown users so they take as long.
    dummy: Arc<String>,
}

impl Hasher {
    pub fn new(params: HashParams, concurrency: usize) -> Result<Self, HashError> {
        let concurrency = if concurrency == 0 {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        } else {
            concurrency
        };
        let dummy = password::hash(&Password::new(crate::domain::secret::random_id()), params)?;
        Ok(Self {
            params,
            permits: Arc::new(Semaphore::new(concurrency)),
            dummy: Arc::new(dummy),
        })
    }

    pub fn params(&self) -> HashParams {
        self.params
    }

    pub async fn hash(&self, pw: Password) -> Result<String, HashError> {
        let params = self.params;
        self.run(move || password::hash(&pw, params)).await?
    }

    /// Verifies against `phc`, or against the dummy hash when there is no account, so both
    /// cases cost the same. `None` as hash always gives [`Verified::No`].
    pub async fn verify(&self, pw: Password, phc: Option<String>) -> Result<Verified, HashError> {
        let params = self.params;
        let (target, real) = match phc {
            Some(h) => (h, true),
            None => (self.dummy.as_ref().clone(), false),
        };
        let verdict = self
            .run(move || password::verify(&pw, &target, params))
            .await?;
        Ok(if real { verdict } else { Verified::No })
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| HashError::new("hasher closed"))?;
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| HashError::new(&e.to_string()))
    }
}
