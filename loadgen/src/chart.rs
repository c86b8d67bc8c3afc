//! The side-by-side result as an SVG bar chart: one group per run (scenario and concurrency),
//! a bar for each provider, operations per second on a log scale (discovery answers in the tens
//! of thousands per second, a password login in the tens), each bar labelled with its value
//! and each group with how many times faster Daemun was.
use std::path::Path;

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::flow::Res;
use crate::peer::Pair;

const DAEMUN: RGBColor = RGBColor(0x1f, 0x5f, 0xa8);
const PEER: RGBColor = RGBColor(0xd9, 0x7a, 0x16);
const FONT: &str = "sans-serif";

/// Writes the chart of `pairs` to `path`.
pub fn write(path: &Path, peer_name: &str, pairs: &[Pair]) -> Res<()> {
    let svg = render(peer_name, pairs)?;
    std::fs::write(path, svg).map_err(|e| format!("{}: {e}", path.display()))
}

/// 1.2k, 35k, 850, 1M: short enough to sit on a bar.
pub fn short(v: f64) -> String {
    let s = if v >= 999_500.0 {
        format!("{:.1}M", v / 1_000_000.0)
    } else if v >= 9_999.5 {
        format!("{:.0}k", v / 1000.0)
    } else if v >= 999.5 {
        format!("{:.1}k", v / 1000.0)
    } else if v >= 9.95 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    };
    s.replace(".0", "")
}

/// The chart of `pairs` as an SVG document.
pub fn render(peer_name: &str, pairs: &[Pair]) -> Res<String> {
    if pairs.is_empty() {
        return Err("nothing to draw".into());
    }
    let rates: Vec<(f64, f64)> = pairs
        .iter()
        .map(|p| (p.daemun.rate(), p.peer.rate()))
        .collect();
    let top = rates.iter().map(|&(d, p)| d.max(p)).fold(1.0, f64::max);
    let bottom = rates
        .iter()
        .flat_map(|&(d, p)| [d, p])
        .filter(|&v| v > 0.0)
        .fold(top, f64::min);
    // Whole decades, with room above the tallest bar for its label.
    let lo = 10f64.powf(bottom.log10().floor()).min(10.0);
    let hi = 10f64.powf((top * 3.0).log10().ceil());
    let one_level = pairs
        .iter()
        .all(|p| p.daemun.concurrency == pairs[0].daemun.concurrency);
    let names: Vec<String> = pairs
        .iter()
        .map(|p| match one_level {
            true => p.daemun.scenario.clone(),
            false => format!("{} c={}", p.daemun.scenario, p.daemun.concurrency),
        })
        .collect();
    let caption = match one_level {
        true => format!(
            "Operations per second at {} workers, log scale (bold: Daemun ÷ {peer_name})",
            pairs[0].daemun.concurrency
        ),
        false => format!("Operations per second, log scale (bold: Daemun ÷ {peer_name})"),
    };
    let n = i32::try_from(pairs.len()).map_err(|e| e.to_string())?;
    let width = (160 + 130 * n.unsigned_abs()).max(760);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, 520)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(caption, (FONT, 20))
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d((0..n - 1).into_segmented(), (lo..hi).log_scale())
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_max_light_lines(1)
            .x_labels(pairs.len())
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => usize::try_from(*i)
                    .ok()
                    .and_then(|i| names.get(i).cloned())
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .y_desc("operations per second")
            .y_label_formatter(&|v| short(*v))
            .label_style((FONT, 14))
            .draw()
            .map_err(draw_err)?;

        let (x_px, _) = chart.plotting_area().get_pixel_range();
        let group_px = (x_px.end - x_px.start) / n.max(1);
        let quarter = group_px / 4;
        let bar = |i: i32, v: f64, left: bool, color: RGBColor| {
            let (from, to) = match left {
                true => (SegmentValue::Exact(i), SegmentValue::CenterOf(i)),
                false => (SegmentValue::CenterOf(i), SegmentValue::Exact(i + 1)),
            };
            let mut r = Rectangle::new([(from, lo), (to, v.max(lo))], color.filled());
            let (inner, outer) = (2, (group_px / 10).max(2));
            match left {
                true => r.set_margin(0, 0, outer.unsigned_abs(), inner),
                false => r.set_margin(0, 0, inner, outer.unsigned_abs()),
            };
            r
        };
        chart
            .draw_series(
                (0..n)
                    .zip(&rates)
                    .map(|(i, &(d, _))| bar(i, d, true, DAEMUN)),
            )
            .map_err(draw_err)?
            .label("Daemun")
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], DAEMUN.filled()));
        chart
            .draw_series(
                (0..n)
                    .zip(&rates)
                    .map(|(i, &(_, p))| bar(i, p, false, PEER)),
            )
            .map_err(draw_err)?
            .label(peer_name)
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], PEER.filled()));

        let value_style =
            TextStyle::from((FONT, 13).into_font()).pos(Pos::new(HPos::Center, VPos::Bottom));
        let ratio_style = TextStyle::from((FONT, 14).into_font().style(FontStyle::Bold))
            .pos(Pos::new(HPos::Center, VPos::Bottom));
        for (i, &(d, p)) in (0..n).zip(&rates) {
            let at = |v: f64| (SegmentValue::CenterOf(i), v.max(lo));
            for (v, dx) in [(d, -quarter), (p, quarter)] {
                chart
                    .draw_series(std::iter::once(
                        EmptyElement::at(at(v))
                            + Text::new(short(v), (dx, -4), value_style.clone()),
                    ))
                    .map_err(draw_err)?;
            }
            if p > 0.0 {
                let label = format!("{}×", ratio(d, p));
                chart
                    .draw_series(std::iter::once(
                        EmptyElement::at(at(d.max(p)))
                            + Text::new(label, (0, -22), ratio_style.clone()),
                    ))
                    .map_err(draw_err)?;
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.3))
            .label_font((FONT, 14))
            .draw()
            .map_err(draw_err)?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// Daemun's rate over the peer's, to two significant digits (1.9, 0.75, 12).
pub fn ratio(daemun: f64, peer: f64) -> String {
    let r = daemun / peer;
    if r >= 9.95 {
        format!("{r:.0}")
    } else if r >= 0.995 {
        format!("{r:.1}")
    } else {
        format!("{r:.2}")
    }
}

fn draw_err<E: std::fmt::Display>(e: E) -> String {
    format!("chart: {e}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Outcome;
    use std::time::Duration;

    fn outcome(scenario: &str, ok: u64) -> Outcome {
        Outcome {
            scenario: scenario.into(),
            concurrency: 16,
            ok,
            errors: 0,
            first_error: None,
            elapsed: Duration::from_secs(1),
            samples: vec![1000; usize::try_from(ok.min(10)).unwrap_or(0)],
        }
    }

    #[test]
    fn draws_a_labelled_group_per_scenario() {
        let pairs = vec![
            Pair {
                daemun: outcome("discovery", 24_093),
                peer: outcome("discovery", 12_000),
            },
            Pair {
                daemun: outcome("code_flow_login", 41),
                peer: outcome("code_flow_login", 0),
            },
        ];
        let svg = render("node-oidc-provider", &pairs).expect("an SVG");
        assert!(svg.starts_with("<svg"), "{}", &svg[..40.min(svg.len())]);
        for text in [
            "discovery",
            "code_flow_login",
            "24k",
            "12k",
            "41",
            "2.0×",
            "node-oidc-provider",
            "Daemun",
        ] {
            assert!(svg.contains(text), "no {text} in the chart");
        }
    }

    #[test]
    fn short_numbers_and_ratios() {
        assert_eq!(short(24_093.0), "24k");
        assert_eq!(short(2_718.0), "2.7k");
        assert_eq!(short(41.2), "41");
        assert_eq!(short(0.0), "0");
        assert_eq!(short(1_000.0), "1k");
        assert_eq!(short(1_000_000.0), "1M");
        assert_eq!(short(2_500_000.0), "2.5M");
        assert_eq!(short(1.04), "1");
        assert_eq!(short(2.5), "2.5");
        assert_eq!(ratio(24_093.0, 12_000.0), "2.0");
        assert_eq!(ratio(750.0, 60.0), "12");
        assert_eq!(ratio(40.0, 55.0), "0.73");
    }
}
