//! Certified GD trajectories (`ibias run --certify`, docs/theory/certify.md).
//!
//! The computed iterate `w(t)` is kept as the midpoint of a Euclidean ball of radius `r(t)`
//! that provably contains the exact-arithmetic GD iterate `x(t)` (exact data, exact step,
//! exact start, exact exponentials):
//!
//! ```text
//! r(0) = ‖w(0) − x(0)‖,    r(t+1) = Lip_t · r(t) + δ_t,
//! ```
//!
//! where `δ_t ≥ ‖w(t+1) − G(w(t))‖` bounds the rounding of the one computed step (the exact
//! map `G(w) = w − η∇L(w)` is enclosed in interval arithmetic at a few more bits than the
//! working precision, [`Interval`]; or, for double-double on the exponential loss, the
//! a-priori bound of that computation, [`StepBound`]), and `Lip_t` bounds the Lipschitz
//! constant of `G` on the ball `B(w(t), r(t))`: with `∇²L ⪯ M_t I` there, `Lip_t = 1` when `η M_t ≤ 2` (GD on a
//! convex loss is nonexpansive) and `η M_t − 1` otherwise. The certifier is an
//! [`Observer`] of the runner: it sees each step (`w(t)` before, `w(t+1)` after) and never
//! changes the trajectory. At the shown checkpoints it encloses `w(t)`, `‖w‖`, the
//! normalised minimum margin, `ln L` and `t·L`.

pub mod apriori;
pub mod interval;
pub mod naive;

pub use apriori::StepBound;
pub use interval::Interval;
pub use naive::INTERVAL_MAX_STEPS;
pub(crate) use naive::{IntervalEnclosure, INTERVAL_BITS};

use crate::data::Dataset;
use crate::loss::Loss;
use crate::optim::State;
use crate::run::Observer;
use crate::scalar::Scalar;
use rug::float::Round;
use rug::ops::{AddAssignRound, AssignRound, DivAssignRound, MulAssignRound};
use rug::{Assign, Float, Rational};
use std::cmp::Ordering;

/// Bits the enclosures carry beyond the working precision.
pub(crate) const EXTRA_BITS: u32 = 16;

/// Why certification stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stop {
    /// The step whose bound could not be established (the bound of `w(at)` is missing).
    pub at: u64,
    /// Why, in words.
    pub why: String,
}

/// The enclosures at one checkpoint: each an interval containing the exact-arithmetic value.
#[derive(Clone, Debug)]
pub struct Enclosure {
    /// Step.
    pub t: u64,
    /// `r(t)`, rounded up: `‖w(t) − x(t)‖ ≤ radius`.
    pub radius: Float,
    /// `x(t)`, coordinate by coordinate.
    pub w: Vec<Interval>,
    /// `‖x(t)‖`.
    pub norm: Interval,
    /// `min_n z_n·x(t) / ‖x(t)‖` (absent when the norm's enclosure contains 0).
    pub min_margin: Option<Interval>,
    /// `ln L(x(t))` (absent if not finite at this precision).
    pub ln_loss: Option<Interval>,
    /// `t·L(x(t))` (from t = 1 on; absent if not finite).
    pub t_loss: Option<Interval>,
    /// The computed iterate `w(t)` itself, enclosed (a point for f64 and MPFR working values).
    pub(crate) computed: Vec<Interval>,
    /// `−ℓ′(z_nᵀx)` for every point `n`, over the ball (contains the weight of the exact and
    /// of the computed iterate).
    pub(crate) weights: Vec<Interval>,
    /// `ℓ(z_nᵀx)` for every point `n`, over the ball (`L(x)` is their sum).
    pub(crate) losses: Vec<Interval>,
    /// `M ≥ sup_{v∈ball} ‖∇²L(v)‖`, the curvature bound on the ball (docs/theory/certify.md):
    /// `‖∇L(x) − ∇L(w)‖ ≤ M·r`.
    pub(crate) curvature: Float,
}

/// Enclosures at one checkpoint of the quantities measured against the max-margin solution:
/// the direction, its error and angle to `ŵ` (exact), `ρ(t) = x(t) − ŵ ln t` and its
/// distance to `w̃` (docs/theory/certify.md, "The direction and the residual").
#[derive(Clone, Debug)]
pub struct Derived {
    /// `x(t)/‖x(t)‖`, per coordinate (absent when the ball may contain 0).
    pub direction: Option<Vec<Interval>>,
    /// `‖x/‖x‖ − ŵ/‖ŵ‖‖`.
    pub dir_err: Option<Interval>,
    /// The angle between `x(t)` and `ŵ`, radians.
    pub angle: Option<Interval>,
    /// `ρ(t) = x(t) − ŵ ln t`, per coordinate (from t = 1 on).
    pub rho: Option<Vec<Interval>>,
    /// `‖ρ(t) − w̃‖` for the given `w̃` (a point; from t = 1 on); without the span condition
    /// `‖P1(ρ(t) − w̃)‖`.
    pub rho_err: Option<Interval>,
    /// The margin gap `γ* − γ(x(t)) = 1/‖ŵ‖ − min_n z_nᵀx/‖x‖` (where the minimum margin is
    /// enclosed).
    pub gap: Option<Interval>,
    /// The dual recovery `η t (−ℓ′(z_nᵀx(t)))` of every point (from t = 1 on), which tends
    /// to `α_n` on the support vectors (theory §2.3).
    pub dual: Option<Vec<Interval>>,
    /// The angle between `x(t)` and the refined prediction `p = ŵ ln t + w̃` (theory §2.5;
    /// from t = 1 on, with `w̃`).
    pub refined_angle: Option<Interval>,
    /// The non-SV share of the loss `Σ_{n∉S} ℓ_n / L(x)` (theory §2.8; absent when every
    /// point is a support vector).
    pub share_loss: Option<Interval>,
    /// The non-SV share of the gradient `‖Σ_{n∉S} (−ℓ′_n) z_n‖ / ‖Σ_n (−ℓ′_n) z_n‖`.
    pub share_grad: Option<Interval>,
    /// `share_loss · t^{θ−1}` (from t = 1 on, with `θ`).
    pub share_loss_scaled: Option<Interval>,
    /// `share_grad · t^{θ−1}`.
    pub share_grad_scaled: Option<Interval>,
    /// `t·L(x)/C_L` for the predicted `C_L` (from t = 1 on).
    pub t_loss_ratio: Option<Interval>,
    /// `max |η t (−ℓ′_n)/α_n − 1|` over the support vectors with predicted `α_n ≠ 0`.
    pub dual_dev: Option<Interval>,
    /// `‖η t (−∇L(x)) − ŵ‖/‖ŵ‖` (theory §2.3; from t = 1 on).
    pub grad_dev: Option<Interval>,
    /// `ln t · dir_err` (from t = 2 on).
    pub ln_t_dir: Option<Interval>,
    /// `ln t · gap` (from t = 2 on).
    pub ln_t_gap: Option<Interval>,
}

/// What the derived enclosures are measured against: the exact max-margin solution (`ŵ`,
/// its support `S` and `θ = min_{n∉S} z_nᵀŵ`) and the predicted `w̃`, taken as a point.
#[derive(Clone, Debug)]
pub struct Reference {
    /// `ŵ`, exact.
    pub w_hat: Vec<Rational>,
    /// `w̃` as predicted (the exact value of the computed prediction), if there is one.
    pub w_tilde: Option<Vec<Rational>>,
    /// The support vectors `S = {n : z_nᵀŵ = 1}`, increasing.
    pub support: Vec<usize>,
    /// `θ`, exact (absent when every point is a support vector).
    pub theta: Option<Rational>,
    /// The predicted dual vector `α` (length N), as the exact values of the computed
    /// prediction, if there is one.
    pub alpha: Option<Vec<Rational>>,
    /// The predicted `C_L`, as the exact value of the computed prediction, if there is one.
    pub c_l: Option<Rational>,
    /// Without the span condition: the predicted `P1 w̃` (a point, like `w̃`), measured
    /// against `P1 ρ(t)`.
    pub(crate) w_tilde_span: Option<Vec<Rational>>,
    /// The linearly independent support vectors, exactly: `P1` projects onto their span.
    pub(crate) span_rows: Vec<Vec<Rational>>,
}

/// `‖x/‖x‖ − p/‖p‖‖` and the angle `2 asin(·/2)` between `x` and `p`, for every `x` within
/// `s·‖c‖/2` of `c`: `unit` encloses `c/‖c‖`, `s` bounds `‖x/‖x‖ − c/‖c‖‖` (`2r/‖c‖`), `p` is
/// enclosed coordinate by coordinate (`None` when `‖p‖` may be 0).
fn unit_distance(
    unit: &[Interval],
    p: &[Interval],
    s: &Float,
    prec: u32,
) -> Option<(Interval, Interval)> {
    let np = crate::scalar::norm(p, prec);
    if np.lo.cmp0() != Some(Ordering::Greater) {
        return None;
    }
    let diff: Vec<Interval> = unit
        .iter()
        .zip(p)
        .map(|(a, b)| a.clone().sub(&b.clone().div(&np)))
        .collect();
    let mut e = crate::scalar::norm(&diff, prec);
    e.widen(s);
    clip(&mut e, 0, 2);
    // φ = 2 asin(e/2), increasing in e ∈ [0, 2]
    let mut a = e.clone();
    a.lo >>= 1;
    a.hi >>= 1;
    a.lo.asin_round(Round::Down);
    a.hi.asin_round(Round::Up);
    a.lo <<= 1;
    a.hi <<= 1;
    Some((e, a))
}

impl Enclosure {
    /// `r(t)/‖w‖` rounded up; `None` when the norm's enclosure contains 0.
    pub fn radius_over_norm(&self) -> Option<Float> {
        ratio_up(&self.radius, &self.norm)
    }

    /// The enclosures of the direction, its error and angle to the exact `ŵ`, `ρ(t)`, and
    /// `‖ρ(t) − w̃‖` for the point `w̃` (when given) of `reference`, from the enclosure of
    /// the computed iterate `c` and the radius `r`:
    ///
    /// * `‖x/‖x‖ − c/‖c‖‖ ≤ 2r/‖c‖` for `‖x − c‖ ≤ r < ‖c‖`, so each coordinate of the
    ///   direction lies in `c_j/‖c‖ ± 2r/‖c‖` and the direction error in
    ///   `‖c/‖c‖ − ŵ/‖ŵ‖‖ ± 2r/‖c‖`; the angle is `2 asin(err/2)` (increasing);
    /// * `ρ(x) − ρ(c) = x − c`: `‖ρ(x) − w̃‖ ∈ ‖ρ(c) − w̃‖ ± r`, `ρ_j(x) ∈ x_j − ŵ_j ln t`;
    /// * the gap from the minimum margin's enclosure, the dual recovery from the weights'
    ///   (both over the ball), with the step `eta`;
    /// * the angle to the refined prediction `p = ŵ ln t + w̃` as the angle to `ŵ` (`p` in
    ///   intervals);
    /// * the non-SV shares from the losses and weights over the ball (`Enclosure::shares`)
    ///   and the signed points `z` (row-major), scaled by `t^{θ−1} = e^{(θ−1) ln t}`.
    ///
    /// Everything else is interval arithmetic ([`Interval`] as a [`Scalar`]).
    pub fn derived(&self, reference: &Reference, eta: &Interval, z: &[Interval]) -> Derived {
        let (w_hat, w_tilde) = (&reference.w_hat, reference.w_tilde.as_deref());
        let prec = self.norm.lo.prec();
        let r = &self.radius;
        let d = self.computed.len();
        let wh: Vec<Interval> = w_hat
            .iter()
            .map(|q| Interval::of_rational(q, prec))
            .collect();
        let fits = wh.len() == d && w_tilde.map_or(true, |v| v.len() == d);
        let cn = crate::scalar::norm(&self.computed, prec);
        let mut direction = None;
        let mut dir_err = None;
        let mut angle = None;
        let mut refined_angle = None;
        if fits && cn.lo > *r {
            // s = 2r/‖c‖, rounded up
            let mut s = Float::with_val_round(prec, r * 2u32, Round::Up).0;
            s.div_assign_round(&cn.lo, Round::Up);
            let v: Vec<Interval> = self.computed.iter().map(|c| c.clone().div(&cn)).collect();
            let mut u = v.clone();
            for x in &mut u {
                x.widen(&s);
                clip(x, -1, 1);
            }
            direction = Some(u);
            if let Some((e, a)) = unit_distance(&v, &wh, &s, prec) {
                dir_err = Some(e);
                angle = Some(a);
            }
            // the refined prediction p = ŵ ln t + w̃ (t ≥ 1)
            if let (Some(wt), true) = (w_tilde, self.t >= 1) {
                let lt = ln_t(self.t, prec);
                let p: Vec<Interval> = wh
                    .iter()
                    .zip(wt)
                    .map(|(h, q)| h.clone().mul(&lt).add(&Interval::of_rational(q, prec)))
                    .collect();
                refined_angle = unit_distance(&v, &p, &s, prec).map(|(_, a)| a);
            }
        }
        let (mut rho, mut rho_err) = (None, None);
        if fits && self.t >= 1 {
            let lt = ln_t(self.t, prec);
            let shift: Vec<Interval> = wh.iter().map(|h| h.clone().mul(&lt)).collect();
            rho = Some(
                self.w
                    .iter()
                    .zip(&shift)
                    .map(|(x, h)| x.clone().sub(h))
                    .collect(),
            );
            // ρ(c) − v for a point v, and the norm of a vector of such differences widened by r
            // (‖f(ρ(x)) − f(ρ(c))‖ ≤ r for f = identity or the orthogonal projection P1)
            let off = |v: &[Rational]| -> Vec<Interval> {
                self.computed
                    .iter()
                    .zip(&shift)
                    .zip(v)
                    .map(|((c, h), q)| c.clone().sub(h).sub(&Interval::of_rational(q, prec)))
                    .collect()
            };
            let widened = |v: &[Interval]| {
                let mut e = crate::scalar::norm(v, prec);
                e.widen(r);
                if e.lo.cmp0() == Some(Ordering::Less) {
                    e.lo.assign(0);
                }
                e
            };
            if let Some(wt) = w_tilde {
                rho_err = Some(widened(&off(wt)));
            } else if let (Some(ws), false) =
                (&reference.w_tilde_span, reference.span_rows.is_empty())
            {
                // without the span condition ‖P1(ρ(x) − w̃)‖: the orthonormal basis enclosed
                // from the exact rows, the projection in intervals
                let q = crate::linalg::orthonormal_exact::<Interval>(&reference.span_rows, prec);
                if ws.len() == d && q.iter().all(|v| v.len() == d) {
                    rho_err = Some(widened(&crate::linalg::project(&q, &off(ws), prec)));
                }
            }
        }
        let mut gap = None;
        let nh = crate::scalar::norm(&wh, prec);
        if let (true, Some(m)) = (nh.lo.cmp0() == Some(Ordering::Greater), &self.min_margin) {
            let mut inv = nh.clone();
            inv.recip_mut();
            gap = Some(inv.sub(m));
        }
        // η t (t enclosed: exact below 2^prec)
        let eta_t = eta.clone().mul(&Interval {
            lo: Float::with_val_round(prec, self.t, Round::Down).0,
            hi: Float::with_val_round(prec, self.t, Round::Up).0,
        });
        let dual: Option<Vec<Interval>> =
            (self.t >= 1).then(|| self.weights.iter().map(|q| eta_t.clone().mul(q)).collect());
        let in_s = support_mask(&reference.support, self.losses.len());
        let (g_all, g_non) = self.gradients(&in_s, z, prec);
        let (share_loss, share_grad) = self.shares(&in_s, &g_all, &g_non, prec);
        let t_loss_ratio = match (&self.t_loss, &reference.c_l) {
            (Some(tl), Some(c)) if *c != 0 => Some(tl.clone().div(&Interval::of_rational(c, prec))),
            _ => None,
        };
        // max_{n∈S, α_n≠0} |dual_n/α_n − 1|: |x| of an interval, then the maximum of the ends
        let dual_dev = match (&dual, &reference.alpha) {
            (Some(du), Some(al)) if al.len() == du.len() => {
                let mut out: Option<Interval> = None;
                for (n, (v, a)) in du.iter().zip(al).enumerate() {
                    if !in_s[n] || *a == 0 {
                        continue;
                    }
                    let x = v
                        .clone()
                        .div(&Interval::of_rational(a, prec))
                        .sub(&Interval::of_rational(&Rational::from(1), prec));
                    // `Scalar::abs`: [0, max|end|] when it contains 0
                    let ax = x.abs();
                    out = Some(match out {
                        None => ax,
                        Some(m) => max_interval(m, &ax),
                    });
                }
                out
            }
            _ => None,
        };
        let nh = crate::scalar::norm(&wh, prec);
        let grad_dev =
            (self.t >= 1 && fits && nh.lo.cmp0() == Some(Ordering::Greater)).then(|| {
                let diff: Vec<Interval> = g_all
                    .iter()
                    .zip(&wh)
                    .map(|(g, h)| eta_t.clone().mul(g).sub(h))
                    .collect();
                crate::scalar::norm(&diff, prec).div(&nh)
            });
        let ln_t_times = |v: &Option<Interval>| match (v, self.t >= 2) {
            (Some(v), true) => Some(ln_t(self.t, prec).mul(v)),
            _ => None,
        };
        let (ln_t_dir, ln_t_gap) = (ln_t_times(&dir_err), ln_t_times(&gap));
        // t^{θ−1} = e^{(θ−1) ln t}
        let t_pow = match (&reference.theta, self.t >= 1) {
            (Some(th), true) => {
                let mut v = Interval::of_rational(&Rational::from(th - 1u32), prec)
                    .mul(&ln_t(self.t, prec));
                v.exp_mut();
                Some(v)
            }
            _ => None,
        };
        let scaled = |share: &Option<Interval>| match (share, &t_pow) {
            (Some(s), Some(p)) => Some(s.clone().mul(p)),
            _ => None,
        };
        Derived {
            direction,
            dir_err,
            angle,
            rho,
            rho_err,
            gap,
            dual,
            refined_angle,
            share_loss_scaled: scaled(&share_loss),
            share_grad_scaled: scaled(&share_grad),
            share_loss,
            share_grad,
            t_loss_ratio,
            dual_dev,
            grad_dev,
            ln_t_dir,
            ln_t_gap,
        }
    }

    /// `Σ_n q_n z_n` over all points and over the points off the support (`in_s` false), in
    /// interval arithmetic on the weights' enclosures; `z` holds the signed points row-major,
    /// each coordinate enclosed (zero vectors when its shape does not fit).
    fn gradients(
        &self,
        in_s: &[bool],
        z: &[Interval],
        prec: u32,
    ) -> (Vec<Interval>, Vec<Interval>) {
        let d = self.w.len();
        let mut g_all = vec![Interval::zero(prec); d];
        let mut g_non = vec![Interval::zero(prec); d];
        if z.len() != self.weights.len() * d {
            return (g_all, g_non);
        }
        let mut tmp = Float::new(prec);
        for (k, (q, &sv)) in self.weights.iter().zip(in_s).enumerate() {
            for j in 0..d {
                let zj = &z[k * d + j];
                g_all[j].add_mul(q, zj, &mut tmp);
                if !sv {
                    g_non[j].add_mul(q, zj, &mut tmp);
                }
            }
        }
        (g_all, g_non)
    }

    /// The non-SV shares of the loss and of the gradient over the ball (`None` without a
    /// point outside `support`, or where a denominator may be 0). `z` holds the signed
    /// points row-major, each coordinate enclosed.
    ///
    /// The loss share `A/(A + B)` (`A = Σ_{n∉S} ℓ_n`, `B = Σ_{n∈S} ℓ_n`) increases in `A` and
    /// decreases in `B`, so it lies in `[A_lo/(A_lo + B_hi), A_hi/(A_hi + B_lo)]`, each end
    /// rounded outward: tighter than dividing the two sums' intervals, which would forget
    /// that `A` is part of `L`. The gradient share is the quotient of the two norms'
    /// enclosures.
    fn shares(
        &self,
        in_s: &[bool],
        g_all: &[Interval],
        g_non: &[Interval],
        prec: u32,
    ) -> (Option<Interval>, Option<Interval>) {
        if in_s.iter().all(|&b| b) || in_s.len() != self.losses.len() {
            return (None, None);
        }
        let (mut a, mut b) = (Interval::zero(prec), Interval::zero(prec));
        for (l, &sv) in self.losses.iter().zip(in_s) {
            let acc = if sv { &mut b } else { &mut a };
            acc.lo.add_assign_round(&l.lo, Round::Down);
            acc.hi.add_assign_round(&l.hi, Round::Up);
        }
        // lo = A_lo/(A_lo + B_hi) and hi = A_hi/(A_hi + B_lo), each rounded outward (the
        // denominator of the lower end up, of the upper end down)
        let den_of_lo = Float::with_val_round(prec, &a.lo + &b.hi, Round::Up).0;
        let den_of_hi = Float::with_val_round(prec, &a.hi + &b.lo, Round::Down).0;
        let finite = a.is_finite() && b.is_finite();
        let share_loss = (finite && den_of_hi.cmp0() == Some(Ordering::Greater)).then(|| {
            let mut v = Interval {
                lo: a.lo.clone(),
                hi: a.hi.clone(),
            };
            if den_of_lo.cmp0() == Some(Ordering::Greater) {
                v.lo.div_assign_round(&den_of_lo, Round::Down);
            } else {
                v.lo.assign(0); // A_lo = B_hi = 0: only 0 is known below
            }
            v.hi.div_assign_round(&den_of_hi, Round::Up);
            clip(&mut v, 0, 1);
            v
        });
        let (na, nn) = (
            crate::scalar::norm(g_all, prec),
            crate::scalar::norm(g_non, prec),
        );
        let share_grad = (na.is_finite()
            && nn.is_finite()
            && na.lo.cmp0() == Some(Ordering::Greater))
        .then(|| {
            // (above 1 where the support vectors' gradient cancels part of the others')
            let mut v = nn.div(&na);
            if v.lo.cmp0() == Some(Ordering::Less) {
                v.lo.assign(0);
            }
            v
        });
        (share_loss, share_grad)
    }
}

/// `in[n]`: whether point `n < len` is in `support`.
fn support_mask(support: &[usize], len: usize) -> Vec<bool> {
    let mut in_s = vec![false; len];
    for &i in support {
        if i < len {
            in_s[i] = true;
        }
    }
    in_s
}

/// The maximum of two intervals' values: `[max(a.lo, b.lo), max(a.hi, b.hi)]`.
fn max_interval(mut a: Interval, b: &Interval) -> Interval {
    if b.lo > a.lo {
        a.lo.assign(&b.lo);
    }
    if b.hi > a.hi {
        a.hi.assign(&b.hi);
    }
    a
}

/// `ln t` enclosed (`t ≥ 1`).
fn ln_t(t: u64, prec: u32) -> Interval {
    let mut lt = Interval {
        lo: Float::with_val_round(prec, t, Round::Down).0,
        hi: Float::with_val_round(prec, t, Round::Up).0,
    };
    lt.ln_mut();
    lt
}

/// `v ∩ [lo, hi]` (the exact value is known to lie in `[lo, hi]`).
fn clip(v: &mut Interval, lo: i32, hi: i32) {
    if v.lo < lo {
        v.lo.assign(lo);
    }
    if v.hi > hi {
        v.hi.assign(hi);
    }
}

/// The certifier of one GD run: exact data enclosed at `prec` bits, the radius, and the
/// enclosures recorded at the checkpoints.
#[derive(Clone, Debug)]
pub struct Certifier {
    prec: u32,
    loss: Loss,
    d: usize,
    /// Signed points `z_n`, row-major, each coordinate enclosed.
    z: Vec<Interval>,
    /// Upper bounds of `‖z_n‖`.
    z_norm: Vec<Float>,
    /// Upper bounds of `‖z_n‖²`.
    z_norm2: Vec<Float>,
    /// Upper bound of `max_n ‖z_n‖`.
    z_max: Float,
    eta: Interval,
    radius: Float,
    t: u64,
    shown: Vec<u64>,
    next: usize,
    records: Vec<Enclosure>,
    /// Further steps enclosed (the samples the verdicts read), not shown.
    judged: Vec<u64>,
    next_judged: usize,
    extra: Vec<Enclosure>,
    /// `ŵ` (exact) and `w̃` (the prediction, a point) for [`Enclosure::derived`].
    reference: Option<Reference>,
    stopped: Option<Stop>,
    lip_max: Float,
    expansive_steps: u64,
    last_expansive: Option<u64>,
    // buffers of one step
    w: Vec<Interval>,
    m: Vec<Interval>,
    q: Vec<Interval>,
    g: Vec<Interval>,
    y: Vec<Interval>,
    c: Vec<Interval>,
    tmp: Float,
    acc: Float,
    /// Test-only: take `δ_t = 0` (an unsound certifier, which the witness tests must catch).
    #[doc(hidden)]
    pub(crate) zero_delta: bool,
    /// The a-priori rounding bound (double-double, exponential loss), when enabled
    /// ([`Certifier::use_a_priori`]); steps it cannot bound are enclosed in intervals.
    apriori: Option<StepBound>,
    /// `r(t)` rounded up to f64 (the a-priori steps update it, then `radius`).
    r64: f64,
    /// Steps whose `δ_t` is the a-priori bound, and those enclosed in intervals.
    apriori_steps: u64,
    interval_steps: u64,
    // the parts (hi, lo) of w(t), q̂, ĝ, w(t+1) at an a-priori step
    parts: [Vec<(f64, f64)>; 4],
    /// Test-only: at each a-priori step also measure `δ_t` by the interval enclosure and
    /// record `(a-priori δ_t, interval δ_t)` (both rounded up to f64).
    #[doc(hidden)]
    pub delta_pairs: Option<Vec<(f64, f64)>>,
    /// Measurement only (docs/speed.md): naive interval GD, the interval step applied to its
    /// own output box instead of the computed point; the radius is then the largest distance
    /// from the computed iterate to the box (sound, and it shows the wrapping effect).
    #[doc(hidden)]
    pub naive_intervals: bool,
}

impl Certifier {
    /// A certifier of GD with exact step `eta` on the exact `data` and `loss` from the exact
    /// start `init`, whose computed start is `init` rounded into `S` at `ctx` (as the runner
    /// rounds it). Enclosures are recorded at the steps `shown` (increasing).
    pub fn new<S: Scalar>(
        data: &Dataset,
        loss: Loss,
        eta: &Rational,
        init: &[Rational],
        ctx: S::Ctx,
        shown: &[u64],
    ) -> Certifier {
        let prec = S::bits(ctx) + EXTRA_BITS;
        let d = data.dim();
        let zq = data.signed_points_exact();
        let mut z = Vec::with_capacity(zq.len() * d);
        let mut z_norm = Vec::with_capacity(zq.len());
        let mut z_norm2 = Vec::with_capacity(zq.len());
        for row in &zq {
            let mut s = Rational::new();
            for v in row {
                z.push(Interval::of_rational(v, prec));
                s += Rational::from(v * v);
            }
            let n2 = Float::with_val_round(prec, &s, Round::Up).0;
            let mut n1 = n2.clone();
            n1.sqrt_round(Round::Up);
            z_norm2.push(n2);
            z_norm.push(n1);
        }
        let mut z_max = Float::new(prec);
        for v in &z_norm {
            if *v > z_max {
                z_max.assign_round(v, Round::Up);
            }
        }
        let n = zq.len();
        let mut c = Certifier {
            prec,
            loss,
            d,
            z,
            z_norm,
            z_norm2,
            z_max,
            eta: Interval::of_rational(eta, prec),
            radius: Float::new(prec),
            t: 0,
            shown: shown.to_vec(),
            next: 0,
            records: Vec::new(),
            judged: Vec::new(),
            next_judged: 0,
            extra: Vec::new(),
            reference: None,
            stopped: None,
            lip_max: Float::with_val(prec, 1),
            expansive_steps: 0,
            last_expansive: None,
            w: vec![Interval::zero(prec); d],
            m: vec![Interval::zero(prec); n],
            q: vec![Interval::zero(prec); n],
            g: vec![Interval::zero(prec); d],
            y: vec![Interval::zero(prec); d],
            c: vec![Interval::zero(prec); d],
            tmp: Float::new(prec),
            acc: Float::new(prec),
            zero_delta: false,
            naive_intervals: false,
            apriori: None,
            r64: 0.0,
            apriori_steps: 0,
            interval_steps: 0,
            parts: Default::default(),
            delta_pairs: None,
        };
        // r(0) = ‖w(0) − x(0)‖: the start rounded into S against the exact start
        let mut s = Rational::new();
        let mut finite = init.len() == d;
        for (j, q) in init.iter().enumerate() {
            match S::from_rational(q, ctx).to_rational() {
                Some(v) => {
                    c.c[j].set_rational(&v);
                    let e = v - q;
                    s += Rational::from(&e * &e);
                }
                None => finite = false,
            }
        }
        if !finite {
            c.stopped = Some(Stop {
                at: 0,
                why: "the start w(0) is not finite in this precision".into(),
            });
            return c;
        }
        c.radius.assign_round(&s, Round::Up);
        c.radius.sqrt_round(Round::Up);
        c.r64 = c.radius.to_f64_round(Round::Up);
        c.record_if_shown();
        c
    }

    /// The interval precision (working bits + `EXTRA_BITS`).
    pub fn prec(&self) -> u32 {
        self.prec
    }

    /// The upper end of the step's enclosure.
    pub(crate) fn eta_upper(&self) -> &Float {
        &self.eta.hi
    }

    /// Takes `δ_t` from the a-priori bound of the double-double step ([`StepBound`],
    /// docs/theory/certify.md) instead of the interval enclosure, where it applies: `S` is
    /// `scalar::Dd`, the loss exponential, and the observed steps are those of
    /// `GradientDescent::new` (the runner's plain step; the bound is the error bound of
    /// that computation, read from the weights and gradient it leaves in the state). A step
    /// where a hypothesis of the bound fails is enclosed in intervals. Returns whether the
    /// a-priori bound applies. `shrink` (tests only) divides it by `2^20`.
    pub fn use_a_priori<S: Scalar>(
        &mut self,
        data: &Dataset,
        eta: &Rational,
        ctx: S::Ctx,
        shrink: bool,
    ) -> bool {
        if self.loss != Loss::Exponential || self.zero_delta || self.naive_intervals {
            return false;
        }
        let eta_dd = match S::from_rational(eta, ctx).double_double_parts() {
            Some(p) => p,
            None => return false,
        };
        let z_dd: Option<Vec<Vec<(f64, f64)>>> = data
            .signed_points::<S>(ctx)
            .iter()
            .map(|row| row.iter().map(Scalar::double_double_parts).collect())
            .collect();
        let bound =
            z_dd.and_then(|z_dd| StepBound::new(&data.signed_points_exact(), &z_dd, eta, eta_dd));
        self.apriori = bound.map(|mut b| {
            b.shrink = shrink;
            b
        });
        self.apriori.is_some()
    }

    /// Steps whose `δ_t` was the a-priori bound, and steps enclosed in intervals.
    pub fn rounding_steps(&self) -> (u64, u64) {
        (self.apriori_steps, self.interval_steps)
    }

    /// The current radius `r(t)` (an upper bound, rounded up).
    pub fn radius(&self) -> &Float {
        &self.radius
    }

    /// Steps certified so far: `r(t)` holds for every `t ≤ certified_through()`.
    pub fn certified_through(&self) -> u64 {
        self.t
    }

    /// Why certification stopped, if it did.
    pub fn stopped(&self) -> Option<&Stop> {
        self.stopped.as_ref()
    }

    /// The enclosures recorded at the shown checkpoints reached.
    pub fn records(&self) -> &[Enclosure] {
        &self.records
    }

    /// Also encloses the steps `steps` (increasing; the samples the verdicts read), without
    /// showing them. Call before the run.
    pub fn also_enclose(&mut self, steps: &[u64]) {
        self.judged = steps.to_vec();
        self.next_judged = 0;
    }

    /// The enclosures at step `t`, shown or not, if it was enclosed.
    pub(crate) fn enclosure_at(&self, t: u64) -> Option<&Enclosure> {
        self.records.iter().chain(&self.extra).find(|e| e.t == t)
    }

    /// Sets what the derived enclosures ([`Enclosure::derived`]: the direction error, `ρ(t)`,
    /// `‖ρ(t) − w̃‖`, the gap, the dual recovery, the refined angle, the non-SV shares) in
    /// `report::json::CertifyJson` and [`Certifier::text`] are measured against.
    pub(crate) fn set_reference(&mut self, reference: Reference) {
        self.reference = Some(reference);
    }

    /// The reference set by `Certifier::set_reference`.
    pub fn reference(&self) -> Option<&Reference> {
        self.reference.as_ref()
    }

    /// The derived enclosures of a record against `reference`.
    pub(crate) fn derived_with(&self, e: &Enclosure, reference: &Reference) -> Derived {
        e.derived(reference, &self.eta, &self.z)
    }

    /// The derived enclosures of a record, when a reference is set.
    pub fn derived(&self, e: &Enclosure) -> Option<Derived> {
        self.reference
            .as_ref()
            .map(|r| e.derived(r, &self.eta, &self.z))
    }

    /// The largest `Lip_t` met, and how many steps had `Lip_t > 1` (the last of them).
    pub(crate) fn lipschitz(&self) -> (&Float, u64, Option<u64>) {
        (&self.lip_max, self.expansive_steps, self.last_expansive)
    }

    fn stop(&mut self, at: u64, why: &str) {
        self.stopped = Some(Stop {
            at,
            why: why.into(),
        });
    }

    /// `m_n ⊇ z_n·w` for the enclosure `w` (in `self.c` or `self.w`).
    fn margins(&mut self, from_c: bool) {
        let Certifier {
            z, m, w, c, tmp, d, ..
        } = self;
        let w = if from_c { &*c } else { &*w };
        for (mn, row) in m.iter_mut().zip(z.chunks_exact((*d).max(1))) {
            mn.lo.assign(0);
            mn.hi.assign(0);
            for (zj, wj) in row.iter().zip(w.iter()) {
                mn.add_mul(zj, wj, tmp);
            }
        }
    }

    /// `q_n ⊇ −ℓ′(m_n)`: the weight is decreasing in the margin, so each end is the weight at
    /// the other end of the margin, rounded outward.
    fn weights(&mut self) {
        let Certifier { m, q, tmp, acc, .. } = self;
        // 1 + 2^{1−p}: a directed-rounded result x of a `p`-bit operation is within one unit
        // in the last place, ulp(x) ≤ 2^{1−p}|x|, of the exact value
        let mut ulp = Float::with_val(self.prec, 1);
        ulp >>= self.prec - 1;
        ulp += 1; // exact: 1 + 2^{1−p} has p bits
        for (mn, qn) in m.iter().zip(q.iter_mut()) {
            // the width Δ = m.hi − m.lo ≥ 0, rounded up
            acc.assign_round(&mn.hi - &mn.lo, Round::Up);
            let narrow = *acc <= 1;
            match self.loss {
                Loss::Exponential => {
                    // e^{−u} on [m.lo, m.hi]: e^{−m.hi} rounded down, and above it
                    // e^{−m.lo} = e^{−m.hi}·e^{Δ} ≤ x·(1 + 2^{1−p})·(1 + 2Δ) for Δ ≤ 1
                    qn.lo.assign(-&mn.hi);
                    qn.lo.exp_round(Round::Down);
                    // (an underflow to 0 has no relative bound: then the exponential again)
                    if narrow && !qn.lo.is_zero() {
                        tmp.assign_round(&*acc * 2u32, Round::Up);
                        tmp.add_assign_round(1, Round::Up);
                        qn.hi.assign_round(&qn.lo * &ulp, Round::Up);
                        qn.hi.mul_assign_round(&*tmp, Round::Up);
                    } else {
                        qn.hi.assign(-&mn.lo);
                        qn.hi.exp_round(Round::Up);
                    }
                }
                Loss::Softmax { .. } => {
                    // never reached: `Experiment::validate` refuses --certify for the softmax;
                    // [0, 1] holds every softmax weight, so even then nothing false is enclosed
                    qn.lo.assign(0);
                    qn.hi.assign(1);
                }
                Loss::Logistic => {
                    // 1/(1 + e^{u}), decreasing: with y ≤ e^{m.hi} (rounded down),
                    // e^{m.hi} ≤ y·(1 + 2^{1−p}) and e^{m.lo} = e^{m.hi}·e^{−Δ} ≥ y·(1 − Δ)
                    tmp.assign(&mn.hi);
                    tmp.exp_round(Round::Down);
                    // (an underflow to 0 has no relative bound: then the exponentials again)
                    let relative = !tmp.is_zero();
                    if narrow && relative {
                        // acc ← y·(1 − Δ) rounded down (≥ 0 as Δ ≤ 1)
                        qn.hi.assign_round(1 - &*acc, Round::Down);
                        acc.assign_round(&*tmp * &qn.hi, Round::Down);
                    } else {
                        acc.assign(&mn.lo);
                        acc.exp_round(Round::Down);
                    }
                    if relative {
                        tmp.mul_assign_round(&ulp, Round::Up);
                    } else {
                        tmp.assign(&mn.hi);
                        tmp.exp_round(Round::Up);
                    }
                    tmp.add_assign_round(1, Round::Up);
                    qn.lo.assign(1);
                    qn.lo.div_assign_round(&*tmp, Round::Down);
                    acc.add_assign_round(1, Round::Down);
                    qn.hi.assign(1);
                    qn.hi.div_assign_round(&*acc, Round::Up);
                }
            }
        }
    }

    /// One observed step from the computed `before = w(t)` to `after.w = w(t+1)`.
    fn step<S: Scalar>(&mut self, before: &[S], after: &State<S>) {
        if self.stopped.is_some() {
            return;
        }
        let t = self.t;
        if after.t != t + 1 || before.len() != self.d || after.w.len() != self.d {
            self.stop(t + 1, "a step was not observed by the certifier");
            return;
        }
        if self.apriori.is_some() && self.apriori_step(before, after) {
            return;
        }
        self.interval_steps += 1;
        let after = &after.w[..];
        let Some(delta) = self.interval_delta(before, after) else {
            return;
        };
        let prec = self.prec;
        // 4. Lip_t from ∇²L ⪯ M_t I on B(w(t), r(t))
        let mut curv = eta_curvature_on_ball(
            self.q.iter().map(|q| &q.hi),
            &self.z_norm2,
            &self.z_max,
            &self.radius,
            &self.eta.hi,
            self.loss,
            prec,
        );
        if !curv.is_finite() {
            self.stop(
                t + 1,
                "the curvature bound on the ball is not finite (radius or weights overflow)",
            );
            return;
        }
        let expansive = curv > 2;
        if expansive {
            curv.add_assign_round(-1, Round::Up);
            self.expansive_steps += 1;
            self.last_expansive = Some(t);
            if curv > self.lip_max {
                self.lip_max.assign(&curv);
            }
            self.tmp
                .assign_round(&curv * &self.radius + &delta, Round::Up);
        } else {
            self.tmp.assign_round(&self.radius + &delta, Round::Up);
        }
        if !self.tmp.is_finite() {
            self.stop(t + 1, "the radius is not finite");
            return;
        }
        std::mem::swap(&mut self.radius, &mut self.tmp);
        if self.naive_intervals {
            self.radius.assign(&delta); // the box holds x(t+1): no recurrence
        }
        self.r64 = self.radius.to_f64_round(Round::Up);
        self.t = t + 1;
        self.record_if_shown();
    }

    /// The step with the a-priori `δ_t` (docs/theory/certify.md, "The a-priori bound for
    /// double-double"), all in f64 rounded up; false (nothing changed) where the bound
    /// does not apply, and the step is then enclosed in intervals.
    fn apriori_step<S: Scalar>(&mut self, before: &[S], after: &State<S>) -> bool {
        let fill = |out: &mut Vec<(f64, f64)>, xs: &[S]| -> bool {
            out.clear();
            for x in xs {
                match x.double_double_parts() {
                    Some(p) => out.push(p),
                    None => return false,
                }
            }
            true
        };
        let [pw, pq, pg, pn] = &mut self.parts;
        if !(fill(pw, before)
            && fill(pq, &after.scratch.weights)
            && fill(pg, &after.grad)
            && fill(pn, &after.w))
        {
            return false;
        }
        let Some(bound) = self.apriori.as_mut() else {
            return false;
        };
        let Some(b) = bound.delta(pw, pq, pg, pn) else {
            return false;
        };
        // Lip_t: ∇²L ⪯ e^{R r} Σ_n q̄_n ‖z_n‖² I on the ball, e^{x} ≤ 1 + 2x for x ≤ 1
        let x = apriori::up(bound.z_max() * self.r64);
        if x > 1.0 {
            return false;
        }
        let grow = apriori::up(1.0 + apriori::up(2.0 * x));
        let eta_m = apriori::up(b.eta_curvature * grow);
        if !eta_m.is_finite() {
            return false;
        }
        if let Some(pairs) = self.delta_pairs.as_mut() {
            // (a consistency check for the tests: the interval δ_t measures the actual error)
            let mut taken = std::mem::take(pairs);
            let iv = self.interval_delta(before, &after.w);
            if let Some(iv) = iv {
                taken.push((b.delta, iv.to_f64_round(Round::Up)));
            }
            self.delta_pairs = Some(taken);
            if self.stopped.is_some() {
                return true;
            }
        }
        let t = self.t;
        let next = if eta_m > 2.0 {
            let lip = apriori::up(eta_m - 1.0);
            self.expansive_steps += 1;
            self.last_expansive = Some(t);
            if lip > self.lip_max {
                self.lip_max.assign(lip);
            }
            apriori::up(apriori::up(lip * self.r64) + b.delta)
        } else {
            apriori::up(self.r64 + b.delta)
        };
        if !next.is_finite() {
            return false;
        }
        self.r64 = next;
        self.radius.assign(next); // exact: the interval precision has ≥ 53 bits
        self.apriori_steps += 1;
        self.t = t + 1;
        if self.next < self.shown.len() && self.shown[self.next] <= self.t {
            // a checkpoint: the computed w(t+1) enclosed for the enclosures
            if !enclose_all(&mut self.c, &after.w) {
                self.stopped = Some(Stop {
                    at: self.t,
                    why: format!("w({}) is not finite", self.t),
                });
                self.t = t;
                return true;
            }
        }
        self.record_if_shown();
        true
    }

    /// `δ_t` of the step from `before = w(t)` to `after = w(t+1)` by the interval
    /// enclosure of `G(w(t))` (also leaving the weights' enclosure in `self.q` and that of
    /// `w(t+1)` in `self.c`); `None` (certification stopped) if it is not finite.
    fn interval_delta<S: Scalar>(&mut self, before: &[S], after: &[S]) -> Option<Float> {
        let t = self.t;
        // 1. the computed w(t), enclosed exactly (it is a float of the working precision)
        if self.naive_intervals {
            // the box of the last step (at t = 0 the start's enclosure, widened by r(0))
            if t == 0 {
                self.w.clone_from(&self.c);
                for v in &mut self.w {
                    v.widen(&self.radius);
                }
            } else {
                self.w.clone_from(&self.y);
            }
        } else if !enclose_all(&mut self.w, before) {
            self.stopped = Some(Stop {
                at: t + 1,
                why: format!("w({t}) is not finite"),
            });
            return None;
        }
        // 2. G(w(t)) = w(t) + η Σ_n q_n z_n enclosed
        self.margins(false);
        self.weights();
        if !self.q.iter().all(Interval::is_finite) {
            self.stop(
                t + 1,
                "the enclosure of the loss weights is not finite (a margin out of range)",
            );
            return None;
        }
        let prec = self.prec;
        {
            let Certifier {
                z,
                q,
                g,
                y,
                w,
                eta,
                tmp,
                d,
                ..
            } = self;
            for gj in g.iter_mut() {
                gj.lo.assign(0);
                gj.hi.assign(0);
            }
            for (qn, row) in q.iter().zip(z.chunks_exact((*d).max(1))) {
                for (gj, zj) in g.iter_mut().zip(row) {
                    gj.add_mul(qn, zj, tmp);
                }
            }
            for ((yj, wj), gj) in y.iter_mut().zip(w.iter()).zip(g.iter()) {
                yj.lo.assign(&wj.lo);
                yj.hi.assign(&wj.hi);
                yj.add_mul(eta, gj, tmp);
            }
        }
        if !self.y.iter().all(Interval::is_finite) {
            self.stop(t + 1, "the enclosure of the exact step is not finite");
            return None;
        }
        // 3. the computed w(t+1), enclosed; δ_t ≥ max over the enclosure of ‖w(t+1) − y‖
        if !enclose_all(&mut self.c, after) {
            self.stopped = Some(Stop {
                at: t + 1,
                why: format!("w({}) is not finite", t + 1),
            });
            return None;
        }
        let mut delta = Float::new(prec);
        if !self.zero_delta {
            for (cj, yj) in self.c.iter().zip(&self.y) {
                // |a − b| ≤ max(c.hi − y.lo, y.hi − c.lo) for a ∈ c, b ∈ y (the max is ≥ 0)
                self.tmp.assign_round(&cj.hi - &yj.lo, Round::Up);
                self.acc.assign_round(&yj.hi - &cj.lo, Round::Up);
                if self.acc > self.tmp {
                    std::mem::swap(&mut self.acc, &mut self.tmp);
                }
                let e = &self.tmp;
                self.acc.assign_round(e * e + &delta, Round::Up);
                std::mem::swap(&mut self.acc, &mut delta);
            }
            delta.sqrt_round(Round::Up);
        }
        Some(delta)
    }

    /// Records the enclosures at `self.t` (iterate in `self.c`) if it is a shown checkpoint.
    fn record_if_shown(&mut self) {
        while self.next < self.shown.len() && self.shown[self.next] < self.t {
            self.next += 1;
        }
        while self.next_judged < self.judged.len() && self.judged[self.next_judged] < self.t {
            self.next_judged += 1;
        }
        let judged =
            self.next_judged < self.judged.len() && self.judged[self.next_judged] == self.t;
        if self.next < self.shown.len() && self.shown[self.next] == self.t {
            self.next += 1;
            let e = self.enclose();
            self.records.push(e);
        } else if judged {
            let e = self.enclose();
            self.extra.push(e);
        }
    }

    /// The enclosures of the exact quantities at `self.t`, from the enclosure `self.c` of the
    /// computed iterate and the radius.
    fn enclose(&mut self) -> Enclosure {
        let prec = self.prec;
        let r = self.radius.clone();
        let w: Vec<Interval> = self
            .c
            .iter()
            .map(|cj| {
                let mut v = cj.clone();
                v.widen(&r);
                v
            })
            .collect();
        // ‖x‖ ∈ ‖c‖ ± r (triangle inequality)
        let mut norm = Interval::zero(prec);
        for cj in &self.c {
            let (small, large) = abs_ends(cj);
            self.tmp
                .assign_round(&small * &small + &norm.lo, Round::Down);
            std::mem::swap(&mut self.tmp, &mut norm.lo);
            self.tmp.assign_round(&large * &large + &norm.hi, Round::Up);
            std::mem::swap(&mut self.tmp, &mut norm.hi);
        }
        norm.lo.sqrt_round(Round::Down);
        norm.hi.sqrt_round(Round::Up);
        norm.widen(&r);
        if norm.lo.cmp0() == Some(Ordering::Less) {
            norm.lo.assign(0);
        }
        // margins of x: z_n·c ± ‖z_n‖ r
        self.margins(true);
        for (mn, zn) in self.m.iter_mut().zip(&self.z_norm) {
            let s = Float::with_val_round(prec, zn * &r, Round::Up).0;
            mn.widen(&s);
        }
        let mut min = self.m[0].clone();
        for mn in &self.m[1..] {
            if mn.lo < min.lo {
                min.lo.assign(&mn.lo);
            }
            if mn.hi < min.hi {
                min.hi.assign(&mn.hi);
            }
        }
        let min_margin = (norm.lo.cmp0() == Some(Ordering::Greater)).then(|| {
            // min / ‖x‖ with ‖x‖ > 0: each end divided by the norm's end that moves it out
            let mut v = min.clone();
            let lo_div = if v.lo.cmp0() == Some(Ordering::Less) {
                &norm.lo
            } else {
                &norm.hi
            };
            v.lo.div_assign_round(lo_div, Round::Down);
            let hi_div = if v.hi.cmp0() == Some(Ordering::Less) {
                &norm.hi
            } else {
                &norm.lo
            };
            v.hi.div_assign_round(hi_div, Round::Up);
            v
        });
        // the weights −ℓ′ over the ball's margins, and the curvature bound on the ball:
        // ℓ″ ≤ −ℓ′ (both losses), ≤ 1/4 (logistic), so ‖∇²L(v)‖ ≤ Σ_n q̄_n ‖z_n‖²
        self.weights();
        let weights = self.q.clone();
        let mut curvature = Float::new(prec);
        for (qn, n2) in self.q.iter().zip(&self.z_norm2) {
            self.tmp.assign(&qn.hi);
            if self.loss == Loss::Logistic && self.tmp > 0.25 {
                self.tmp.assign(0.25);
            }
            self.acc
                .assign_round(&self.tmp * n2 + &curvature, Round::Up);
            std::mem::swap(&mut self.acc, &mut curvature);
        }
        // L(x) = Σ ℓ(z_n·x): ℓ decreasing, so L ∈ [Σ ℓ(m.hi), Σ ℓ(m.lo)] rounded outward
        let mut risk = Interval::zero(prec);
        let mut losses = Vec::with_capacity(self.m.len());
        for mn in &self.m {
            let lo = loss_value(self.loss, &mn.hi, prec, Round::Down);
            let hi = loss_value(self.loss, &mn.lo, prec, Round::Up);
            risk.lo.add_assign_round(&lo, Round::Down);
            risk.hi.add_assign_round(&hi, Round::Up);
            losses.push(Interval { lo, hi });
        }
        let finite = risk.is_finite() && risk.lo.cmp0() == Some(Ordering::Greater);
        let ln_loss = finite.then(|| {
            let mut v = risk.clone();
            v.lo.ln_round(Round::Down);
            v.hi.ln_round(Round::Up);
            v
        });
        let t_loss = (finite && self.t >= 1).then(|| {
            let tf = Float::with_val(64, self.t); // exact: t < 2^64
            let mut v = risk.clone();
            v.lo.mul_assign_round(&tf, Round::Down);
            v.hi.mul_assign_round(&tf, Round::Up);
            v
        });
        Enclosure {
            t: self.t,
            radius: r,
            w,
            norm,
            min_margin,
            ln_loss,
            t_loss,
            computed: self.c.clone(),
            weights,
            losses,
            curvature,
        }
    }

    /// The certification as `ibias run` prints it after the table: one row per shown
    /// checkpoint, each value `mid±rad` (the exact value within `rad` of `mid`).
    pub fn text(&self) -> String {
        let (lip, expansive, last) = self.lipschitz();
        let mut out = format!(
            "# certified (--certify, docs/theory/certify.md): the exact-arithmetic GD iterate x(t) \
             lies within r(t) of w(t); each value is mid±rad with |exact - mid| <= rad\n\
             # certification: {}; intervals at {} bits; {}; {}\n",
            match &self.stopped {
                None => format!("certified through t={}", self.t),
                Some(s) => format!(
                    "stopped at t={}: {} (certified through t={})",
                    s.at, s.why, self.t
                ),
            },
            self.prec,
            if self.apriori_steps == 0 {
                "delta_t by interval enclosure at every step".to_string()
            } else {
                format!(
                    "delta_t a priori at {} step(s), by interval enclosure at {}",
                    self.apriori_steps, self.interval_steps
                )
            },
            if expansive == 0 {
                "Lip_t = 1 at every step (nonexpansive)".to_string()
            } else {
                format!(
                    "Lip_t > 1 at {expansive} step(s), the last at t={}, largest {}",
                    last.unwrap_or(0),
                    decimal_up(lip, 3)
                )
            }
        );
        let mut rows = vec![[
            "t".to_string(),
            "r(t)".into(),
            "r/|w|".into(),
            "|w|".into(),
            "min margin".into(),
            "ln L".into(),
            "t*L".into(),
            "dir err".into(),
            "gap".into(),
            "|rho-w~|".into(),
            "nonSV share".into(),
            "w".into(),
        ]];
        for e in &self.records {
            let opt = |v: &Option<Interval>| v.as_ref().map(mid_rad_text).unwrap_or("-".into());
            let derived = self.derived(e);
            rows.push([
                e.t.to_string(),
                decimal_up(&e.radius, 2),
                e.radius_over_norm()
                    .map(|q| decimal_up(&q, 2))
                    .unwrap_or("-".into()),
                mid_rad_text(&e.norm),
                opt(&e.min_margin),
                opt(&e.ln_loss),
                opt(&e.t_loss),
                opt(&derived.as_ref().and_then(|d| d.dir_err.clone())),
                opt(&derived.as_ref().and_then(|d| d.gap.clone())),
                opt(&derived.as_ref().and_then(|d| d.rho_err.clone())),
                opt(&derived.as_ref().and_then(|d| d.share_loss.clone())),
                e.w.iter().map(mid_rad_text).collect::<Vec<_>>().join(", "),
            ]);
        }
        let mut width = [0usize; 12];
        for row in &rows {
            for (w, c) in width.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count());
            }
        }
        for row in &rows {
            let mut line = String::from("#");
            for (k, (w, c)) in width.iter().zip(row).enumerate() {
                let pad = w - c.chars().count();
                if k == 11 {
                    line.push_str(&format!("  {c}"));
                } else {
                    line.push_str(&format!("  {}{c}", " ".repeat(pad)));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

impl<S: Scalar> Observer<S> for Certifier {
    fn observe(&mut self, before: &[S], after: &State<S>) {
        self.step(before, after);
    }
}

/// `η M`, rounded up, for the curvature bound `∇²L ⪯ M I` on the ball `B(w, r)`: `ℓ″(u) ≤
/// −ℓ′(u)` (both losses), `ℓ″ ≤ 1/4` (logistic), and `−ℓ′(u − s) ≤ e^{s}(−ℓ′(u))` for
/// `s = ‖z_n‖r ≤ Rr`, so `M = Σ_n min(e^{Rr} q_n, 1/4 if logistic) ‖z_n‖²` with `q_n ≥
/// −ℓ′(z_nᵀw)` (docs/theory/certify.md, "The Lipschitz bound"). `G(w) = w − η∇L(w)` is then
/// `Lip`-Lipschitz on the ball, `Lip = 1` if `ηM ≤ 2` and `ηM − 1` otherwise. `z_norm2` holds
/// upper bounds of `‖z_n‖²`, `z_max` of `R`, `eta` of `η`. Also the gap check of `ibias
/// audit` (`audit::replay_gap`).
pub(crate) fn eta_curvature_on_ball<'a>(
    q: impl Iterator<Item = &'a Float>,
    z_norm2: &[Float],
    z_max: &Float,
    r: &Float,
    eta: &Float,
    loss: Loss,
    prec: u32,
) -> Float {
    let mut grow = Float::with_val_round(prec, z_max * r, Round::Up).0;
    grow.exp_round(Round::Up);
    let mut curv = Float::new(prec);
    let mut b = Float::new(prec);
    for (qn, n2) in q.zip(z_norm2) {
        b.assign_round(qn * &grow, Round::Up);
        if loss == Loss::Logistic && b > 0.25 {
            b.assign(0.25);
        }
        let sum = Float::with_val_round(prec, &b * n2 + &curv, Round::Up).0;
        curv = sum;
    }
    curv.mul_assign_round(eta, Round::Up);
    curv
}

/// Encloses each computed value of `xs` in the interval of the same index (exactly, when
/// it fits in the interval precision); false if one is not finite.
fn enclose_all<S: Scalar>(out: &mut [Interval], xs: &[S]) -> bool {
    for (o, x) in out.iter_mut().zip(xs) {
        let p = o.lo.prec();
        o.lo = x.to_float_round(p, Round::Down);
        o.hi = x.to_float_round(p, Round::Up);
        if !o.is_finite() {
            return false;
        }
    }
    true
}

/// `(min |v|, max |v|)` over the interval `v`.
fn abs_ends(v: &Interval) -> (Float, Float) {
    let a = Float::with_val(v.lo.prec(), v.lo.abs_ref());
    let b = Float::with_val(v.hi.prec(), v.hi.abs_ref());
    let straddles = v.lo.cmp0() == Some(Ordering::Less) && v.hi.cmp0() == Some(Ordering::Greater);
    let (small, large) = if a < b { (a, b) } else { (b, a) };
    if straddles {
        (Float::new(v.lo.prec()), large)
    } else {
        (small, large)
    }
}

/// `ℓ(u)` rounded in direction `round` (monotone chain: each operation is increasing in its
/// argument, so rounding each in one direction rounds the result in that direction).
fn loss_value(loss: Loss, u: &Float, prec: u32, round: Round) -> Float {
    let mut x = Float::with_val(prec, -u); // exact negation
    x.exp_round(round);
    if loss == Loss::Logistic {
        x.ln_1p_round(round);
    }
    x
}

/// `r / norm.lo` rounded up (absent when the norm's lower end is 0).
fn ratio_up(r: &Float, norm: &Interval) -> Option<Float> {
    (norm.lo.cmp0() == Some(Ordering::Greater)).then(|| {
        let mut q = r.clone();
        q.div_assign_round(&norm.lo, Round::Up);
        q
    })
}

/// A non-negative float as a decimal string of `digits` significant digits, rounded up.
pub(crate) fn decimal_up(x: &Float, digits: usize) -> String {
    if x.is_zero() {
        return "0".into();
    }
    x.to_string_radix_round(10, Some(digits), Round::Up)
}

/// An interval as `(mid, rad)`: `mid` a decimal with a few digits below the interval's
/// width, and `rad` (rounded up, `rad_digits` digits) with `|v − mid| ≤ rad` for every `v`
/// of the interval, computed from the exact value of the decimal `mid`.
pub(crate) fn mid_rad(v: &Interval, extra_digits: i64, rad_digits: usize) -> (String, String) {
    if !v.lo.is_finite() || !v.hi.is_finite() {
        return ("NaN".into(), "inf".into());
    }
    // Everything in MPFR with directed rounding, never in exact rationals: an enclosure of
    // e^{−4·10⁷} (ln L of a run far beyond §8.1) is a float with a binary exponent near
    // −6·10⁷, whose exact rational and decimal power are 60-Mbit integers (seconds per
    // checkpoint; a pipeline fuzz timeout). Any point of the interval serves as the midpoint.
    let prec = v.lo.prec() + 8;
    let mut mid = Float::with_val(prec, &v.lo + &v.hi);
    mid >>= 1;
    let mut half = Float::with_val(prec, &v.hi - &v.lo);
    half >>= 1;
    let cap = (f64::from(prec) * std::f64::consts::LOG10_2).ceil() as i64 + 2;
    let dec_exp = |f: &Float| -> Option<i64> {
        f.get_exp()
            .map(|e| (f64::from(e) * std::f64::consts::LOG10_2).floor() as i64)
    };
    let digits = match (dec_exp(&mid), dec_exp(&half)) {
        (None, _) => 1, // mid = 0
        (Some(_), None) => cap,
        (Some(a), Some(b)) => (a - b + extra_digits).clamp(1, cap),
    } as usize;
    let text = crate::scalar::format_sig_float(&mid, digits);
    // the decimal printed, enclosed: [dec_lo, dec_hi] ∋ its exact value
    let wide = prec + 4 * digits as u32 + 64;
    let (Ok(lo_text), Ok(hi_text)) = (Float::parse(&text), Float::parse(&text)) else {
        return (text, "inf".into()); // format_sig_float's digits always parse; if not, no bound
    };
    let dec_lo = Float::with_val_round(wide, lo_text, Round::Down).0;
    let dec_hi = Float::with_val_round(wide, hi_text, Round::Up).0;
    // rad ≥ max(hi − dec, dec − lo), each difference rounded up
    let a = Float::with_val_round(64, &v.hi - &dec_lo, Round::Up).0;
    let b = Float::with_val_round(64, &dec_hi - &v.lo, Round::Up).0;
    let rad = if a > b { a } else { b };
    let rad = if rad.is_sign_negative() {
        Float::with_val(64, 0)
    } else {
        rad
    };
    (text, decimal_up(&rad, rad_digits))
}

fn mid_rad_text(v: &Interval) -> String {
    let (mid, rad) = mid_rad(v, 1, 1);
    format!("{mid}±{rad}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::generate::Generator;

    /// The printed mid ± rad contains both ends of the interval, for a moderate interval and
    /// for one near e^{−4·10⁷} (binary exponent about −6·10⁷, the pipeline fuzz timeout),
    /// checked against the ends at 4 times the bits: |end − mid| ≤ rad with mid, rad parsed
    /// from the printed decimals and rounded outward.
    #[test]
    fn mid_rad_contains_both_ends_at_any_exponent() {
        let make = |x: &Float, width: &Float| Interval {
            lo: Float::with_val(52, x - width),
            hi: Float::with_val(52, x + width),
        };
        let mut tiny = Float::with_val(64, -43_118_743);
        tiny.exp_mut();
        let cases = [
            make(
                &Float::with_val(52, 87814.62109),
                &Float::with_val(52, 1.5e-3),
            ),
            make(&Float::with_val(52, -2.5), &Float::with_val(52, 1e-12)),
            make(&tiny, &(Float::with_val(52, &tiny) >> 10)),
        ];
        for v in &cases {
            let (mid, rad) = mid_rad(v, 2, 3);
            let p = 4 * 52 + 64;
            let mid_f = Float::with_val(p, Float::parse(&mid).unwrap());
            let rad_f = Float::with_val(p, Float::parse(&rad).unwrap());
            for end in [&v.lo, &v.hi] {
                let gap = Float::with_val(p, end - &mid_f).abs();
                assert!(gap <= rad_f, "{mid} ± {rad} misses {end}");
            }
        }
    }

    /// The weight enclosures contain `−ℓ′` at every point of the margin interval, checked at
    /// both ends against MPFR at four times the bits (the weights are monotone), for narrow
    /// and wide intervals, large margins, and an exponential that underflows MPFR's range.
    #[test]
    fn weight_enclosures_contain_the_weights() {
        let data = Generator::R1.generate().expect("r1");
        let witness = |loss: Loss, u: &Float| {
            let mut x = Float::with_val(4 * 53, u);
            match loss {
                Loss::Exponential => {
                    x = -x;
                    x.exp_mut();
                }
                Loss::Logistic | Loss::Softmax { .. } => {
                    // (the softmax is not certified; only the two losses below are tried)
                    x.exp_mut();
                    x += 1;
                    x.recip_mut();
                }
            }
            x
        };
        for loss in [Loss::Exponential, Loss::Logistic] {
            let mut c = Certifier::new::<f64>(&data, loss, &Rational::from(1), &[], (), &[]);
            let p = c.prec();
            let cases = [
                (-3.0, -3.0),
                (0.1, 0.1 + 1e-15),
                (-0.5, 0.7),
                (2.0, 5.0),
                (700.0, 700.0 + 1e-9),
                (-40.0, -40.0),
            ];
            for (lo, hi) in cases {
                c.m[0].lo = Float::with_val(p, lo);
                c.m[0].hi = Float::with_val(p, hi);
                c.weights();
                let q = &c.q[0];
                assert!(q.lo <= witness(loss, &c.m[0].hi), "{lo} {hi}");
                assert!(q.hi >= witness(loss, &c.m[0].lo), "{lo} {hi}");
                assert!(q.lo <= q.hi);
            }
            // e^{−2^40} is below MPFR's range: rounded down it is 0, and the upper end
            // must still be positive
            let big = Float::with_val(p, 1u64 << 40);
            c.m[0].lo = big.clone();
            c.m[0].hi = big;
            c.weights();
            assert!(c.q[0].hi.cmp0() == Some(Ordering::Greater), "{:?}", c.q[0]);
        }
    }
}
