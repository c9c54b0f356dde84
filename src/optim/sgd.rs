//! Stochastic gradient descent on mini-batches:
//! `w ← w − η Σ_{n ∈ B_t} ∇ℓ(z_n·w)`, with `B_t` a batch of `b` points drawn from the
//! seeded [`State::rng`](super::State) (SplitMix64), either independently with replacement
//! or without replacement (shuffled epochs, consumed in order; a batch may straddle two
//! epochs). The risk is a sum, so `b = N` without replacement is full-batch GD (up to the
//! order of summation).
//!
//! **Predicted limit.** Direction `ŵ`, at the rate `O(1/ln t)`, for a fixed step, with or
//! without replacement: a theorem (Nacson, Srebro, Soudry 2019 [P-abs]; theory §3 and the §5
//! table). Exact invariant (theory §8.2): updates lie in `span{z_n}`.

use super::{Optimizer, State};
use crate::objective::{Event, Objective};
use crate::scalar::Scalar;
use rug::Rational;

/// Mini-batch SGD with step `η` per point, batch size `b ≥ 1`.
#[derive(Clone, Debug)]
pub struct Sgd<S: Scalar> {
    eta: S,
    batch: usize,
    replacement: bool,
}

impl<S: Scalar> Sgd<S> {
    /// SGD with step `eta`, `batch` points per step (at least 1), sampled with or without
    /// `replacement`.
    pub fn new(eta: &Rational, batch: usize, replacement: bool, ctx: S::Ctx) -> Self {
        Sgd {
            eta: S::from_rational(eta, ctx),
            batch: batch.max(1),
            replacement,
        }
    }

    fn draw(&self, n: usize, st: &mut State<S>) -> usize {
        if self.replacement {
            return st.rng.range(0, n as i64 - 1) as usize;
        }
        if st.indices.is_empty() {
            // A new epoch: Fisher–Yates shuffle of 0..n, consumed from the end.
            st.indices.extend(0..n);
            for i in (1..n).rev() {
                let j = st.rng.range(0, i as i64) as usize;
                st.indices.swap(i, j);
            }
        }
        st.indices.pop().unwrap_or(0)
    }
}

impl<S: Scalar> Optimizer<S> for Sgd<S> {
    fn name(&self) -> String {
        "sgd".into()
    }

    fn step(&self, obj: &Objective<S>, st: &mut State<S>) -> Result<(), Event> {
        let n = obj.n();
        if n == 0 || n % obj.loss().group() != 0 {
            // no sample, or a softmax lift cut inside a sample
            return Err(Event::NonFinite);
        }
        for g in st.grad.iter_mut() {
            g.set_f64(0.0);
        }
        // a sample is one loss term: one point, or the K − 1 lifted points of a softmax
        let group = obj.loss().group();
        for _ in 0..self.batch {
            let first = self.draw(n / group, st) * group;
            let State {
                w, grad, scratch, ..
            } = &mut *st;
            let us = &mut scratch.weights[first..first + group];
            for (i, u) in us.iter_mut().enumerate() {
                u.set_f64(0.0);
                for (zj, wj) in obj.z(first + i).iter().zip(w.iter()) {
                    u.mul_add_assign(zj, wj);
                }
                if !u.is_finite() {
                    return Err(Event::NonFinite);
                }
            }
            obj.loss().weights_in_place(us, &mut scratch.tmp);
            for (i, u) in us.iter().enumerate() {
                if u.is_zero() {
                    return Err(Event::Underflow { point: first + i });
                }
                for (g, zj) in grad.iter_mut().zip(obj.z(first + i)) {
                    g.mul_add_assign(u, zj);
                }
            }
        }
        for (w, g) in st.w.iter_mut().zip(&st.grad) {
            w.mul_add_assign(&self.eta, g);
        }
        st.t += 1;
        Ok(())
    }
}
