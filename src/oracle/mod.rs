//! Exact max-margin oracles: floating point proposes, exact rational arithmetic certifies.
//!
//! * ℓ2 ([`l2`]): the hard-margin SVM through the origin, `min ‖w‖² s.t. z_n·w ≥ 1`.
//! * ℓ1 / ℓ∞ ([`lp`]): linear programs, through `good_lp` (microlp), then the optimal vertex
//!   re-solved exactly with an exact dual.
//!
//! Every certificate returned is checked by the independent [`crate::cert::check`] before
//! it is reported as verified.

pub mod classes;
mod exact;
mod face;
mod float;
pub mod l2;
pub mod lp;
mod simplex;

pub use crate::cert::{Certificate, Norm, Witness};
use crate::data::Dataset;
use crate::error::Result;
use rug::Rational;

/// A max-margin solution with the structure the theory needs (theory §2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaxMargin {
    /// The exact certificate (`ŵ`, one KKT/dual vector `α`, support set, objective value).
    pub cert: Certificate,
    /// ℓ2: whether the KKT vector `α` is unique. LP: whether the optimal `w` is unique.
    pub unique: bool,
    /// ℓ2 only: some margin point has `α_n = 0` in every KKT vector (no `w̃`; theory §2.11).
    pub degenerate: Option<bool>,
    /// ℓ2 only: the support vectors span the data, `rank(Z_S) = rank(Z)` (theory §1.3).
    pub spans: Option<bool>,
    /// `θ = min_{n ∉ S} z_n·ŵ` (theory §0), or `None` when every point is on the margin.
    pub theta: Option<Rational>,
}

/// What an oracle finds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Strictly separable: the max-margin solution.
    Separable(Box<MaxMargin>),
    /// Not strictly separable through the origin: an exact Gordan witness.
    NotSeparable(Witness),
}

/// Whether data that are not separable become strictly separable with a constant-1 feature
/// appended (GD with a bias term, `--bias`): decided by the exact ℓ2 oracle, a separating
/// answer counting only after the independent checker accepted its certificate.
pub(crate) fn separable_with_bias(data: &Dataset) -> bool {
    let biased = data.with_bias();
    match l2::solve(&biased) {
        Ok(Outcome::Separable(m)) => crate::cert::check(&biased, &m.cert).is_ok(),
        _ => false,
    }
}

/// The hint appended to a non-separability error when [`separable_with_bias`] holds.
pub(crate) const BIAS_HINT: &str =
    "; try --bias: with a constant feature appended the data are separable";

/// [`BIAS_HINT`] for data that a bias column separates, else nothing; data that already
/// carry the bias column (`biased`) get no hint.
pub(crate) fn bias_hint(data: &Dataset, biased: bool) -> &'static str {
    if !biased && separable_with_bias(data) {
        BIAS_HINT
    } else {
        ""
    }
}

/// Solves the max-margin problem in the given norm.
pub fn solve(data: &Dataset, norm: Norm) -> Result<Outcome> {
    match norm {
        Norm::L2 => l2::solve(data),
        Norm::L1 | Norm::LInf => lp::solve(data, norm),
    }
}
