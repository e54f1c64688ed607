//! Charts as inline SVG, drawn on the server: bars of collectives (tập thể) and individuals (cá
//! nhân) per line of a report.
//!
//! Written directly rather than with a plotting crate: a chart here is a few rectangles and
//! labels, the browser lays out the text in the page's own font (plotters' SVG backend would
//! need font files on the server to measure it), and the markup stays readable by a screen
//! reader (`role="img"`, a title, and each bar's numbers as text).

use std::fmt::Write as _;

use laurel_gateway::server::escape;

use crate::web::Lang;

/// One bar: a label, and how many collectives and individuals it counts.
#[derive(Debug, Clone)]
pub struct Bar {
    /// What the bar is ("Giám đốc Công an tỉnh Gia Lai · Giấy khen").
    pub label: String,
    /// Tập thể.
    pub collectives: i64,
    /// Cá nhân.
    pub individuals: i64,
}

const WIDTH: i64 = 760;
const LABEL: i64 = 330;
const ROW: i64 = 30;
const BAR: i64 = 18;
const TOP: i64 = 34;

/// A horizontal stacked bar chart, or `None` when there is nothing to draw.
pub fn bars(title: &str, bars: &[Bar], lang: Lang) -> Option<String> {
    let most = bars
        .iter()
        .map(|b| b.collectives + b.individuals)
        .max()
        .filter(|m| *m > 0)?;
    let scale = |n: i64| n * (WIDTH - LABEL - 60) / most;
    let height = TOP + ROW * i64::try_from(bars.len()).unwrap_or(0) + 10;
    let (collective, individual) = (
        lang.t("Tập thể", "Collectives"),
        lang.t("Cá nhân", "Individuals"),
    );
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" role="img" aria-labelledby="chart-title" viewBox="0 0 {WIDTH} {height}" width="100%" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">{}</title>"#,
        escape(title)
    );
    let _ = write!(
        svg,
        r#"<rect x="{LABEL}" y="6" width="14" height="14" class="collectives"/><text x="{}" y="18">{collective}</text><rect x="{}" y="6" width="14" height="14" class="individuals"/><text x="{}" y="18">{individual}</text>"#,
        LABEL + 20,
        LABEL + 130,
        LABEL + 150,
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = TOP + ROW * i64::try_from(i).unwrap_or(0);
        let (c, n) = (scale(bar.collectives), scale(bar.individuals));
        let label = escape(&bar.label);
        let short: String = if bar.label.chars().count() > 46 {
            let cut: String = bar.label.chars().take(45).collect();
            format!("{}…", escape(&cut))
        } else {
            label.clone()
        };
        let _ = write!(
            svg,
            r#"<g><title>{label}: {} {collective}, {} {individual}</title><text x="{}" y="{}" text-anchor="end">{short}</text><rect x="{LABEL}" y="{y}" width="{c}" height="{BAR}" class="collectives"/><rect x="{}" y="{y}" width="{n}" height="{BAR}" class="individuals"/><text x="{}" y="{}">{}</text></g>"#,
            bar.collectives,
            bar.individuals,
            LABEL - 8,
            y + 14,
            LABEL + c,
            LABEL + c + n + 6,
            y + 14,
            bar.collectives + bar.individuals,
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_as_long_as_their_counts_and_labels_are_escaped() {
        let svg = bars(
            "Khen thưởng <2026>",
            &[
                Bar {
                    label: "Giám đốc Công an tỉnh · Giấy khen".into(),
                    collectives: 18,
                    individuals: 2,
                },
                Bar {
                    label: "Bộ Công an & UBND".into(),
                    collectives: 0,
                    individuals: 10,
                },
            ],
            Lang::Vi,
        )
        .expect("a chart");
        // The longest bar (20) spans the whole plot width; 18 of it is collectives.
        let plot = WIDTH - LABEL - 60;
        assert!(svg.contains(&format!(
            r#"width="{}" height="18" class="collectives""#,
            18 * plot / 20
        )));
        assert!(svg.contains(&format!(
            r#"width="{}" height="18" class="individuals""#,
            10 * plot / 20
        )));
        assert!(svg.contains("Khen thưởng &lt;2026&gt;"));
        assert!(svg.contains("Bộ Công an &amp; UBND"));
        assert!(!svg.contains("<2026>"));
    }

    #[test]
    fn nothing_to_count_draws_nothing() {
        assert!(bars("x", &[], Lang::Vi).is_none());
        let empty = Bar {
            label: "x".into(),
            collectives: 0,
            individuals: 0,
        };
        assert!(bars("x", &[empty], Lang::En).is_none());
    }
}
