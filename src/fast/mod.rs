//! Fast paths for long high-precision runs, each checked against plain MPFR at higher
//! precision in tests/fast_paths.rs (docs/speed.md has the measurements):
//!
//! * [`Dd`]: a double-double [`Scalar`](crate::scalar::Scalar) (106-bit significand, f64
//!   exponent range with an explicit underflow guard), for which the generic optimizers
//!   compile to straight-line floating-point code;
//! * [`ExpSeries`]: the incremental update `e^{−(u+δ)} = e^{−u}·e^{−δ}` with a short,
//!   rigorously truncated series for `e^{−δ}`, used by
//!   [`GradientDescent::incremental`](crate::optim::GradientDescent::incremental) for any
//!   scalar type.

mod dd;
mod series;

pub use dd::{exp_lanes, Dd, LANES};
pub use series::ExpSeries;
