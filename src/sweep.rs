//! A grid of ordinary runs (`ibias sweep`): data sets × step sizes × starts × optimizers,
//! each grid point one [`Experiment`] (the pipeline of `ibias run`), run on a pool of
//! threads (rayon) or written out as independent jobs for a batch scheduler, and the
//! results as one table.
//!
//! Point `i` of a grid with `D` data sets, `L` steps, `S` starts and `O` optimizers is
//! `i = ((d·L + l)·S + s)·O + o`: the optimizer varies fastest. Results are kept in this order
//! whatever order the points finish in, and a point's result depends only on its experiment,
//! so a sweep on `j` threads prints the same bytes as on one, and the job files of a batch
//! scheduler merged ([`merge`]) print the same bytes as the local sweep. No wall time is part
//! of the result.
//!
//! ```
//! use implicit_bias::sweep::{Grid, Start, SweepData};
//! use implicit_bias::data::generate::Generator;
//! use implicit_bias::optim::OptimizerSpec;
//! use implicit_bias::scalar::Precision;
//! let r2 = SweepData::new("r2".into(), "r2".into(), String::new(), Generator::R2.generate()?, false)?;
//! let grid = Grid {
//!     steps: 1000,
//!     precision: Precision::F64,
//!     ..Grid::new("ibias sweep".into(), vec![r2], OptimizerSpec::parse_list("gd,adam")?)
//! };
//! let one = grid.run(None, 1)?;
//! assert_eq!(one.points.len(), 2);
//! assert_eq!(one, grid.run(None, 2)?); // the same results on two threads
//! # Ok::<(), implicit_bias::Error>(())
//! ```

use crate::data::generate::{Generator, SplitMix64};
use crate::data::{format_rational, parse_rational, ClassData, Dataset};
use crate::experiment::{class_max_margin, max_margin, steps_text, Experiment, Findings};
use crate::loss::Loss;
use crate::optim::OptimizerSpec;
use crate::run::stop_requested;
use crate::scalar::{format_sig_f64, Precision};
use crate::theory::limits::angle_deg;
use crate::{Error, Result};
use rayon::prelude::*;
use rug::Rational;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::Path;

/// One data set of a grid, with its exact, verified ℓ2 max-margin answer `ŵ`.
#[derive(Clone, Debug)]
pub struct SweepData {
    /// The short name in the table (`f.csv`, `planted:20:2:1`).
    pub(crate) label: String,
    /// The name in each point's `ibias run` command echo.
    pub(crate) name: String,
    /// The column flags of that echo (each with a leading space; empty for the defaults).
    pub(crate) flags: String,
    /// The data (with the bias column appended when the grid has `bias`); for K-class data
    /// their lift (docs/theory/multiclass.md §M1).
    pub(crate) data: Dataset,
    /// K-class data (with the bias column for `bias`), whose lift `data` is: each point runs
    /// as `ibias run` runs K-class data.
    pub(crate) classes: Option<ClassData>,
    /// `ŵ`, exact (`None` when the oracle could not answer; a warning says why); for K-class
    /// data `vec(Ŵ)`, the K-class SVM.
    pub(crate) answer: Option<Vec<Rational>>,
    /// Warnings of the oracle call.
    pub(crate) warnings: Vec<String>,
}

impl SweepData {
    /// A data set and its verified ℓ2 answer ([`max_margin`]).
    ///
    /// # Errors
    /// Non-separable data (with the Gordan witness).
    pub fn new(
        label: String,
        name: String,
        flags: String,
        data: Dataset,
        biased: bool,
    ) -> Result<SweepData> {
        let mut warnings = Vec::new();
        let answer = max_margin(&data, biased, &mut warnings)?.map(|mm| mm.cert.w);
        Ok(SweepData {
            label,
            name,
            flags,
            data,
            classes: None,
            answer,
            warnings,
        })
    }

    /// K-class data (already with the bias column for a grid with `bias`) and their verified
    /// K-class SVM ([`class_max_margin`]).
    ///
    /// # Errors
    /// Non-separable data (with the Gordan witness on the lifted points).
    pub(crate) fn with_classes(
        label: String,
        name: String,
        flags: String,
        classes: ClassData,
    ) -> Result<SweepData> {
        let mut warnings = Vec::new();
        let answer = class_max_margin(&classes, &mut warnings)?.map(|mm| mm.cert.w);
        Ok(SweepData {
            label,
            name,
            flags,
            data: classes.lift(),
            classes: Some(classes),
            answer,
            warnings,
        })
    }

    /// A planted set `N:D:SEED` (`ibias gen planted --n N --d D --seed SEED`, margin 1/10),
    /// with the bias column if `bias`.
    ///
    /// # Errors
    /// A malformed spec, or one the generator refuses.
    pub fn planted(spec: &str, bias: bool) -> Result<SweepData> {
        let bad = || {
            Error::param(
                "planted",
                format!(
                    "{spec:?} is not N:D:SEED (e.g. 20:2:1: 20 points in 2 dimensions, seed 1)"
                ),
            )
        };
        let parts: Vec<&str> = spec.trim().split(':').collect();
        let [n, d, seed] = parts[..] else {
            return Err(bad());
        };
        let n: usize = n.trim().parse().map_err(|_| bad())?;
        let d: usize = d.trim().parse().map_err(|_| bad())?;
        let seed: u64 = seed.trim().parse().map_err(|_| bad())?;
        let mut data = Generator::Planted {
            n,
            d,
            margin: Rational::from((1, 10)),
            seed,
        }
        .generate()?;
        if bias {
            data = data.with_bias();
        }
        SweepData::new(
            format!("planted:{n}:{d}:{seed}"),
            format!("planted:{n}:{d}:{seed} (ibias gen planted --n {n} --d {d} --seed {seed})"),
            String::new(),
            data,
            bias,
        )
    }
}

/// One start of the grid's start axis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Start {
    /// The origin of each data set's dimension.
    Origin,
    /// A given point (its length must be each data set's dimension).
    Given(Vec<Rational>),
    /// The `k`-th random start (from 0) of [`Grid::start_seed`]: `random_start`.
    Random(usize),
}

impl Start {
    /// Parses one `--init` value: `origin` or comma-separated exact numbers.
    ///
    /// # Errors
    /// A number that does not parse.
    pub fn parse(text: &str) -> Result<Start> {
        if text.trim() == "origin" {
            return Ok(Start::Origin);
        }
        text.split(',')
            .map(|f| parse_rational(f).map_err(|e| Error::param("init", e.to_string())))
            .collect::<Result<Vec<_>>>()
            .map(Start::Given)
    }

    /// The label in the table.
    pub fn label(&self, seed: u64) -> String {
        match self {
            Start::Origin => "origin".into(),
            Start::Given(v) => v.iter().map(format_rational).collect::<Vec<_>>().join(","),
            Start::Random(k) => format!("random:{seed}:{k}"),
        }
    }

    /// The start in dimension `d`.
    pub fn point(&self, d: usize, seed: u64) -> Vec<Rational> {
        match self {
            Start::Origin => vec![Rational::new(); d],
            Start::Given(v) => v.clone(),
            Start::Random(k) => random_start(seed, *k, d),
        }
    }
}

/// The `k`-th random start (from 0) of `seed` in dimension `d`: the `k`-th block of `d`
/// draws from SplitMix64 seeded with `seed`, each coordinate `j/100` with `j` uniform in
/// `−100..=100` (exact, platform-independent).
pub(crate) fn random_start(seed: u64, k: usize, d: usize) -> Vec<Rational> {
    let mut rng = SplitMix64::new(seed);
    for _ in 0..k * d {
        rng.range(-100, 100);
    }
    (0..d)
        .map(|_| Rational::from((rng.range(-100, 100), 100)))
        .collect()
}

/// A validated grid: the four axes and the settings every point shares.
#[derive(Clone, Debug)]
pub struct Grid {
    /// The sweep's command echo (without `--only`, `--jobs`, `--json`, `--emit`).
    pub command: String,
    /// The data axis.
    pub data: Vec<SweepData>,
    /// The step axis (`None`: `auto`, the step `ibias run --lr auto` takes).
    pub lrs: Vec<Option<Rational>>,
    /// The start axis.
    pub starts: Vec<Start>,
    /// The seed of the random starts.
    pub start_seed: u64,
    /// The optimizer axis (specs without their own `lr=`: the step axis gives it).
    pub optimizers: Vec<OptimizerSpec>,
    /// The loss (`None`: the default of `ibias run`, the exponential loss on binary data and
    /// the softmax cross-entropy on K-class data; a given loss is taken on K-class data as
    /// `ibias run --loss` takes it, [`Loss::for_classes`]).
    pub loss: Option<Loss>,
    /// Steps of every run.
    pub steps: u64,
    /// Working precision.
    pub precision: Precision,
    /// Seed of the SGD sampler.
    pub seed: u64,
    /// Whether the data carry an appended constant column (`--bias`).
    pub bias: bool,
}

/// The verdict counts of one GD point's claims (as `ibias run --json` `theory.counts`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// PASS.
    pub(crate) pass: u64,
    /// weak.
    pub(crate) weak: u64,
    /// FAIL.
    pub(crate) fail: u64,
    /// n/a.
    #[serde(rename = "n/a")]
    pub(crate) not_judged: u64,
}

/// One grid point's result: a row of the table, an object of `--json` (docs/cli.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Point {
    /// Its index in the grid.
    pub(crate) index: usize,
    /// The data set's label.
    pub(crate) data: String,
    /// The step as given on the step axis (`auto` or exact).
    pub(crate) lr: String,
    /// The step used, exact.
    pub(crate) lr_used: String,
    /// The start's label.
    pub(crate) start: String,
    /// `w(0)`, exact.
    pub(crate) init: Vec<String>,
    /// The optimizer (`OptimizerSpec::to_arg` without the step).
    pub(crate) optimizer: String,
    /// How the run ended (`completed`, `underflow`, `non_finite`, `interrupted`), or
    /// `not_run` (the sweep was interrupted before it began) or `error`.
    pub(crate) status: String,
    /// Steps taken.
    pub(crate) steps_taken: u64,
    /// Angle in degrees between `w(T)` and `ŵ` (4 significant digits).
    pub(crate) angle_deg: Option<String>,
    /// The normalized margin `min_n z_n·w(T)/‖w(T)‖₂` (6 significant digits, at most the
    /// run's trusted ones).
    pub(crate) margin: Option<String>,
    /// GD: the verdict counts of its claims.
    pub(crate) counts: Option<Counts>,
    /// GD: `holds`, `fails` or `inconclusive`.
    pub(crate) judgement: Option<String>,
    /// The exit status `ibias run` gives this run (0, 1, 3; 2 for an error).
    pub(crate) exit: u8,
    /// The `ibias run` command that reproduces this point.
    pub(crate) command: String,
    /// Why the point has no result (status `error`).
    pub(crate) error: Option<String>,
}

/// One data set in a sweep's description.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataInfo {
    /// Its label.
    pub(crate) label: String,
    /// Points.
    pub(crate) n: usize,
    /// Dimension.
    pub(crate) d: usize,
    /// K-class data: the number of classes (`n`, `d`, `w_hat` are then those of the lift,
    /// `w_hat = vec(Ŵ)`); absent for binary data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) classes: Option<usize>,
    /// `ŵ`, exact.
    pub(crate) w_hat: Option<Vec<String>>,
    /// The max margin `1/‖ŵ‖` (6 significant digits).
    pub(crate) max_margin: Option<String>,
}

/// What a sweep's grid is, as its document records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridInfo {
    /// Number of points.
    pub(crate) points: usize,
    /// The data axis.
    pub(crate) data: Vec<DataInfo>,
    /// The step axis.
    pub(crate) lrs: Vec<String>,
    /// The start axis.
    pub(crate) starts: Vec<String>,
    /// The optimizer axis.
    pub(crate) optimizers: Vec<String>,
    /// The loss.
    pub(crate) loss: String,
    /// Steps of every run.
    pub(crate) steps: u64,
    /// Working precision.
    pub(crate) precision: String,
}

/// A sweep's result (`ibias sweep --json`; a job's file; what [`merge`] collects).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sweep {
    /// The sweep's command echo.
    pub(crate) command: String,
    /// Its grid.
    pub(crate) grid: GridInfo,
    /// `completed` (every point here ran to its report) or `interrupted`.
    pub(crate) status: String,
    /// The points, by index.
    pub points: Vec<Point>,
}

impl Grid {
    /// A grid of `data` × `optimizers` with one step (`auto`) and one start (the origin),
    /// exponential loss, 10^4 steps at 128 bits (the defaults of `ibias sweep`).
    pub fn new(command: String, data: Vec<SweepData>, optimizers: Vec<OptimizerSpec>) -> Grid {
        Grid {
            command,
            data,
            lrs: vec![None],
            starts: vec![Start::Origin],
            start_seed: 0,
            optimizers,
            loss: None,
            steps: 10_000,
            precision: Precision::Bits(128),
            seed: 0,
            bias: false,
        }
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.data.len() * self.lrs.len() * self.starts.len() * self.optimizers.len()
    }

    /// Whether the grid has no point.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The axis indices (data, step, start, optimizer) of point `i < len()`.
    fn coords(&self, i: usize) -> (usize, usize, usize, usize) {
        let o = i % self.optimizers.len();
        let rest = i / self.optimizers.len();
        let s = rest % self.starts.len();
        let rest = rest / self.starts.len();
        (rest / self.lrs.len(), rest % self.lrs.len(), s, o)
    }

    /// The experiment of point `i`, validated.
    ///
    /// # Errors
    /// An index outside the grid, a step given in an optimizer's spec, or an experiment that
    /// does not validate (a start of the wrong dimension, ...).
    pub fn experiment(&self, i: usize) -> Result<Experiment> {
        if i >= self.len() {
            return Err(Error::param(
                "only",
                format!(
                    "{i} is not a point of this grid (0..={})",
                    self.len().saturating_sub(1)
                ),
            ));
        }
        let (d, l, s, o) = self.coords(i);
        let set = &self.data[d];
        let mut optimizer = self.optimizers[o].clone();
        if optimizer.lr.is_some() {
            return Err(Error::param(
                "optimizers",
                format!(
                    "{}: give the steps of a sweep with --lr (its step axis), not in the optimizer",
                    optimizer.to_arg()
                ),
            ));
        }
        optimizer.lr.clone_from(&self.lrs[l]);
        let k = set.classes.as_ref().map_or(2, ClassData::classes);
        let base = match &set.classes {
            Some(c) => Experiment::for_classes(c.clone()),
            None => Experiment::new(set.data.clone()),
        };
        let e = Experiment {
            data_name: set.name.clone(),
            data_flags: set.flags.clone(),
            bias: self.bias,
            loss: match self.loss {
                Some(loss) => loss.for_classes(k),
                None => Loss::Exponential.default_for(k),
            },
            optimizer,
            steps: self.steps,
            precision: self.precision,
            init: self.starts[s].point(set.data.dim(), self.start_seed),
            seed: self.seed,
            progress: false,
            ..base
        };
        e.validate().map_err(|err| match err {
            Error::Parameter { name, message } => Error::Parameter {
                name,
                message: format!(
                    "{message} (grid point {i}: data {}, start {})",
                    set.label,
                    self.starts[s].label(self.start_seed)
                ),
            },
            other => other,
        })?;
        Ok(e)
    }

    /// Checks every point ([`Grid::experiment`]): a bad grid is refused as a whole, by every
    /// job of it, before anything runs.
    ///
    /// # Errors
    /// An empty grid, or the first point that does not validate.
    pub(crate) fn validate(&self) -> Result<()> {
        if self.is_empty() {
            return Err(Error::param("sweep", "the grid has no point"));
        }
        for i in 0..self.len() {
            self.experiment(i)?;
        }
        Ok(())
    }

    /// The grid as its document records it.
    pub fn info(&self) -> GridInfo {
        GridInfo {
            points: self.len(),
            data: self
                .data
                .iter()
                .map(|s| DataInfo {
                    label: s.label.clone(),
                    n: s.data.len(),
                    d: s.data.dim(),
                    classes: s.classes.as_ref().map(ClassData::classes),
                    w_hat: s
                        .answer
                        .as_ref()
                        .map(|w| w.iter().map(format_rational).collect()),
                    max_margin: s.answer.as_ref().map(|w| {
                        let sq: f64 = w.iter().map(|x| x.to_f64() * x.to_f64()).sum();
                        format_sig_f64(1.0 / sq.sqrt(), 6)
                    }),
                })
                .collect(),
            lrs: self.lrs.iter().map(lr_label).collect(),
            starts: self
                .starts
                .iter()
                .map(|s| s.label(self.start_seed))
                .collect(),
            optimizers: self.optimizers.iter().map(OptimizerSpec::to_arg).collect(),
            loss: match self.loss {
                Some(loss) => loss.name().into(),
                None if self.data.iter().any(|s| s.classes.is_some()) => {
                    "default (exp; softmax on K-class data)".into()
                }
                None => Loss::Exponential.name().into(),
            },
            steps: self.steps,
            precision: self.precision.to_arg(),
        }
    }

    /// Runs every point (`only`: just that one) on `jobs` threads; the points in index
    /// order. Every point is validated before any runs. After a stop request
    /// (`crate::run::request_stop`) the running points stop where they are (status
    /// `interrupted`) and the others are `not_run`.
    ///
    /// # Errors
    /// A point that does not validate, an index outside the grid, `jobs` = 0.
    pub fn run(&self, only: Option<usize>, jobs: usize) -> Result<Sweep> {
        self.validate()?;
        let chosen: Vec<usize> = match only {
            Some(i) => vec![i],
            None => (0..self.len()).collect(),
        };
        let experiments = chosen
            .iter()
            .map(|&i| self.experiment(i).map(|e| (i, e)))
            .collect::<Result<Vec<_>>>()?;
        if jobs == 0 {
            return Err(Error::param("jobs", "0: at least one thread"));
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .map_err(|e| Error::param("jobs", format!("cannot start {jobs} threads: {e}")))?;
        // an indexed parallel iterator collects in index order, not in completion order
        let points: Vec<Point> = pool.install(|| {
            experiments
                .par_iter()
                .map(|(i, e)| self.run_point(*i, e))
                .collect()
        });
        Ok(sweep_of(self.command.clone(), self.info(), points))
    }

    fn run_point(&self, i: usize, e: &Experiment) -> Point {
        let (d, l, s, _) = self.coords(i);
        let set = &self.data[d];
        let mut spec = e.optimizer.clone();
        spec.lr = None;
        let mut point = Point {
            index: i,
            data: set.label.clone(),
            lr: lr_label(&self.lrs[l]),
            lr_used: format_rational(&e.lr()),
            start: self.starts[s].label(self.start_seed),
            init: e.init.iter().map(format_rational).collect(),
            optimizer: spec.to_arg(),
            status: "not_run".into(),
            steps_taken: 0,
            angle_deg: None,
            margin: None,
            counts: None,
            judgement: None,
            exit: 3,
            command: e.command(),
            error: None,
        };
        if stop_requested() {
            return point;
        }
        match e.run() {
            Ok(f) => fill(&mut point, &f, set.answer.as_deref()),
            Err(err) => {
                point.status = "error".into();
                point.exit = 2;
                point.error = Some(err.to_string());
            }
        }
        point
    }
}

fn lr_label(lr: &Option<Rational>) -> String {
    lr.as_ref()
        .map(format_rational)
        .unwrap_or_else(|| "auto".into())
}

/// Fills a point's result from the run's findings: the final checkpoint's direction and
/// margin, the theory's counts and judgement, the exit status.
fn fill(p: &mut Point, f: &Findings, answer: Option<&[Rational]>) {
    p.status = f.status.code().into();
    p.steps_taken = f.steps_taken;
    p.exit = f.exit_code();
    let last = f.checkpoints.as_array().and_then(|a| a.last());
    let number = |v: &Value| v.as_str().and_then(|s| s.parse::<f64>().ok());
    if let Some(last) = last {
        let digits = last["digits"].as_u64().unwrap_or(1).clamp(1, 6) as usize;
        // the angle of w(T) itself: its exact coordinates (`w_exact`, each the working
        // precision's binary value), not the direction printed to 6 digits, whose rounding
        // moves a small angle by up to ~4·10⁻⁵ degrees, the size of its 4th digit
        let exact: Option<Vec<f64>> = last["w_exact"].as_array().and_then(|d| {
            d.iter()
                .map(|v| v.as_str().and_then(|s| parse_rational(s).ok()))
                .map(|q| q.map(|q| q.to_f64()))
                .collect()
        });
        let dir: Option<Vec<f64>> = exact.or_else(|| {
            last["direction"]
                .as_array()
                .and_then(|d| d.iter().map(number).collect())
        });
        if let (Some(dir), Some(w)) = (dir, answer) {
            let w: Vec<f64> = w.iter().map(Rational::to_f64).collect();
            let a = angle_deg(&dir, &w);
            if a.is_finite() {
                p.angle_deg = Some(format_sig_f64(a, 4));
            }
        }
        p.margin = number(&last["min_margin"])
            .filter(|m| m.is_finite())
            .map(|m| format_sig_f64(m, digits));
    }
    if let Some(t) = &f.theory {
        let c = &t.json["counts"];
        let n = |k: &str| c[k].as_u64().unwrap_or(0);
        p.counts = Some(Counts {
            pass: n("pass"),
            weak: n("weak"),
            fail: n("fail"),
            not_judged: n("n/a"),
        });
        p.judgement = t.json["judgement"].as_str().map(str::to_string);
    }
}

fn sweep_of(command: String, grid: GridInfo, points: Vec<Point>) -> Sweep {
    let complete = points
        .iter()
        .all(|p| !matches!(p.status.as_str(), "interrupted" | "not_run" | "error"));
    Sweep {
        command,
        grid,
        status: if complete { "completed" } else { "interrupted" }.into(),
        points,
    }
}

impl Sweep {
    /// The exit status of `ibias sweep`: 0 every point here ran to its report (each point's
    /// own exit status is in its row), 3 some did not (interrupted, not run, or an error).
    pub fn exit_code(&self) -> u8 {
        if self.status == "completed" {
            0
        } else {
            3
        }
    }

    /// The JSON document (`--json`), one line per field as `serde_json` writes it pretty.
    pub(crate) fn to_json(&self) -> String {
        // a derived `Serialize` of strings, numbers and options cannot fail
        format!(
            "{}\n",
            serde_json::to_string_pretty(self).unwrap_or_default()
        )
    }

    /// The table: the command, the grid, one row per point, the closing status line.
    pub fn text(&self) -> String {
        let g = &self.grid;
        let mut out = format!("# {}\n", self.command);
        out.push_str(&format!(
            "# grid: {} data x {} steps x {} starts x {} optimizers = {} points; loss {}, precision {}, T = {} steps\n",
            g.data.len(),
            g.lrs.len(),
            g.starts.len(),
            g.optimizers.len(),
            g.points,
            g.loss,
            g.precision,
            steps_text(g.steps)
        ));
        for d in &g.data {
            out.push_str(&format!(
                "# data {}: {}N = {}, d = {}, exact l2 answer w_hat = ({}), max margin 1/|w_hat| = {}\n",
                d.label,
                d.classes
                    .map(|k| format!("K = {k} classes, lifted (w_hat = vec(W), the K-class SVM): "))
                    .unwrap_or_default(),
                d.n,
                d.d,
                d.w_hat
                    .as_ref()
                    .map(|w| w.join(", "))
                    .unwrap_or_else(|| "none: no verified answer".into()),
                d.max_margin.as_deref().unwrap_or("-")
            ));
        }
        let dash = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
        let mut cells = vec![[
            "point",
            "data",
            "lr",
            "start",
            "optimizer",
            "status",
            "angle_deg",
            "margin",
            "PASS",
            "weak",
            "FAIL",
            "n/a",
            "exit",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()];
        for p in &self.points {
            let c = |f: fn(&Counts) -> u64| {
                p.counts
                    .as_ref()
                    .map(|c| f(c).to_string())
                    .unwrap_or_else(|| "-".into())
            };
            let lr = if p.lr == "auto" {
                format!("auto={}", p.lr_used)
            } else {
                p.lr.clone()
            };
            cells.push(vec![
                p.index.to_string(),
                p.data.clone(),
                lr,
                p.start.clone(),
                p.optimizer.clone(),
                p.status.clone(),
                dash(&p.angle_deg),
                dash(&p.margin),
                c(|c| c.pass),
                c(|c| c.weak),
                c(|c| c.fail),
                c(|c| c.not_judged),
                p.exit.to_string(),
            ]);
        }
        out.push_str(&crate::report::align_left(&cells));
        for p in self.points.iter().filter(|p| p.error.is_some()) {
            out.push_str(&format!(
                "# point {}: error: {}\n",
                p.index,
                p.error.as_deref().unwrap_or("")
            ));
        }
        let count = |code: u8| self.points.iter().filter(|p| p.exit == code).count();
        out.push_str(&format!(
            "# status: {} ({} of {} points); the runs' exit statuses: {} established (0), {} failed (1), {} inconclusive (3){}\n",
            self.status,
            self.points.len(),
            g.points,
            count(0),
            count(1),
            count(3),
            match count(2) {
                0 => String::new(),
                k => format!(", {k} error (2)"),
            }
        ));
        out
    }
}

/// Collects the documents of a sweep's jobs (`ibias sweep --only I --json`, one file each)
/// into the document of the whole sweep: the same bytes as the local sweep of that grid.
///
/// # Errors
/// A file that is not a sweep document, documents of different grids, a point given twice,
/// or points missing (they are named).
pub fn merge(docs: &[(String, String)]) -> Result<Sweep> {
    let mut head: Option<(String, GridInfo)> = None;
    let mut slots: Vec<Option<Point>> = Vec::new();
    if docs.is_empty() {
        return Err(Error::param("merge", "no job files"));
    }
    for (name, text) in docs {
        let doc: Sweep = serde_json::from_str(text).map_err(|e| {
            Error::param(
                "merge",
                format!("{name}: not the JSON of `ibias sweep --json` ({e})"),
            )
        })?;
        match &head {
            None => {
                slots = vec![None; doc.grid.points];
                head = Some((doc.command.clone(), doc.grid.clone()));
            }
            Some((command, grid)) => {
                if *command != doc.command || *grid != doc.grid {
                    return Err(Error::param(
                        "merge",
                        format!(
                            "{name} is a job of another sweep ({:?}, not {command:?})",
                            doc.command
                        ),
                    ));
                }
            }
        }
        for p in doc.points {
            let i = p.index;
            match slots.get_mut(i) {
                None => {
                    return Err(Error::param(
                        "merge",
                        format!(
                            "{name}: point {i} is outside the grid of {} points",
                            doc.grid.points
                        ),
                    ))
                }
                Some(Some(_)) => {
                    return Err(Error::param(
                        "merge",
                        format!("{name}: point {i} is given twice"),
                    ))
                }
                Some(slot) => *slot = Some(p),
            }
        }
    }
    let (command, grid) = head.ok_or_else(|| Error::param("merge", "no job files"))?;
    let missing: Vec<String> = slots
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_none())
        .map(|(i, _)| i.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(Error::param(
            "merge",
            format!(
                "{} of {} points have no job file: {} (run their jobs, e.g. --only {})",
                missing.len(),
                grid.points,
                missing.join(", "),
                missing[0]
            ),
        ));
    }
    let points = slots.into_iter().flatten().collect();
    Ok(sweep_of(command, grid, points))
}

/// A batch scheduler that runs a sweep's points as independent jobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scheduler {
    /// A Slurm job array: `sbatch DIR/sweep.sbatch`.
    Slurm,
    /// GNU parallel: `parallel < DIR/jobs.txt`.
    Parallel,
}

impl Scheduler {
    /// Parses `slurm` or `parallel`.
    ///
    /// # Errors
    /// Any other name.
    pub fn parse(s: &str) -> Result<Scheduler> {
        match s {
            "slurm" => Ok(Scheduler::Slurm),
            "parallel" => Ok(Scheduler::Parallel),
            other => Err(Error::param(
                "emit",
                format!("{other:?}: the schedulers are slurm and parallel"),
            )),
        }
    }

    /// The file it writes in the job directory.
    pub fn file(self) -> &'static str {
        match self {
            Scheduler::Slurm => "sweep.sbatch",
            Scheduler::Parallel => "jobs.txt",
        }
    }
}

/// A word for `sh`: as it is when it is plain, else in single quotes.
pub(crate) fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,+@%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The job file of `scheduler` for a grid of `points` points: each job `i` runs, in `cwd`,
/// `exe sweep ARGS --only i --json > dir/job-i.json` (`args`: the sweep's arguments after
/// `sweep`, without `--emit`, `--jobs`, `--only`, `--json`).
pub(crate) fn job_file(
    scheduler: Scheduler,
    exe: &Path,
    cwd: &Path,
    args: &[String],
    dir: &Path,
    points: usize,
) -> String {
    let q = |p: &Path| shell_quote(&p.display().to_string());
    let words: Vec<String> = args.iter().map(|a| shell_quote(a)).collect();
    let base = format!("cd {} && {} sweep {}", q(cwd), q(exe), words.join(" "));
    match scheduler {
        Scheduler::Parallel => (0..points)
            .map(|i| {
                format!(
                    "{base} --only {i} --json > {}\n",
                    q(&dir.join(format!("job-{i}.json")))
                )
            })
            .collect(),
        Scheduler::Slurm => format!(
            "#!/bin/sh\n\
             #SBATCH --job-name=ibias-sweep\n\
             #SBATCH --array=0-{}\n\
             #SBATCH --ntasks=1\n\
             #SBATCH --cpus-per-task=1\n\
             #SBATCH --output={}\n\
             # one grid point per array task; then: ibias sweep --merge {}\n\
             {base} --only \"$SLURM_ARRAY_TASK_ID\" --json > {}/job-\"$SLURM_ARRAY_TASK_ID\".json\n",
            points.saturating_sub(1),
            dir.join("slurm-%a.log").display(),
            q(dir),
            q(dir)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_starts_are_blocks_of_one_stream() {
        // by hand: the draws of SplitMix64(7), two at a time
        let mut rng = SplitMix64::new(7);
        let draws: Vec<i64> = (0..6).map(|_| rng.range(-100, 100)).collect();
        for k in 0..3 {
            let want: Vec<Rational> = draws[2 * k..2 * k + 2]
                .iter()
                .map(|&j| Rational::from((j, 100)))
                .collect();
            assert_eq!(random_start(7, k, 2), want);
        }
        assert_ne!(random_start(7, 0, 2), random_start(8, 0, 2));
    }

    #[test]
    fn quoting_keeps_plain_words_and_quotes_the_rest() {
        assert_eq!(shell_quote("--init"), "--init");
        assert_eq!(shell_quote("1,-1/2"), "1,-1/2");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
    }
}
