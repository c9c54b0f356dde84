//! One scalar layer: every optimizer, loss and metric is written once against [`Scalar`],
//! implemented for `f64` and for MPFR floats (`rug::Float`) at a precision chosen at run time,
//! and for the 106-bit double-double [`Dd`] (docs/speed.md).
//!
//! `rug::Float` is neither `Copy` nor has a static epsilon, so the trait asks for neither:
//! values are `Clone`, a runtime context ([`Scalar::Ctx`]) carries the precision, and the
//! operations are in place (`&mut self`) so hot loops allocate nothing.

use rug::float::Round;
use rug::{Float, Rational};
use std::cmp::Ordering;
use std::fmt::Debug;

mod dd;
mod f64;
mod format;
mod mpfr;

pub use dd::{exp_lanes, Dd};
pub(crate) use format::format_sig_f64;
pub use format::{format_sig_float, format_sig_rational};

/// Largest MPFR precision accepted from users, in bits.
pub(crate) const MAX_BITS: u32 = 1 << 16;
/// Smallest MPFR precision accepted from users, in bits.
pub(crate) const MIN_BITS: u32 = 2;

/// The working precision, chosen once at the edge of the program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    /// Hardware double precision.
    F64,
    /// MPFR binary floating point with this many mantissa bits.
    Bits(u32),
    /// Double-double ([`Dd`]): a 106-bit significand with f64's exponent
    /// range, the fast path for long plain-GD runs (docs/speed.md).
    Dd,
}

impl Precision {
    /// Parses `f64`, `dd` (double-double) or a number of bits (`53`, `128`, ...).
    pub fn parse(s: &str) -> crate::Result<Self> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("f64") || s.eq_ignore_ascii_case("double") {
            return Ok(Precision::F64);
        }
        if s.eq_ignore_ascii_case("dd") || s.eq_ignore_ascii_case("double-double") {
            return Ok(Precision::Dd);
        }
        let bits: u64 = s.parse().map_err(|_| {
            crate::Error::param(
                "precision",
                format!("{s:?} is neither `f64`, `dd` nor a number of bits such as 128"),
            )
        })?;
        if bits < u64::from(MIN_BITS) || bits > u64::from(MAX_BITS) {
            return Err(crate::Error::param(
                "precision",
                format!("{bits} bits is outside the supported range {MIN_BITS}..={MAX_BITS}"),
            ));
        }
        Ok(Precision::Bits(bits as u32))
    }

    /// Mantissa bits (53 for f64, 106 for double-double).
    pub fn bits(self) -> u32 {
        match self {
            Precision::F64 => 53,
            Precision::Bits(b) => b,
            Precision::Dd => 106,
        }
    }

    /// The command-line spelling that [`Precision::parse`] reads back: `f64`, `dd`, `128`.
    pub fn to_arg(self) -> String {
        match self {
            Precision::F64 => "f64".into(),
            Precision::Bits(b) => b.to_string(),
            Precision::Dd => "dd".into(),
        }
    }

    /// Human label: `f64` or `128 bits`.
    pub fn label(self) -> String {
        match self {
            Precision::F64 => "f64".into(),
            Precision::Bits(b) => format!("{b} bits"),
            Precision::Dd => "double-double (106 bits)".into(),
        }
    }
}

/// A real number type for optimizer code: f64 or an MPFR float.
///
/// All arithmetic is in place and rounds once per operation (to nearest).
pub trait Scalar: Clone + Debug + Send + Sync + 'static {
    /// Runtime context: `()` for f64, the precision in bits for MPFR.
    type Ctx: Copy + Debug + Send + Sync + 'static;

    /// The context of this value.
    fn ctx(&self) -> Self::Ctx;
    /// The context for a [`Precision`] (panics never; f64 ignores it).
    fn ctx_for(p: Precision) -> Self::Ctx;
    /// Mantissa bits of the context.
    fn bits(ctx: Self::Ctx) -> u32;
    /// Bits that error bounds and printed digits may assume: every operation is within a
    /// small multiple of `2^-accuracy_bits` relative. `bits` for correctly rounded types
    /// (f64, MPFR); less where an operation is accurate only to a few units of the last
    /// place (double-double: 8u² = 2^-103).
    fn accuracy_bits(ctx: Self::Ctx) -> u32 {
        Self::bits(ctx)
    }
    /// Zero.
    fn zero(ctx: Self::Ctx) -> Self;
    /// Nearest value to an f64 (exact whenever the precision is >= 53 bits).
    fn from_f64(x: f64, ctx: Self::Ctx) -> Self;
    /// Nearest value to a rational (one rounding).
    fn from_rational(q: &Rational, ctx: Self::Ctx) -> Self;
    /// The value equal to `q`, or `None` when `q` is not exactly a value of this type and
    /// context (a saved state is restored with it: `--resume`).
    fn from_rational_exact(q: &Rational, ctx: Self::Ctx) -> Option<Self> {
        let x = Self::from_rational(q, ctx);
        (x.to_rational().as_ref() == Some(q)).then_some(x)
    }
    /// Nearest f64 (may overflow to ±inf or underflow to 0 for MPFR values).
    fn to_f64(&self) -> f64;
    /// Exact rational value; `None` for NaN or ±∞.
    fn to_rational(&self) -> Option<Rational>;
    /// Decimal rendering with `digits` significant digits (scientific when needed).
    fn to_decimal(&self, digits: usize) -> String;
    /// The parts `(hi, lo)` of a double-double value ([`Dd`]), `None` for every other
    /// type: the a-priori rounding bound of a certified step reads its magnitudes
    /// (docs/theory/certify.md, "The a-priori bound for double-double").
    fn double_double_parts(&self) -> Option<(f64, f64)> {
        None
    }
    /// A bound, not a point: the `prec`-bit float next to the exact value in direction
    /// `round` (`Round::Down` gives a lower bound, `Round::Up` an upper one; exact when the
    /// value fits in `prec` bits). NaN for NaN and ±∞ as such.
    fn to_float_round(&self, prec: u32, round: Round) -> Float {
        match self.to_rational() {
            Some(q) => Float::with_val_round(prec, &q, round).0,
            None => Float::with_val(prec, self.to_f64()),
        }
    }

    /// `self = other`.
    fn set(&mut self, other: &Self);
    /// `self = x` (rounded).
    fn set_f64(&mut self, x: f64);
    /// `self += other`.
    fn add_assign(&mut self, other: &Self);
    /// `self -= other`.
    fn sub_assign(&mut self, other: &Self);
    /// `self *= other`.
    fn mul_assign(&mut self, other: &Self);
    /// `self /= other`.
    fn div_assign(&mut self, other: &Self);
    /// `self += a·b`: one rounding for MPFR (`mpfr_fma`); the product and the sum rounded
    /// separately for f64 (see its implementation); a few `u²·(|self| + |a·b|)` for
    /// double-double.
    fn mul_add_assign(&mut self, a: &Self, b: &Self);
    /// `self *= x` for a small float constant.
    fn mul_f64(&mut self, x: f64);
    /// `out_n = Σ_j a[n·d + j]·x_j` for a row-major matrix `a` with `d = x.len()` columns
    /// (one [`set_dot`](Scalar::set_dot) per row by default; a type may interleave rows).
    fn mat_vec(out: &mut [Self], a: &[Self], x: &[Self]) {
        if x.is_empty() {
            out.iter_mut().for_each(|o| o.set_f64(0.0));
            return;
        }
        for (o, row) in out.iter_mut().zip(a.chunks_exact(x.len())) {
            o.set_dot(row.iter().zip(x));
        }
    }
    /// `out_j = Σ_n a[n·d + j]·y_n` for a row-major matrix `a` with `d = out.len()`
    /// columns, summed over `n` in order (one [`set_dot`](Scalar::set_dot) per column by
    /// default; a type may interleave columns).
    fn mat_t_vec(out: &mut [Self], a: &[Self], y: &[Self]) {
        let d = out.len().max(1);
        for (j, o) in out.iter_mut().enumerate() {
            o.set_dot(y.iter().zip(a.iter().skip(j).step_by(d)));
        }
    }
    /// `self = Σ a_i·b_i` over the pairs. The default is `mul_add_assign` in order from
    /// zero; a type may accumulate faster (with a comparable error bound, documented there).
    fn set_dot<'a, I>(&mut self, pairs: I)
    where
        I: IntoIterator<Item = (&'a Self, &'a Self)>,
        Self: 'a,
    {
        self.set_f64(0.0);
        for (a, b) in pairs {
            self.mul_add_assign(a, b);
        }
    }
    /// `self = −self`.
    fn neg_mut(&mut self);
    /// `self = |self|`.
    fn abs_mut(&mut self);
    /// `self = e^self`.
    fn exp_mut(&mut self);
    /// `x = e^x` for every element (the default calls `exp_mut` on each; a type may
    /// evaluate several exponentials at once, with the same accuracy as `exp_mut`).
    fn exp_each(xs: &mut [Self]) {
        for x in xs {
            x.exp_mut();
        }
    }
    /// `self = ln(self)`.
    fn ln_mut(&mut self);
    /// `self = ln(1 + self)`.
    fn ln_1p_mut(&mut self);
    /// `self = √self`.
    fn sqrt_mut(&mut self);
    /// `self = 1/self`.
    fn recip_mut(&mut self);

    /// Neither NaN nor infinite.
    fn is_finite(&self) -> bool;
    /// Not a number (for the enclosure scalar: an end is NaN, so it encloses nothing). Never
    /// tested through a comparison: `partial_cmp_s` answers `None` also for undecided
    /// comparisons of enclosures that are numbers.
    fn is_nan(&self) -> bool;
    /// Exactly zero.
    fn is_zero(&self) -> bool;
    /// Total order on non-NaN values; `None` means NaN **or undecided**: the enclosure
    /// scalar ([`crate::certify::Interval`], whose values are intervals that contain an exact
    /// value) answers `None` for two overlapping enclosures, where the order of the exact
    /// values is not known, and decides only disjoint ones. `None` is never a branch.
    ///
    /// NaN policy of the crate: no caller maps `None` to a default order. Comparisons test
    /// for one outcome (`== Some(Ordering::Greater)`), so a NaN never wins a max, a min or an
    /// argmax and propagates through the arithmetic that follows, where the runner reports it
    /// as a non-finite event; sorts use `linalg::total_cmp` (NaN last, then refused
    /// by the caller as "not representable").
    fn partial_cmp_s(&self, other: &Self) -> Option<Ordering>;

    // ---- conveniences built on the primitives (allocate; not for hot loops) ----

    /// `e^self`, by value.
    fn exp(mut self) -> Self {
        self.exp_mut();
        self
    }
    /// `ln(self)`, by value.
    fn ln(mut self) -> Self {
        self.ln_mut();
        self
    }
    /// `√self`, by value.
    fn sqrt(mut self) -> Self {
        self.sqrt_mut();
        self
    }
    /// `|self|`, by value.
    fn abs(mut self) -> Self {
        self.abs_mut();
        self
    }
    /// `self + o`, by value.
    fn add(mut self, o: &Self) -> Self {
        self.add_assign(o);
        self
    }
    /// `self − o`, by value.
    fn sub(mut self, o: &Self) -> Self {
        self.sub_assign(o);
        self
    }
    /// `self · o`, by value.
    fn mul(mut self, o: &Self) -> Self {
        self.mul_assign(o);
        self
    }
    /// `self / o`, by value.
    fn div(mut self, o: &Self) -> Self {
        self.div_assign(o);
        self
    }
    /// Unit roundoff `2^−bits` as a power of two exponent: returns `bits`.
    fn unit_roundoff_bits(ctx: Self::Ctx) -> u32 {
        Self::bits(ctx)
    }
}

// ---- small generic helpers over the trait: their one home (objective, theory and ode use them) ----

/// Dot product `a·b` at working precision (a fused multiply-add per term).
pub fn dot<S: Scalar>(a: &[S], b: &[S], ctx: S::Ctx) -> S {
    let mut s = S::zero(ctx);
    for (x, y) in a.iter().zip(b) {
        s.mul_add_assign(x, y);
    }
    s
}

/// Euclidean norm `‖a‖₂`, the square root of [`dot`]`(a, a)`.
pub fn norm<S: Scalar>(a: &[S], ctx: S::Ctx) -> S {
    dot(a, a, ctx).sqrt()
}

/// `a < b` (false if either is NaN).
pub fn lt<S: Scalar>(a: &S, b: &S) -> bool {
    a.partial_cmp_s(b) == Some(Ordering::Less)
}

/// `ln Σ_n e^{a_n}` (log-sum-exp with a max shift). `a` must be non-empty. A NaN first value
/// is returned as it is; an infinite maximum is returned as it is (the sum is `+∞`, or `0`
/// when every value is `−∞`).
pub fn log_sum_exp<S: Scalar>(a: &[S]) -> S {
    let mut m = a[0].clone();
    for v in &a[1..] {
        if v.partial_cmp_s(&m) == Some(Ordering::Greater) {
            m.set(v);
        }
    }
    if !m.is_finite() {
        return m;
    }
    let mut s = S::zero(m.ctx());
    let mut t = S::zero(m.ctx());
    for v in a {
        t.set(v);
        t.sub_assign(&m);
        t.exp_mut();
        s.add_assign(&t);
    }
    s.ln_mut();
    s.add_assign(&m);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precision_parsing() {
        assert_eq!(Precision::parse("f64").unwrap(), Precision::F64);
        assert_eq!(Precision::parse("128").unwrap(), Precision::Bits(128));
        for bad in ["0", "1", "1000000000", "abc", "-5"] {
            assert!(Precision::parse(bad).is_err(), "{bad}");
        }
    }
}
