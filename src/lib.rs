//! # implicit-bias
//!
//! A verified-numerics harness for the implicit bias of gradient descent on linearly
//! separable data (Soudry, Hoffer, Nacson, Gunasekar, Srebro 2018): GD on the exponential or
//! logistic loss diverges in norm like `ln t` while its direction converges, like `1/ln t`,
//! to the L2 max-margin (hard-margin SVM) direction.
//!
//! * [`data`]: exact data sets (rational coordinates), CSV, seeded generators;
//! * [`scalar`]: one [`Scalar`](scalar::Scalar) trait for `f64`, MPFR floats and the
//!   double-double [`Dd`](scalar::Dd), the fast high-precision path (docs/speed.md);
//! * [`loss`], [`objective`], [`optim`], [`run`]: losses, risk, optimizers, the runner;
//! * [`report`]: the per-checkpoint convergence table;
//! * [`experiment`]: the whole pipeline of `ibias run` (oracle, run, predictions, verdicts,
//!   report) as one call;
//! * [`sweep`]: a grid of `ibias run` experiments on all cores, or as jobs for a batch
//!   scheduler, merged into one table;
//! * [`compare::check_optimizer`]: does an optimizer of your own reach the ℓ2 / ℓ1 / ℓ∞
//!   max-margin direction? The judgement, with its evidence ([`prelude`] has every name a test
//!   needs; `examples/custom_optimizer.rs`).
//! * [`cli::main`]: the `ibias` command line itself (the binary is one call to it).
//!
//! Only what a test of another crate uses is public; the rest is crate-private
//! (docs/architecture.md, "What is public").
//!
//! ```
//! use implicit_bias::{data::generate::Generator, loss::Loss, objective::Objective,
//!     optim::GradientDescent, run::{Runner, RunOptions}};
//! use rug::{Float, Rational};
//! let data = Generator::R1.generate()?;
//! let obj = Objective::<Float>::new(&data, Loss::Exponential, 128);
//! let gd = GradientDescent::new(&Rational::from((1, 2)), 128);
//! let w0 = vec![Float::new(128), Float::with_val(128, 0.3)];
//! let opts = RunOptions { steps: 100, ..Default::default() };
//! let traj = Runner::new(&obj, &gd, &opts).run(w0);
//! assert_eq!(traj.samples.last().unwrap().t, 100);
//! # Ok::<(), implicit_bias::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod audit;
pub mod cert;
pub mod certify;
pub mod cli;
pub mod compare;
pub mod data;
pub mod error;
pub mod experiment;
pub mod flow;
pub(crate) mod linalg;
pub mod loss;
pub mod objective;
pub mod ode;
pub mod optim;
pub mod oracle;
pub mod plot;
pub mod report;
pub mod run;
pub mod saved;
pub mod scalar;
pub mod stepsize;
pub mod sweep;
pub mod theory;

pub use error::{Error, Result};

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// Every page of docs/ (tests/library.rs checks the list is whole), compiled by rustdoc: its
/// Rust examples run as doctests; its other blocks are marked `text` or `sh`.
#[cfg(doctest)]
pub mod docs_doctests {
    #[doc = include_str!("../docs/architecture.md")]
    pub struct Architecture;
    #[doc = include_str!("../docs/cli.md")]
    pub struct Cli;
    #[doc = include_str!("../docs/fuzzing.md")]
    pub struct Fuzzing;
    #[doc = include_str!("../docs/optimizers.md")]
    pub struct Optimizers;
    #[doc = include_str!("../docs/oracle-lp.md")]
    pub struct OracleLp;
    #[doc = include_str!("../docs/oracle.md")]
    pub struct Oracle;
    #[doc = include_str!("../docs/speed.md")]
    pub struct Speed;
    #[doc = include_str!("../docs/theory/README.md")]
    pub struct TheoryReadme;
    #[doc = include_str!("../docs/theory/certify.md")]
    pub struct TheoryCertify;
    #[doc = include_str!("../docs/theory/degenerate.md")]
    pub struct TheoryDegenerate;
    #[doc = include_str!("../docs/theory/direction.md")]
    pub struct TheoryDirection;
    #[doc = include_str!("../docs/theory/dual-recovery.md")]
    pub struct TheoryDualRecovery;
    #[doc = include_str!("../docs/theory/flow.md")]
    pub struct TheoryFlow;
    #[doc = include_str!("../docs/theory/invariant.md")]
    pub struct TheoryInvariant;
    #[doc = include_str!("../docs/theory/logistic.md")]
    pub struct TheoryLogistic;
    #[doc = include_str!("../docs/theory/loss-constant.md")]
    pub struct TheoryLossConstant;
    #[doc = include_str!("../docs/theory/margin.md")]
    pub struct TheoryMargin;
    #[doc = include_str!("../docs/theory/max-entropy.md")]
    pub struct TheoryMaxEntropy;
    #[doc = include_str!("../docs/theory/multiclass.md")]
    pub struct TheoryMulticlass;
    #[doc = include_str!("../docs/theory/precision.md")]
    pub struct TheoryPrecision;
    #[doc = include_str!("../docs/theory/predictions.md")]
    pub struct TheoryPredictions;
    #[doc = include_str!("../docs/theory/residual.md")]
    pub struct TheoryResidual;
    #[doc = include_str!("../docs/theory/sections.md")]
    pub struct TheorySections;
    #[doc = include_str!("../docs/theory/sv-domination.md")]
    pub struct TheorySvDomination;
    #[doc = include_str!("../docs/theory/verdicts.md")]
    pub struct TheoryVerdicts;
}

/// The names a test of your own needs: data, losses, the objective, the optimizer trait and
/// its state, the scalar types, the runner, the oracle's answers, and the checks with their
/// judgement (`use implicit_bias::prelude::*;`).
pub mod prelude {
    pub use crate::cert::Norm;
    pub use crate::compare::{check_optimizer, Check, CheckOptions, CompareRow};
    pub use crate::data::generate::Generator;
    pub use crate::data::{parse_csv, read_csv, Dataset};
    pub use crate::error::{Error, Result};
    pub use crate::experiment::{Experiment, Findings};
    pub use crate::loss::Loss;
    pub use crate::objective::{Event, Objective};
    pub use crate::optim::{GradientDescent, Optimizer, OptimizerSpec, State};
    pub use crate::oracle::{solve, MaxMargin, Outcome};
    pub use crate::run::{RunOptions, RunStatus, Runner, Trajectory};
    pub use crate::scalar::{Dd, Precision, Scalar};
    pub use crate::theory::limits::{LimitVerdict, Target};
    pub use crate::theory::{analyze_with, Analysis, Judgement, Status, Verdict};
    pub use rug::{Float, Rational};
}
