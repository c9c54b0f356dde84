//! Double-double arithmetic: a real number as an unevaluated sum `hi + lo` of two f64 with
//! `hi = fl(hi + lo)`, a 106-bit significand at a few times the cost of f64.
//!
//! The algorithms are the error-free transformations of Dekker (1971) and Knuth, in the
//! forms analysed by Joldes, Muller and Popescu, "Tight and rigorous error bounds for basic
//! building blocks of double-word arithmetic", ACM TOMS 44 (2017): with `u = 2^−53`, the
//! sum below has relative error at most `3u²` (their Alg. 6), the product at most `7u²`
//! (Alg. 10, the cross terms rounded separately in every build), the product by an f64 at
//! most `2u²` (Alg. 9). `exp`, `ln`, `ln_1p` and `sqrt` are accurate to about `2^−102`
//! relative (tested against MPFR in tests/fast_paths.rs); for `exp` the bound `8u²` is
//! proven (docs/theory/certify.md, "The exponential"), and so are the bounds of the dot
//! products and the multiply-add that a certified step relies on.
//!
//! ## Range
//! A double-double has f64's exponent range, and below `2^−969` (`hi` within 53 bits of the
//! subnormals) `lo` can no longer carry 53 more bits. Rather than degrade silently:
//! * `exp` returns exactly `0` when its value would be below [`Dd::MIN_POSITIVE`], so the
//!   objective reports [`Event::Underflow`](crate::objective::Event::Underflow);
//! * products, quotients and conversions whose nonzero value falls below that bound return
//!   NaN, which the runner reports as a non-finite event.
//!
//! Sums and differences need no guard: their absolute error is that of their inputs.

use super::{format_sig_float, Precision, Scalar};
use rug::float::Round;
use rug::ops::AddAssignRound;
use rug::{Float, Rational};
use std::cmp::Ordering;
use std::sync::OnceLock;

/// A double-double number `hi + lo` (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Dd {
    hi: f64,
    lo: f64,
}

// ---------------------------------------------------------------------------------------
// Error-free transformations.

/// `a + b = s + e` exactly (Knuth's TwoSum).
#[inline(always)]
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    let e = (a - (s - bb)) + (b - bb);
    (s, e)
}

/// `a + b = s + e` exactly when `|a| ≥ |b|` or `a = 0` (Dekker's Fast2Sum).
#[inline(always)]
fn fast_two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let e = b - (s - a);
    (s, e)
}

/// Whether the build's target has hardware FMA (`-C target-cpu=native` on such a CPU). The
/// batch kernels ([`exp_lanes`], `mat_vec`, `mat_t_vec`) also use it when only the running
/// processor has it (runtime dispatch, see [`fma_dispatch`]).
const HW_FMA: bool = cfg!(target_feature = "fma");

/// `a·b = p + e` exactly (barring underflow): one FMA if the build's target has it, else
/// Dekker's splitting (no call to a software `fma`).
#[inline(always)]
fn two_prod(a: f64, b: f64) -> (f64, f64) {
    two_prod_v::<HW_FMA>(a, b)
}

/// [`two_prod`] with the choice explicit: `FMA` only where the function this is inlined
/// into is compiled for a processor with FMA. Both forms give the same exact `e` whenever
/// no intermediate overflows, that is unless a factor exceeds about `2^996` or the product
/// comes within a factor `1 + 2^−25` of f64's largest value: there Dekker's splitting gives
/// NaN (the range guard of [`settle`] then refuses the result) and the FMA the exact
/// error. Every other operation around it is the same in both forms, so the results of a
/// computation do not depend on the processor or the build in the rest of the range.
#[inline(always)]
fn two_prod_v<const FMA: bool>(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    if FMA {
        (p, a.mul_add(b, -p))
    } else {
        let (ah, al) = split(a);
        let (bh, bl) = split(b);
        let e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
        (p, e)
    }
}

/// Veltkamp's splitting of `a` into two 26-bit halves.
#[inline(always)]
fn split(a: f64) -> (f64, f64) {
    let c = 134_217_729.0 * a; // 2^27 + 1
    let h = c - (c - a);
    (h, a - h)
}

/// `2^k` for `−1022 ≤ k ≤ 1023`.
#[inline(always)]
fn pow2(k: i32) -> f64 {
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// Constants computed once with MPFR (correctly rounded splits).
struct Consts {
    /// ln 2 = l1 + l2 + l3 (+ < 2^−140), with l1 carrying only 34 significant bits so that
    /// `n·l1` is exact for `|n| < 2^19`.
    l1: f64,
    l2: f64,
    l3: f64,
    /// 1/3!, 1/4!, 1/5! as double-doubles.
    c3: Dd,
    c4: Dd,
    c5: Dd,
    /// `2^{j/256}`, j = 0..256.
    t: [Dd; 256],
    /// `2^{n/256} − 1`, n = −192..=192 (index n + 192).
    em1: Vec<Dd>,
}

/// Taylor coefficients 1/k!, k = 6..9, in f64 (used on terms below 2^−66 only).
const C6: f64 = 1.0 / 720.0;
const C7: f64 = 1.0 / 5040.0;
const C8: f64 = 1.0 / 40320.0;
const C9: f64 = 1.0 / 362_880.0;
/// 256/ln 2, a rounding of it is enough (it only picks the reduction index).
const INV_LN2_256: f64 = 369.329_930_467_574_6;
const EM1_SPAN: i64 = 192;

fn dd_of_float(f: &Float) -> Dd {
    let hi = f.to_f64();
    let rest = Float::with_val(f.prec(), f - hi);
    Dd::from_parts(hi, rest.to_f64())
}

fn consts() -> &'static Consts {
    static C: OnceLock<Consts> = OnceLock::new();
    C.get_or_init(|| {
        let prec = 256;
        let ln2 = Float::with_val(prec, rug::float::Constant::Log2);
        // l1: ln 2 rounded to 34 bits.
        let l1 = Float::with_val(34, &ln2).to_f64();
        let r = Float::with_val(prec, &ln2 - l1);
        let l2 = r.to_f64();
        let l3 = Float::with_val(prec, &r - l2).to_f64();
        let inv_fact = |k: u32| {
            let mut f = Float::with_val(prec, 1);
            for i in 2..=k {
                f /= i;
            }
            dd_of_float(&f)
        };
        let mut t = [Dd::ZERO; 256];
        for (j, tj) in t.iter_mut().enumerate() {
            let e = Float::with_val(prec, j) / 256u32;
            *tj = dd_of_float(&e.exp2());
        }
        let em1 = (-EM1_SPAN..=EM1_SPAN)
            .map(|n| {
                let e = Float::with_val(prec, n) / 256u32;
                let v = e.exp2() - 1u32;
                dd_of_float(&v)
            })
            .collect();
        Consts {
            l1,
            l2,
            l3,
            c3: inv_fact(3),
            c4: inv_fact(4),
            c5: inv_fact(5),
            t,
            em1,
        }
    })
}

/// The double-double `hi + lo` from an error-free sum whose leading part is `s`. A
/// non-finite `hi` with a finite `s` means an error term overflowed: Dekker's splitting of a
/// factor above about `2^996` (`2^27·x` overflows) yields NaN, and dropping the trailing part
/// would round to f64 precision silently. The top of the range is refused (NaN) like the
/// bottom; a non-finite `s` is a genuine overflow.
#[inline(always)]
fn settle(s: f64, hi: f64, lo: f64) -> Dd {
    if hi.is_finite() {
        Dd { hi, lo }
    } else if s.is_finite() {
        Dd::NAN
    } else {
        Dd { hi: s, lo: 0.0 }
    }
}

/// `2^-110`: below it `ln(1 + f)` is `f` to double-double precision.
const TINY_LN1P: f64 = 7.703_719_777_548_943e-34;

impl Dd {
    /// Smallest magnitude held to full precision: `2^−969`, so that `lo` keeps 53 bits above
    /// the subnormal range.
    pub const MIN_POSITIVE: f64 = 2.004_168_360_008_973e-292;
    /// Zero.
    pub const ZERO: Dd = Dd { hi: 0.0, lo: 0.0 };
    /// One.
    pub const ONE: Dd = Dd { hi: 1.0, lo: 0.0 };
    const NAN: Dd = Dd {
        hi: f64::NAN,
        lo: f64::NAN,
    };

    /// The double-double `hi + lo`, normalized (any two f64 are accepted).
    pub fn from_parts(hi: f64, lo: f64) -> Dd {
        let (hi, lo) = two_sum(hi, lo);
        if hi.is_finite() {
            Dd { hi, lo }
        } else {
            Dd { hi, lo: 0.0 }
        }
    }
    /// The leading part (the nearest f64 to the value).
    pub fn hi(self) -> f64 {
        self.hi
    }
    /// The trailing part.
    pub fn lo(self) -> f64 {
        self.lo
    }

    /// Sum (relative error ≤ 3u², Joldes–Muller–Popescu Alg. 6); `+` on `Dd`.
    #[inline(always)]
    fn add_dd(self, b: Dd) -> Dd {
        let (s, e) = two_sum(self.hi, b.hi);
        let (t, f) = two_sum(self.lo, b.lo);
        let (s, e) = fast_two_sum(s, e + t);
        let (hi, lo) = fast_two_sum(s, e + f);
        if hi.is_finite() {
            Dd { hi, lo }
        } else {
            Dd {
                hi: self.hi + b.hi,
                lo: 0.0,
            }
        }
    }
    /// Difference.
    #[inline(always)]
    fn sub_dd(self, b: Dd) -> Dd {
        self.add_dd(b.neg_dd())
    }
    /// Sum with an f64 (relative error ≤ 2u², Alg. 4).
    #[inline(always)]
    pub(crate) fn add_f64(self, b: f64) -> Dd {
        let (s, e) = two_sum(self.hi, b);
        let (hi, lo) = fast_two_sum(s, self.lo + e);
        if hi.is_finite() {
            Dd { hi, lo }
        } else {
            Dd {
                hi: self.hi + b,
                lo: 0.0,
            }
        }
    }
    /// Negation (exact).
    #[inline(always)]
    fn neg_dd(self) -> Dd {
        Dd {
            hi: -self.hi,
            lo: -self.lo,
        }
    }
    /// Absolute value (exact).
    #[inline(always)]
    pub fn abs(self) -> Dd {
        if self.hi < 0.0 {
            self.neg_dd()
        } else {
            self
        }
    }

    /// Product (relative error ≤ 7u², Alg. 10). NaN when a
    /// product of nonzero numbers falls below [`Dd::MIN_POSITIVE`].
    #[inline(always)]
    fn mul_dd(self, b: Dd) -> Dd {
        let (ch, cl1) = two_prod(self.hi, b.hi);
        let cl2 = self.hi * b.lo + self.lo * b.hi;
        let (hi, lo) = fast_two_sum(ch, cl1 + cl2);
        if hi.abs() >= Self::MIN_POSITIVE && hi.is_finite() {
            Dd { hi, lo }
        } else {
            Self::mul_edge(self.hi, b.hi, ch)
        }
    }

    /// Product by an f64 (relative error ≤ 2u², Alg. 9), with the range guard of `mul`.
    #[inline(always)]
    pub fn mul_f64(self, b: f64) -> Dd {
        let (ch, cl1) = two_prod(self.hi, b);
        let cl3 = self.lo * b + cl1;
        let (hi, lo) = fast_two_sum(ch, cl3);
        if hi.abs() >= Self::MIN_POSITIVE && hi.is_finite() {
            Dd { hi, lo }
        } else {
            Self::mul_edge(self.hi, b, ch)
        }
    }

    /// `a·b = p + e` up to about `3u²|ab|`: the exact leading product and the cross terms
    /// (not renormalised).
    #[inline(always)]
    fn prod_parts(a: Dd, b: Dd) -> (f64, f64) {
        let (p, e) = two_prod(a.hi, b.hi);
        (p, e + (a.hi * b.lo + a.lo * b.hi))
    }

    /// For a leading product `p = a.hi·b.hi` with `|p| < MIN_POSITIVE` or NaN: `None` when
    /// the product is an exact zero, else the poisoned result.
    #[cold]
    fn product_range_fault(a: Dd, b: Dd, p: f64) -> Option<Dd> {
        if p.is_nan() {
            Some(Self::NAN)
        } else if a.hi == 0.0 || b.hi == 0.0 {
            None
        } else {
            Some(Self::NAN)
        }
    }

    /// Results of `mul` outside the full-precision range.
    #[cold]
    fn mul_edge(a: f64, b: f64, p: f64) -> Dd {
        if p.is_nan() {
            Self::NAN
        } else if p.is_infinite() || a == 0.0 || b == 0.0 {
            Dd { hi: p, lo: 0.0 }
        } else {
            // A nonzero product below 2^−969: the trailing part would lose bits.
            Self::NAN
        }
    }

    /// Quotient (three-step long division; relative error a few u²), with the range guard.
    fn div_dd(self, b: Dd) -> Dd {
        let q1 = self.hi / b.hi;
        if !q1.is_finite() || q1 == 0.0 {
            return Self::div_edge(self, b, q1);
        }
        let r = self.sub_dd(b.mul_f64_unguarded(q1));
        let q2 = r.hi / b.hi;
        let r = r.sub_dd(b.mul_f64_unguarded(q2));
        let q3 = r.hi / b.hi;
        let (q1, q2) = fast_two_sum(q1, q2);
        let q = Dd { hi: q1, lo: q2 }.add_f64(q3);
        if q.hi.abs() >= Self::MIN_POSITIVE || !q.hi.is_finite() {
            q
        } else {
            Self::NAN
        }
    }

    #[cold]
    fn div_edge(a: Dd, b: Dd, q1: f64) -> Dd {
        if (a.hi == 0.0 && b.hi != 0.0 && !b.hi.is_nan()) || q1.is_infinite() || q1.is_nan() {
            Dd { hi: q1, lo: 0.0 }
        } else {
            Self::NAN
        }
    }

    #[inline(always)]
    fn mul_f64_unguarded(self, b: f64) -> Dd {
        let (ch, cl1) = two_prod(self.hi, b);
        let (hi, lo) = fast_two_sum(ch, self.lo * b + cl1);
        Dd { hi, lo }
    }

    /// Square root (one Newton correction of the f64 root; relative error ≤ ~3u²).
    pub fn sqrt(self) -> Dd {
        if self.hi.is_nan() || self.hi <= 0.0 || self.hi.is_infinite() {
            return if self.hi == 0.0 {
                Dd::ZERO
            } else {
                Dd {
                    hi: self.hi.sqrt(),
                    lo: 0.0,
                }
            };
        }
        let q = self.hi.sqrt();
        let (p, e) = two_prod(q, q);
        let r = self.sub_dd(Dd { hi: p, lo: e });
        let c = r.hi / (2.0 * q);
        let (hi, lo) = fast_two_sum(q, c);
        Dd { hi, lo }
    }

    /// Multiplication by `2^k` (exact while the result stays in the normal range).
    fn ldexp(self, k: i32) -> Dd {
        if (-1022..=1023).contains(&k) {
            let s = pow2(k);
            Dd {
                hi: self.hi * s,
                lo: self.lo * s,
            }
        } else {
            let h = k / 2;
            self.ldexp(h).ldexp(k - h)
        }
    }

    #[inline(always)]
    fn mul_unguarded(self, b: Dd) -> Dd {
        let (ch, cl1) = two_prod(self.hi, b.hi);
        let cl2 = self.hi * b.lo + self.lo * b.hi;
        let (hi, lo) = fast_two_sum(ch, cl1 + cl2);
        Dd { hi, lo }
    }

    /// `e^x`: `x = (256k + j)·ln2/256 + r`, `e^x = 2^k·2^{j/256}·(1 + expm1(r))`. Returns 0
    /// below [`Dd::MIN_POSITIVE`] (underflow is reported, never approximated) and +∞ above
    /// f64's range. Relative error about `3u²` (see [`exp_lanes`](crate::scalar::exp_lanes)).
    pub fn exp(self) -> Dd {
        let mut v = [self];
        exp_chunk::<1, HW_FMA>(&mut v, consts());
        v[0]
    }

    /// `e^x − 1`, accurate relative to the result also near 0 (tables of `2^{n/256} − 1`).
    pub fn expm1(self) -> Dd {
        if self.hi.is_nan() {
            return Self::NAN;
        }
        if self.hi.abs() > 0.5 {
            return self.exp().add_f64(-1.0);
        }
        let c = consts();
        let nf = round_fast(self.hi * INV_LN2_256);
        let n = nf as i64;
        let (rh, rl) = reduce::<HW_FMA>(self.hi, self.lo, nf, c);
        let (sh, sl) = expm1_poly(rh, rl, c);
        let s = Dd { hi: sh, lo: sl };
        if n == 0 {
            return s;
        }
        // e^x − 1 = (2^{n/256} − 1) + 2^{n/256}·s, with 2^{n/256} = 2^k·t_j.
        let j = n.rem_euclid(256);
        let k = ((n - j) / 256) as i32;
        let b = c.t[j as usize].ldexp(k);
        let a = c.em1[(n + EM1_SPAN) as usize];
        a.add_dd(b.mul_unguarded(s))
    }

    /// `ln(1 + f)` for `−0.3 ≤ f ≤ 0.42`: one Newton step on `expm1` from the f64 value
    /// (`f` itself when `|f| < 2^-110`).
    fn ln1p_small(f: Dd) -> Dd {
        if f.hi == 0.0 {
            return Dd::ZERO;
        }
        // ln(1 + f) = f − f²/2 + …: below 2^-110 the correction is under 2^-111·|f|, beyond
        // double-double precision, and the Newton step below would form intermediate values
        // under MIN_POSITIVE (NaN by design) for |f| ≲ 1e-146.
        if f.hi.abs() < TINY_LN1P {
            return f;
        }
        let y0 = f.hi.ln_1p();
        let e = Dd { hi: y0, lo: 0.0 }.expm1();
        let num = e.sub_dd(f);
        let den = Dd::ONE.add_dd(e);
        Dd { hi: y0, lo: 0.0 }.sub_dd(num.div_dd(den))
    }

    /// Natural logarithm: `x = 2^e·m` with `m ∈ [√½, √2)`, `ln x = e·ln2 + ln1p(m − 1)`.
    pub fn ln(self) -> Dd {
        if self.hi.is_nan() || self.hi <= 0.0 || self.hi.is_infinite() {
            return Dd {
                hi: self.hi.ln(),
                lo: 0.0,
            };
        }
        // exponent of hi: hi = f·2^e, f ∈ [1, 2)
        let bits = self.hi.to_bits();
        let raw = ((bits >> 52) & 0x7ff) as i32;
        if raw == 0 {
            // subnormal leading part: below the full-precision range
            return Self::NAN;
        }
        let mut e = raw - 1023;
        let f = f64::from_bits((bits & !(0x7ff << 52)) | (1023u64 << 52));
        if f > std::f64::consts::SQRT_2 {
            e += 1;
        }
        let m = self.ldexp(-e);
        let y = Self::ln1p_small(m.add_f64(-1.0));
        if e == 0 {
            return y;
        }
        let c = consts();
        let ef = f64::from(e);
        let (p2, e2) = two_prod(ef, c.l2);
        // e·l1 is exact (|e| < 2^11, l1 has 34 bits).
        Dd {
            hi: ef * c.l1,
            lo: 0.0,
        }
        .add_dd(Dd { hi: p2, lo: e2 })
        .add_f64(ef * c.l3)
        .add_dd(y)
    }

    /// `ln(1 + x)`, accurate near `x = 0`.
    pub fn ln_1p(self) -> Dd {
        if self.hi > -0.29 && self.hi < 0.41 {
            Self::ln1p_small(self)
        } else {
            Dd::ONE.add_dd(self).ln()
        }
    }

    /// The exact value as an MPFR float with `prec` bits (rounded once).
    pub fn to_float(self, prec: u32) -> Float {
        let mut f = Float::with_val(prec.max(53), self.hi);
        f += self.lo;
        if prec < 53 {
            Float::with_val(prec, &f)
        } else {
            f
        }
    }

    /// The nearest double-double to an MPFR float (NaN for nonzero values below the
    /// full-precision range).
    pub(crate) fn from_float(f: &Float) -> Dd {
        let hi = f.to_f64_round(Round::Nearest);
        if !hi.is_finite() {
            return Dd { hi, lo: 0.0 };
        }
        let rest = Float::with_val(f.prec().max(53) + 64, f - hi);
        let d = Dd::from_parts(hi, rest.to_f64());
        if d.hi.abs() < Self::MIN_POSITIVE && !f.is_zero() {
            Self::NAN
        } else {
            d
        }
    }
}

/// Lanes evaluated together by [`exp_lanes`]: independent dependency chains that the
/// processor overlaps (and the compiler may vectorize).
pub(crate) const LANES: usize = 4;

/// `1.5·2^52`: `(x + M) − M` rounds `|x| < 2^51` to an integer (ties to even).
const ROUND_MAGIC: f64 = 6_755_399_441_055_744.0;

#[inline(always)]
fn round_fast(x: f64) -> f64 {
    (x + ROUND_MAGIC) - ROUND_MAGIC
}

/// `(ah + al)·(bh + bl)` as a normalized pair (relative error ≤ 7u², Alg. 10).
#[inline(always)]
fn mul_pair<const FMA: bool>(ah: f64, al: f64, bh: f64, bl: f64) -> (f64, f64) {
    let (p, e) = two_prod_v::<FMA>(ah, bh);
    fast_two_sum(p, e + (ah * bl + al * bh))
}

/// `a + b` for `|a| ≥ |b|` (QD's sloppy sum: error at most about `2u²·|a|`, which is
/// `≤ 2.01u²` relative to the result in every use here, where `|b| ≤ 0.0014·|a|`).
#[inline(always)]
fn add_ordered(ah: f64, al: f64, bh: f64, bl: f64) -> (f64, f64) {
    let (s, e) = fast_two_sum(ah, bh);
    fast_two_sum(s, e + (al + bl))
}

/// `r = x − n·ln2/256` for an integer-valued `n`, `|n| < 2^19`, `|r| ≤ 0.00136`.
/// `x_h − n·l1/256` is exact (the product has ≤ 53 bits and Sterbenz's lemma applies to
/// the difference); the rest is summed with error-free transformations, so the absolute
/// error is at most about `2u²·|r| + 2^−140·|n|`.
#[inline(always)]
fn reduce<const FMA: bool>(xh: f64, xl: f64, nf: f64, c: &Consts) -> (f64, f64) {
    let s = 1.0 / 256.0;
    let a = xh - nf * (c.l1 * s);
    let (p2, e2) = two_prod_v::<FMA>(nf, c.l2 * s);
    let (s1, f1) = two_sum(a, xl);
    let (s2, f2) = two_sum(s1, -p2);
    fast_two_sum(s2, (f1 + f2) - (e2 + nf * (c.l3 * s)))
}

/// `e^r − 1` for `|r| ≤ 0.00136` by its Taylor polynomial of degree 9 (remainder below
/// `|r|^10/10!·e^{|r|} < 2^−116`), Horner's scheme in double-double with the terms of order
/// ≥ 6 (below `2^−66`) in f64. Relative error about `8u²`.
#[inline(always)]
fn expm1_poly(rh: f64, rl: f64, c: &Consts) -> (f64, f64) {
    let h = rh * (C6 + rh * (C7 + rh * (C8 + rh * C9)));
    let (mut ah, mut al) = add_ordered(c.c5.hi, c.c5.lo, h, 0.0);
    for ck in [c.c4, c.c3, Dd { hi: 0.5, lo: 0.0 }, Dd::ONE] {
        let (ph, pl) = mul_pair::<HW_FMA>(rh, rl, ah, al);
        (ah, al) = add_ordered(ck.hi, ck.lo, ph, pl);
    }
    mul_pair::<HW_FMA>(rh, rl, ah, al)
}

/// `x ← e^x` for every element, `LANES` at a time (the batch form of [`Dd::exp`]).
///
/// Per lane: `n = round(256·x/ln2) = 256k + j`, `r = x − n·ln2/256` (reduced with a 140-bit `ln 2`),
/// `e^x = 2^k·T_j·(1 + p)` with `T_j = 2^{j/256}` correctly rounded to 106 bits and
/// `p = expm1(r)` (degree-9 Taylor polynomial, `|p| ≤ 0.00136`), formed as `T_j + T_j·p`. The error of
/// `p` is damped by `|p|`, so the result's relative error is that of the final sum and of
/// `T_j`: about `3u² ≈ 2^−104.4`. Arguments below `−672` (and results below
/// [`Dd::MIN_POSITIVE`]) give exactly 0, above `709.79` +∞, NaN gives NaN.
///
/// Dispatched at run time (`fma_dispatch`): the same operations, with the exact product
/// error by FMA where the processor has it; the results are those of [`Dd::exp`].
pub fn exp_lanes(xs: &mut [Dd]) {
    fma_dispatch::exp_lanes(xs);
}

#[inline(always)]
fn exp_lanes_v<const FMA: bool>(xs: &mut [Dd]) {
    let c = consts();
    let mut chunks = xs.chunks_exact_mut(LANES);
    for chunk in &mut chunks {
        if let Ok(lanes) = <&mut [Dd; LANES]>::try_from(chunk) {
            exp_chunk::<LANES, FMA>(lanes, c);
        }
    }
    let rest = chunks.into_remainder();
    if !rest.is_empty() {
        let mut pad = [Dd::ZERO; LANES];
        pad[..rest.len()].copy_from_slice(rest);
        exp_chunk::<LANES, FMA>(&mut pad, c);
        let k = rest.len();
        rest.copy_from_slice(&pad[..k]);
    }
}

/// Runtime selection of the batch kernels: each function is compiled twice more, for
/// x86-64 processors with AVX2 and FMA and with FMA alone (the `multiversion` crate: the
/// processor is queried once, then the chosen version is called directly). Inside the FMA
/// versions `two_prod_v::<true>` is inlined and becomes one FMA instruction; everything else
/// performs the same operations as the portable version, so the results are identical (see
/// [`two_prod_v`] for the top of the range, where the portable version refuses a product the
/// FMA version computes).
mod fma_dispatch {
    use super::{Dd, HW_FMA};
    use multiversion::multiversion;
    use multiversion::target::selected_target;

    #[multiversion(targets("x86_64+avx2+fma", "x86_64+fma"))]
    pub(super) fn exp_lanes(xs: &mut [Dd]) {
        // A constant of each compiled version (a run-time test here cost a third of a step).
        const FMA: bool = HW_FMA || selected_target!().supports_feature_str("fma");
        super::exp_lanes_v::<FMA>(xs)
    }

    #[multiversion(targets("x86_64+avx2+fma", "x86_64+fma"))]
    pub(super) fn mat_vec(out: &mut [Dd], a: &[Dd], x: &[Dd]) {
        // A constant of each compiled version (a run-time test here cost a third of a step).
        const FMA: bool = HW_FMA || selected_target!().supports_feature_str("fma");
        super::mat_vec_v::<FMA>(out, a, x)
    }

    #[multiversion(targets("x86_64+avx2+fma", "x86_64+fma"))]
    pub(super) fn mat_t_vec(out: &mut [Dd], a: &[Dd], y: &[Dd]) {
        // A constant of each compiled version (a run-time test here cost a third of a step).
        const FMA: bool = HW_FMA || selected_target!().supports_feature_str("fma");
        super::mat_t_vec_v::<FMA>(out, a, y)
    }
}

#[inline(always)]
fn exp_chunk<const L: usize, const FMA: bool>(xs: &mut [Dd; L], c: &Consts) {
    let mut xh = [0.0; L];
    let mut xl = [0.0; L];
    let mut ok = [false; L];
    for i in 0..L {
        let x = xs[i];
        ok[i] = x.hi >= -672.0 && x.hi <= 709.79;
        xh[i] = if ok[i] { x.hi } else { 0.0 };
        xl[i] = if ok[i] { x.lo } else { 0.0 };
    }
    let mut nf = [0.0; L];
    let mut th = [0.0; L];
    let mut tl = [0.0; L];
    let mut scale = [0.0; L];
    for i in 0..L {
        nf[i] = round_fast(xh[i] * INV_LN2_256);
        let n = nf[i] as i64;
        let t = c.t[(n & 255) as usize];
        th[i] = t.hi;
        tl[i] = t.lo;
        // k = floor(n/256) ∈ [−970, 1024]; 2^{k−1} is a normal f64, the final ×2 is exact.
        scale[i] = pow2((n >> 8) as i32 - 1);
    }
    let mut rh = [0.0; L];
    let mut rl = [0.0; L];
    for i in 0..L {
        (rh[i], rl[i]) = reduce::<FMA>(xh[i], xl[i], nf[i], c);
    }
    // Horner, one level at a time across the lanes (see expm1_poly for the scheme).
    let mut ah = [0.0; L];
    let mut al = [0.0; L];
    for i in 0..L {
        let r = rh[i];
        let h = r * (C6 + r * (C7 + r * (C8 + r * C9)));
        (ah[i], al[i]) = add_ordered(c.c5.hi, c.c5.lo, h, 0.0);
    }
    for ck in [c.c4, c.c3, Dd { hi: 0.5, lo: 0.0 }, Dd::ONE] {
        for i in 0..L {
            let (ph, pl) = mul_pair::<FMA>(rh[i], rl[i], ah[i], al[i]);
            (ah[i], al[i]) = add_ordered(ck.hi, ck.lo, ph, pl);
        }
    }
    for i in 0..L {
        let (ph, pl) = mul_pair::<FMA>(rh[i], rl[i], ah[i], al[i]);
        let (qh, ql) = mul_pair::<FMA>(th[i], tl[i], ph, pl);
        let (vh, vl) = add_ordered(th[i], tl[i], qh, ql);
        let (vh, vl) = (vh * scale[i] * 2.0, vl * scale[i] * 2.0);
        let x = xs[i].hi;
        xs[i] = if !ok[i] {
            if x.is_nan() {
                Dd::NAN
            } else if x < 0.0 {
                Dd::ZERO
            } else {
                Dd {
                    hi: f64::INFINITY,
                    lo: 0.0,
                }
            }
        } else if vh >= Dd::MIN_POSITIVE {
            if vh.is_finite() {
                Dd { hi: vh, lo: vl }
            } else {
                Dd { hi: vh, lo: 0.0 }
            }
        } else {
            Dd::ZERO
        };
    }
}

/// The accumulator of a compensated dot product (see [`Scalar::set_dot`] for `Dd`).
#[derive(Clone, Copy, Debug, Default)]
struct Dot2 {
    sh: f64,
    sl: f64,
    /// A product was NaN or a nonzero product fell below [`Dd::MIN_POSITIVE`].
    bad: bool,
}

impl Dot2 {
    /// Adds `a·b`. A leading product of nonzero factors below [`Dd::MIN_POSITIVE`] (an
    /// underflow to zero included) marks the sum as suspect, an exact zero (a zero factor,
    /// common in data) does not; [`Dot2::finish`] then decides with the exact rule.
    #[inline(always)]
    fn add(&mut self, a: Dd, b: Dd) {
        let (p, e) = Dd::prod_parts(a, b);
        self.bad |= (p.abs() < Dd::MIN_POSITIVE) & (a.hi != 0.0) & (b.hi != 0.0);
        let (s, f) = two_sum(self.sh, p);
        self.sh = s;
        self.sl += f + e;
    }
    /// The normalized sum; if a product was suspect, `pairs` is re-examined: NaN if some
    /// product of nonzero factors fell below [`Dd::MIN_POSITIVE`] (exact zeros are fine).
    #[inline(always)]
    fn finish<'a>(self, pairs: impl FnOnce() -> Option<(&'a [Dd], &'a [Dd], usize)>) -> Dd {
        if self.bad && Dot2::out_of_range(pairs()) {
            return Dd::NAN;
        }
        let (hi, lo) = fast_two_sum(self.sh, self.sl);
        settle(self.sh, hi, lo)
    }
}

impl Dot2 {
    /// Whether a product `a[k·stride]·b[k]` of nonzero factors is below the range (`None`:
    /// no information, assume it is).
    #[cold]
    fn out_of_range(pairs: Option<(&[Dd], &[Dd], usize)>) -> bool {
        let Some((a, b, stride)) = pairs else {
            return true;
        };
        a.iter().step_by(stride.max(1)).zip(b).any(|(x, y)| {
            let p = x.hi * y.hi;
            x.hi != 0.0 && y.hi != 0.0 && (p.is_nan() || p.abs() < Dd::MIN_POSITIVE)
        })
    }
}

/// `L` independent [`Dot2`] accumulators sharing the second factor, stored by component so
/// that each step is one loop over the lanes (which the compiler vectorizes). Each lane
/// performs exactly the operations of [`Dot2::add`].
#[derive(Clone, Copy, Debug)]
struct Dot2Lanes<const L: usize> {
    sh: [f64; L],
    sl: [f64; L],
    bad: [bool; L],
}

impl<const L: usize> Default for Dot2Lanes<L> {
    fn default() -> Self {
        Dot2Lanes {
            sh: [0.0; L],
            sl: [0.0; L],
            bad: [false; L],
        }
    }
}

impl<const L: usize> Dot2Lanes<L> {
    // Index loops over the lanes, one operation each, are the point here.
    #[allow(clippy::needless_range_loop)]
    #[inline(always)]
    fn add<const FMA: bool>(&mut self, a: [Dd; L], b: Dd) {
        let ah: [f64; L] = std::array::from_fn(|i| a[i].hi);
        let al: [f64; L] = std::array::from_fn(|i| a[i].lo);
        let mut p = [0.0; L];
        let mut e = [0.0; L];
        if FMA {
            // two_prod_v::<true>, then the cross terms as below.
            for i in 0..L {
                p[i] = ah[i] * b.hi;
            }
            for i in 0..L {
                e[i] = ah[i].mul_add(b.hi, -p[i]);
            }
            for i in 0..L {
                e[i] += ah[i] * b.lo + al[i] * b.hi;
            }
        } else {
            // Dekker's product with b's split shared by the lanes (the same operations as
            // two_prod, so the same results).
            let (bh, bl) = split(b.hi);
            let mut xh = [0.0; L];
            let mut xl = [0.0; L];
            for i in 0..L {
                let c = 134_217_729.0 * ah[i];
                xh[i] = c - (c - ah[i]);
            }
            for i in 0..L {
                xl[i] = ah[i] - xh[i];
            }
            for i in 0..L {
                p[i] = ah[i] * b.hi;
            }
            for i in 0..L {
                e[i] = ((xh[i] * bh - p[i]) + xh[i] * bl + xl[i] * bh) + xl[i] * bl;
            }
            for i in 0..L {
                e[i] += ah[i] * b.lo + al[i] * b.hi;
            }
        }
        // The flag of Dot2::add: nonzero factors, leading product below the range.
        let b_nonzero = b.hi != 0.0;
        for i in 0..L {
            self.bad[i] |= (p[i].abs() < Dd::MIN_POSITIVE) & (ah[i] != 0.0) & b_nonzero;
        }
        let mut sum = [0.0; L];
        for i in 0..L {
            sum[i] = self.sh[i] + p[i];
        }
        for i in 0..L {
            let bb = sum[i] - self.sh[i];
            let f = (self.sh[i] - (sum[i] - bb)) + (p[i] - bb);
            self.sl[i] += f + e[i];
        }
        self.sh = sum;
    }
    #[inline(always)]
    fn lane(&self, i: usize) -> Dot2 {
        Dot2 {
            sh: self.sh[i],
            sl: self.sl[i],
            bad: self.bad[i],
        }
    }
}

/// Columns `j0..j0 + L` of `Σ_n a[n·d + j]·y_n`, `d = out.len()`.
#[inline(always)]
fn mat_t_vec_lanes<const L: usize, const FMA: bool>(out: &mut [Dd], j0: usize, a: &[Dd], y: &[Dd]) {
    let d = out.len();
    let mut acc = Dot2Lanes::<L>::default();
    for (row, yn) in a.chunks_exact(d).zip(y) {
        if let Ok(cols) = <&[Dd; L]>::try_from(&row[j0..j0 + L]) {
            acc.add::<FMA>(*cols, *yn);
        }
    }
    for i in 0..L {
        out[j0 + i] = acc
            .lane(i)
            .finish(|| a.get(j0 + i..).map(|col| (col, y, d)));
    }
}

/// The body of `Dd::mat_vec` (see there), with the product's error by FMA or not.
#[inline(always)]
fn mat_vec_v<const FMA: bool>(out: &mut [Dd], a: &[Dd], x: &[Dd]) {
    let d = x.len();
    if d == 0 {
        out.iter_mut().for_each(|o| *o = Dd::ZERO);
        return;
    }
    let mut rows = out.chunks_exact_mut(LANES).zip(a.chunks_exact(LANES * d));
    for (o, block) in &mut rows {
        let (r0, rest) = block.split_at(d);
        let (r1, rest) = rest.split_at(d);
        let (r2, r3) = rest.split_at(d);
        let mut acc = Dot2Lanes::<LANES>::default();
        for ((((xj, a0), a1), a2), a3) in x.iter().zip(r0).zip(r1).zip(r2).zip(r3) {
            acc.add::<FMA>([*a0, *a1, *a2, *a3], *xj);
        }
        for (i, (oi, r)) in o.iter_mut().zip([r0, r1, r2, r3]).enumerate() {
            *oi = acc.lane(i).finish(|| Some((r, x, 1)));
        }
    }
    let done = out.len() / LANES * LANES;
    for (o, row) in out[done..].iter_mut().zip(a[done * d..].chunks_exact(d)) {
        o.set_dot(row.iter().zip(x));
    }
}

/// The body of `Dd::mat_t_vec` (see there), with the product's error by FMA or not.
#[inline(always)]
fn mat_t_vec_v<const FMA: bool>(out: &mut [Dd], a: &[Dd], y: &[Dd]) {
    let d = out.len();
    let mut j = 0;
    while j + LANES <= d {
        mat_t_vec_lanes::<LANES, FMA>(out, j, a, y);
        j += LANES;
    }
    while j + 2 <= d {
        mat_t_vec_lanes::<2, FMA>(out, j, a, y);
        j += 2;
    }
    if j < d {
        mat_t_vec_lanes::<1, FMA>(out, j, a, y);
    }
}

impl std::ops::Add for Dd {
    type Output = Dd;
    /// Relative error ≤ 3u² (Joldes–Muller–Popescu Alg. 6).
    #[inline(always)]
    fn add(self, b: Dd) -> Dd {
        self.add_dd(b)
    }
}
impl std::ops::Sub for Dd {
    type Output = Dd;
    /// Relative error ≤ 3u².
    #[inline(always)]
    fn sub(self, b: Dd) -> Dd {
        self.sub_dd(b)
    }
}
impl std::ops::Mul for Dd {
    type Output = Dd;
    /// Relative error ≤ 7u²; NaN for a nonzero product below
    /// [`Dd::MIN_POSITIVE`].
    #[inline(always)]
    fn mul(self, b: Dd) -> Dd {
        self.mul_dd(b)
    }
}
impl std::ops::Div for Dd {
    type Output = Dd;
    /// Relative error ≤ 4u² (claimed, tested); NaN for a nonzero quotient below
    /// [`Dd::MIN_POSITIVE`].
    fn div(self, b: Dd) -> Dd {
        self.div_dd(b)
    }
}
impl std::ops::Neg for Dd {
    type Output = Dd;
    #[inline(always)]
    fn neg(self) -> Dd {
        self.neg_dd()
    }
}

impl From<f64> for Dd {
    fn from(x: f64) -> Dd {
        Dd { hi: x, lo: 0.0 }
    }
}

impl Scalar for Dd {
    type Ctx = ();
    fn ctx(&self) {}
    fn ctx_for(_: Precision) {}
    /// 106: the significand width (operations are accurate to a few units of `2^−106`).
    fn bits(_: ()) -> u32 {
        106
    }
    /// 103: `exp`, `ln` and the other functions are within 8u² = 2^-103 (docs/speed.md).
    fn accuracy_bits(_: ()) -> u32 {
        103
    }
    fn zero(_: ()) -> Self {
        Dd::ZERO
    }
    fn from_f64(x: f64, _: ()) -> Self {
        Dd::from(x)
    }
    fn from_rational(q: &Rational, _: ()) -> Self {
        Dd::from_float(&Float::with_val(200, q))
    }
    /// `hi + lo` spans more bits than the 200 of [`Scalar::from_rational`] when `lo` is far
    /// below `hi`: the rational is first made a float exactly (its numerator's bits suffice
    /// for a binary fraction), then split.
    fn from_rational_exact(q: &Rational, _: ()) -> Option<Self> {
        let bits = q.numer().significant_bits().max(53) + 1;
        let (f, ord) = Float::with_val_round(bits, q, Round::Nearest);
        if ord != std::cmp::Ordering::Equal {
            return None;
        }
        let x = Dd::from_float(&f);
        (x.to_rational().as_ref() == Some(q)).then_some(x)
    }
    fn to_f64(&self) -> f64 {
        self.hi
    }
    #[inline(always)]
    fn double_double_parts(&self) -> Option<(f64, f64)> {
        Some((self.hi, self.lo))
    }
    fn to_rational(&self) -> Option<Rational> {
        let h = Rational::from_f64(self.hi)?;
        let l = Rational::from_f64(self.lo)?;
        Some(h + l)
    }
    /// `hi` exactly (`prec ≥ 53`), then `lo` added with one rounding in direction `round`:
    /// the result is `hi + lo` rounded once. Below 53 bits, via the exact rational.
    fn to_float_round(&self, prec: u32, round: Round) -> Float {
        if prec < 53 || !self.hi.is_finite() {
            return match self.to_rational() {
                Some(q) => Float::with_val_round(prec, &q, round).0,
                None => Float::with_val(prec, self.hi),
            };
        }
        let mut f = Float::with_val(prec, self.hi);
        f.add_assign_round(self.lo, round);
        f
    }
    fn to_decimal(&self, digits: usize) -> String {
        if !self.hi.is_finite() {
            return super::format_sig_f64(self.hi, digits);
        }
        format_sig_float(&self.to_float(110), digits)
    }
    #[inline(always)]
    fn set(&mut self, other: &Self) {
        *self = *other;
    }
    #[inline(always)]
    fn set_f64(&mut self, x: f64) {
        *self = Dd::from(x);
    }
    #[inline(always)]
    fn add_assign(&mut self, other: &Self) {
        *self = Dd::add_dd(*self, *other);
    }
    #[inline(always)]
    fn sub_assign(&mut self, other: &Self) {
        *self = Dd::sub_dd(*self, *other);
    }
    #[inline(always)]
    fn mul_assign(&mut self, other: &Self) {
        *self = Dd::mul_dd(*self, *other);
    }
    fn div_assign(&mut self, other: &Self) {
        *self = Dd::div_dd(*self, *other);
    }
    /// `self += a·b` with the product's error terms folded into one renormalisation:
    /// absolute error at most `u²·(10|self.hi| + 30|a.hi·b.hi|)` for normalized operands
    /// (proven in docs/theory/certify.md); NaN if `a·b` is a nonzero product
    /// below the full-precision range.
    #[inline(always)]
    fn mul_add_assign(&mut self, a: &Self, b: &Self) {
        let (p, e) = Dd::prod_parts(*a, *b);
        if p.is_nan() || p.abs() < Dd::MIN_POSITIVE {
            if let Some(bad) = Dd::product_range_fault(*a, *b, p) {
                *self = bad;
                return;
            }
        }
        let (s, f) = two_sum(self.hi, p);
        let (hi, lo) = fast_two_sum(s, f + (self.lo + e));
        *self = settle(s, hi, lo);
    }
    /// Compensated dot product (Ogita, Rump and Oishi's Dot2 on the exact leading products
    /// plus the double-double cross terms): absolute error at most
    /// `(n² + 7n + 20)·u²·Σ|a_i,hi b_i,hi|` for normalized factors (proven in
    /// docs/theory/certify.md, "The a-priori bound for double-double"),
    /// without a renormalisation per term.
    #[inline]
    fn set_dot<'a, I>(&mut self, pairs: I)
    where
        I: IntoIterator<Item = (&'a Self, &'a Self)>,
    {
        let mut acc = Dot2::default();
        let mut fault = false;
        for (a, b) in pairs {
            acc.add(*a, *b);
            if acc.bad && !fault {
                fault =
                    Dot2::out_of_range(Some((std::slice::from_ref(a), std::slice::from_ref(b), 1)));
            }
        }
        *self = if fault {
            Dd::NAN
        } else {
            Dot2 { bad: false, ..acc }.finish(|| None)
        };
    }
    #[inline(always)]
    fn mul_f64(&mut self, x: f64) {
        *self = Dd::mul_f64(*self, x);
    }
    /// `LANES` rows at a time, each with exactly the operations of
    /// `set_dot` (so the results are identical); dispatched at run time like [`exp_lanes`].
    fn mat_vec(out: &mut [Self], a: &[Self], x: &[Self]) {
        fma_dispatch::mat_vec(out, a, x);
    }
    /// `LANES` (then 2, then 1) columns at a time, each summed over the
    /// rows in order with exactly the operations of `set_dot`; dispatched like `mat_vec`.
    fn mat_t_vec(out: &mut [Self], a: &[Self], y: &[Self]) {
        fma_dispatch::mat_t_vec(out, a, y);
    }
    #[inline(always)]
    fn neg_mut(&mut self) {
        *self = Dd::neg_dd(*self);
    }
    fn abs_mut(&mut self) {
        *self = Dd::abs(*self);
    }
    fn exp_mut(&mut self) {
        *self = Dd::exp(*self);
    }
    fn exp_each(xs: &mut [Self]) {
        exp_lanes(xs);
    }
    fn ln_mut(&mut self) {
        *self = Dd::ln(*self);
    }
    fn ln_1p_mut(&mut self) {
        *self = Dd::ln_1p(*self);
    }
    fn sqrt_mut(&mut self) {
        *self = Dd::sqrt(*self);
    }
    fn recip_mut(&mut self) {
        *self = Dd::div_dd(Dd::ONE, *self);
    }
    #[inline(always)]
    fn is_finite(&self) -> bool {
        self.hi.is_finite() && self.lo.is_finite()
    }
    fn is_nan(&self) -> bool {
        self.hi.is_nan() || self.lo.is_nan()
    }
    #[inline(always)]
    fn is_zero(&self) -> bool {
        self.hi == 0.0
    }
    fn partial_cmp_s(&self, other: &Self) -> Option<Ordering> {
        match self.hi.partial_cmp(&other.hi)? {
            Ordering::Equal => self.lo.partial_cmp(&other.lo),
            o => Some(o),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_split_ln2_and_l1_has_34_bits() {
        let c = consts();
        // l1·2^34 must be an integer: 34 significant bits with leading bit 2^-1.
        let scaled = c.l1 * 2f64.powi(34);
        assert_eq!(scaled, scaled.trunc());
        let ln2 = Float::with_val(300, rug::float::Constant::Log2);
        let sum = Float::with_val(300, c.l1) + c.l2 + c.l3;
        let err = Float::with_val(300, &sum - &ln2).abs().to_f64();
        assert!(err < 2f64.powi(-140), "{err:e}");
    }

    #[test]
    fn pow2_is_exact() {
        assert_eq!(pow2(0), 1.0);
        assert_eq!(pow2(-1022), f64::MIN_POSITIVE);
        assert_eq!(pow2(10), 1024.0);
        assert_eq!(Dd::MIN_POSITIVE, pow2(-969));
    }
}
