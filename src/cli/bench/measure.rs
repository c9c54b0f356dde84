//! Speed of gradient descent, measured as steps per second and as a cost ratio to the f64
//! loop measured in the same process (so a busy machine slows both alike).
//!
//! Each case is a `Generator::Planted` data set (margin 1/10, seed 1), exponential loss, the
//! largest power-of-two step that satisfies the descent condition of theory §8.1 at `w = 0`,
//! and a warm start: every path begins at the iterate `w(T_warm)` of an f64 run (rounded
//! exactly into the path's scalar), so the steps timed are typical of long runs, where the
//! margins move by little per step. `ibias bench` prints the table; docs/speed.md explains it.

use crate::certify::Certifier;
use crate::data::generate::Generator;
use crate::data::Dataset;
use crate::loss::Loss;
use crate::objective::Objective;
use crate::optim::{GradientDescent, Optimizer, State};
use crate::run::{Observer, RunOptions, Runner};
use crate::scalar::{Dd, Scalar};
use crate::stepsize::{auto_step, Geometry};
use crate::{Error, Result};
use rug::{Float, Rational};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// One benchmark problem: `Generator::Planted { n, d, margin: 1/10, seed: 1 }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Case {
    /// Number of points.
    pub n: usize,
    /// Dimension.
    pub d: usize,
}

impl Case {
    /// The case's data set.
    pub fn data(self) -> Result<Dataset> {
        Generator::Planted {
            n: self.n,
            d: self.d,
            margin: Rational::from((1, 10)),
            seed: 1,
        }
        .generate()
    }
}

/// The three standard cases: N = 20, d = 2; N = 100, d = 10; N = 1000, d = 20.
pub const CASES: [Case; 3] = [
    Case { n: 20, d: 2 },
    Case { n: 100, d: 10 },
    Case { n: 1000, d: 20 },
];

/// A way of running gradient descent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Path {
    /// The generic GD over `f64` (the baseline every ratio refers to).
    F64,
    /// The generic GD over MPFR floats with this many bits.
    Mpfr(u32),
    /// GD with incremental exponentials over MPFR floats with this many bits.
    MpfrIncremental(u32),
    /// The generic GD over double-doubles ([`Dd`]).
    Dd,
    /// GD with incremental exponentials over double-doubles.
    DdIncremental,
    /// The generic GD over MPFR floats with this many bits, certified (`--certify`: the
    /// certifier observes every step, docs/theory/certify.md).
    MpfrCertified(u32),
    /// The generic GD over double-doubles, certified with the a-priori rounding bound
    /// (as `ibias run --certify --precision dd` on the exponential loss).
    DdCertified,
    /// The generic GD over double-doubles, certified with every step enclosed in interval
    /// arithmetic at 122 bits (the a-priori bound switched off).
    DdCertifiedInterval,
}

impl Path {
    /// Label in the table.
    pub fn label(self) -> String {
        match self {
            Path::F64 => "f64".into(),
            Path::Mpfr(b) => format!("mpfr {b}"),
            Path::MpfrIncremental(b) => format!("mpfr {b} incremental"),
            Path::Dd => "dd".into(),
            Path::DdIncremental => "dd incremental".into(),
            Path::MpfrCertified(b) => format!("mpfr {b} certified"),
            Path::DdCertified => "dd certified".into(),
            Path::DdCertifiedInterval => "dd certified interval".into(),
        }
    }
}

impl Path {
    /// Significand bits of the path's arithmetic (53 for f64, 106 for double-double).
    pub fn bits(self) -> u32 {
        match self {
            Path::F64 => 53,
            Path::Mpfr(b) | Path::MpfrIncremental(b) | Path::MpfrCertified(b) => b,
            Path::Dd | Path::DdIncremental | Path::DdCertified | Path::DdCertifiedInterval => 106,
        }
    }
}

/// Every path the benchmark knows, in table order.
pub fn all_paths() -> Vec<Path> {
    vec![
        Path::F64,
        Path::Mpfr(106),
        Path::Mpfr(128),
        Path::Mpfr(256),
        Path::MpfrIncremental(106),
        Path::MpfrIncremental(128),
        Path::MpfrIncremental(256),
        Path::Dd,
        Path::DdIncremental,
        Path::MpfrCertified(128),
        Path::DdCertified,
        Path::DdCertifiedInterval,
    ]
}

/// How long and how often to measure.
#[derive(Clone, Debug)]
pub struct BenchOptions {
    /// Wall time per measurement of one path.
    pub budget: Duration,
    /// Measurements per path (the fastest counts: interference only slows a run down).
    pub repeats: usize,
    /// f64 steps taken from `w = 0` to reach the warm start.
    pub warm_steps: u64,
    /// The cases to run.
    pub cases: Vec<Case>,
    /// The paths to run (`F64` is always measured, as the reference).
    pub paths: Vec<Path>,
}

impl BenchOptions {
    /// Quick mode (the default of `ibias bench`): 0.15 s per measurement, 3 repeats.
    pub fn quick() -> Self {
        BenchOptions {
            budget: Duration::from_millis(150),
            repeats: 3,
            warm_steps: 10_000,
            cases: CASES.to_vec(),
            paths: all_paths(),
        }
    }
    /// Full mode: 1 s per measurement, 5 repeats.
    pub fn full() -> Self {
        BenchOptions {
            budget: Duration::from_secs(1),
            repeats: 5,
            ..BenchOptions::quick()
        }
    }
}

/// One line of the result.
#[derive(Clone, Debug)]
pub struct Timing {
    /// The case.
    pub case: Case,
    /// The path.
    pub path: Path,
    /// Best steps per second over the repeats.
    pub steps_per_sec: f64,
    /// Cost of one step relative to the f64 step: `f64 steps/s ÷ this path's steps/s`.
    pub ratio: f64,
}

/// A prepared case: the data, the step size and the warm start (exact).
#[derive(Clone, Debug)]
pub struct Setup {
    /// The case.
    pub case: Case,
    /// The data.
    pub data: Dataset,
    /// The step size.
    pub eta: Rational,
    /// The warm start `w(T_warm)` of an f64 run from 0, as exact rationals.
    pub w0: Vec<Rational>,
}

impl Setup {
    /// Generates the data, picks the step and runs f64 GD for `warm_steps` steps.
    pub fn new(case: Case, warm_steps: u64) -> Result<Self> {
        let data = case.data()?;
        let eta = largest_safe_step(&data);
        let obj = Objective::<f64>::new(&data, Loss::Exponential, ());
        let gd = GradientDescent::<f64>::new(&eta, ());
        let traj = Runner::new(
            &obj,
            &gd,
            &RunOptions {
                steps: warm_steps,
                ..Default::default()
            },
        )
        .run(vec![0.0; case.d]);
        let last = traj
            .samples
            .last()
            .filter(|s| s.t == warm_steps)
            .ok_or_else(|| {
                Error::Numerical(format!(
                    "the f64 warm-up run stopped early: {}",
                    traj.status.describe()
                ))
            })?;
        let w0 = last
            .w
            .iter()
            .map(|x| Rational::from_f64(*x).ok_or(Error::Numerical("non-finite warm start".into())))
            .collect::<Result<Vec<_>>>()?;
        Ok(Setup {
            case,
            data,
            eta,
            w0,
        })
    }

    /// The warm start rounded into `S`.
    pub fn w0<S: Scalar>(&self, ctx: S::Ctx) -> Vec<S> {
        self.w0.iter().map(|q| S::from_rational(q, ctx)).collect()
    }
}

/// The largest `2^−k` satisfying the sufficient descent condition of theory §8.1 at `w = 0`
/// for the exponential loss (what the demo uses): [`auto_step`] for GD from the origin.
pub fn largest_safe_step(data: &Dataset) -> Rational {
    auto_step(
        data,
        Loss::Exponential,
        Geometry::L2,
        &vec![Rational::new(); data.dim()],
    )
}

/// Steps per second of `opt` from `w0` over about `budget` of wall time.
pub fn steps_per_sec<S: Scalar, O: Optimizer<S> + ?Sized>(
    obj: &Objective<S>,
    opt: &O,
    w0: Vec<S>,
    budget: Duration,
) -> Result<f64> {
    steps_per_sec_observed(obj, opt, w0, budget, None)
}

/// [`steps_per_sec`] with an observer of every step (the certifier), as the runner calls it:
/// the iterate copied before the step, the observer called after it.
pub fn steps_per_sec_observed<S: Scalar, O: Optimizer<S> + ?Sized>(
    obj: &Objective<S>,
    opt: &O,
    w0: Vec<S>,
    budget: Duration,
    mut observer: Option<&mut dyn Observer<S>>,
) -> Result<f64> {
    let mut st = State::new(obj, w0, 0);
    opt.init(obj, &mut st);
    let start = Instant::now();
    let mut batch: u64 = 1;
    let mut steps: u64 = 0;
    let mut before: Vec<S> = Vec::new();
    loop {
        for _ in 0..batch {
            if observer.is_some() {
                before.clone_from(&st.w);
            }
            opt.step(obj, &mut st).map_err(|e| {
                Error::Numerical(format!("benchmark run stopped at t = {}: {e:?}", st.t))
            })?;
            if let Some(obs) = observer.as_deref_mut() {
                obs.observe(&before, &st);
            }
        }
        steps += batch;
        let el = start.elapsed();
        if el >= budget {
            black_box(&st.w);
            return Ok(steps as f64 / el.as_secs_f64());
        }
        if el < budget / 20 {
            batch *= 2;
        }
    }
}

fn measure_path(setup: &Setup, path: Path, budget: Duration) -> Result<f64> {
    let loss = Loss::Exponential;
    match path {
        Path::F64 => {
            let obj = Objective::<f64>::new(&setup.data, loss, ());
            let gd = GradientDescent::<f64>::new(&setup.eta, ());
            steps_per_sec(&obj, &gd, setup.w0::<f64>(()), budget)
        }
        Path::Mpfr(b) => {
            let obj = Objective::<Float>::new(&setup.data, loss, b);
            let gd = GradientDescent::<Float>::new(&setup.eta, b);
            steps_per_sec(&obj, &gd, setup.w0::<Float>(b), budget)
        }
        Path::MpfrIncremental(b) => {
            let obj = Objective::<Float>::new(&setup.data, loss, b);
            let gd = GradientDescent::<Float>::incremental(&setup.eta, b);
            steps_per_sec(&obj, &gd, setup.w0::<Float>(b), budget)
        }
        Path::Dd => {
            let obj = Objective::<Dd>::new(&setup.data, loss, ());
            let gd = GradientDescent::<Dd>::new(&setup.eta, ());
            steps_per_sec(&obj, &gd, setup.w0::<Dd>(()), budget)
        }
        Path::DdIncremental => {
            let obj = Objective::<Dd>::new(&setup.data, loss, ());
            let gd = GradientDescent::<Dd>::incremental(&setup.eta, ());
            steps_per_sec(&obj, &gd, setup.w0::<Dd>(()), budget)
        }
        Path::MpfrCertified(b) => {
            let obj = Objective::<Float>::new(&setup.data, loss, b);
            let gd = GradientDescent::<Float>::new(&setup.eta, b);
            let mut c = Certifier::new::<Float>(&setup.data, loss, &setup.eta, &setup.w0, b, &[]);
            let rate =
                steps_per_sec_observed(&obj, &gd, setup.w0::<Float>(b), budget, Some(&mut c))?;
            certified_rate(&c, rate)
        }
        Path::DdCertified | Path::DdCertifiedInterval => {
            let obj = Objective::<Dd>::new(&setup.data, loss, ());
            let gd = GradientDescent::<Dd>::new(&setup.eta, ());
            let mut c = Certifier::new::<Dd>(&setup.data, loss, &setup.eta, &setup.w0, (), &[]);
            if path == Path::DdCertified
                && !c.use_a_priori::<Dd>(&setup.data, &setup.eta, (), false)
            {
                return Err(Error::Numerical(
                    "the a-priori rounding bound does not apply to the benchmark".into(),
                ));
            }
            let rate = steps_per_sec_observed(&obj, &gd, setup.w0::<Dd>(()), budget, Some(&mut c))?;
            certified_rate(&c, rate)
        }
    }
}

/// The rate of a certified path, if the certifier followed every step (a stopped one would
/// measure nothing).
fn certified_rate(c: &Certifier, rate: f64) -> Result<f64> {
    match c.stopped() {
        None => Ok(rate),
        Some(s) => Err(Error::Numerical(format!(
            "benchmark certification stopped at t = {}: {}",
            s.at, s.why
        ))),
    }
}

/// The whole result: GD rows and, per case, the time of the exact ℓ2 oracle.
#[derive(Clone, Debug)]
pub struct Report {
    /// One row per case and path.
    pub rows: Vec<Timing>,
    /// Per case: wall time of `oracle::solve(data, Norm::L2)` (certificate checked),
    /// best of the repeats; `None` if the oracle did not certify the data.
    pub oracle: Vec<(Case, Option<Duration>)>,
}

/// Runs the benchmark: for each case, `repeats` rounds in which f64 and then every other
/// path are measured once each (each path keeps its best rate), then the exact oracle.
pub fn run_bench(opts: &BenchOptions) -> Result<Report> {
    let mut rows = Vec::new();
    let mut oracle = Vec::new();
    let mut paths: Vec<Path> = vec![Path::F64];
    paths.extend(opts.paths.iter().copied().filter(|p| *p != Path::F64));
    for &case in &opts.cases {
        let setup = Setup::new(case, opts.warm_steps)?;
        let mut best = vec![0.0f64; paths.len()];
        for _ in 0..opts.repeats.max(1) {
            for (i, &p) in paths.iter().enumerate() {
                let r = measure_path(&setup, p, opts.budget)?;
                best[i] = best[i].max(r);
            }
        }
        let base = best[0];
        for (i, &p) in paths.iter().enumerate() {
            rows.push(Timing {
                case,
                path: p,
                steps_per_sec: best[i],
                ratio: base / best[i],
            });
        }
        let mut t_oracle: Option<Duration> = None;
        for _ in 0..opts.repeats.max(1) {
            let start = Instant::now();
            let ok = crate::oracle::solve(&setup.data, crate::cert::Norm::L2).is_ok();
            let el = start.elapsed();
            if ok {
                t_oracle = Some(t_oracle.map_or(el, |t| t.min(el)));
            }
        }
        oracle.push((case, t_oracle));
    }
    Ok(Report { rows, oracle })
}

/// Wall time of `steps` GD steps at the best rate measured for `case` among the paths with
/// at least 106 bits (`None` if none was measured).
pub fn projected(report: &Report, case: Case, steps: f64) -> Option<(Path, Duration)> {
    report
        .rows
        .iter()
        .filter(|r| r.case == case && r.path.bits() >= 106)
        .max_by(|a, b| a.steps_per_sec.total_cmp(&b.steps_per_sec))
        .map(|r| (r.path, Duration::from_secs_f64(steps / r.steps_per_sec)))
}

/// The numba peer: `benches/peers/gd_numba.py`, the same GD (exponential loss, same data,
/// step, start and step count) as a numba `@njit` triple loop (docs/speed.md).
pub const NUMBA_PEER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/peers/gd_numba.py");

/// One case measured against the numba peer, in one sitting: the peer, then ibias's f64 and
/// double-double GD from the same warm start.
#[derive(Clone, Debug)]
pub struct PeerTiming {
    /// The case.
    pub case: Case,
    /// The peer's best rate over its repeats (compile time excluded).
    pub numba_steps_per_sec: f64,
    /// ibias f64 GD, best of the repeats.
    pub f64_steps_per_sec: f64,
    /// ibias double-double GD, best of the repeats.
    pub dd_steps_per_sec: f64,
    /// `max_j |w_j(numba) − w_j(f64)| / max(1, ‖w(f64)‖∞)` after one timed run's steps.
    pub deviation: f64,
}

/// The peer's table, or why it was not measured (no python3, no numba, no script).
#[derive(Clone, Debug)]
pub enum PeerReport {
    /// One row per case.
    Measured(Vec<PeerTiming>),
    /// A one-line reason.
    Skipped(String),
}

/// Runs `python3 SCRIPT --data <the case's data> ARGS` and parses its JSON, or a one-line
/// reason it did not run.
fn run_python(
    script: &str,
    data: &Dataset,
    case: Case,
    args: &[String],
) -> std::result::Result<serde_json::Value, String> {
    if !std::path::Path::new(script).is_file() {
        return Err(format!("{script} not found"));
    }
    let file = std::env::temp_dir().join(format!(
        "ibias-peer-{}-{}x{}.csv",
        std::process::id(),
        case.n,
        case.d
    ));
    std::fs::write(&file, crate::data::to_csv(data))
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let out = std::process::Command::new("python3")
        .arg(script)
        .arg("--data")
        .arg(&file)
        .args(args)
        .output();
    // The file is ours (named by this process's id); a failed removal leaves a small file.
    let _ = std::fs::remove_file(&file);
    let out = out.map_err(|e| format!("python3 could not be started: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        return Err(format!("python3 {script} failed: {last}"));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("the peer's output is not JSON: {e}"))
}

/// The smallest of the peer's `elapsed_s` (`None` if there is none, or it is not positive).
fn best_elapsed(v: &serde_json::Value) -> Option<f64> {
    let best = v["elapsed_s"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_f64)
        .fold(f64::INFINITY, f64::min);
    (best > 0.0 && best.is_finite()).then_some(best)
}

/// The peer's `w`, if it has `d` coordinates.
fn peer_w(v: &serde_json::Value, d: usize) -> Option<Vec<f64>> {
    v["w"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|x| x.as_str().and_then(|t| t.parse::<f64>().ok()))
        .collect::<Option<Vec<f64>>>()
        .filter(|w| w.len() == d)
}

/// The numba peer's answer: its best rate and final iterate, or a one-line reason it did
/// not run.
fn run_numba(
    setup: &Setup,
    steps: u64,
    repeats: usize,
) -> std::result::Result<(f64, Vec<f64>), String> {
    let init: Vec<String> = setup.w0.iter().map(crate::data::format_rational).collect();
    let v = run_python(
        NUMBA_PEER,
        &setup.data,
        setup.case,
        &[
            "--lr".into(),
            crate::data::format_rational(&setup.eta),
            "--steps".into(),
            steps.to_string(),
            "--init".into(),
            init.join(","),
            "--repeats".into(),
            repeats.max(1).to_string(),
        ],
    )?;
    match (best_elapsed(&v), peer_w(&v, setup.case.d)) {
        (Some(best), Some(w)) => Ok((steps as f64 / best, w)),
        _ => Err("the peer's output lacks `w` or `elapsed_s`".into()),
    }
}

/// The scipy peer of the exact ℓ2 oracle: `benches/peers/svm_nnls_scipy.py`, the hard-margin
/// SVM as Lawson and Hanson's least-distance problem, solved by `scipy.optimize.nnls` in
/// float64 with no certificate (docs/speed.md).
pub const NNLS_PEER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/benches/peers/svm_nnls_scipy.py"
);

/// The cases of the oracle comparison: the bench's cases and N = 10⁴, d = 100.
pub fn oracle_peer_cases(cases: &[Case]) -> Vec<Case> {
    let mut out = cases.to_vec();
    let big = Case { n: 10_000, d: 100 };
    if !out.contains(&big) {
        out.push(big);
    }
    out
}

/// One case of the exact oracle against scipy's NNLS.
#[derive(Clone, Debug)]
pub struct OracleTiming {
    /// The case.
    pub case: Case,
    /// `oracle::solve` (exact ŵ, certificate checked by the independent checker), best of
    /// the repeats; the data already in memory.
    pub exact: Duration,
    /// scipy's NNLS solve, best of the repeats (building its matrix included, reading the
    /// file excluded).
    pub scipy: Duration,
    /// `max_j |ŵ_j(scipy) − ŵ_j| / max(1, ‖ŵ‖∞)`.
    pub deviation: f64,
}

/// The oracle comparison, or why it was not measured.
#[derive(Clone, Debug)]
pub enum OraclePeerReport {
    /// One row per case.
    Measured(Vec<OracleTiming>),
    /// A one-line reason.
    Skipped(String),
}

/// Times the exact ℓ2 oracle and the scipy peer on `cases` (planted data, seed 1).
pub fn run_oracle_peers(cases: &[Case], repeats: usize) -> Result<OraclePeerReport> {
    let mut rows = Vec::new();
    for &case in cases {
        let data = case.data()?;
        let v = match run_python(
            NNLS_PEER,
            &data,
            case,
            &["--repeats".into(), repeats.max(1).to_string()],
        ) {
            Ok(v) => v,
            Err(why) => return Ok(OraclePeerReport::Skipped(why)),
        };
        let (Some(scipy), Some(w_peer)) = (best_elapsed(&v), peer_w(&v, case.d)) else {
            return Ok(OraclePeerReport::Skipped(
                "the peer's output lacks `w` or `elapsed_s`".into(),
            ));
        };
        let (mut exact, mut w) = (Duration::MAX, Vec::new());
        for _ in 0..repeats.max(1) {
            let start = Instant::now();
            let out = crate::oracle::solve(&data, crate::cert::Norm::L2)?;
            let el = start.elapsed();
            let crate::oracle::Outcome::Separable(m) = out else {
                return Err(Error::Numerical(format!(
                    "planted data N={} d={} came out not separable",
                    case.n, case.d
                )));
            };
            if el < exact {
                (exact, w) = (el, m.cert.w);
            }
        }
        let w: Vec<f64> = w.iter().map(Rational::to_f64).collect();
        let scale = w.iter().fold(1.0f64, |m, x| m.max(x.abs()));
        let deviation = w
            .iter()
            .zip(&w_peer)
            .fold(0.0f64, |m, (a, b)| m.max((a - b).abs() / scale));
        rows.push(OracleTiming {
            case,
            exact,
            scipy: Duration::from_secs_f64(scipy),
            deviation,
        });
    }
    Ok(OraclePeerReport::Measured(rows))
}

/// Renders the oracle comparison (`exact÷scipy` = the exact oracle's time over scipy's).
pub fn render_oracle_peers(report: &OraclePeerReport) -> String {
    let rows = match report {
        OraclePeerReport::Skipped(why) => {
            return format!(
                "
peer scipy nnls: skipped ({why})
"
            )
        }
        OraclePeerReport::Measured(rows) => rows,
    };
    let mut out = format!(
        "\npeer: scipy.optimize.nnls on the least-distance form of the hard-margin SVM ({}), \
         float64, no certificate; against the exact l2 oracle with its certificate checked; \
         best of the repeats, reading the file excluded on both sides\n{:<16} {:>12} {:>12} \
         {:>12} {:>12}\n",
        "benches/peers/svm_nnls_scipy.py",
        "case",
        "exact ms",
        "scipy ms",
        "exact÷scipy",
        "|Δŵ| scipy"
    );
    for r in rows {
        out.push_str(&format!(
            "{:<16} {:>12} {:>12} {:>12} {:>12}\n",
            format!("N={} d={}", r.case.n, r.case.d),
            format!("{:.2}", r.exact.as_secs_f64() * 1e3),
            format!("{:.2}", r.scipy.as_secs_f64() * 1e3),
            format!("{:.2}", r.exact.as_secs_f64() / r.scipy.as_secs_f64()),
            format!("{:.1e}", r.deviation)
        ));
    }
    out
}

/// `steps` steps of ibias f64 GD from the warm start.
fn f64_iterate(setup: &Setup, steps: u64) -> Result<Vec<f64>> {
    let obj = Objective::<f64>::new(&setup.data, Loss::Exponential, ());
    let gd = GradientDescent::<f64>::new(&setup.eta, ());
    let mut st = State::new(&obj, setup.w0::<f64>(()), 0);
    for _ in 0..steps {
        gd.step(&obj, &mut st)
            .map_err(|e| Error::Numerical(format!("f64 GD stopped at t = {}: {e:?}", st.t)))?;
    }
    Ok(st.w)
}

/// Measures the numba peer against ibias's f64 and double-double GD on every case of
/// `opts`: per case the peer (its `repeats` runs of about one budget of f64 steps each),
/// then `repeats` rounds of f64 and dd, best rates on both sides; and the deviation of the
/// peer's final iterate from ibias f64's after the same steps. Skipped, with the reason, if
/// the peer cannot run.
pub fn run_peers(opts: &BenchOptions) -> Result<PeerReport> {
    let mut rows = Vec::new();
    for &case in &opts.cases {
        let setup = Setup::new(case, opts.warm_steps)?;
        let probe = measure_path(&setup, Path::F64, opts.budget / 4)?;
        let steps = ((probe * opts.budget.as_secs_f64()) as u64).max(100);
        let (numba, w_peer) = match run_numba(&setup, steps, opts.repeats) {
            Ok(x) => x,
            Err(why) => return Ok(PeerReport::Skipped(why)),
        };
        let (mut f, mut dd) = (0.0f64, 0.0f64);
        for _ in 0..opts.repeats.max(1) {
            f = f.max(measure_path(&setup, Path::F64, opts.budget)?);
            dd = dd.max(measure_path(&setup, Path::Dd, opts.budget)?);
        }
        let w = f64_iterate(&setup, steps)?;
        let scale = w.iter().fold(1.0f64, |m, x| m.max(x.abs()));
        let deviation = w
            .iter()
            .zip(&w_peer)
            .fold(0.0f64, |m, (a, b)| m.max((a - b).abs() / scale));
        rows.push(PeerTiming {
            case,
            numba_steps_per_sec: numba,
            f64_steps_per_sec: f,
            dd_steps_per_sec: dd,
            deviation,
        });
    }
    Ok(PeerReport::Measured(rows))
}

/// Renders the peer's table (`× numba` = cost of one ibias step relative to the peer's).
pub fn render_peers(report: &PeerReport) -> String {
    let rows = match report {
        PeerReport::Skipped(why) => return format!("\npeer numba: skipped ({why})\n"),
        PeerReport::Measured(rows) => rows,
    };
    let mut out = format!(
        "\npeer: numba @njit triple loop ({}), same data, step, warm start and steps; best of \
         the repeats; compile time excluded\n{:<16} {:>12} {:>12} {:>10} {:>12} {:>10} {:>12}\n",
        "benches/peers/gd_numba.py",
        "case",
        "numba st/s",
        "f64 st/s",
        "f64×numba",
        "dd st/s",
        "dd×numba",
        "|Δw| f64"
    );
    for r in rows {
        out.push_str(&format!(
            "{:<16} {:>12} {:>12} {:>10} {:>12} {:>10} {:>12}\n",
            format!("N={} d={}", r.case.n, r.case.d),
            fmt_rate(r.numba_steps_per_sec),
            fmt_rate(r.f64_steps_per_sec),
            format!("{:.2}", r.numba_steps_per_sec / r.f64_steps_per_sec),
            fmt_rate(r.dd_steps_per_sec),
            format!("{:.2}", r.numba_steps_per_sec / r.dd_steps_per_sec),
            format!("{:.1e}", r.deviation)
        ));
    }
    out
}

/// Renders the report as plain text: the table, the oracle times, the 10⁹-step projection.
pub fn render_report(report: &Report) -> String {
    let mut out = render(&report.rows);
    out.push_str("\nexact l2 oracle (certificate checked), best of the repeats:\n");
    for (case, t) in &report.oracle {
        let t = match t {
            Some(t) => format!("{:.2} ms", t.as_secs_f64() * 1e3),
            None => "not certified".into(),
        };
        out.push_str(&format!("  N={} d={}: {t}\n", case.n, case.d));
    }
    let c = Case { n: 20, d: 2 };
    if let Some((p, t)) = projected(report, c, 1e9) {
        out.push_str(&format!(
            "\n10^9 GD steps at >= 106 bits on N=20 d=2 ({}): {:.0} min at the measured rate\n",
            p.label(),
            t.as_secs_f64() / 60.0
        ));
    }
    out
}

/// Renders the rows as a plain-text table.
pub fn render(rows: &[Timing]) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{:<16} {:<22} {:>12} {:>10} {:>9}\n",
        "case", "path", "steps/s", "µs/step", "× f64"
    ));
    let mut last: Option<Case> = None;
    for r in rows {
        let case = if last == Some(r.case) {
            String::new()
        } else {
            format!("N={} d={}", r.case.n, r.case.d)
        };
        last = Some(r.case);
        out.push_str(&format!(
            "{:<16} {:<22} {:>12} {:>10} {:>9}\n",
            case,
            r.path.label(),
            fmt_rate(r.steps_per_sec),
            format!("{:.3}", 1e6 / r.steps_per_sec),
            format!("{:.1}", r.ratio)
        ));
    }
    out
}

fn fmt_rate(x: f64) -> String {
    if x >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.1}k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

/// A long run at the fastest ≥ 106-bit path (double-double GD) from `w = 0`.
#[derive(Clone, Debug)]
pub struct Horizon {
    /// The case.
    pub case: Case,
    /// Steps taken.
    pub steps: u64,
    /// How the run ended.
    pub status: crate::run::RunStatus,
    /// Wall time of the loop.
    pub elapsed: Duration,
    /// `‖w‖₂` and `ln L(w)` at the end (decimal, 12 significant digits).
    pub norm: String,
    /// `ln L(w)` at the end.
    pub ln_loss: String,
}

/// Runs `steps` steps of double-double GD on `case` from `w = 0` (exponential loss, the
/// step of [`largest_safe_step`]) and times it.
pub fn horizon(case: Case, steps: u64) -> Result<Horizon> {
    let setup = Setup::new(case, 0)?;
    let obj = Objective::<Dd>::new(&setup.data, Loss::Exponential, ());
    let gd = GradientDescent::<Dd>::new(&setup.eta, ());
    let traj = Runner::new(
        &obj,
        &gd,
        &RunOptions {
            steps,
            base: 10,
            progress: true,
            seed: 0,
        },
    )
    .run(vec![Dd::ZERO; case.d]);
    let last = traj
        .samples
        .last()
        .ok_or_else(|| Error::Numerical("no sample recorded".into()))?;
    Ok(Horizon {
        case,
        steps: traj.steps,
        status: traj.status,
        elapsed: traj.elapsed,
        norm: crate::scalar::norm(&last.w, ()).to_decimal(12),
        ln_loss: last.ln_loss.to_decimal(12),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stepsize::check_step;

    #[test]
    fn safe_step_satisfies_and_is_tight() {
        // The returned step passes the §8.1 check and twice it fails (unless it is 1).
        let data = Generator::Planted {
            n: 20,
            d: 2,
            margin: Rational::from((1, 10)),
            seed: 1,
        }
        .generate()
        .unwrap();
        let eta = largest_safe_step(&data);
        let zero = [0.0, 0.0];
        assert!(check_step(&data, Loss::Exponential, &eta, &zero).is_none());
        if eta < 1 {
            let twice = Rational::from(&eta * 2u32);
            assert!(check_step(&data, Loss::Exponential, &twice, &zero).is_some());
        }
    }
}
