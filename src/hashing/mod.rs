//! argon2id on a bounded blocking pool: at most N hashes at once, off the async runtime, and
//! at most M requests waiting for a slot. Beyond that a request is refused at once (the page
//! answers `503` with `Retry-After`), so a login flood cannot pile up an endless queue and the
//! protocol endpoints, which never hash, keep answering.
//!
//! Hashes imported from other systems ([`foreign`]) are verified on the same slots, and a
//! match always asks for a rehash to argon2id.
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::{Semaphore, TryAcquireError};

use crate::domain::password::{self, HashError, HashParams, Password, Verified};

pub mod foreign;

#[derive(Clone)]
pub struct Hasher {
    params: HashParams,
    permits: Arc<Semaphore>,
    slots: usize,
    max_waiting: usize,
    counters: Arc<Counters>,
    /// A hash no password matches, verified for unknown users so they take as long.
    dummy: Arc<String>,
    /// argon2's working memory, one per slot, reused by every hash (at most `slots` kept).
    memories: Arc<Mutex<Vec<password::Memory>>>,
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
        let dummy = password::unmatchable(params)?;
        Ok(Self {
            params,
            permits: Arc::new(Semaphore::new(slots)),
            slots,
            max_waiting,
            counters: Arc::new(Counters::default()),
            dummy: Arc::new(dummy),
            memories: Arc::new(Mutex::new(Vec::new())),
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
        let out = self
            .run_in_memory(move |memory| password::hash_with(&pw, params, memory))
            .await?;
        self.counters.hashes.fetch_add(1, Ordering::Relaxed);
        out
    }

    /// Verifies against `phc`, or against the dummy hash when there is no account, so both
    /// cases cost the same. `None` as hash always gives [`Verified::No`], and so does a
    /// foreign unusable password, at the same cost. A foreign hash that matches gives
    /// [`Verified::YesRehash`].
    pub async fn verify(&self, pw: Password, phc: Option<String>) -> Result<Verified, HashError> {
        let params = self.params;
        let (target, real) = match phc {
            Some(h) => match foreign::kind(&h) {
                None => (h, true),
                Some(foreign::Kind::Unusable) => (self.dummy.as_ref().clone(), false),
                Some(_) => return self.verify_foreign(pw, h).await,
            },
            None => (self.dummy.as_ref().clone(), false),
        };
        let verdict = self
            .run_in_memory(move |memory| password::verify_with(&pw, &target, params, memory))
            .await?;
        self.counters.verifications.fetch_add(1, Ordering::Relaxed);
        Ok(if real { verdict } else { Verified::No })
    }

    /// A foreign hash, verified on a slot like any other.
    async fn verify_foreign(&self, pw: Password, stored: String) -> Result<Verified, HashError> {
        let matched = self.run(move || foreign::verify(&pw, &stored)).await?;
        self.counters.verifications.fetch_add(1, Ordering::Relaxed);
        Ok(if matched {
            Verified::YesRehash
        } else {
            Verified::No
        })
    }

    /// Runs `f` on a hashing slot with one of the kept working memories (or a new one), and
    /// keeps that memory for the next hash.
    async fn run_in_memory<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut password::Memory) -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let (memories, slots) = (Arc::clone(&self.memories), self.slots);
        let limit = usize::try_from(self.params.memory_kib).unwrap_or(0);
        self.run(move || {
            let taken = memories.lock().ok().and_then(|mut m| m.pop());
            let mut memory = taken.unwrap_or_default();
            let out = f(&mut memory);
            // A request abandoned while hashing frees its slot early, so more than `slots`
            // memories can exist for a moment: only `slots` are kept, and none larger than
            // the current parameters need (an old hash may name a larger `m`).
            if memory.kib() <= limit
                && let Ok(mut m) = memories.lock()
                && m.len() < slots
            {
                m.push(memory);
            }
            out
        })
        .await
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_and_verifications_reuse_one_memory_per_slot() {
        let params = HashParams {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
        };
        let hasher = Hasher::new(params, 1, 4).unwrap();
        let pw = Password::new("correct-Horse-battery-9");
        let phc = hasher.hash(pw.clone()).await.unwrap();
        assert_eq!(
            hasher.memories.lock().unwrap().len(),
            1,
            "a new hash keeps its memory"
        );
        for _ in 0..3 {
            let ok = hasher.verify(pw.clone(), Some(phc.clone())).await.unwrap();
            assert_eq!(ok, Verified::Yes);
            let wrong = Password::new("correct-Horse-battery-8");
            let no = hasher.verify(wrong, Some(phc.clone())).await.unwrap();
            assert_eq!(no, Verified::No);
            assert_eq!(hasher.memories.lock().unwrap().len(), 1);
        }
        // A hash with a larger `m` than the current parameters is verified, not kept.
        let large = HashParams {
            memory_kib: 4096,
            ..params
        };
        let old = password::hash(&pw, large).unwrap();
        assert_eq!(
            hasher.verify(pw.clone(), Some(old)).await.unwrap(),
            Verified::Yes
        );
        let kept = hasher.memories.lock().unwrap();
        assert!(kept.len() <= 1 && kept.iter().all(|m| m.kib() <= 1024));
        assert_eq!(hasher.stats().verifications, 7);
    }

    #[tokio::test]
    async fn a_matching_foreign_hash_asks_for_a_rehash() {
        let params = HashParams {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
        };
        let hasher = Hasher::new(params, 1, 4).unwrap();
        // Django 5.2's `make_password("correct horse battery staple")` with 1,000 iterations.
        let django = "pbkdf2_sha256$1000$nSoEghLu7pUS39cD4Q9kpv$\
                      /wqZ1l2S0KwLMh1Qm4YQ4kJAGWZhcs60ebFwS0MFycQ=";
        let pw = Password::new("correct horse battery staple");
        let verdict = hasher.verify(pw.clone(), Some(django.to_owned())).await;
        assert_eq!(verdict.unwrap(), Verified::YesRehash);
        let wrong = Password::new("correct horse battery stapler");
        let verdict = hasher.verify(wrong, Some(django.to_owned())).await;
        assert_eq!(verdict.unwrap(), Verified::No);
        // An unusable password costs a dummy verification and never matches.
        let unusable = "!lYXG4U5IRTkfZrzUPcLdamwuzFBPi7V5N1SyjCIx".to_owned();
        let verdict = hasher.verify(pw.clone(), Some(unusable)).await;
        assert_eq!(verdict.unwrap(), Verified::No);
        // The rehash is Daemun's own argon2id, which is not foreign.
        let fresh = hasher.hash(pw.clone()).await.unwrap();
        assert_eq!(foreign::kind(&fresh), None);
        assert_eq!(hasher.verify(pw, Some(fresh)).await.unwrap(), Verified::Yes);
        assert_eq!(hasher.stats().verifications, 4);
    }
}
