//! Daemun and another OpenID provider under the same load: every run goes to Daemun, then at
//! once to the other provider, so both see the same machine (the same background load, the
//! same thermal state); then one table and, on request, one chart of both.
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::flow::{Ctx, Res};
use crate::{Outcome, chart, print_outcome, run_one, settle};

/// What to run.
pub struct Plan {
    pub scenarios: Vec<String>,
    pub levels: Vec<usize>,
    pub duration: Duration,
    pub max_ops: u64,
    pub peer_name: String,
    pub chart: Option<PathBuf>,
}

/// The same run on both providers.
pub struct Pair {
    pub daemun: Outcome,
    pub peer: Outcome,
}

pub async fn side_by_side(daemun: &Arc<Ctx>, peer: &Arc<Ctx>, plan: &Plan) -> Res<()> {
    let width = plan.peer_name.len().max("Daemun".len()) + 2;
    let mut pairs = Vec::new();
    for scenario in &plan.scenarios {
        for &c in &plan.levels {
            let d = run_one(daemun, scenario, c, plan.duration, plan.max_ops)
                .await
                .map_err(|e| format!("Daemun, {scenario}: {e}"))?;
            print_outcome(&format!("{:<width$}", "Daemun"), &d);
            settle().await;
            let p = run_one(peer, scenario, c, plan.duration, plan.max_ops)
                .await
                .map_err(|e| format!("{}, {scenario}: {e}", plan.peer_name))?;
            print_outcome(&format!("{:<width$}", plan.peer_name), &p);
            settle().await;
            pairs.push(Pair { daemun: d, peer: p });
        }
    }
    println!();
    print!("{}", table(&plan.peer_name, &pairs));
    if let Some(path) = &plan.chart {
        chart::write(path, &plan.peer_name, &pairs)?;
        println!("\nchart: {}", path.display());
    }
    Ok(())
}

/// The Markdown table of `pairs`: a row per run, both providers' throughput and latency.
pub fn table(peer: &str, pairs: &[Pair]) -> String {
    let mut out = format!(
        "| scenario | workers | Daemun ops/s | {peer} ops/s | Daemun ÷ {peer} | Daemun p50 / p99 ms | {peer} p50 / p99 ms | errors (Daemun / {peer}) |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|\n"
    );
    for Pair { daemun: d, peer: p } in pairs {
        let ratio = if p.rate() > 0.0 {
            format!("{}×", chart::ratio(d.rate(), p.rate()))
        } else {
            "—".to_owned()
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {ratio} | {} | {} | {} / {} |\n",
            d.scenario,
            d.concurrency,
            thousands(d.rate()),
            thousands(p.rate()),
            latency(d),
            latency(p),
            d.errors,
            p.errors,
        ));
    }
    out
}

/// `p50 / p99` in milliseconds, with fewer decimals as they grow.
fn latency(o: &Outcome) -> String {
    let ms = |v: f64| match v {
        v if v.is_nan() => "—".to_owned(),
        v if v >= 100.0 => format!("{v:.0}"),
        v if v >= 10.0 => format!("{v:.1}"),
        v => format!("{v:.2}"),
    };
    format!("{} / {}", ms(o.pct_ms(50.0)), ms(o.pct_ms(99.0)))
}

/// 24093.4 → "24,093".
fn thousands(v: f64) -> String {
    let digits = format!("{:.0}", v.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(ok: u64, errors: u64, samples: Vec<u32>) -> Outcome {
        Outcome {
            scenario: "refresh".into(),
            concurrency: 16,
            ok,
            errors,
            first_error: None,
            elapsed: Duration::from_secs(2),
            samples,
        }
    }

    #[test]
    fn a_row_per_run_with_both_providers() {
        let pairs = [Pair {
            daemun: outcome(4_000, 0, vec![900, 1_500, 12_345]),
            peer: outcome(1_000, 3, vec![150_000, 250_000]),
        }];
        let t = table("node-oidc-provider", &pairs);
        let rows: Vec<&str> = t.lines().collect();
        assert_eq!(rows.len(), 3);
        assert!(
            rows[0].starts_with("| scenario | workers | Daemun ops/s | node-oidc-provider ops/s |")
        );
        assert_eq!(
            rows[2],
            "| refresh | 16 | 2,000 | 500 | 4.0× | 1.50 / 12.3 | 250 / 250 | 0 / 3 |"
        );
    }

    #[test]
    fn a_provider_that_did_nothing_has_no_ratio() {
        let pairs = [Pair {
            daemun: outcome(10, 0, vec![1_000]),
            peer: outcome(0, 5, vec![]),
        }];
        let t = table("peer", &pairs);
        assert!(t.contains("| — | 1.00 / 1.00 | — / — | 0 / 5 |"), "{t}");
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(thousands(0.4), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(24_093.4), "24,093");
        assert_eq!(thousands(1_234_567.0), "1,234,567");
    }
}
