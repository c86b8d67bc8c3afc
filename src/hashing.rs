//! argon2id on a bounded blocking pool: at most N hashes at once, off the async runtime, and
//! at most M requests waiting for a slot. Beyond that a request is refused at once (the page
//! answers `503` with `Retry-After`), so a login flood cannot pile up an endless queue and the
//! protocol endpoints, which never hash, keep answering.
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use tokio::sync::{Semaphore, TryAcquireError};

use crate::domain::password::{self, HashError, HashParams, Password, Verified};

#[derive(Clone)]
pub struct Hasher {
    params: HashParams,
    permits: Arc<Semaphore>,
    slots: usize,
    max_waiting: usize,
    counters: Arc<Counters>,
    /// A hash of a random password, verified for unknown users so they take as long.
    dummy: Arc<String>,
}

/// What the pool has done since start (exported as metrics).
#[derive(Default)]
struct Counters {
    waiting: AtomicUsize,
    verifications: AtomicU64,
    hashes: AtomicU64,
    refused: AtomicU64,
}

/// A snapshot of the pool's counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HasherStats {
    /// Password verifications run, against real or dummy hashes.
    pub verifications: u64,
    /// New hashes computed (sign-up, password change, rehash).
    pub hashes: u64,
    /// Requests refused because the queue was full.
    pub refused: u64,
    /// Requests waiting for a slot right now.
    pub waiting: usize,
}

/// Takes one place in the queue and gives it back when dropped.
struct InQueue<'a>(&'a AtomicUsize);

impl Drop for InQueue<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Hasher {
    /// `concurrency` 0 means the number of cores; `queue` 0 means 8 waiting per slot.
    pub fn new(params: HashParams, concurrency: usize, queue: usize) -> Result<Self, HashError> {
        let slots = if concurrency == 0 {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        } else {
            concurrency
        };
        let max_waiting = if queue == 0 { 8 * slots } else { queue };
        let dummy = password::hash(&Password::new(crate::domain::secret::random_id()), params)?;
        Ok(Self {
            params,
            permits: Arc::new(Semaphore::new(slots)),
            slots,
            max_waiting,
            counters: Arc::new(Counters::default()),
            dummy: Arc::new(dummy),
        })
    }

    pub fn params(&self) -> HashParams {
        self.params
    }

    /// Hashing slots and the most requests that may wait for one.
    pub fn capacity(&self) -> (usize, usize) {
        (self.slots, self.max_waiting)
    }

    pub fn stats(&self) -> HasherStats {
        let c = &self.counters;
        HasherStats {
            verifications: c.verifications.load(Ordering::Relaxed),
            hashes: c.hashes.load(Ordering::Relaxed),
            refused: c.refused.load(Ordering::Relaxed),
            waiting: c.waiting.load(Ordering::Relaxed),
        }
    }

    pub async fn hash(&self, pw: Password) -> Result<String, HashError> {
        let params = self.params;
        let out = self.run(move || password::hash(&pw, params)).await?;
        self.counters.hashes.fetch_add(1, Ordering::Relaxed);
        out
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
        self.counters.verifications.fetch_add(1, Ordering::Relaxed);
        Ok(if real { verdict } else { Verified::No })
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let _permit = match self.permits.try_acquire() {
            Ok(p) => p,
            Err(TryAcquireError::Closed) => return Err(HashError::new("hasher closed")),
            Err(TryAcquireError::NoPermits) => {
                let waiting = &self.counters.waiting;
                let ahead = waiting.fetch_add(1, Ordering::SeqCst);
                let _place = InQueue(waiting);
                if ahead >= self.max_waiting {
                    self.counters.refused.fetch_add(1, Ordering::Relaxed);
                    return Err(HashError::busy());
                }
                self.permits
                    .acquire()
                    .await
                    .map_err(|_| HashError::new("hasher closed"))?
            }
        };
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| HashError::new(&e.to_string()))
    }
}
