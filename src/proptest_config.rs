//! The settings every property test runs with: a fixed case count and a fixed seed, so a CI
//! run is bounded and reproducible. `PROPTEST_CASES` and `PROPTEST_RNG_SEED` override them for
//! a longer or different run; failures are kept under `proptest-regressions/` and replayed first.
use proptest::test_runner::{Config, RngSeed};

/// The seed used unless `PROPTEST_RNG_SEED` names another.
pub const SEED: u64 = 0x00da_e3d0;

/// `cases` cases (or `PROPTEST_CASES`), seeded with [`SEED`] (or `PROPTEST_RNG_SEED`).
pub fn config(cases: u32) -> Config {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    Config {
        cases: env("PROPTEST_CASES").map_or(cases, |n| u32::try_from(n).unwrap_or(u32::MAX)),
        rng_seed: RngSeed::Fixed(env("PROPTEST_RNG_SEED").unwrap_or(SEED)),
        ..Config::default()
    }
}
