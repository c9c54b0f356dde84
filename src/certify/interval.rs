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
    pub lo: Float,
    /// Upper end.
    pub hi: Float,
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
    pub fn of_rational(q: &Rational, prec: u32) -> Interval {
        Interval {
            lo: Float::with_val_round(prec, q, Round::Down).0,
            hi: Float::with_val_round(prec, q, Round::Up).0,
        }
    }

    /// Sets `self` to the smallest interval containing `q`.
    pub fn set_rational(&mut self, q: &Rational) {
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
}
