//! The K-class invariant of GD (docs/theory/multiclass.md §M3): every gradient of a loss of
//! the lifted margins sums to zero over the classes, so `Σ_k w_k(t) = Σ_k w_k(0)` exactly,
//! and a floating-point trajectory keeps it to within its rounding.

use crate::data::ClassData;
use crate::loss::Loss;
use crate::optim::spec::Kind;
use crate::run::Trajectory;
use crate::scalar::Scalar;
use rug::Rational;

/// The invariant at the last checkpoint: the largest deviation seen and its rounding bound.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Invariant {
    /// `max_{t, j} |Σ_k w_kj(t) − Σ_k w_kj(0)|` over the recorded checkpoints.
    pub drift: f64,
    /// The rounding bound the deviation must stay within (docs/theory/multiclass.md §M3).
    pub bound: f64,
    /// The step count of the checkpoint where `drift / bound` is largest.
    pub at: u64,
    /// The largest deviation over all recorded checkpoints (what the text report of an
    /// optimizer whose deviation is not judged shows, [`InvariantRule`]).
    pub largest: f64,
    /// The step count where [`Invariant::largest`] was recorded.
    pub largest_at: u64,
}

impl Invariant {
    /// Whether every recorded deviation is within its bound.
    pub fn holds(&self) -> bool {
        self.drift <= self.bound
    }
}

/// How a run's optimizer stands to the class-sum invariant (docs/theory/multiclass.md §M3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvariantRule {
    /// Plain GD: the invariant is judged against its rounding bound `B(t)`.
    Judged,
    /// Every step adds a combination of gradients (momentum, Nesterov, SGD, normalized GD):
    /// the class sum is kept in exact arithmetic, but the bound `B(t)` is derived for plain
    /// GD's update only, so the deviation is reported, not judged.
    Exact,
    /// The step is not a combination of gradients (sign, coordinate, the adaptive methods,
    /// AdamW's decay): the class sum is free to move; reported only.
    Free,
}

impl InvariantRule {
    /// The rule of an optimizer.
    pub fn of(kind: Kind) -> InvariantRule {
        match kind {
            Kind::Gd => InvariantRule::Judged,
            Kind::Momentum | Kind::Nesterov | Kind::Sgd | Kind::Normalized => InvariantRule::Exact,
            Kind::Sign
            | Kind::Coordinate
            | Kind::AdaGrad
            | Kind::RmsProp
            | Kind::Adam
            | Kind::AdamW => InvariantRule::Free,
        }
    }
}

/// `Σ_k w_kj − Σ_k w0_kj` for every coordinate `j`, at working precision.
fn class_sum_drift<S: Scalar>(classes: &ClassData, w: &[S], w0: &[S], ctx: S::Ctx) -> Vec<S> {
    let d = classes.dim();
    (0..d)
        .map(|j| {
            let mut s = S::zero(ctx);
            for k in 0..classes.classes() {
                s.add_assign(&w[k * d + j]);
                s.sub_assign(&w0[k * d + j]);
            }
            s
        })
        .collect()
}

/// Checks `Σ_k w_k(t) = Σ_k w_k(0)` on every sample of a GD trajectory with step `eta` on
/// the lifted data of `classes` under `loss`, each deviation against the bound of
/// docs/theory/multiclass.md §M3:
/// `B(t) = 2[t(2uKW + (2u + γ_M)·2ηQX) + 2uKW]`, `u = 2^−bits`, `M = N(K−1)`,
/// `γ_M = Mu/(1 − Mu)`, `W` twice the largest `|w_kj|` recorded up to `t`, `X = max |x_nj|`,
/// `Q` a bound on the total weight `Σ q` (the softmax: `N`; the exponential loss: twice the
/// largest recorded `L`).
pub fn invariant<S: Scalar>(
    classes: &ClassData,
    loss: Loss,
    eta: &Rational,
    init: &[Rational],
    traj: &Trajectory<S>,
    ctx: S::Ctx,
) -> Invariant {
    let u = (-f64::from(S::accuracy_bits(ctx))).exp2();
    let k = classes.classes() as f64;
    let m = (classes.len() * (classes.classes() - 1)) as f64;
    let gamma = m * u / (1.0 - m * u);
    let x = classes
        .points()
        .iter()
        .flatten()
        .map(|q| q.to_f64().abs())
        .fold(0.0, f64::max);
    let eta = eta.to_f64();
    let w0: Vec<S> = init.iter().map(|q| S::from_rational(q, ctx)).collect();
    let (mut w_max, mut l_max) = (
        w0.iter().map(|v| v.to_f64().abs()).fold(0.0, f64::max),
        0.0f64,
    );
    let mut worst = Invariant {
        drift: 0.0,
        bound: f64::INFINITY,
        at: 0,
        largest: 0.0,
        largest_at: 0,
    };
    let (mut largest, mut largest_at) = (0.0f64, 0u64);
    let mut worst_ratio = -1.0;
    for s in &traj.samples {
        w_max = s.w.iter().map(|v| v.to_f64().abs()).fold(w_max, f64::max);
        l_max = l_max.max(s.ln_loss.to_f64().exp());
        let q = match loss {
            Loss::Softmax { .. } | Loss::Logistic => classes.len() as f64,
            Loss::Exponential => 2.0 * l_max,
        };
        let wb = 2.0 * w_max;
        let t = s.t as f64;
        let bound = 2.0
            * (t * (2.0 * u * k * wb + (2.0 * u + gamma) * 2.0 * eta * q * x) + 2.0 * u * k * wb);
        let drift = class_sum_drift(classes, &s.w, &w0, ctx)
            .iter()
            .map(|v| v.to_f64().abs())
            .fold(
                0.0,
                |a: f64, b| if b.is_nan() { f64::INFINITY } else { a.max(b) },
            );
        if drift > largest {
            (largest, largest_at) = (drift, s.t);
        }
        let ratio = if bound > 0.0 {
            drift / bound
        } else if drift > 0.0 {
            f64::INFINITY
        } else {
            0.0
        };
        if ratio > worst_ratio {
            worst_ratio = ratio;
            worst = Invariant {
                drift,
                bound,
                at: s.t,
                largest: 0.0,
                largest_at: 0,
            };
        }
    }
    if traj.samples.is_empty() {
        worst.bound = 0.0;
    }
    (worst.largest, worst.largest_at) = (largest, largest_at);
    worst
}
