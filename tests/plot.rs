//! `ibias plot`: the SVG parses as XML, carries its reproducing command and the expected
//! series, and is byte-identical from run to run.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_ibias");
const R2: &str = "x1,x2,y\n1/2,3/2,1\n3/2,1/2,1\n-1/2,-3/2,-1\n-3/2,-1/2,-1\n";

fn plot(dir: &Path, kind: &str, name: &str, extra: &[&str]) -> (i32, String, String) {
    let data = dir.join("r2.csv");
    std::fs::write(&data, R2).expect("write data");
    let out = dir.join(name);
    let o = Command::new(BIN)
        .args(["plot", kind, "--data"])
        .arg(&data)
        .args([
            "--lr",
            "1/8",
            "--init",
            "1,-1",
            "--steps",
            "1e4",
            "--precision",
            "f64",
        ])
        .args(extra)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run ibias");
    let svg = std::fs::read_to_string(&out).unwrap_or_default();
    (
        o.status.code().unwrap_or(-1),
        svg,
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The texts of the `<text>` elements and the number of `<polyline>`s with at least
/// `min_points` points.
fn parse(svg: &str, min_points: usize) -> (String, Vec<String>, usize) {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let title = root
        .children()
        .find(|n| n.has_tag_name("title"))
        .and_then(|n| n.text())
        .unwrap_or_default()
        .to_string();
    let texts = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect();
    let lines = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .filter(|n| {
            n.attribute("points")
                .map_or(0, |p| p.split_whitespace().count())
                >= min_points
        })
        .count();
    (title, texts, lines)
}

#[test]
fn direction_figure_has_the_measured_and_predicted_series() {
    let d = tempfile::tempdir().expect("tempdir");
    let (code, svg, err) = plot(d.path(), "direction", "d.svg", &[]);
    assert_eq!(code, 0, "{err}");
    let (title, texts, lines) = parse(&svg, 10);
    assert!(title.starts_with("ibias plot direction --data "), "{title}");
    assert!(
        title.contains("--steps 1e4") && title.contains("--init 1,-1"),
        "{title}"
    );
    for name in [
        "(measured)",
        "C_dir · ln t/(ln t + C_norm/‖ŵ‖) (predicted)",
        "C_dir = ",
    ] {
        assert!(
            texts.iter().any(|t| t.contains(name)),
            "{name} in {texts:?}"
        );
    }
    // the measured and the refined curves, one point per checkpoint t ≥ 2
    assert!(lines >= 2, "{lines} polylines with 10+ points");
    let (_, again, _) = plot(d.path(), "direction", "d.svg", &[]);
    assert_eq!(svg, again, "byte-identical");
}

#[test]
fn residual_figure_has_the_slope_line_and_is_reproducible() {
    let d = tempfile::tempdir().expect("tempdir");
    let (code, svg, err) = plot(d.path(), "residual", "r.svg", &[]);
    assert_eq!(code, 0, "{err}");
    let (title, texts, lines) = parse(&svg, 10);
    assert!(title.starts_with("ibias plot residual"), "{title}");
    assert!(
        texts.iter().any(|t| t.contains("‖ρ(t) − w̃‖ (measured)")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.starts_with("slope −κ = −")),
        "{texts:?}"
    );
    assert!(lines >= 1);
    let (_, again, _) = plot(d.path(), "residual", "r.svg", &[]);
    assert_eq!(svg, again, "byte-identical");
}

#[test]
fn bad_plot_requests_are_one_line_errors() {
    let d = tempfile::tempdir().expect("tempdir");
    for (kind, extra) in [
        ("nope", vec![]),
        ("direction", vec!["--json"]),
        ("direction", vec!["--certify"]),
        ("direction", vec!["--optimizer", "adam"]),
    ] {
        let (code, _, err) = plot(d.path(), kind, "x.svg", &extra);
        assert_eq!(code, 2, "{kind} {extra:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("ibias: error: "), "{err}");
    }
}
