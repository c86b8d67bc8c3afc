//! The per-account login lock-out's rule: after `threshold` counted attempts each further
//! attempt must wait exponentially longer (`base`, 2·`base`, 4·`base`, … up to `max`). The
//! store counts the attempts (`store::login_guard`); this is only the arithmetic.
use super::clock::Millis;

/// How the lock-out behaves (`[limits]` in the configuration).
#[derive(Debug, Clone, Copy)]
pub struct LockoutPolicy {
    /// Attempts allowed before the first wait; 0 turns the lock-out off.
    pub threshold: i64,
    pub base_ms: Millis,
    pub max_ms: Millis,
    /// Quiet time after which the failures are forgotten.
    pub forget_ms: Millis,
}

impl LockoutPolicy {
    /// Doublings of `base_ms` after which the wait is `max_ms` (keeps the shift in range).
    pub fn shift_cap(&self) -> i64 {
        let mut k = 0;
        while k < 40 && self.base_ms.saturating_mul(1 << k) < self.max_ms {
            k += 1;
        }
        k
    }

    /// The wait after the `failures`-th counted attempt (0 below the threshold).
    pub fn wait_after(&self, failures: i64) -> Millis {
        if self.threshold <= 0 || failures < self.threshold {
            return 0;
        }
        let k = failures - self.threshold;
        if k >= self.shift_cap() {
            self.max_ms
        } else {
            (self.base_ms << k).min(self.max_ms)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::LockoutPolicy;

    #[test]
    fn waits_double_from_the_threshold_up_to_the_cap() {
        let p = LockoutPolicy {
            threshold: 5,
            base_ms: 1000,
            max_ms: 10_000,
            forget_ms: 86_400_000,
        };
        let waits: Vec<i64> = (1..=10).map(|f| p.wait_after(f)).collect();
        assert_eq!(waits, [0, 0, 0, 0, 1000, 2000, 4000, 8000, 10_000, 10_000]);
        assert_eq!(p.wait_after(1_000_000), 10_000);
    }
}
