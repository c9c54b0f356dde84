//! Closed intervals `[lo, hi]` of MPFR floats with outward (directed) rounding: every
//! operation returns an interval that contains every exact result of the operation on
//! points of its operands (docs/theory/certify.md, "Enclosing one step").

use rug::float::Round;
use rug::ops::{AddAssignRound, AssignRound, NegAssign, SubAssignRound};
use rug::{Assign, Float, Rational};
use std::cmp::Ordering;

/// A closed interval `[lo, hi]` of reals, `lo ≤ hi`, at one MPFR precision.
#[derive(Clone, Debug)]
pub struct Interval {
    /// Lower end.
    pub(crate) lo: Float,
    /// Upper end.
    pub(crate) hi: Float,
}

impl Interval {
    /// `[0, 0]`.
    pub fn zero(prec: u32) -> Interval {
        Interval {
            lo: Float::new(prec),
            hi: Float::new(prec),
        }
    }

    /// The smallest interval of `prec`-bit floats containing `q`.
    pub(crate) fn of_rational(q: &Rational, prec: u32) -> Interval {
        Interval {
            lo: Float::with_val_round(prec, q, Round::Down).0,
            hi: Float::with_val_round(prec, q, Round::Up).0,
        }
    }

    /// Sets `self` to the smallest interval containing `q`.
    pub(crate) fn set_rational(&mut self, q: &Rational) {
        self.lo.assign_round(q, Round::Down);
        self.hi.assign_round(q, Round::Up);
    }

    /// Both ends finite.
    pub fn is_finite(&self) -> bool {
        self.lo.is_finite() && self.hi.is_finite()
    }

    /// `[lo − r, hi + r]` for `r ≥ 0`.
    pub fn widen(&mut self, r: &Float) {
        self.lo.sub_assign_round(r, Round::Down);
        self.hi.add_assign_round(r, Round::Up);
    }

    /// `−self`, exactly.
    pub fn neg(&mut self) {
        std::mem::swap(&mut self.lo, &mut self.hi);
        self.lo.neg_assign();
        self.hi.neg_assign();
    }

    /// `self += a·b`, outward: each end is one correctly rounded fused multiply-add in the
    /// direction of that end, with the factors' ends chosen by sign (any signs).
    pub fn add_mul(&mut self, a: &Interval, b: &Interval, tmp: &mut Float) {
        let nonneg = |x: &Float| x.cmp0() != Some(Ordering::Less);
        let nonpos = |x: &Float| x.cmp0() != Some(Ordering::Greater);
        let (lo_a, lo_b, hi_a, hi_b);
        if nonneg(&a.lo) {
            // a ≥ 0
            lo_a = if nonneg(&b.lo) { &a.lo } else { &a.hi };
            lo_b = &b.lo;
            hi_a = if nonneg(&b.hi) { &a.hi } else { &a.lo };
            hi_b = &b.hi;
        } else if nonpos(&a.hi) {
            // a ≤ 0
            lo_a = if nonneg(&b.hi) { &a.lo } else { &a.hi };
            lo_b = &b.hi;
            hi_a = if nonneg(&b.lo) { &a.hi } else { &a.lo };
            hi_b = &b.lo;
        } else {
            // a straddles 0: the extreme products of the four ends
            let mut lo = Float::with_val(self.lo.prec(), 0);
            let mut hi = Float::with_val(self.lo.prec(), 0);
            let mut first = true;
            for x in [&a.lo, &a.hi] {
                for y in [&b.lo, &b.hi] {
                    tmp.assign_round(x * y + &self.lo, Round::Down);
                    if first || *tmp < lo {
                        lo.assign(&*tmp);
                    }
                    tmp.assign_round(x * y + &self.hi, Round::Up);
                    if first || *tmp > hi {
                        hi.assign(&*tmp);
                    }
                    first = false;
                }
            }
            self.lo = lo;
            self.hi = hi;
            return;
        }
        tmp.assign_round(lo_a * lo_b + &self.lo, Round::Down);
        std::mem::swap(&mut self.lo, tmp);
        tmp.assign_round(hi_a * hi_b + &self.hi, Round::Up);
        std::mem::swap(&mut self.hi, tmp);
    }

    /// The interval as exact rationals `(lo, hi)`; `None` if an end is not finite.
    pub fn to_rationals(&self) -> Option<(Rational, Rational)> {
        Some((self.lo.to_rational()?, self.hi.to_rational()?))
    }
}

impl Interval {
    /// The point interval `[x, x]` (exact: `x` is copied at its own precision).
    pub fn point(x: &Float) -> Interval {
        Interval {
            lo: x.clone(),
            hi: x.clone(),
        }
    }

    /// The half-width `(hi − lo)/2`, rounded up.
    pub fn rad(&self) -> Float {
        let mut r = Float::with_val_round(self.lo.prec(), &self.hi - &self.lo, Round::Up).0;
        r >>= 1;
        r
    }

    /// `[lo, hi]` with an end that is NaN: no enclosure.
    fn is_nan(&self) -> bool {
        self.lo.is_nan() || self.hi.is_nan()
    }

    /// `self ⊆ [0, ∞)`.
    fn nonneg(&self) -> bool {
        self.lo.cmp0() != Some(Ordering::Less)
    }

    /// Applies an increasing function to both ends, each rounded in its direction.
    fn increasing(&mut self, f: impl Fn(&mut Float, Round)) {
        f(&mut self.lo, Round::Down);
        f(&mut self.hi, Round::Up);
    }

    /// The whole line `[−∞, +∞]` (a quotient by an interval that contains 0).
    fn everything(prec: u32) -> Interval {
        Interval {
            lo: Float::with_val(prec, rug::float::Special::NegInfinity),
            hi: Float::with_val(prec, rug::float::Special::Infinity),
        }
    }
}

/// The enclosure scalar: an [`Interval`] is a `Scalar` whose every operation returns an
/// interval that contains every exact result of the operation on points of its operands
/// (directed rounding, Moore's interval arithmetic; docs/theory/certify.md, "The enclosure
/// scalar"). Its context is the precision in bits of both ends.
///
/// * **comparisons** are decided only when the intervals are disjoint (or the same point):
///   `Scalar::partial_cmp_s` of overlapping enclosures is `None`, *undecided*, which the
///   crate's NaN policy already treats as "no outcome", never as a branch;
/// * **conversions give bounds**: `Scalar::to_float_round` is the lower end rounded down
///   for `Round::Down` and the upper end rounded up for `Round::Up`; `Scalar::to_f64` is
///   the midpoint (a point of the enclosure, not a bound); `Scalar::to_rational` is the
///   exact value only of a point interval (`None` otherwise: the value is not known);
///   `Scalar::to_decimal` prints `mid±rad` with `|exact − mid| ≤ rad`;
/// * functions restricted to a domain (`ln`, `sqrt`) take the part of the interval inside
///   it (the exact value, known to lie in the domain, lies in that part): `sqrt` of
///   `[−a, b]` is `[0, √b]`, `ln` of `[0, b]` is `[−∞, ln b]`.
impl crate::scalar::Scalar for Interval {
    type Ctx = u32;
    fn ctx(&self) -> u32 {
        self.lo.prec()
    }
    fn ctx_for(p: crate::scalar::Precision) -> u32 {
        p.bits()
    }
    fn bits(ctx: u32) -> u32 {
        ctx
    }
    fn zero(ctx: u32) -> Self {
        Interval::zero(ctx)
    }
    fn from_f64(x: f64, ctx: u32) -> Self {
        Interval {
            lo: Float::with_val_round(ctx, x, Round::Down).0,
            hi: Float::with_val_round(ctx, x, Round::Up).0,
        }
    }
    fn from_rational(q: &Rational, ctx: u32) -> Self {
        Interval::of_rational(q, ctx)
    }
    fn to_f64(&self) -> f64 {
        let mut m = Float::with_val(self.lo.prec() + 1, &self.lo + &self.hi);
        m >>= 1;
        m.to_f64()
    }
    fn to_rational(&self) -> Option<Rational> {
        if self.lo == self.hi {
            self.lo.to_rational()
        } else {
            None
        }
    }
    fn to_decimal(&self, digits: usize) -> String {
        let (mid, rad) = super::mid_rad(self, 1, digits.clamp(1, 3));
        format!("{mid}±{rad}")
    }
    fn to_float_round(&self, prec: u32, round: Round) -> Float {
        match round {
            Round::Down => Float::with_val_round(prec, &self.lo, Round::Down).0,
            _ => Float::with_val_round(prec, &self.hi, Round::Up).0,
        }
    }
    fn set(&mut self, other: &Self) {
        self.lo.assign_round(&other.lo, Round::Down);
        self.hi.assign_round(&other.hi, Round::Up);
    }
    fn set_f64(&mut self, x: f64) {
        self.lo.assign_round(x, Round::Down);
        self.hi.assign_round(x, Round::Up);
    }
    fn add_assign(&mut self, other: &Self) {
        self.lo.add_assign_round(&other.lo, Round::Down);
        self.hi.add_assign_round(&other.hi, Round::Up);
    }
    fn sub_assign(&mut self, other: &Self) {
        self.lo.sub_assign_round(&other.hi, Round::Down);
        self.hi.sub_assign_round(&other.lo, Round::Up);
    }
    fn mul_assign(&mut self, other: &Self) {
        let prec = self.lo.prec();
        let a = std::mem::replace(self, Interval::zero(prec));
        let mut tmp = Float::new(prec);
        self.add_mul(&a, other, &mut tmp);
    }
    fn div_assign(&mut self, other: &Self) {
        let mut r = other.clone();
        crate::scalar::Scalar::recip_mut(&mut r);
        crate::scalar::Scalar::mul_assign(self, &r);
    }
    fn mul_add_assign(&mut self, a: &Self, b: &Self) {
        let mut tmp = Float::new(self.lo.prec());
        self.add_mul(a, b, &mut tmp);
    }
    fn mul_f64(&mut self, x: f64) {
        let prec = self.lo.prec();
        // x exactly, at f64's 53 bits: the product is then rounded once outward
        let f = Interval::point(&Float::with_val(53, x));
        let a = std::mem::replace(self, Interval::zero(prec));
        let mut tmp = Float::new(prec);
        self.add_mul(&a, &f, &mut tmp);
    }
    fn neg_mut(&mut self) {
        self.neg();
    }
    fn abs_mut(&mut self) {
        let (small, large) = super::abs_ends(self);
        self.lo = small;
        self.hi = large;
    }
    fn exp_mut(&mut self) {
        self.increasing(|x, r| {
            x.exp_round(r);
        });
    }
    fn ln_mut(&mut self) {
        if self.lo.cmp0() != Some(Ordering::Greater) {
            self.lo.assign(rug::float::Special::NegInfinity);
            self.hi.ln_round(Round::Up);
        } else {
            self.increasing(|x, r| {
                x.ln_round(r);
            });
        }
    }
    fn ln_1p_mut(&mut self) {
        if self.lo <= -1 {
            self.lo.assign(rug::float::Special::NegInfinity);
            self.hi.ln_1p_round(Round::Up);
        } else {
            self.increasing(|x, r| {
                x.ln_1p_round(r);
            });
        }
    }
    fn sqrt_mut(&mut self) {
        if !self.nonneg() {
            self.lo.assign(0);
        }
        self.increasing(|x, r| {
            x.sqrt_round(r);
        });
    }
    fn recip_mut(&mut self) {
        let prec = self.lo.prec();
        let pos = self.lo.cmp0() == Some(Ordering::Greater);
        let neg = self.hi.cmp0() == Some(Ordering::Less);
        if !(pos || neg) || self.is_nan() {
            *self = Interval::everything(prec);
            return;
        }
        // 1/x is decreasing on each side of 0: the ends swap
        std::mem::swap(&mut self.lo, &mut self.hi);
        self.lo.recip_round(Round::Down);
        self.hi.recip_round(Round::Up);
    }
    fn is_finite(&self) -> bool {
        Interval::is_finite(self)
    }
    fn is_nan(&self) -> bool {
        Interval::is_nan(self)
    }
    fn is_zero(&self) -> bool {
        self.lo.is_zero() && self.hi.is_zero()
    }
    /// `Less`/`Greater` when the intervals are disjoint, `Equal` when both are the same
    /// point, `None` when they overlap otherwise (undecided) or an end is NaN.
    fn partial_cmp_s(&self, other: &Self) -> Option<Ordering> {
        if self.is_nan() || other.is_nan() {
            return None;
        }
        if self.hi < other.lo {
            Some(Ordering::Less)
        } else if self.lo > other.hi {
            Some(Ordering::Greater)
        } else if self.lo == self.hi && other.lo == other.hi && self.lo == other.lo {
            Some(Ordering::Equal)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every sign case of `add_mul` against exact rational products of the ends.
    #[test]
    fn add_mul_contains_every_product_of_points() {
        let vals = [-3i32, -1, 0, 2, 5];
        let q = |n: i32, d: u32| Rational::from((n, d));
        for &a0 in &vals {
            for &a1 in &vals {
                for &b0 in &vals {
                    for &b1 in &vals {
                        if a0 > a1 || b0 > b1 {
                            continue;
                        }
                        // thirds are not representable: the ends are rounded outward
                        let a = Interval {
                            lo: Interval::of_rational(&q(a0, 3), 20).lo,
                            hi: Interval::of_rational(&q(a1, 3), 20).hi,
                        };
                        let b = Interval {
                            lo: Interval::of_rational(&q(b0, 7), 20).lo,
                            hi: Interval::of_rational(&q(b1, 7), 20).hi,
                        };
                        let c = Interval::of_rational(&q(1, 5), 20);
                        let mut s = c.clone();
                        let mut tmp = Float::new(20);
                        s.add_mul(&a, &b, &mut tmp);
                        let (lo, hi) = s.to_rationals().expect("finite");
                        for x in [q(a0, 3), q(a1, 3)] {
                            for y in [q(b0, 7), q(b1, 7)] {
                                let p = Rational::from(&x * &y) + q(1, 5);
                                assert!(lo <= p && p <= hi, "{a0} {a1} {b0} {b1}: {p}");
                            }
                        }
                        // and it is tight to a few units of the last place
                        let exact_hi = [q(a0, 3), q(a1, 3)]
                            .iter()
                            .flat_map(|x| [q(b0, 7), q(b1, 7)].map(|y| Rational::from(x * &y)))
                            .max()
                            .expect("four products")
                            + q(1, 5);
                        let gap = Rational::from(&hi - &exact_hi);
                        assert!(gap < q(1, 1 << 14), "{gap}");
                    }
                }
            }
        }
    }

    /// The enclosure scalar's comparisons: overlapping enclosures are undecided (`None`),
    /// disjoint ones decided, one point against itself equal; and `lt` (the crate's "strictly
    /// less, decided") is false for the undecided case, as for NaN.
    #[test]
    fn comparisons_of_overlapping_enclosures_are_undecided() {
        use crate::scalar::{lt, Scalar};
        let iv = |a: f64, b: f64| Interval {
            lo: Float::with_val(30, a),
            hi: Float::with_val(30, b),
        };
        let (a, b, c) = (iv(0.0, 1.0), iv(0.5, 2.0), iv(1.5, 3.0));
        assert_eq!(a.partial_cmp_s(&b), None);
        assert_eq!(b.partial_cmp_s(&a), None);
        assert_eq!(a.partial_cmp_s(&a), None, "a wide interval against itself");
        assert_eq!(a.partial_cmp_s(&c), Some(Ordering::Less));
        assert_eq!(c.partial_cmp_s(&a), Some(Ordering::Greater));
        // touching ends overlap in one point: undecided
        assert_eq!(a.partial_cmp_s(&iv(1.0, 2.0)), None);
        let p = iv(0.25, 0.25);
        assert_eq!(p.partial_cmp_s(&p.clone()), Some(Ordering::Equal));
        assert!(!lt(&a, &b) && !lt(&b, &a) && lt(&a, &c));
        let nan = iv(f64::NAN, 1.0);
        assert_eq!(nan.partial_cmp_s(&c), None);
        // conversions give bounds
        assert_eq!(b.to_float_round(53, Round::Down), 0.5);
        assert_eq!(b.to_float_round(53, Round::Up), 2.0);
        assert!(b.to_rational().is_none() && p.to_rational().is_some());
    }

    /// The enclosure scalar's operations contain the exact results of points of their
    /// operands: thirds and sevenths (not representable) through +, −, ×, ÷, √, exp, ln at 24
    /// bits, checked against exact rationals and MPFR at 200 bits.
    #[test]
    fn enclosure_scalar_operations_contain_the_exact_results() {
        use crate::scalar::Scalar;
        let q = |n: i32, d: u32| Rational::from((n, d));
        let (x, y) = (q(1, 3), q(-5, 7));
        let (a, b) = (Interval::of_rational(&x, 24), Interval::of_rational(&y, 24));
        let inside = |v: &Interval, exact: &Float| v.lo <= *exact && *exact <= v.hi;
        let f = |r: Rational| Float::with_val(200, r);
        assert!(inside(&a.clone().add(&b), &f(Rational::from(&x + &y))));
        assert!(inside(&a.clone().sub(&b), &f(Rational::from(&x - &y))));
        assert!(inside(&a.clone().mul(&b), &f(Rational::from(&x * &y))));
        assert!(inside(&a.clone().div(&b), &f(Rational::from(&x / &y))));
        assert!(inside(&a.clone().sqrt(), &f(x.clone()).sqrt()));
        assert!(inside(&b.clone().exp(), &f(y.clone()).exp()));
        assert!(inside(&a.clone().ln(), &f(x.clone()).ln()));
        let mut r = b.clone();
        r.recip_mut();
        assert!(inside(&r, &f(Rational::from(1) / &y)));
        // a quotient by an interval containing 0 is the whole line
        let z = Interval {
            lo: Float::with_val(24, -1),
            hi: Float::with_val(24, 1),
        };
        let w = a.clone().div(&z);
        assert!(w.lo.is_infinite() && w.hi.is_infinite());
    }
}
