//! Fast paths for long high-precision runs, each checked against plain MPFR at higher
//! precision in tests/fast_paths.rs (docs/speed.md has the measurements):
//!
//! * [`Dd`]: a double-double [`Scalar`](crate::scalar::Scalar) (106-bit significand, f64
//!   exponent range with an explicit underflow guard), for which the generic optimizers
//!   compile to straight-line floating-point code.
//!
//! The incremental exponentials of GD (`ExpSeries`) live with GD, in [`crate::optim`].

mod dd;

pub use dd::{exp_lanes, Dd, LANES};
