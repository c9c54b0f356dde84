//! The risk `L(w) = Σ_n ℓ(z_n·w)` over a data set, at a chosen scalar type.

use crate::data::Dataset;
use crate::loss::Loss;
use crate::scalar::{log_sum_exp, Scalar};

/// The norm and dot product of iterates, re-exported from their home in [`crate::scalar`].
pub use crate::scalar::{dot, norm};

/// A numerical event met while evaluating the risk or taking a step. Events are values,
/// recorded by the runner as the run's status, never panics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A loss weight `−ℓ′(z_n·w)` underflowed to zero (f64 cannot represent it): the
    /// gradient no longer carries point `n`.
    Underflow {
        /// Index of the point whose weight underflowed.
        point: usize,
    },
    /// A NaN or infinity appeared (divergent step, overflow).
    NonFinite,
    /// A branch of the step depends on a comparison the scalar cannot decide: over the
    /// enclosure scalar, a sign or an argmax of boxes that overlap (the exact order is not
    /// known). The step is not taken, never taken along a default branch.
    Undecided,
}

/// Data (as signed points `z_n` rounded once into `S`) plus a loss.
#[derive(Clone, Debug)]
pub struct Objective<S: Scalar> {
    z: Vec<S>,
    n: usize,
    d: usize,
    loss: Loss,
    ctx: S::Ctx,
    /// An upper bound on `max_n ‖z_n‖` (f64, rounded up with a safety factor).
    z_norm_bound: f64,
}

/// Reusable buffers for gradient evaluation (so steps allocate nothing).
#[derive(Clone, Debug)]
pub struct Scratch<S: Scalar> {
    /// Margins `u_n = z_n·w`, then weights `−ℓ′(u_n)`.
    pub weights: Vec<S>,
    /// A spare scalar.
    pub(crate) tmp: S,
}

impl<S: Scalar> Objective<S> {
    /// Builds the objective for `data` and `loss` at context `ctx`. For the softmax loss the
    /// data are the lifted points of K-class data ([`crate::data::ClassData::lift`]), `K − 1`
    /// consecutive points per sample.
    pub fn new(data: &Dataset, loss: Loss, ctx: S::Ctx) -> Self {
        let z: Vec<S> = data.signed_points::<S>(ctx).into_iter().flatten().collect();
        let d = data.dim();
        // Each coordinate's f64 value is within 2^-52 of it; the f64 sum of squares and the
        // square root add a few more roundings: a factor 1 + 2^-40 covers them all.
        let z_norm_bound = z
            .chunks(d.max(1))
            .map(|row| row.iter().map(|v| v.to_f64().powi(2)).sum::<f64>().sqrt())
            .fold(0.0, f64::max)
            * (1.0 + 1.0 / (1u64 << 40) as f64);
        Objective {
            z,
            n: data.len(),
            d,
            loss,
            ctx,
            z_norm_bound,
        }
    }

    /// Number of points.
    pub fn n(&self) -> usize {
        self.n
    }
    /// Dimension.
    pub fn d(&self) -> usize {
        self.d
    }
    /// The loss.
    pub fn loss(&self) -> Loss {
        self.loss
    }
    /// The scalar context.
    pub fn ctx(&self) -> S::Ctx {
        self.ctx
    }
    /// An upper bound on `max_n ‖z_n‖₂` in f64 (for a priori bounds such as `|z_n·v| ≤ R‖v‖`).
    pub(crate) fn z_norm_bound(&self) -> f64 {
        self.z_norm_bound
    }
    /// All signed points, row-major (`n × d`).
    pub(crate) fn z_all(&self) -> &[S] {
        &self.z
    }
    /// Signed point `z_n` (length d).
    pub fn z(&self, n: usize) -> &[S] {
        &self.z[n * self.d..(n + 1) * self.d]
    }

    /// Fresh scratch buffers.
    pub fn scratch(&self) -> Scratch<S> {
        Scratch {
            weights: vec![S::zero(self.ctx); self.n],
            tmp: S::zero(self.ctx),
        }
    }

    /// Writes the margins `u_n = z_n·w` into `out`.
    pub fn margins(&self, w: &[S], out: &mut [S]) {
        S::mat_vec(out, &self.z, w);
    }

    /// Writes the weights `−ℓ′(z_n·w)` into `scratch.weights`. Reports an underflow if a
    /// weight is exactly zero and a non-finite event if one is NaN/∞.
    pub fn weights(&self, w: &[S], scratch: &mut Scratch<S>) -> Result<(), Event> {
        let Scratch { weights, tmp } = scratch;
        self.margins(w, weights);
        // Points before the first non-finite margin get their weights; an underflow among
        // them is reported first, as if the points were processed one by one.
        let bad = weights.iter().position(|u| !u.is_finite());
        // a softmax group is evaluated whole: stop at the start of the group of a bad margin
        let group = self.loss.group();
        let upto = bad.map_or(weights.len(), |b| b - b % group);
        let head = &mut weights[..upto];
        match self.loss {
            Loss::Exponential => {
                // −ℓ′(u) = e^{−u} (Loss::weight_in_place), all exponentials in one batch.
                for u in head.iter_mut() {
                    u.neg_mut();
                }
                S::exp_each(head);
            }
            Loss::Logistic | Loss::Softmax { .. } => self.loss.weights_in_place(head, tmp),
        }
        if let Some(n) = head.iter().position(|u| u.is_zero()) {
            return Err(Event::Underflow { point: n });
        }
        match bad {
            Some(_) => Err(Event::NonFinite),
            None => Ok(()),
        }
    }

    /// Writes the negative gradient `−∇L(w) = Σ_n (−ℓ′(z_n·w)) z_n` into `out`.
    pub fn neg_gradient(
        &self,
        w: &[S],
        out: &mut [S],
        scratch: &mut Scratch<S>,
    ) -> Result<(), Event> {
        self.weights(w, scratch)?;
        self.neg_gradient_from_weights(&scratch.weights, out);
        Ok(())
    }

    /// Writes `Σ_n q_n z_n` into `out` for given weights `q` (length n): the negative gradient
    /// when `q_n = −ℓ′(z_n·w)`.
    pub(crate) fn neg_gradient_from_weights(&self, q: &[S], out: &mut [S]) {
        // Column j: Σ_n q_n z_nj, accumulated over n in order.
        S::mat_t_vec(out, &self.z, q);
    }

    /// `ln L(w)`, stable for any magnitude of the risk.
    pub fn ln_loss(&self, w: &[S]) -> S {
        let mut u = vec![S::zero(self.ctx); self.n];
        self.margins(w, &mut u);
        self.ln_loss_at(&u)
    }

    /// `ln L` from the margins `u_n = z_n·w` ([`margins`](Self::margins)): the one formula of
    /// the risk, for a caller that needs the margins too.
    pub(crate) fn ln_loss_at(&self, u: &[S]) -> S {
        log_sum_exp(&self.loss.ln_values(u))
    }

    /// `min_n z_n·w`.
    pub fn min_margin(&self, w: &[S]) -> S {
        let mut u = vec![S::zero(self.ctx); self.n];
        self.margins(w, &mut u);
        let mut m = u[0].clone();
        for v in &u[1..] {
            if v.partial_cmp_s(&m) == Some(std::cmp::Ordering::Less) {
                m.set(v);
            }
        }
        m
    }
}
