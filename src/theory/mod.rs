//! The theory checks: predictions, per-checkpoint diagnostics, rate fits and verdicts for
//! gradient descent on separable data, each citing the section of docs/theory/sections.md
//! (the formula reference) it implements.
//!
//! * [`mod@predict`]: from the exact max-margin solution, `η` and `w(0)`: the dual vector GD
//!   selects (§2.1), `w̃` (§1.3, §2.1), `C_L` (§2.2), `C_norm` (§2.4), `C_dir` (§2.5), `C_γ`
//!   (§2.6), `λ⊥` and the residual exponent `κ = min(λ⊥, θ−1, 1)` (§2.7), the non-support
//!   share constants (§2.8), at the run's working precision;
//! * [`diagnostics`]: per checkpoint, direction error, margin gap, `t·L/C_L`, `ρ(t)` against
//!   `w̃`, dual recovery (§2.3), non-SV shares, the exact §2.5/§2.6 identities;
//! * [`verdict`]: each claim with a tolerance derived from its predicted rate and from the
//!   precision; a PASS/FAIL table for `ibias run` (exit 1 on FAIL);
//! * [`render`]: text and JSON, with only the digits the precision guarantees (or that two
//!   precisions agree on).
//!
//! ```
//! use implicit_bias::{data::generate::Generator, loss::Loss, objective::Objective,
//!     optim::GradientDescent, run::{RunOptions, Runner}, theory};
//! use implicit_bias::oracle::{Certificate, MaxMargin, Norm};
//! use rug::{Float, Rational};
//! // theory §9 R1: x = (1, 0), y = +1; ŵ = (1, 0), α = 1, S = {1}.
//! let data = Generator::R1.generate()?;
//! let one = Rational::from(1);
//! let mm = MaxMargin {
//!     cert: Certificate { norm: Norm::L2, w: vec![one.clone(), Rational::new()],
//!         alpha: vec![one.clone()], support: vec![0], value: one.clone() },
//!     unique: true, degenerate: Some(false), spans: Some(true), theta: None,
//! };
//! let eta = Rational::from((1, 2));
//! let w0 = vec![Rational::new(), Rational::from((3, 10))];
//! let obj = Objective::<Float>::new(&data, Loss::Exponential, 128);
//! let gd = GradientDescent::new(&eta, 128);
//! let opts = RunOptions { steps: 10_000, ..Default::default() };
//! let traj = Runner::new(&obj, &gd, &opts).run(w0.iter().map(|q| Float::with_val(128, q)).collect());
//! let a = theory::analyze(&data, &mm, Loss::Exponential, &eta, &w0, &traj, 128)?;
//! assert!(a.assessment.none_failed());
//! # Ok::<(), implicit_bias::Error>(())
//! ```

pub mod conjecture;
pub mod diagnostics;
pub mod extrapolate;
pub mod flow;
pub mod limits;
pub mod multiclass;
pub mod predict;
pub mod render;
pub mod verdict;

pub use conjecture::Conjecture;
pub(crate) use diagnostics::diagnose_all;
pub use diagnostics::{Checkpoint, SampleMoves};
pub use predict::{predict, Predicted, Prediction, Regime};
pub use verdict::{
    assess, Assessment, Certification, Claim, Counts, Fit, Judgement, Status, Verdict, CLAIMS,
};
pub(crate) use verdict::{AUDIT_ADVICE, RUN_ADVICE};

use crate::data::Dataset;
use crate::error::Result;
use crate::loss::Loss;
use crate::oracle::MaxMargin;
use crate::run::Trajectory;
use crate::scalar::Scalar;
use rug::Rational;

/// Predictions, diagnostics and verdicts of one GD run.
#[derive(Clone, Debug)]
pub struct Analysis<S: Scalar> {
    /// What the theory predicts.
    pub prediction: Prediction<S>,
    /// Diagnostics at every checkpoint of the trajectory.
    pub checkpoints: Vec<Checkpoint<S>>,
    /// Verdicts and rate fits.
    pub assessment: Assessment<S>,
}

/// Predicts, diagnoses and judges a GD trajectory run with step `eta` from `w0` (exact).
///
/// # Errors
/// As [`predict::predict`].
pub fn analyze<S: Scalar>(
    data: &Dataset,
    mm: &MaxMargin,
    loss: Loss,
    eta: &Rational,
    w0: &[Rational],
    traj: &Trajectory<S>,
    ctx: S::Ctx,
) -> Result<Analysis<S>> {
    analyze_with(data, mm, loss, eta, w0, traj, ctx, &[])
}

/// [`analyze`] with the named predictions replaced by the user's conjectures
/// ([`conjecture`]): the diagnostics and verdicts then judge the user's values.
///
/// # Errors
/// As [`predict::predict`], and [`Prediction::conjecture`] for a conjecture that does not
/// fit the data.
#[allow(clippy::too_many_arguments)]
pub fn analyze_with<S: Scalar>(
    data: &Dataset,
    mm: &MaxMargin,
    loss: Loss,
    eta: &Rational,
    w0: &[Rational],
    traj: &Trajectory<S>,
    ctx: S::Ctx,
    conjectures: &[Conjecture],
) -> Result<Analysis<S>> {
    analyze_certified(data, mm, loss, eta, w0, traj, ctx, conjectures, &|_| None)
}

/// [`analyze_with`] on a certified trajectory (`--certify`): `moves(t)` bounds
/// how far the quantities at checkpoint `t` of the exact-arithmetic iterate lie from the
/// computed ones, and every verdict says whether it holds at every point of those
/// enclosures ([`verdict::Certification`], docs/theory/certify.md).
///
/// # Errors
/// As [`analyze_with`].
#[allow(clippy::too_many_arguments)]
pub(crate) fn analyze_certified<S: Scalar>(
    data: &Dataset,
    mm: &MaxMargin,
    loss: Loss,
    eta: &Rational,
    w0: &[Rational],
    traj: &Trajectory<S>,
    ctx: S::Ctx,
    conjectures: &[Conjecture],
    moves: &dyn Fn(u64) -> Option<SampleMoves<S>>,
) -> Result<Analysis<S>> {
    let mut prediction = predict::predict(data, mm, loss, eta, w0, ctx)?;
    for c in conjectures {
        prediction.conjecture(c)?;
    }
    let mut checkpoints = diagnose_all(&prediction, traj);
    for c in &mut checkpoints {
        c.moves = moves(c.t);
    }
    let assessment = assess(&prediction, &checkpoints);
    Ok(Analysis {
        prediction,
        checkpoints,
        assessment,
    })
}
