//! Certificates and the independent exact checker.
//!
//! This module depends only on the data set and the certificate: it must never import
//! `crate::oracle` (a checker that shares code with the solver proves nothing). For the same
//! reason it keeps its own exact loops and does not use `crate::linalg`, the oracle's linear
//! algebra.

use rug::Rational;

/// The norm in which the margin is maximized.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Norm {
    /// ℓ1 (dual norm ℓ∞): the limit of greedy coordinate descent.
    L1,
    /// ℓ2: the hard-margin SVM, the limit of gradient descent.
    L2,
    /// ℓ∞ (dual norm ℓ1): the limit of sign descent.
    LInf,
}

impl Norm {
    /// Parses `l1`, `l2`, `linf`.
    pub fn parse(s: &str) -> crate::Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "l1" => Ok(Norm::L1),
            "l2" => Ok(Norm::L2),
            "linf" | "l-inf" | "inf" => Ok(Norm::LInf),
            _ => Err(crate::Error::param(
                "norm",
                format!("{s:?} is not a norm; use l1, l2 or linf"),
            )),
        }
    }
    /// Name as on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Norm::L1 => "l1",
            Norm::L2 => "l2",
            Norm::LInf => "linf",
        }
    }
}

/// An exact optimality certificate for `min ‖w‖ s.t. z_n·w ≥ 1 ∀n` (`z_n = y_n x_n`).
///
/// * ℓ2 (objective `½‖w‖²`): `w = Σ α_n z_n`, `α ≥ 0`, `z_n·w ≥ 1`, `α_n (z_n·w − 1) = 0`.
/// * ℓ1 / ℓ∞ (LP): `α ≥ 0`, `‖Σ α_n z_n‖_* ≤ 1` (dual norm: ℓ∞ resp. ℓ1), `z_n·w ≥ 1`,
///   complementary slackness, and zero duality gap `‖w‖ = Σ α_n`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    /// Which norm.
    pub norm: Norm,
    /// The primal solution `ŵ` (minimum-norm vector with all margins `z_n·ŵ ≥ 1`).
    pub w: Vec<Rational>,
    /// Dual multipliers, one per point.
    pub alpha: Vec<Rational>,
    /// Indices (0-based) of the points on the margin: `z_n·ŵ = 1`.
    pub support: Vec<usize>,
    /// The primal objective: `‖ŵ‖₂²` for ℓ2 (margin `γ* = 1/√value`), `‖ŵ‖₁` or `‖ŵ‖∞`
    /// for the LPs (margin `γ* = 1/value`).
    pub value: Rational,
}

/// An exact witness that the data are *not* strictly separable through the origin
/// (Gordan's alternative): `α ≥ 0`, `α ≠ 0`, `Σ α_n z_n = 0`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Witness {
    /// Non-negative weights, one per point, not all zero.
    pub alpha: Vec<Rational>,
}

mod check;
pub use check::{check, check_witness, Violation};
