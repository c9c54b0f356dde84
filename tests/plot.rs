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

fn ibias(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).output().expect("run ibias")
}

/// The rows `series,x,y` of a `--csv` file, by series.
fn series(path: &Path) -> std::collections::BTreeMap<String, Vec<(f64, f64)>> {
    let text = std::fs::read_to_string(path).expect("the CSV file");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("series,x,y"));
    let mut out = std::collections::BTreeMap::<String, Vec<(f64, f64)>>::new();
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        assert_eq!(f.len(), 3, "{l}");
        let (x, y) = (f[1].parse().expect("x"), f[2].parse().expect("y"));
        out.entry(f[0].to_string()).or_default().push((x, y));
    }
    out
}

/// The two-SV set z1 = (1, 0), z2 = (0, 2), z3 = (2, 2): ŵ = (1, 1/2) = z1 + z2/4, so the
/// flow's w̃ = (0, ln 2), and GD's with step η is w̃ + ŵ ln η (e^{−z_nᵀw̃} = α_n/η on S). By
/// hand: C_dir = 4 ln 2/5, and C_norm/‖ŵ‖ = ŵᵀw̃/‖ŵ‖² = 2 ln 2/5 + ln η < 0 for η = 1/32,
/// so the refined prediction C_dir·x/(x + u) (x = ln t, u = C_norm/‖ŵ‖) has its pole at
/// x = −u ≈ 3.19 and is drawn only from x = −2u on, where it lies in [C_dir, 2 C_dir].
#[test]
fn the_refined_direction_curve_is_drawn_only_past_its_pole() {
    let d = tempfile::tempdir().expect("tempdir");
    let data = d.path().join("two_sv.csv");
    std::fs::write(&data, "x1,x2,y\n1,0,1\n0,2,1\n2,2,1\n").expect("write");
    let (svg, csv) = (d.path().join("d.svg"), d.path().join("d.csv"));
    let o = ibias(&[
        "plot",
        "direction",
        "--data",
        data.to_str().unwrap(),
        "--lr",
        "1/32",
        "--steps",
        "1e5",
        "--precision",
        "dd",
        "--out",
        svg.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ln2 = std::f64::consts::LN_2;
    let c_dir = 4.0 * ln2 / 5.0;
    let u = 2.0 * ln2 / 5.0 + (1.0f64 / 32.0).ln();
    let s = series(&csv);
    // the measured curve: one point per checkpoint t ≥ 2 of the dense grid (powers of 2 and
    // of 10 up to 10^5), at x = ln t
    let mut ts: Vec<u64> = (1..17).map(|k| 1u64 << k).collect();
    ts.extend([10, 100, 1000, 10_000, 100_000]);
    ts.sort_unstable();
    let xs: Vec<f64> = s["measured"].iter().map(|p| p.0).collect();
    assert_eq!(xs.len(), ts.len());
    for (x, t) in xs.iter().zip(&ts) {
        assert!((x - (*t as f64).ln()).abs() < 1e-12, "{x} vs ln {t}");
    }
    let limit = &s["C_dir"];
    assert!(
        limit.iter().all(|p| (p.1 - c_dir).abs() < 1e-12),
        "{limit:?}"
    );
    let refined = &s["refined"];
    assert!(refined.len() >= 5, "{refined:?}");
    for &(x, y) in refined {
        assert!(x >= -2.0 * u, "x = {x} before −2u = {}", -2.0 * u);
        assert!((y - c_dir * x / (x + u)).abs() <= 1e-9, "({x}, {y})");
        assert!(y >= c_dir && y <= 2.0 * c_dir, "({x}, {y})");
    }
    // every checkpoint from −2u on has its refined point
    assert_eq!(refined.len(), xs.iter().filter(|x| **x >= -2.0 * u).count());
    let (_, texts, _) = parse(&std::fs::read_to_string(&svg).unwrap(), 2);
    assert!(
        texts
            .iter()
            .any(|t| t.contains("where ln t + C_norm/‖ŵ‖ ≥ ln t/2")),
        "{texts:?}"
    );
}

/// `ibias gen planted --n 20 --d 2 --seed 1`: C_norm/‖ŵ‖ ≈ −6.8, beyond ln 10^5 ≈ 11.5 the
/// refined curve would start at ≈ 13.7: none of it is drawn, and the y axis spans the
/// measured curve and C_dir (before, the curve through the pole set it to 0–2.5).
#[test]
fn a_direction_figure_with_negative_c_norm_keeps_the_measured_scale() {
    let d = tempfile::tempdir().expect("tempdir");
    let data = d.path().join("p.csv");
    let g = ibias(&["gen", "planted", "--n", "20", "--d", "2", "--seed", "1"]);
    assert!(g.status.success());
    std::fs::write(&data, &g.stdout).expect("write");
    let (svg, csv) = (d.path().join("d.svg"), d.path().join("d.csv"));
    let o = ibias(&[
        "plot",
        "direction",
        "--data",
        data.to_str().unwrap(),
        "--steps",
        "1e5",
        "--precision",
        "dd",
        "--out",
        svg.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = series(&csv);
    let top = s["measured"]
        .iter()
        .chain(&s["C_dir"])
        .map(|p| p.1)
        .fold(f64::MIN, f64::max);
    assert!(top < 0.5, "measured and C_dir below 0.5: {top}");
    for p in s.get("refined").into_iter().flatten() {
        assert!(p.1 <= top, "refined point {p:?} above the measured range");
    }
    let svg = std::fs::read_to_string(&svg).unwrap();
    // the y tick labels (right-aligned text) stay within the measured range (padded by 5 %)
    let doc = roxmltree::Document::parse(&svg).expect("the SVG is XML");
    let ticks: Vec<f64> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("text-anchor") == Some("end"))
        .filter_map(|n| n.text()?.trim().parse().ok())
        .collect();
    assert!(ticks.len() >= 3, "{ticks:?}");
    assert!(ticks.iter().all(|v| *v <= top * 1.1), "{ticks:?}");
    let (_, texts, _) = parse(&svg, 2);
    assert!(texts.iter().any(|t| t.contains("not drawn")), "{texts:?}");
}

/// `plot --help` lists only what plot takes: no --json, --certify or --optimizer (refused as
/// unknown arguments, one line, exit 2), and --csv, which writes the plotted series.
#[test]
fn plot_help_lists_only_what_plot_takes() {
    let help = String::from_utf8_lossy(&ibias(&["plot", "--help"]).stdout).into_owned();
    for gone in ["--json", "--certify", "--optimizer", "--beta"] {
        assert!(!help.contains(gone), "{gone} in plot --help");
    }
    assert!(help.contains("--csv") && help.contains("--out"));
}
