//! # implicit-bias
//!
//! A verified-numerics harness for the implicit bias of gradient descent on linearly
//! separable data (Soudry, Hoffer, Nacson, Gunasekar, Srebro 2018): GD on the exponential or
//! logistic loss diverges in norm like `ln t` while its direction converges, like `1/ln t`,
//! to the L2 max-margin (hard-margin SVM) direction.
//!
//! * [`data`]: exact data sets (rational coordinates), CSV, seeded generators;
//! * [`scalar`]: one [`Scalar`](scalar::Scalar) trait for `f64` and MPFR floats;
//! * [`loss`], [`objective`], [`optim`], [`run`]: losses, risk, optimizers, the runner;
//! * [`report`]: the per-checkpoint convergence table;
//! * [`experiment`]: the whole pipeline of `ibias run` (oracle, run, predictions, verdicts,
//!   report) as one call;
//! * [`fast`], [`bench`](mod@bench): fast high-precision paths and their benchmark (docs/speed.md).
//!
//! ```
//! use implicit_bias::{data::generate::Generator, loss::Loss, objective::Objective,
//!     optim::GradientDescent, run::{run, RunOptions}};
//! use rug::{Float, Rational};
//! let data = Generator::R1.generate()?;
//! let obj = Objective::<Float>::new(&data, Loss::Exponential, 128);
//! let gd = GradientDescent::new(&Rational::from((1, 2)), 128);
//! let w0 = vec![Float::new(128), Float::with_val(128, 0.3)];
//! let traj = run(&obj, &gd, w0, &RunOptions { steps: 100, ..Default::default() });
//! assert_eq!(traj.samples.last().unwrap().t, 100);
//! # Ok::<(), implicit_bias::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod bench;
pub mod cert;
pub mod compare;
pub mod data;
pub mod error;
pub mod experiment;
pub mod fast;
pub mod flow;
pub mod loss;
pub mod objective;
pub mod ode;
pub mod optim;
pub mod oracle;
pub mod report;
pub mod run;
pub mod scalar;
pub mod stepsize;
pub mod theory;

pub use error::{Error, Result};
