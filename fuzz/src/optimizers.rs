//! The optimizer zoo from fuzzer bytes: a specification text (`adam:eps=0:decay=1/2`),
//! data, precision, a start and up to a hundred steps.
//!
//! Invariants:
//! * `OptimizerSpec::parse` gives a one-line typed error, or a spec that `to_arg` writes and
//!   `parse` reads back to the same spec;
//! * running never panics; the status is a value; every recorded iterate and `ln L` is
//!   finite; the report renders; a second run with the same seed is identical bit for bit;
//! * for the methods whose update lies in `span(Z)` (GD, momentum, Nesterov, SGD,
//!   normalized GD; theory §8.2) a data column that is exactly zero keeps its coordinate
//!   of `w(0)` exactly.

use super::data::{planted, project_out, raw};
use super::input::Bytes;
use implicit_bias::data::Dataset;
use implicit_bias::loss::Loss;
use implicit_bias::objective::Objective;
use implicit_bias::optim::spec::{build, Kind, OptimizerSpec};
use implicit_bias::report;
use implicit_bias::run::{run, RunOptions, RunStatus, Trajectory};
use implicit_bias::scalar::{Dd, Precision, Scalar};
use rug::{Float, Rational};
use std::cmp::Ordering;

const NAMES: &[&str] = &[
    "gd",
    "momentum",
    "nesterov",
    "sgd",
    "normalized",
    "sign",
    "coordinate",
    "adagrad",
    "rmsprop",
    "adam",
    "adamw",
    "heavy-ball",
    "nag",
    "ngd",
    "signgd",
    "cd",
    "l1",
    "linf",
    "GD",
    " adam ",
    "",
    "sgdx",
];
const KEYS: &[&str] = &[
    "lr",
    "beta",
    "beta1",
    "beta2",
    "rho",
    "eps",
    "decay",
    "lr-decay",
    "wd",
    "lambda",
    "weight_decay",
    "batch",
    "replacement",
    "",
    "nope",
];
const VALUES: &[&str] = &[
    "0", "1", "-1", "1/2", "9/10", "999/1000", "1/8", "1e-8", "1e6", "1e7", "2", "3", "100",
    "1000000", "1e-300", "0.999999", "true", "false", "no", "abc", "", "1/0", "nan", "7/3",
];

/// Spec text from the bytes: a name and up to three `key=value` pairs.
fn spec_text(b: &mut Bytes) -> String {
    let mut t = NAMES[b.index(NAMES.len())].to_string();
    for _ in 0..b.index(4) {
        t.push(':');
        t.push_str(KEYS[b.index(KEYS.len())]);
        if b.u8() < 230 {
            t.push('=');
            t.push_str(VALUES[b.index(VALUES.len())]);
        }
    }
    t
}

/// The invariant for one input.
pub fn check_optimizers(bytes: &[u8]) {
    let mut b = Bytes::new(bytes);
    let text = spec_text(&mut b);
    let spec = match OptimizerSpec::parse(&text) {
        Err(e) => {
            let m = e.to_string();
            assert!(!m.contains('\n') && !m.is_empty(), "{m:?}");
            return;
        }
        Ok(s) => s,
    };
    let again = OptimizerSpec::parse(&spec.to_arg())
        .unwrap_or_else(|e| panic!("to_arg {:?} does not parse: {e}", spec.to_arg()));
    assert_eq!(again, spec, "to_arg/parse round trip of {text:?}");
    let _ = spec.describe();

    let loss = if b.bool() {
        Loss::Exponential
    } else {
        Loss::Logistic
    };
    let mut data = if b.bool() {
        planted(&mut b, 8, 4).data
    } else {
        raw(&mut b, 8, 4)
    };
    let zero_col = if b.bool() {
        let j = b.index(data.dim());
        let mut v = vec![Rational::new(); data.dim()];
        v[j] = Rational::from(1);
        data = project_out(&data, &v);
        Some(j)
    } else {
        None
    };
    let precision = if b.bool() {
        Precision::F64
    } else {
        Precision::Bits(24 + b.below(105) as u32)
    };
    let init: Vec<Rational> = if b.bool() {
        vec![Rational::new(); data.dim()]
    } else {
        (0..data.dim()).map(|_| b.small_rational(3, 4)).collect()
    };
    let mut spec = spec.with_default_lr(&data, loss, &init);
    // SGD's cost is linear in its batch (up to 10^6 points per step, legitimately; the parse
    // round trip above covers the whole range). With at most 8 points, a batch of 64 already
    // draws each point many times and straddles several epochs, so larger batches are run
    // as 64, and steps × batch ≤ 2 000 keeps one input fast.
    spec.batch = spec.batch.min(64);
    let steps = (1 + b.below(100)).min((2_000 / spec.batch.max(1)).max(1) as u64);
    let case = Case {
        data,
        loss,
        spec,
        init,
        zero_col,
        steps,
        seed: b.u64(),
    };
    // Decoded last, so that inputs written before double-double existed decode as before.
    let precision = if precision == Precision::F64 && b.u8() >= 192 {
        Precision::Dd
    } else {
        precision
    };
    match precision {
        Precision::F64 => case.go::<f64>(()),
        Precision::Bits(p) => case.go::<Float>(p),
        Precision::Dd => case.go::<Dd>(()),
    }
}

struct Case {
    data: Dataset,
    loss: Loss,
    spec: OptimizerSpec,
    init: Vec<Rational>,
    zero_col: Option<usize>,
    steps: u64,
    seed: u64,
}

impl Case {
    fn trajectory<S: Scalar>(&self, obj: &Objective<S>, ctx: S::Ctx) -> Trajectory<S> {
        let opt = build::<S>(&self.spec, ctx);
        let w0: Vec<S> = self.init.iter().map(|q| S::from_rational(q, ctx)).collect();
        let opts = RunOptions {
            steps: self.steps,
            base: 2,
            progress: false,
            seed: self.seed,
        };
        run(obj, opt.as_ref(), w0, &opts)
    }

    fn go<S: Scalar>(&self, ctx: S::Ctx) {
        let obj = Objective::<S>::new(&self.data, self.loss, ctx);
        let traj = self.trajectory(&obj, ctx);
        let what = || format!("{} on {:?}", self.spec.to_arg(), self.data);
        assert!(traj.steps <= self.steps);
        if traj.status == RunStatus::Completed {
            assert_eq!(traj.steps, self.steps, "{}", what());
        }
        assert!(traj.samples.windows(2).all(|p| p[0].t < p[1].t));
        for s in &traj.samples {
            assert!(
                s.w.iter().all(S::is_finite),
                "non-finite iterate recorded at t={}: {}",
                s.t,
                what()
            );
            assert!(
                s.ln_loss.partial_cmp_s(&s.ln_loss).is_some(),
                "ln L is NaN: {}",
                what()
            );
        }
        let rows = report::rows(&obj, &traj);
        assert_eq!(
            report::render_table(&rows, 10).lines().count(),
            rows.len() + 1
        );
        let again = self.trajectory(&obj, ctx);
        assert_eq!(again.status, traj.status, "not deterministic: {}", what());
        if let (Some(a), Some(b)) = (traj.samples.last(), again.samples.last()) {
            let same =
                a.w.iter()
                    .zip(&b.w)
                    .all(|(x, y)| x.partial_cmp_s(y) == Some(Ordering::Equal));
            assert!(same, "not deterministic: {}", what());
        }
        let in_span = matches!(
            self.spec.kind,
            Kind::Gd | Kind::Momentum | Kind::Nesterov | Kind::Sgd | Kind::Normalized
        );
        if let (Some(j), true) = (self.zero_col, in_span) {
            let w0 = S::from_rational(&self.init[j], ctx);
            for s in &traj.samples {
                assert_eq!(
                    s.w[j].partial_cmp_s(&w0),
                    Some(Ordering::Equal),
                    "coordinate {j} (zero column) moved by t={} (theory §8.2): {}",
                    s.t,
                    what()
                );
            }
        }
    }
}
