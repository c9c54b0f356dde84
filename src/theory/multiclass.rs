//! The K-class invariant of GD (docs/theory/multiclass.md §M3): every gradient of a loss of
//! the lifted margins sums to zero over the classes, so `Σ_k w_k(t) = Σ_k w_k(0)` exactly,
//! and a floating-point trajectory keeps it to within its rounding.

use crate::data::ClassData;
use crate::loss::Loss;
use crate::optim::spec::{Kind, OptimizerSpec};
use crate::run::Trajectory;
use crate::scalar::Scalar;
use rug::Rational;

/// The invariant at the last checkpoint: the largest deviation seen and its rounding bound.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Invariant {
    /// `max_{t, j} |Σ_k w_kj(t) − Σ_k w_kj(0)|` over the recorded checkpoints.
    pub(crate) drift: f64,
    /// The rounding bound the deviation must stay within (docs/theory/multiclass.md §M3).
    pub bound: f64,
    /// The step count of the checkpoint where `drift / bound` is largest.
    pub(crate) at: u64,
    /// The largest deviation over all recorded checkpoints (what the text report of an
    /// optimizer whose deviation is not judged shows, [`InvariantRule`]).
    pub(crate) largest: f64,
    /// The step count where [`Invariant::largest`] was recorded.
    pub(crate) largest_at: u64,
}

impl Invariant {
    /// Whether every recorded deviation is within its bound.
    pub fn holds(&self) -> bool {
        self.drift <= self.bound
    }
}

/// How a run's optimizer stands to the class-sum invariant (docs/theory/multiclass.md §M3).
#[derive(Clone, Debug, PartialEq)]
pub enum InvariantRule {
    /// The step is a combination of gradients and its rounding is bounded: the deviation is
    /// judged against the bound `B(t)` of the step's [`StepModel`] (plain GD, SGD, normalized
    /// GD on every loss; momentum and Nesterov on the softmax).
    Judged(StepModel),
    /// The step is a combination of gradients, so the class sum is kept in exact arithmetic,
    /// but no bound of the total weight between checkpoints is known (the reason): the
    /// deviation is reported, not judged.
    Exact(&'static str),
    /// The step is not a combination of gradients (sign, coordinate, the adaptive methods,
    /// AdamW's decay): the class sum is free to move; reported only.
    Free,
}

/// What bounds the total weight `Q ≥ Σ_i q_i` of one step's gradient.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Weight {
    /// A constant bound (the softmax: the samples in the gradient; normalized GD: 2).
    Fixed(f64),
    /// Twice the largest loss recorded (the exponential loss under plain GD, whose loss
    /// decreases under the descent condition).
    TwiceLoss,
}

/// One step's rounding model (docs/theory/multiclass.md §M3): `w ← w + ηg` (`beta = 0`) or
/// momentum's `v ← βv + ηg, w ← w + v` (Nesterov: `g` at the look-ahead point), where `g`
/// sums `terms` lifted-point terms of total weight at most `weight`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepModel {
    /// The step size η.
    pub(crate) eta: f64,
    /// The momentum coefficient β ∈ [0, 1) (0: a plain step).
    pub(crate) beta: f64,
    /// The terms `M` summed into one gradient column.
    pub(crate) terms: f64,
    /// The bound of their total weight.
    pub(crate) weight: Weight,
}

impl StepModel {
    /// Plain GD with step `eta` on the lift of `classes` under `loss`: `M = N(K − 1)`,
    /// `Q = N` for the softmax (and the logistic loss of two classes), `2 max L` for the
    /// exponential loss.
    pub fn gd(classes: &ClassData, loss: Loss, eta: &Rational) -> StepModel {
        let n = classes.len() as f64;
        StepModel {
            eta: eta.to_f64(),
            beta: 0.0,
            terms: n * (classes.classes() - 1) as f64,
            weight: match loss {
                Loss::Softmax { .. } | Loss::Logistic => Weight::Fixed(n),
                Loss::Exponential => Weight::TwiceLoss,
            },
        }
    }

    /// The rounding added to one class-sum column by one step, for `|w_kj| ≤ w`
    /// (`u = 2^−bits`, `K` classes, `X = max |x_nj|`), docs/theory/multiclass.md §M3:
    /// a plain step `2uKW + (2u + γ_M)·2ηQX`; momentum
    /// `[(2u + γ_M)·2ηQX + 3uβKV]/(1 − β) + 2uK(W + V)` with `V = 2ηQX/(1 − β)`.
    fn per_step(&self, u: f64, k: f64, x: f64, q: f64, w: f64) -> f64 {
        let gamma = self.terms * u / (1.0 - self.terms * u);
        let g_err = (2.0 * u + gamma) * 2.0 * self.eta * q * x;
        if self.beta == 0.0 {
            2.0 * u * k * w + g_err
        } else {
            let v = 2.0 * self.eta * q * x / (1.0 - self.beta);
            (g_err + 3.0 * u * self.beta * k * v) / (1.0 - self.beta) + 2.0 * u * k * (w + v)
        }
    }
}

impl InvariantRule {
    /// The rule of optimizer `spec` run with step `eta` on the lift of `classes` under `loss`.
    pub fn of(spec: &OptimizerSpec, eta: &Rational, loss: Loss, classes: &ClassData) -> Self {
        let gd = StepModel::gd(classes, loss, eta);
        let softmax = matches!(loss, Loss::Softmax { .. } | Loss::Logistic);
        let unbounded = "the total weight Σq = L is not bounded between checkpoints: this \
                         optimizer's loss need not decrease";
        match spec.kind {
            Kind::Gd => InvariantRule::Judged(gd),
            // the weights of a sample add up to less than 1 wherever w is; a normalized
            // step's add up to at most 1 (divided by L); SGD's gradient has `batch` samples
            Kind::Normalized => InvariantRule::Judged(StepModel {
                weight: Weight::Fixed(2.0),
                ..gd
            }),
            Kind::Sgd if softmax => {
                let b = spec.batch.max(classes.len()) as f64;
                InvariantRule::Judged(StepModel {
                    terms: b * (classes.classes() - 1) as f64,
                    weight: Weight::Fixed(b),
                    ..gd
                })
            }
            Kind::Momentum | Kind::Nesterov if softmax => InvariantRule::Judged(StepModel {
                beta: spec.beta.to_f64(),
                ..gd
            }),
            Kind::Sgd | Kind::Momentum | Kind::Nesterov => InvariantRule::Exact(unbounded),
            Kind::Sign
            | Kind::Coordinate
            | Kind::AdaGrad
            | Kind::RmsProp
            | Kind::Adam
            | Kind::AdamW => InvariantRule::Free,
        }
    }

    /// The step model the deviation is judged against, if it is judged.
    pub fn model(&self) -> Option<&StepModel> {
        match self {
            InvariantRule::Judged(m) => Some(m),
            _ => None,
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

/// Checks `Σ_k w_k(t) = Σ_k w_k(0)` on every sample of a trajectory on the lifted data of
/// `classes` whose steps follow `model`, each deviation against the bound of
/// docs/theory/multiclass.md §M3: `B(t) = 2[t·δ(W) + 2uKW]`, `δ` the rounding of one step
/// ([`StepModel`]), `u = 2^−bits`, `W` twice the largest `|w_kj|` recorded up to `t`.
pub fn invariant<S: Scalar>(
    classes: &ClassData,
    model: &StepModel,
    init: &[Rational],
    traj: &Trajectory<S>,
    ctx: S::Ctx,
) -> Invariant {
    let u = (-f64::from(S::accuracy_bits(ctx))).exp2();
    let k = classes.classes() as f64;
    let x = classes
        .points()
        .iter()
        .flatten()
        .map(|q| q.to_f64().abs())
        .fold(0.0, f64::max);
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
        let q = match model.weight {
            Weight::Fixed(q) => q,
            Weight::TwiceLoss => 2.0 * l_max,
        };
        let wb = 2.0 * w_max;
        let t = s.t as f64;
        let bound = 2.0 * (t * model.per_step(u, k, x, q, wb) + 2.0 * u * k * wb);
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
