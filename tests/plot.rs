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

/// `plot --help` lists only what plot takes: no --json, --optimizer or --beta (refused as
/// unknown arguments, one line, exit 2), and --csv, which writes the plotted series,
/// --certify, every kind, and the options of the kinds beyond a GD run's.
#[test]
fn plot_help_lists_only_what_plot_takes() {
    let help = String::from_utf8_lossy(&ibias(&["plot", "--help"]).stdout).into_owned();
    // the options named in the help, as whole words
    let flags: std::collections::BTreeSet<String> = help
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(String::from)
        .collect();
    for gone in ["--json", "--optimizer", "--beta"] {
        assert!(!flags.contains(gone), "{gone} in plot --help");
    }
    for kept in [
        "--csv",
        "--out",
        "--optimizers",
        "--until",
        "--seed",
        "--certify",
    ] {
        assert!(flags.contains(kept), "{kept} not in plot --help: {flags:?}");
    }
    for kind in [
        "direction",
        "residual",
        "rotation",
        "soudry",
        "compare",
        "flow",
    ] {
        assert!(help.contains(kind), "{kind} not in plot --help");
    }
}

// ---- the kinds rotation, soudry, compare and flow ----

/// THREE (tests/data/three_answers.csv): signed points z1 = (2, 1), z2 = (3, 6),
/// z3 = (6, −2); by hand (tests/optimizers.rs) ℓ2 ŵ = (2/5, 1/5), ℓ∞ (1/3, 1/3), ℓ1 (1/2, 0).
const THREE: &str = "x1,x2,y\n2,1,1\n-3,-6,-1\n6,-2,1\n";
/// The two-SV set of docs/figures with its third point mirrored: x3 = (−2, −2), y3 = −1 has
/// the signed point z3 = (2, 2) of the two-SV set, so ŵ = (1, 1/2) and the run are the same.
const TWO_SV_PM: &str = "x1,x2,y\n1,0,1\n0,2,1\n-2,-2,-1\n";

/// The series of a `--csv` file by id.
type SeriesMap = std::collections::BTreeMap<String, Vec<(f64, f64)>>;

/// Runs `ibias plot KIND --data (text) ARGS --out F.svg --csv F.csv`: exit code, the SVG,
/// the series and stderr.
fn plot_kind(
    dir: &Path,
    data: &str,
    kind: &str,
    args: &[&str],
) -> (i32, String, SeriesMap, String) {
    let file = dir.join(format!("{kind}.csv"));
    std::fs::write(&file, data).expect("write data");
    let (svg, csv) = (
        dir.join(format!("{kind}.svg")),
        dir.join(format!("{kind}.series.csv")),
    );
    let _ = std::fs::remove_file(&csv);
    let o = Command::new(BIN)
        .args(["plot", kind, "--data"])
        .arg(&file)
        .args(args)
        .arg("--out")
        .arg(&svg)
        .arg("--csv")
        .arg(&csv)
        .output()
        .expect("run ibias");
    let code = o.status.code().unwrap_or(-1);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    if code != 0 {
        return (code, String::new(), Default::default(), err);
    }
    (
        code,
        std::fs::read_to_string(&svg).expect("svg"),
        series(&csv),
        err,
    )
}

/// Plain GD on the summed exponential loss `Σ e^{−z_n·w}`, written here in f64:
/// `w ← w + η Σ z_n e^{−z_n·w}`, from the origin; `w(t)` at each `t` of `at`.
fn gd_f64(z: &[[f64; 2]], eta: f64, at: &[u64]) -> Vec<[f64; 2]> {
    let mut w = [0.0f64; 2];
    let mut out = Vec::new();
    let mut t = 0u64;
    for &stop in at {
        while t < stop {
            let mut g = [0.0; 2];
            for zn in z {
                let e = (-(zn[0] * w[0] + zn[1] * w[1])).exp();
                g[0] += zn[0] * e;
                g[1] += zn[1] * e;
            }
            w = [w[0] + eta * g[0], w[1] + eta * g[1]];
            t += 1;
        }
        out.push(w);
    }
    out
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + b.abs())
}

fn assert_points(got: &[(f64, f64)], want: &[(f64, f64)], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: {got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            close(g.0, w.0, tol) && close(g.1, w.1, tol),
            "{what}: {g:?} vs {w:?}"
        );
    }
}

/// The rotation figure of the mirrored two-SV set: in the ŵ panel the support vectors
/// x1 = (1, 0) and x2 = (0, 2) sit at height exactly 1/‖ŵ‖ = 2/√5 on the margin line, the
/// negative point at −6/√5 (u = ŵ/‖ŵ‖ = (2, 1)/√5, u⊥ = (1, −2)/√5: by hand, x1 → (1, 2)/√5,
/// x2 → (−4, 2)/√5, x3 → (2, −6)/√5); in each checkpoint's panel a point's height is its
/// score along w(t)/‖w(t)‖ of a GD written here. A wrong witness (the ŵ frame at t = 1)
/// does not match.
#[test]
fn rotation_puts_the_support_vectors_on_the_margin_lines() {
    let d = tempfile::tempdir().expect("tempdir");
    let args = ["--lr", "1/32", "--steps", "1e3", "--precision", "f64"];
    let (code, svg, s, err) = plot_kind(d.path(), TWO_SV_PM, "rotation", &args);
    assert_eq!(code, 0, "{err}");
    let r5 = 5f64.sqrt();
    let m = 2.0 / r5;
    assert_points(
        &s["w_hat/positive"],
        &[(1.0 / r5, m), (-4.0 / r5, m)],
        1e-12,
        "SVs",
    );
    assert_points(&s["w_hat/negative"], &[(2.0 / r5, -6.0 / r5)], 1e-12, "x3");
    assert!(s["w_hat/margin_plus"].iter().all(|p| close(p.1, m, 1e-14)));
    assert!(s["w_hat/margin_minus"]
        .iter()
        .all(|p| close(p.1, -m, 1e-14)));
    // the panels t = 1, 10, 100, 1000 (the base-10 checkpoints; w(0) = 0 has no direction)
    let ts = [1u64, 10, 100, 1000];
    let panels: std::collections::BTreeSet<&str> =
        s.keys().filter_map(|k| k.split('/').next()).collect();
    let want: std::collections::BTreeSet<String> = ts
        .iter()
        .map(|t| format!("t={t}"))
        .chain(["w_hat".to_string()])
        .collect();
    assert_eq!(
        panels,
        want.iter().map(String::as_str).collect(),
        "{panels:?}"
    );
    let z = [[1.0, 0.0], [0.0, 2.0], [2.0, 2.0]];
    let x = [[1.0, 0.0], [0.0, 2.0], [-2.0, -2.0]];
    for (t, w) in ts.iter().zip(gd_f64(&z, 1.0 / 32.0, &ts)) {
        let n = w[0].hypot(w[1]);
        let u = [w[0] / n, w[1] / n];
        let at = |p: [f64; 2]| (p[0] * u[1] - p[1] * u[0], p[0] * u[0] + p[1] * u[1]);
        assert_points(
            &s[&format!("t={t}/positive")],
            &[at(x[0]), at(x[1])],
            1e-9,
            &format!("t = {t}"),
        );
        assert_points(&s[&format!("t={t}/negative")], &[at(x[2])], 1e-9, "x3");
        assert!(s[&format!("t={t}/boundary")].iter().all(|p| p.1 == 0.0));
    }
    // the ŵ frame is not the frame at t = 1
    let first = &s["t=1/positive"][0];
    assert!((first.1 - m).abs() > 0.1, "{first:?}");
    let (_, texts, _) = parse(&svg, 2);
    for name in [
        "t = 1000",
        "max margin: rotated by ŵ",
        "margins ±1/‖ŵ‖ = ±0.894427",
    ] {
        assert!(
            texts.iter().any(|t| t.contains(name)),
            "{name} in {texts:?}"
        );
    }
    let (_, again, _, _) = plot_kind(d.path(), TWO_SV_PM, "rotation", &args);
    assert_eq!(svg, again, "byte-identical");
}

/// Soudry's four panels on THREE with one step 1/512 for GD, momentum and Adam: the points
/// at t = 1 are GD's first step w(1) = η Σ z_n = (11, 5)/512, by hand; one point per dense
/// checkpoint (13 up to 10^3, t ≥ 1); and Adam ends far from ŵ while GD heads for it.
#[test]
fn soudry_panels_start_at_the_hand_computed_first_step() {
    let d = tempfile::tempdir().expect("tempdir");
    let args = ["--lr", "1/512", "--steps", "1e4", "--precision", "f64"];
    let (code, svg, s, err) = plot_kind(d.path(), THREE, "soudry", &args);
    assert_eq!(code, 0, "{err}");
    let eta = 1.0f64 / 512.0;
    let z: [[f64; 2]; 3] = [[2.0, 1.0], [3.0, 6.0], [6.0, -2.0]];
    let w1 = [11.0 * eta, 5.0 * eta];
    let n1 = w1[0].hypot(w1[1]);
    let loss: f64 = z
        .iter()
        .map(|p| (-(p[0] * w1[0] + p[1] * w1[1])).exp())
        .sum();
    let gamma = 1.0 / (0.16f64 + 0.04).sqrt(); // 1/‖(2/5, 1/5)‖
    let min_margin = z
        .iter()
        .map(|p| (p[0] * w1[0] + p[1] * w1[1]) / n1)
        .fold(f64::INFINITY, f64::min);
    // the angle between (11, 5) and (2, 1)
    let angle = ((22.0 + 5.0) / (146f64.sqrt() * 5f64.sqrt()))
        .acos()
        .to_degrees();
    for (panel, want) in [
        ("norm", n1.log10()),
        ("loss", loss.log10()),
        ("angle", angle.log10()),
        ("margin_gap", (gamma - min_margin).log10()),
    ] {
        let p = s[&format!("{panel}/gd")][0];
        assert!(
            p.0 == 0.0 && close(p.1, want, 1e-9),
            "{panel}: {p:?} vs {want}"
        );
    }
    // dense checkpoints t ≥ 1 up to 10^4: 1, 2, 4, ..., 8192 and 10, 100, 1000, 10^4
    for o in ["gd", "momentum", "adam"] {
        assert_eq!(s[&format!("norm/{o}")].len(), 18, "{o}");
        assert_eq!(s[&format!("loss/{o}")].len(), 18, "{o}");
    }
    let last = |k: &str| s[k].last().expect("points").1;
    let (gd, adam) = (last("angle/gd"), last("angle/adam"));
    assert!(10f64.powf(adam) > 10.0, "adam's angle {}", 10f64.powf(adam));
    assert!(adam > gd + 0.5, "adam {adam} vs gd {gd} (log10 degrees)");
    // GD's angle and margin gap fall
    assert!(last("angle/gd") < s["angle/gd"][4].1);
    assert!(last("margin_gap/gd") < s["margin_gap/gd"][4].1);
    let (title, texts, _) = parse(&svg, 10);
    assert!(title.starts_with("ibias plot soudry"), "{title}");
    for name in ["gd (lr 1/512)", "adam (lr 1/512)", "margin gap"] {
        assert!(
            texts.iter().any(|t| t.contains(name)),
            "{name} in {texts:?}"
        );
    }
    let (_, again, _, _) = plot_kind(d.path(), THREE, "soudry", &args);
    assert_eq!(svg, again, "byte-identical");
}

/// The compare figure on THREE: the exact answers' rays end at (1, 0), (2, 1)/√5 and
/// (1, 1)/√2 (by hand), every optimizer's dot is on the unit circle, and the sweep has a
/// curve of three steps (×1/4, ×1, ×4 of AdaGrad's 1/10 and Adam's 1/100) per method and
/// start, with the ℓ1 and ℓ∞ answers at atan(1/2) = 26.565° and 45° − atan(1/2) from ℓ2.
#[test]
fn compare_draws_the_exact_answers_and_the_sweep() {
    let d = tempfile::tempdir().expect("tempdir");
    let args = ["--steps", "1e3", "--precision", "f64"];
    let (code, svg, s, err) = plot_kind(d.path(), THREE, "compare", &args);
    assert_eq!(code, 0, "{err}");
    let (r2, r5) = (2f64.sqrt(), 5f64.sqrt());
    assert_points(&s["circle/l1"], &[(0.0, 0.0), (1.0, 0.0)], 1e-15, "l1");
    assert_points(
        &s["circle/l2"],
        &[(0.0, 0.0), (2.0 / r5, 1.0 / r5)],
        1e-15,
        "l2",
    );
    assert_points(
        &s["circle/linf"],
        &[(0.0, 0.0), (1.0 / r2, 1.0 / r2)],
        1e-15,
        "linf",
    );
    for o in ["gd", "momentum", "sign", "coordinate", "adagrad", "adam"] {
        let p = &s[&format!("circle/{o}")];
        assert_eq!(p.len(), 1, "{o}");
        assert!(close(p[0].0.hypot(p[0].1), 1.0, 1e-12), "{o}: {p:?}");
    }
    let lx = |p: f64, q: f64| (p / q).log10();
    for (o, xs) in [
        ("adagrad", [lx(1.0, 40.0), lx(1.0, 10.0), lx(2.0, 5.0)]),
        ("adam", [lx(1.0, 400.0), lx(1.0, 100.0), lx(1.0, 25.0)]),
    ] {
        for start in 1..=3 {
            let p = &s[&format!("sweep/{o}@start{start}")];
            let got: Vec<f64> = p.iter().map(|q| q.0).collect();
            assert_eq!(got.len(), 3, "{o} {start}");
            for (g, w) in got.iter().zip(xs) {
                assert!(close(*g, w, 1e-12), "{o}: {got:?} vs {xs:?}");
            }
        }
    }
    let a = 0.5f64.atan().to_degrees();
    assert!(s["sweep/l1"].iter().all(|p| close(p.1, a, 1e-9)));
    assert!(s["sweep/linf"].iter().all(|p| close(p.1, 45.0 - a, 1e-9)));
    assert!(s["sweep/l2"].iter().all(|p| p.1.abs() < 1e-6));
    let (_, again, _, _) = plot_kind(d.path(), THREE, "compare", &args);
    assert_eq!(svg, again, "byte-identical");
}

/// The flow figure on the two-SV set to s = 100 with GD (step 1/32, 10^4 steps) overlaid:
/// the flow's 41 checkpoints 10^(k/10) (k = −20..19) and 100, GD at s = ln(1 + t/32) for
/// every dense checkpoint t ≥ 1, GD's value there s·‖w/‖w‖ − ŵ/‖ŵ‖‖ of a GD written here,
/// and the limit C_dir = 4 ln 2/5 (by hand, theory §2.5), which the flow nears.
#[test]
fn flow_overlays_gd_at_its_flow_time() {
    let d = tempfile::tempdir().expect("tempdir");
    let data = "x1,x2,y\n1,0,1\n0,2,1\n2,2,1\n";
    let args = [
        "--lr",
        "1/32",
        "--steps",
        "1e4",
        "--precision",
        "dd",
        "--until",
        "100",
    ];
    let (code, svg, s, err) = plot_kind(d.path(), data, "flow", &args);
    assert_eq!(code, 0, "{err}");
    let flow = &s["flow"];
    assert_eq!(flow.len(), 41);
    for (k, p) in flow.iter().enumerate() {
        let want = if k == 40 {
            2.0
        } else {
            (k as f64 - 20.0) / 10.0
        };
        assert!(close(p.0, want, 1e-12), "{k}: {p:?}");
    }
    let mut ts: Vec<u64> = (0..14).map(|k| 1u64 << k).collect();
    ts.extend([10, 100, 1000, 10_000]);
    ts.sort_unstable();
    let ws = gd_f64(&[[1.0, 0.0], [0.0, 2.0], [2.0, 2.0]], 1.0 / 32.0, &ts);
    let u = [2.0 / 5f64.sqrt(), 1.0 / 5f64.sqrt()];
    let want: Vec<(f64, f64)> = ts
        .iter()
        .zip(&ws)
        .map(|(t, w)| {
            let sl = (1.0 + *t as f64 / 32.0).ln();
            let n = w[0].hypot(w[1]);
            let e = (w[0] / n - u[0]).hypot(w[1] / n - u[1]);
            (sl.log10(), sl * e)
        })
        .collect();
    assert_points(&s["gd"], &want, 1e-9, "gd");
    let c_dir = 4.0 * std::f64::consts::LN_2 / 5.0;
    assert!(s["C_dir"].iter().all(|p| close(p.1, c_dir, 1e-12)));
    let end = flow.last().unwrap().1;
    assert!((end - c_dir).abs() < 0.01 * c_dir, "{end} vs C_dir {c_dir}");
    let (title, _, _) = parse(&svg, 10);
    assert!(title.contains("--until 100"), "{title}");
    let (_, again, _, _) = plot_kind(d.path(), data, "flow", &args);
    assert_eq!(svg, again, "byte-identical");
}

/// One point z = (1, 0): GD from the origin stays on ŵ's ray, so the angle and the margin
/// gap are exactly 0 at every t and have no log; those panels are drawn empty and say so,
/// and the norm and loss panels are drawn (one point per dense checkpoint t ≥ 1).
#[test]
fn soudry_draws_a_panel_whose_values_are_all_zero_empty() {
    let d = tempfile::tempdir().expect("tempdir");
    let args = ["--steps", "100", "--precision", "f64"];
    let (code, svg, s, err) = plot_kind(d.path(), "x1,x2,y\n1,0,1\n", "soudry", &args);
    assert_eq!(code, 0, "{err}");
    assert!(!s
        .keys()
        .any(|k| k.starts_with("angle/") || k.starts_with("margin_gap/")));
    // 1, 2, 4, ..., 64, 10, 100
    assert_eq!(s["norm/gd"].len(), 9);
    let (_, texts, _) = parse(&svg, 2);
    assert_eq!(
        texts.iter().filter(|t| t.contains("no log")).count(),
        2,
        "{texts:?}"
    );
}

/// The new kinds' refusals: one line, exit 2.
#[test]
fn the_new_kinds_refuse_what_they_cannot_draw() {
    let d = tempfile::tempdir().expect("tempdir");
    let three_d = "x1,x2,x3,y\n1,0,0,1\n0,1,0,1\n0,0,-1,-1\n";
    for (data, kind, extra) in [
        (three_d, "rotation", vec![]),
        (TWO_SV_PM, "rotation", vec!["--bias"]),
        (three_d, "compare", vec![]),
        (THREE, "direction", vec!["--optimizers", "gd"]),
        (THREE, "soudry", vec!["--until", "10"]),
        (THREE, "soudry", vec!["--optimizers", "nope"]),
        (THREE, "flow", vec!["--until", "0"]),
        (THREE, "compare", vec!["--conjecture", "C_dir=1"]),
    ] {
        let mut args = vec!["--steps", "100", "--precision", "f64"];
        args.extend(extra.iter().copied());
        let (code, _, _, err) = plot_kind(d.path(), data, kind, &args);
        assert_eq!(code, 2, "{kind} {extra:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("ibias: error: "), "{err}");
    }
}

/// K-class data (docs/theory/multiclass.md): the figures of a run that need no plane draw the
/// lift's run (`w = vec(W)`, the softmax by default). The direction figure's last measured
/// point is `ln T·‖w/‖w‖ − ŵ/‖ŵ‖‖` with the run's own final direction (`ibias run --json` of
/// the same run) and the hand-solved K-class SVM `vec(Ŵ) = (2/3, −1/3, −1/3, 2/3, −1/3, −1/3)`
/// of tests/data/three_classes.csv, computed here; residual, soudry and flow draw; rotation
/// and compare, which draw the plane, refuse the six-dimensional lift in one line that says
/// so.
#[test]
fn k_class_figures_draw_the_lifted_run() {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/three_classes.csv");
    let d = tempfile::tempdir().expect("tempdir");
    let common = ["--lr", "1/128", "--steps", "1e5", "--precision", "dd"];
    let csv = d.path().join("k.csv");
    let mut args = vec!["plot", "direction", "--data", data];
    args.extend(common);
    let out = d.path().join("k.svg");
    let (out_s, csv_s) = (out.to_str().unwrap(), csv.to_str().unwrap());
    args.extend(["--out", out_s, "--csv", csv_s]);
    let o = ibias(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let measured = series(&csv)["measured"].clone();
    let (x, y) = *measured.last().unwrap();
    assert!((x - (1e5f64).ln()).abs() < 1e-9, "{x}");
    let mut run = vec!["run", "--data", data, "--json"];
    run.extend(common);
    let r = ibias(&run);
    let v: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    let dir: Vec<f64> = v["checkpoints"].as_array().unwrap().last().unwrap()["direction"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().parse().unwrap())
        .collect();
    let w_hat = [2.0, -1.0, -1.0, 2.0, -1.0, -1.0].map(|v: f64| v / 3.0);
    let n = w_hat.iter().map(|v| v * v).sum::<f64>().sqrt();
    let err = dir
        .iter()
        .zip(w_hat)
        .map(|(a, b)| (a - b / n).powi(2))
        .sum::<f64>()
        .sqrt();
    assert!((y - x * err).abs() < 1e-9 * y, "{y} vs {}", x * err);
    for (kind, extra) in [
        ("residual", vec![]),
        ("soudry", vec![]),
        ("flow", vec!["--until", "1e3"]),
    ] {
        let mut args = vec!["plot", kind, "--data", data];
        args.extend(common);
        args.extend(extra);
        args.extend(["--out", out_s]);
        let o = ibias(&args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{kind}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    for kind in ["rotation", "compare"] {
        let o = ibias(&["plot", kind, "--data", data, "--out", out_s]);
        assert_eq!(o.status.code(), Some(2), "{kind}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.lines().count() == 1 && err.contains("K-class data: the lift of 3 classes"),
            "{kind}: {err}"
        );
    }
}

// ---- --certify: the certified enclosures as a ribbon ----

/// The two-SV set z1 = (1, 0), z2 = (0, 2), z3 = (2, 2): ŵ = (1, 1/2) (see above).
const TWO_SV: &str = "x1,x2,y\n1,0,1\n0,2,1\n2,2,1\n";

/// GD on the summed exponential loss of the points `rows` (`x1, x2, label`, exact numbers)
/// with step `eta` from `init`, in MPFR at `bits` bits, written here from the library's
/// objective and plain step (the witness of tests/certify.rs): `w(t)` at each `t` of `ts`.
fn witness(
    rows: &[(&str, &str, i8)],
    eta: &str,
    init: [&str; 2],
    ts: &[u64],
    bits: u32,
) -> Vec<Vec<rug::Float>> {
    use implicit_bias::data::{parse_rational, Dataset};
    use implicit_bias::loss::Loss;
    use implicit_bias::objective::Objective;
    use implicit_bias::optim::GradientDescent;
    use implicit_bias::run::{RunOptions, Runner};
    let exact = |v: &str| parse_rational(v).expect("an exact number");
    let data = Dataset::new(
        rows.iter().map(|r| vec![exact(r.0), exact(r.1)]).collect(),
        rows.iter().map(|r| r.2).collect(),
    )
    .expect("data");
    let obj = Objective::<rug::Float>::new(&data, Loss::Exponential, bits);
    let gd = GradientDescent::<rug::Float>::new(&exact(eta), bits);
    let w0 = init
        .iter()
        .map(|v| rug::Float::with_val(bits, exact(v)))
        .collect();
    let opts = RunOptions {
        steps: *ts.last().expect("a checkpoint"),
        ..Default::default()
    };
    let traj = Runner::new(&obj, &gd, &opts).run_at(w0, ts);
    assert_eq!(traj.samples.len(), ts.len(), "witness {:?}", traj.status);
    traj.samples
        .into_iter()
        .zip(ts)
        .map(|(s, t)| {
            assert_eq!(s.t, *t);
            s.w
        })
        .collect()
}

/// The band of a `--certify` figure's CSV at each x where it has one: `(x, lo, measured,
/// hi)` (the band's x are the measured curve's).
fn band_rows(s: &SeriesMap) -> Vec<(f64, f64, f64, f64)> {
    let (lo, hi) = (&s["certified_lo"], &s["certified_hi"]);
    assert_eq!(lo.len(), hi.len());
    lo.iter()
        .zip(hi)
        .map(|(l, h)| {
            assert_eq!(l.0, h.0, "the edges share their x");
            let m = s["measured"]
                .iter()
                .find(|p| p.0 == l.0)
                .unwrap_or_else(|| panic!("a measured point at x = {}", l.0));
            (l.0, l.1, m.1, h.1)
        })
        .collect()
}

/// `ibias plot direction --certify` at 24 bits on the two-SV set (ŵ = (1, 1/2) by hand, see
/// above): the ribbon is a filled polygon under the measured curve, the legend says
/// "certified enclosure (widest …)", the title carries --certify, and the figure is
/// byte-identical from run to run. At every certified checkpoint the measured value lies in
/// the ribbon, and so does the independent witness: ln t·‖w/‖w‖ − ŵ/‖ŵ‖‖ of the same GD at
/// 72 bits (its own error, and that of rounding its value to f64, are below 2^-30 relative:
/// the slack). The ribbon is not vacuous: somewhere narrower than 10^-3 of the value, and
/// nowhere of width zero (24 bits cannot pin the exact run to an f64).
#[test]
fn certified_direction_ribbon_holds_the_witness() {
    let d = tempfile::tempdir().expect("tempdir");
    let args = [
        "--lr",
        "1/8",
        "--steps",
        "1e4",
        "--precision",
        "24",
        "--certify",
    ];
    let (code, svg, s, err) = plot_kind(d.path(), TWO_SV, "direction", &args);
    assert_eq!(code, 0, "{err}");
    let (title, texts, _) = parse(&svg, 2);
    assert!(
        title.contains(" --precision 24") && title.contains(" --certify"),
        "{title}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("certified enclosure (widest ")),
        "{texts:?}"
    );
    let doc = roxmltree::Document::parse(&svg).expect("XML");
    let polygons: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("polygon"))
        .collect();
    assert_eq!(polygons.len(), 1, "one band");
    assert_eq!(polygons[0].attribute("opacity"), Some("0.25"));
    let (_, again, _, _) = plot_kind(d.path(), TWO_SV, "direction", &args);
    assert_eq!(svg, again, "byte-identical");

    let rows = band_rows(&s);
    // x = ln t at 24 bits: t is the integer nearest e^x
    let ts: Vec<u64> = rows.iter().map(|r| r.0.exp().round() as u64).collect();
    assert!(ts.len() >= 10 && ts.contains(&10_000), "{ts:?}");
    let bits = 72;
    let w = witness(
        &[("1", "0", 1), ("0", "2", 1), ("2", "2", 1)],
        "1/8",
        ["0", "0"],
        &ts,
        bits,
    );
    let sqrt5 = rug::Float::with_val(bits, 5).sqrt();
    let u = [
        rug::Float::with_val(bits, 2) / &sqrt5,
        rug::Float::with_val(bits, 1) / &sqrt5,
    ];
    let mut narrow = false;
    for ((&(_, lo, measured, hi), t), wt) in rows.iter().zip(&ts).zip(&w) {
        assert!(
            lo <= measured && measured <= hi,
            "t = {t}: {measured} outside [{lo}, {hi}]"
        );
        assert!(lo < hi, "t = {t}: a band of width zero at 24 bits");
        let n = (wt[0].clone().square() + wt[1].clone().square()).sqrt();
        let e =
            ((wt[0].clone() / &n - &u[0]).square() + (wt[1].clone() / &n - &u[1]).square()).sqrt();
        let v = (e * rug::Float::with_val(bits, *t).ln()).to_f64();
        let slack = v.abs() * 2f64.powi(-30);
        assert!(
            lo - slack <= v && v <= hi + slack,
            "t = {t}: the witness {v} outside [{lo}, {hi}]"
        );
        narrow |= hi - lo < 1e-3 * v.abs();
    }
    assert!(
        narrow,
        "the band is nowhere narrower than 10^-3 of the value: {rows:?}"
    );
}

/// `ibias plot residual --certify` at 24 bits on R2 from (1, −1) with η = 1/8: there every
/// point is a support vector with α_n = 1/8 = η (ŵ = (1/2, 1/2) = (z1 + z2)/4, each signed
/// point twice), so e^{−z_nᵀw̃} = α_n/η = 1 and w̃ = 0 by hand. At every certified checkpoint
/// the witness log10 ‖w(t) − ŵ ln t‖ (GD at 72 bits) lies in the ribbon, and the ribbon is
/// narrower than 10^-3 decades somewhere and nowhere of width zero.
#[test]
fn certified_residual_ribbon_holds_the_witness() {
    let d = tempfile::tempdir().expect("tempdir");
    let args = [
        "--lr",
        "1/8",
        "--init",
        "1,-1",
        "--steps",
        "1e4",
        "--precision",
        "24",
        "--certify",
    ];
    let (code, svg, s, err) = plot_kind(d.path(), R2, "residual", &args);
    assert_eq!(code, 0, "{err}");
    let (title, texts, _) = parse(&svg, 2);
    assert!(title.contains(" --certify"), "{title}");
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("certified enclosure (widest ")),
        "{texts:?}"
    );
    assert!(svg.contains("<polygon"), "the band");
    let rows = band_rows(&s);
    let ts: Vec<u64> = rows
        .iter()
        .map(|r| 10f64.powf(r.0).round() as u64)
        .collect();
    assert!(ts.len() >= 10 && ts.contains(&10_000), "{ts:?}");
    let bits = 72;
    let w = witness(
        &[
            ("1/2", "3/2", 1),
            ("3/2", "1/2", 1),
            ("-1/2", "-3/2", -1),
            ("-3/2", "-1/2", -1),
        ],
        "1/8",
        ["1", "-1"],
        &ts,
        bits,
    );
    let mut narrow = false;
    for ((&(_, lo, measured, hi), t), wt) in rows.iter().zip(&ts).zip(&w) {
        assert!(
            lo <= measured && measured <= hi,
            "t = {t}: {measured} outside [{lo}, {hi}]"
        );
        assert!(lo < hi, "t = {t}: a band of width zero at 24 bits");
        let lt = rug::Float::with_val(bits, *t).ln() / 2u32;
        let r = ((wt[0].clone() - &lt).square() + (wt[1].clone() - &lt).square()).sqrt();
        let v = r.log10().to_f64();
        let slack = 2f64.powi(-30);
        assert!(
            lo - slack <= v && v <= hi + slack,
            "t = {t}: the witness {v} outside [{lo}, {hi}]"
        );
        narrow |= hi - lo < 1e-3;
    }
    assert!(
        narrow,
        "the band is nowhere narrower than 10^-3 decades: {rows:?}"
    );
}

/// The kinds without a certified quantity refuse --certify in one line (exit 2), and so
/// does K-class data with the softmax loss, as `ibias run --certify` does.
#[test]
fn certify_is_refused_where_nothing_is_certified() {
    let d = tempfile::tempdir().expect("tempdir");
    for kind in ["rotation", "soudry", "compare", "flow"] {
        let args = ["--steps", "100", "--precision", "f64", "--certify"];
        let (code, _, _, err) = plot_kind(d.path(), THREE, kind, &args);
        assert_eq!(code, 2, "{kind}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("ibias: error: "), "{err}");
        assert!(
            err.contains("--certify is for direction and residual"),
            "{err}"
        );
    }
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/three_classes.csv");
    let out = d.path().join("k.svg");
    let base = ["--data", data, "--steps", "100", "--certify"];
    let run = ibias(&[&["run"][..], &base].concat());
    let run_err = String::from_utf8_lossy(&run.stderr).into_owned();
    assert_eq!(run.status.code(), Some(2), "{run_err}");
    let mut args = vec!["plot", "direction"];
    args.extend(base);
    args.extend(["--out", out.to_str().expect("utf-8 path")]);
    let o = ibias(&args);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err, run_err, "the refusal of ibias run");
}
