//! Optimizers: immutable configuration ([`Optimizer`]) acting on a [`State`] that holds
//! everything that changes. Each optimizer is written once, generic over [`Scalar`].

mod adagrad;
mod adam;
mod adamw;
mod coordinate;
mod exp_series;
mod gd;
mod memory;
mod moments;
mod momentum;
mod nesterov;
mod normalized;
mod rmsprop;
mod sgd;
mod sign;
pub mod spec;

pub use adagrad::AdaGrad;
pub use adam::Adam;
pub use adamw::AdamW;
pub use coordinate::CoordinateDescent;
pub use exp_series::ExpSeries;
pub use gd::GradientDescent;
pub use memory::{AdamScalars, Memory};
pub use momentum::Momentum;
pub use nesterov::Nesterov;
pub use normalized::NormalizedGd;
pub use rmsprop::RmsProp;
pub use sgd::Sgd;
pub use sign::SignDescent;
pub use spec::{build, OptimizerSpec};

use crate::data::generate::SplitMix64;
use crate::objective::{Event, Objective, Scratch};
use crate::scalar::Scalar;

/// Everything that changes during a run.
#[derive(Clone, Debug)]
pub struct State<S: Scalar> {
    /// Number of completed steps.
    pub t: u64,
    /// The iterate `w(t)`.
    pub w: Vec<S>,
    /// `−∇L` at the last evaluation (scratch, length d).
    pub grad: Vec<S>,
    /// Optimizer memory (velocity, moments, ...), a variant per kind of optimizer.
    pub memory: Memory<S>,
    /// Scratch buffers for the objective.
    pub scratch: Scratch<S>,
    /// Seeded random source (stochastic optimizers).
    pub(crate) rng: SplitMix64,
    /// Index memory (the points left in the current epoch of SGD without replacement).
    pub(crate) indices: Vec<usize>,
}

impl<S: Scalar> State<S> {
    /// A state at `t = 0` with iterate `w0`.
    pub fn new(obj: &Objective<S>, w0: Vec<S>, seed: u64) -> Self {
        State {
            t: 0,
            grad: vec![S::zero(obj.ctx()); obj.d()],
            w: w0,
            memory: Memory::None,
            scratch: obj.scratch(),
            rng: SplitMix64::new(seed),
            indices: Vec::new(),
        }
    }
}

/// One optimization method.
pub trait Optimizer<S: Scalar>: Send + Sync {
    /// Name as used on the command line.
    fn name(&self) -> String;
    /// Prepares the optimizer's [`Memory`] variant in a fresh state (its `step` re-initializes
    /// a memory of another variant or shape the same way).
    fn init(&self, _obj: &Objective<S>, _st: &mut State<S>) {}
    /// One update `w(t) → w(t+1)`; increments `st.t`. An [`Event`] leaves the state at the
    /// last good iterate.
    fn step(&self, obj: &Objective<S>, st: &mut State<S>) -> Result<(), Event>;
    /// The current diagonal preconditioner `p`, for methods whose step is `η p ⊙ (−∇L)`
    /// asymptotically (AdaGrad: `h = (G + ε)^{−1/2}`; RMSProp and Adam: `1/(√v̂ + ε)`).
    /// `None` for the others.
    fn preconditioner(&self, _st: &State<S>) -> Option<Vec<S>> {
        None
    }
}
