//! The risk `L(w) = Σ_n ℓ(z_n·w)` over a data set, at a chosen scalar type.

use crate::data::Dataset;
use crate::loss::{log_sum_exp, Loss};
use crate::scalar::Scalar;

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
}

/// Data (as signed points `z_n` rounded once into `S`) plus a loss.
#[derive(Clone, Debug)]
pub struct Objective<S: Scalar> {
    z: Vec<S>,
    n: usize,
    d: usize,
    loss: Loss,
    ctx: S::Ctx,
}

/// Reusable buffers for gradient evaluation (so steps allocate nothing).
#[derive(Clone, Debug)]
pub struct Scratch<S: Scalar> {
    /// Margins `u_n = z_n·w`, then weights `−ℓ′(u_n)`.
    pub weights: Vec<S>,
    /// A spare scalar.
    pub tmp: S,
}

impl<S: Scalar> Objective<S> {
    /// Builds the objective for `data` and `loss` at context `ctx`.
    pub fn new(data: &Dataset, loss: Loss, ctx: S::Ctx) -> Self {
        let z = data.signed_points::<S>(ctx).into_iter().flatten().collect();
        Objective {
            z,
            n: data.len(),
            d: data.dim(),
            loss,
            ctx,
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
        for (n, u) in out.iter_mut().enumerate() {
            u.set_f64(0.0);
            for (zj, wj) in self.z(n).iter().zip(w) {
                u.mul_add_assign(zj, wj);
            }
        }
    }

    /// Writes the weights `−ℓ′(z_n·w)` into `scratch.weights`. Reports an underflow if a
    /// weight is exactly zero and a non-finite event if one is NaN/∞.
    pub fn weights(&self, w: &[S], scratch: &mut Scratch<S>) -> Result<(), Event> {
        let Scratch { weights, tmp } = scratch;
        self.margins(w, weights);
        for (n, u) in weights.iter_mut().enumerate() {
            if !u.is_finite() {
                return Err(Event::NonFinite);
            }
            self.loss.weight_in_place(u, tmp);
            if u.is_zero() {
                return Err(Event::Underflow { point: n });
            }
        }
        Ok(())
    }

    /// Writes the negative gradient `−∇L(w) = Σ_n (−ℓ′(z_n·w)) z_n` into `out`.
    pub fn neg_gradient(
        &self,
        w: &[S],
        out: &mut [S],
        scratch: &mut Scratch<S>,
    ) -> Result<(), Event> {
        self.weights(w, scratch)?;
        for o in out.iter_mut() {
            o.set_f64(0.0);
        }
        for (n, g) in scratch.weights.iter().enumerate() {
            for (o, zj) in out.iter_mut().zip(self.z(n)) {
                o.mul_add_assign(g, zj);
            }
        }
        Ok(())
    }

    /// `ln L(w)`, stable for any magnitude of the risk.
    pub fn ln_loss(&self, w: &[S]) -> S {
        let mut u = vec![S::zero(self.ctx); self.n];
        self.margins(w, &mut u);
        let l: Vec<S> = u.iter().map(|v| self.loss.ln_value(v)).collect();
        log_sum_exp(&l)
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

/// Euclidean norm of a vector.
pub fn norm<S: Scalar>(v: &[S], ctx: S::Ctx) -> S {
    let mut s = S::zero(ctx);
    for x in v {
        s.mul_add_assign(x, x);
    }
    s.sqrt_mut();
    s
}

/// Dot product.
pub fn dot<S: Scalar>(a: &[S], b: &[S], ctx: S::Ctx) -> S {
    let mut s = S::zero(ctx);
    for (x, y) in a.iter().zip(b) {
        s.mul_add_assign(x, y);
    }
    s
}
