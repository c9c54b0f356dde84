//! Dense linear algebra: one implementation of each routine, for every module that needs one
//! (the oracles, the predictions, the flow).
//!
//! * [`rational`]: exact over ℚ — the reduced row echelon form and what is read off it
//!   (rank, the greedy independent rows, row-space membership, square solves), the exact
//!   positive-definiteness test, orthogonal projection;
//! * [`integer`]: exact over ℤ — fraction-free (Bareiss) and p-adic (Dixon) square solves,
//!   the echelon form modulo the prime `2⁶¹ − 1`;
//! * [`dense`]: working precision (generic [`crate::scalar::Scalar`]) — Gram–Schmidt from
//!   exact rows, projection, Cholesky, Jacobi eigenvalues, `atan` and angles.
//!
//! Layer 1 beside `scalar`: it imports only `error` and `scalar`. Dot products and norms
//! are `scalar`'s. The independent checker `cert` keeps its own loops on purpose and does
//! not use this module.

pub(crate) mod dense;
pub(crate) mod integer;
pub(crate) mod rational;

pub(crate) use dense::*;
pub(crate) use integer::*;
pub(crate) use rational::*;
