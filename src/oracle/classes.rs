//! The exact K-class SVM through the origin (docs/theory/multiclass.md §M1):
//! `min Σ_k ‖w_k‖² s.t. (w_{y_n} − w_k)·x_n ≥ 1 for all n and k ≠ y_n` is the binary ℓ2
//! max-margin problem on the lifted points `x̃_{n,k} = (e_{y_n} − e_k) ⊗ x_n` (all of label
//! +1), since `(w_{y_n} − w_k)·x_n = vec(W)·x̃_{n,k}` and `Σ_k ‖w_k‖² = ‖vec(W)‖²`. It is solved
//! by the ℓ2 oracle ([`super::l2`]) on the lift and its certificate checked by the
//! independent checker ([`crate::cert`]) on the lift; nothing here solves anything. The ℓ1
//! and ℓ∞ analogues (`min ‖vec W‖_p` under the same constraints, docs/theory/multiclass.md
//! §M5) are the binary LP oracles on the same lift (`solve_norm`).

use super::{MaxMargin, Norm, Outcome};
use crate::data::ClassData;
use crate::error::{Error, Result};
use rug::Rational;

/// The K-class answer: the lifted solution and its reading in classes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassMaxMargin {
    /// The verified ℓ2 max-margin solution of the lifted problem (`cert.w = vec(Ŵ)`).
    pub lifted: MaxMargin,
    /// The rows `ŵ_0, …, ŵ_{K−1}` of `Ŵ`.
    pub w: Vec<Vec<Rational>>,
    /// The support set as `(point, class)` pairs (0-based): `(ŵ_{y_n} − ŵ_k)·x_n = 1`.
    pub support: Vec<(usize, usize)>,
    /// The non-zero dual multipliers `α_{n,k}` with their pairs.
    pub(crate) alpha: Vec<((usize, usize), Rational)>,
}

/// What the K-class oracle finds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassOutcome {
    /// Separable: the K-class SVM.
    Separable(Box<ClassMaxMargin>),
    /// Not separable: a Gordan witness on the lifted points, `β ≥ 0`, `β ≠ 0`,
    /// `Σ β_{n,k} x̃_{n,k} = 0`, as its non-zero `((point, class), β)` entries.
    NotSeparable(Vec<((usize, usize), Rational)>),
}

/// Solves the K-class SVM exactly on `data` (already with its bias column for `--bias`),
/// the certificate verified by the independent checker on the lifted data.
pub fn solve(data: &ClassData) -> Result<ClassOutcome> {
    solve_norm(data, Norm::L2)
}

/// The K-class max margin in the entrywise norm `‖vec W‖_p` (docs/theory/multiclass.md §M5):
/// the binary max-margin problem of that norm on the lifted points, solved by the binary
/// oracle of the norm ([`super::solve`]: ℓ2 the K-class SVM, ℓ1 and ℓ∞ the LP oracles) and
/// verified by the independent checker on the lift. For ℓ1 and ℓ∞ `ClassMaxMargin::alpha` is
/// the LP's dual vector and `lifted.unique` says whether `W` is unique.
pub(crate) fn solve_norm(data: &ClassData, norm: Norm) -> Result<ClassOutcome> {
    let lifted = data.lift();
    let pairs = |v: &[Rational]| -> Vec<((usize, usize), Rational)> {
        v.iter()
            .enumerate()
            .filter(|(_, a)| **a != 0)
            .map(|(i, a)| (data.pair(i), a.clone()))
            .collect()
    };
    match super::solve(&lifted, norm)? {
        Outcome::Separable(m) => {
            crate::cert::check(&lifted, &m.cert).map_err(|v| {
                Error::Numerical(format!(
                    "the K-class certificate failed the exact check on the lifted points: {v}"
                ))
            })?;
            let w = data.rows(&m.cert.w);
            let support = m.cert.support.iter().map(|&i| data.pair(i)).collect();
            let alpha = pairs(&m.cert.alpha);
            Ok(ClassOutcome::Separable(Box::new(ClassMaxMargin {
                lifted: *m,
                w,
                support,
                alpha,
            })))
        }
        Outcome::NotSeparable(wit) => {
            crate::cert::check_witness(&lifted, &wit).map_err(|v| {
                Error::Numerical(format!(
                    "the K-class non-separability witness failed the exact check: {v}"
                ))
            })?;
            Ok(ClassOutcome::NotSeparable(pairs(&wit.alpha)))
        }
    }
}

/// `Σ_k ŵ_k`, exactly: zero for the K-class SVM (docs/theory/multiclass.md §M1).
pub fn row_sum(w: &[Vec<Rational>]) -> Vec<Rational> {
    let d = w.first().map_or(0, Vec::len);
    (0..d)
        .map(|j| w.iter().map(|r| &r[j]).fold(Rational::new(), |s, v| s + v))
        .collect()
}
