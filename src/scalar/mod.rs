//! One scalar layer: every optimizer, loss and metric is written once against [`Scalar`],
//! implemented for `f64` and for MPFR floats (`rug::Float`) at a precision chosen at run time,
//! and for the 106-bit double-double [`Dd`](crate::fast::Dd) (docs/speed.md).
//!
//! `rug::Float` is neither `Copy` nor has a static epsilon, so the trait asks for neither:
//! values are `Clone`, a runtime context ([`Scalar::Ctx`]) carries the precision, and the
//! operations are in place (`&mut self`) so hot loops allocate nothing.

use rug::float::Round;
use rug::{Float, Rational};
use std::cmp::Ordering;
use std::fmt::Debug;

/// Largest MPFR precision accepted from users, in bits.
pub const MAX_BITS: u32 = 1 << 16;
/// Smallest MPFR precision accepted from users, in bits.
pub const MIN_BITS: u32 = 2;

/// The working precision, chosen once at the edge of the program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    /// Hardware double precision.
    F64,
    /// MPFR binary floating point with this many mantissa bits.
    Bits(u32),
    /// Double-double ([`Dd`](crate::fast::Dd)): a 106-bit significand with f64's exponent
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
    /// The parts `(hi, lo)` of a double-double value (`fast::Dd`), `None` for every other
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
    /// as a non-finite event; sorts use `theory::linalg::total_cmp` (NaN last, then refused
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

impl Scalar for f64 {
    type Ctx = ();
    fn ctx(&self) {}
    fn ctx_for(_: Precision) {}
    fn bits(_: ()) -> u32 {
        53
    }
    fn zero(_: ()) -> Self {
        0.0
    }
    fn from_f64(x: f64, _: ()) -> Self {
        x
    }
    fn from_rational(q: &Rational, _: ()) -> Self {
        // `Rational::to_f64` truncates towards zero; the contract is the nearest value. MPFR
        // rounds to nearest at 53 bits (unbounded exponent); the conversion to f64 is then
        // exact except in the subnormal range (a second rounding there) and at overflow
        Float::with_val(53, q).to_f64()
    }
    fn to_f64(&self) -> f64 {
        *self
    }
    fn to_rational(&self) -> Option<Rational> {
        Rational::from_f64(*self)
    }
    fn to_decimal(&self, digits: usize) -> String {
        format_sig_f64(*self, digits)
    }
    fn to_float_round(&self, prec: u32, round: Round) -> Float {
        Float::with_val_round(prec, *self, round).0
    }
    fn set(&mut self, other: &Self) {
        *self = *other;
    }
    fn set_f64(&mut self, x: f64) {
        *self = x;
    }
    fn add_assign(&mut self, other: &Self) {
        *self += *other;
    }
    fn sub_assign(&mut self, other: &Self) {
        *self -= *other;
    }
    fn mul_assign(&mut self, other: &Self) {
        *self *= *other;
    }
    fn div_assign(&mut self, other: &Self) {
        *self /= *other;
    }
    /// `self = fl(fl(a·b) + self)`, error at most `u·(|a·b| + |a·b + self|)`, `u = 2^-53`.
    /// Two roundings on purpose: the portable x86-64 target has no FMA instruction, and
    /// `f64::mul_add` there is a call to a software-dispatched `fma` per operation (half the
    /// time of f64 GD at N = 100, d = 10; docs/speed.md). Rust never contracts `a*b + c`, so
    /// the results are the same for every build and target.
    #[inline(always)]
    fn mul_add_assign(&mut self, a: &Self, b: &Self) {
        *self += *a * *b;
    }
    fn mul_f64(&mut self, x: f64) {
        *self *= x;
    }
    /// Four rows at a time (independent sums that the processor overlaps), each summed over
    /// `j` in order from 0 with the operations of `set_dot`, so the results are identical
    /// to the default.
    fn mat_vec(out: &mut [Self], a: &[Self], x: &[Self]) {
        let d = x.len();
        if d == 0 {
            out.iter_mut().for_each(|o| *o = 0.0);
            return;
        }
        let mut blocks = out.chunks_exact_mut(4).zip(a.chunks_exact(4 * d));
        for (o, block) in &mut blocks {
            let mut rows = block.chunks_exact(d);
            let (Some(r0), Some(r1), Some(r2), Some(r3)) =
                (rows.next(), rows.next(), rows.next(), rows.next())
            else {
                continue; // unreachable: a block holds exactly four rows
            };
            let mut acc = [0.0f64; 4];
            for ((((xj, a0), a1), a2), a3) in x.iter().zip(r0).zip(r1).zip(r2).zip(r3) {
                for (s, z) in acc.iter_mut().zip([a0, a1, a2, a3]) {
                    s.mul_add_assign(z, xj);
                }
            }
            o.copy_from_slice(&acc);
        }
        let done = out.len() / 4 * 4;
        for (o, row) in out[done..].iter_mut().zip(a[done * d..].chunks_exact(d)) {
            o.set_dot(row.iter().zip(x));
        }
    }
    /// [`F64_LANES`] columns at a time (then 4, 2, 1), their sums held in registers over one
    /// pass through the rows; each column is summed over `n` in order from 0 with the
    /// operations of `set_dot`, so the results are identical to the default.
    fn mat_t_vec(out: &mut [Self], a: &[Self], y: &[Self]) {
        let mut j = 0;
        while j + F64_LANES <= out.len() {
            mat_t_vec_f64_lanes::<F64_LANES>(out, j, a, y);
            j += F64_LANES;
        }
        for width in [4, 2, 1] {
            while j + width <= out.len() {
                match width {
                    4 => mat_t_vec_f64_lanes::<4>(out, j, a, y),
                    2 => mat_t_vec_f64_lanes::<2>(out, j, a, y),
                    _ => mat_t_vec_f64_lanes::<1>(out, j, a, y),
                }
                j += width;
            }
        }
    }
    fn neg_mut(&mut self) {
        *self = -*self;
    }
    fn abs_mut(&mut self) {
        *self = f64::abs(*self);
    }
    fn exp_mut(&mut self) {
        *self = f64::exp(*self);
    }
    fn ln_mut(&mut self) {
        *self = f64::ln(*self);
    }
    fn ln_1p_mut(&mut self) {
        *self = f64::ln_1p(*self);
    }
    fn sqrt_mut(&mut self) {
        *self = f64::sqrt(*self);
    }
    fn recip_mut(&mut self) {
        *self = 1.0 / *self;
    }
    fn is_finite(&self) -> bool {
        f64::is_finite(*self)
    }
    fn is_zero(&self) -> bool {
        *self == 0.0
    }
    fn partial_cmp_s(&self, other: &Self) -> Option<Ordering> {
        self.partial_cmp(other)
    }
}

/// Columns summed together by the f64 `mat_t_vec`: independent dependency chains enough to
/// hide the latency of an addition.
const F64_LANES: usize = 8;

/// Columns `j0..j0 + L` of `Σ_n a[n·d + j]·y_n`, `d = out.len()`, each summed over `n` in
/// order from 0.
#[inline(always)]
fn mat_t_vec_f64_lanes<const L: usize>(out: &mut [f64], j0: usize, a: &[f64], y: &[f64]) {
    let d = out.len();
    let mut acc = [0.0f64; L];
    for (row, yn) in a.chunks_exact(d).zip(y) {
        // The callers keep j0 + L <= d, so the slice is in bounds and has length L.
        if let Ok(cols) = <&[f64; L]>::try_from(&row[j0..j0 + L]) {
            for (s, z) in acc.iter_mut().zip(cols) {
                s.mul_add_assign(z, yn);
            }
        }
    }
    out[j0..j0 + L].copy_from_slice(&acc);
}

impl Scalar for Float {
    type Ctx = u32;
    fn ctx(&self) -> u32 {
        self.prec()
    }
    fn ctx_for(p: Precision) -> u32 {
        p.bits()
    }
    fn bits(ctx: u32) -> u32 {
        ctx
    }
    fn zero(ctx: u32) -> Self {
        Float::new(ctx)
    }
    fn from_f64(x: f64, ctx: u32) -> Self {
        Float::with_val(ctx, x)
    }
    fn from_rational(q: &Rational, ctx: u32) -> Self {
        Float::with_val(ctx, q)
    }
    fn to_f64(&self) -> f64 {
        Float::to_f64(self)
    }
    fn to_rational(&self) -> Option<Rational> {
        Float::to_rational(self)
    }
    fn to_decimal(&self, digits: usize) -> String {
        format_sig_float(self, digits)
    }
    fn to_float_round(&self, prec: u32, round: Round) -> Float {
        Float::with_val_round(prec, self, round).0
    }
    fn set(&mut self, other: &Self) {
        rug::Assign::assign(self, other);
    }
    fn set_f64(&mut self, x: f64) {
        rug::Assign::assign(self, x);
    }
    fn add_assign(&mut self, other: &Self) {
        *self += other;
    }
    fn sub_assign(&mut self, other: &Self) {
        *self -= other;
    }
    fn mul_assign(&mut self, other: &Self) {
        *self *= other;
    }
    fn div_assign(&mut self, other: &Self) {
        *self /= other;
    }
    fn mul_add_assign(&mut self, a: &Self, b: &Self) {
        *self += a * b;
    }
    fn mul_f64(&mut self, x: f64) {
        *self *= x;
    }
    fn neg_mut(&mut self) {
        rug::ops::NegAssign::neg_assign(self);
    }
    fn abs_mut(&mut self) {
        Float::abs_mut(self);
    }
    fn exp_mut(&mut self) {
        Float::exp_mut(self);
    }
    fn ln_mut(&mut self) {
        Float::ln_mut(self);
    }
    fn ln_1p_mut(&mut self) {
        Float::ln_1p_mut(self);
    }
    fn sqrt_mut(&mut self) {
        Float::sqrt_mut(self);
    }
    fn recip_mut(&mut self) {
        Float::recip_mut(self);
    }
    fn is_finite(&self) -> bool {
        Float::is_finite(self)
    }
    fn is_zero(&self) -> bool {
        Float::is_zero(self)
    }
    fn partial_cmp_s(&self, other: &Self) -> Option<Ordering> {
        self.partial_cmp(other)
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

/// Formats an f64 with `digits` significant digits: fixed notation for moderate magnitudes,
/// scientific otherwise. Deterministic (Rust's float formatting is exact and platform-free).
pub fn format_sig_f64(x: f64, digits: usize) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    if x == 0.0 {
        return "0".into();
    }
    let digits = digits.max(1);
    let e = x.abs().log10().floor() as i32;
    // fixed notation only where it shows no digit beyond the `digits` significant ones
    // (87814.6 at 4 digits is 8.781e4, not 87815 or 87810)
    if (-4..15).contains(&e) && e < digits as i32 {
        let decimals = (digits as i32 - 1 - e).max(0) as usize;
        format!("{x:.decimals$}")
    } else {
        format!("{:.*e}", digits - 1, x)
    }
}

/// Formats an MPFR float with `digits` significant digits, correctly rounded (MPFR's own
/// decimal conversion), in the same layout as [`format_sig_f64`].
pub fn format_sig_float(x: &Float, digits: usize) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN".into()
        } else if x.is_sign_negative() {
            "-inf".into()
        } else {
            "inf".into()
        };
    }
    if x.is_zero() {
        return "0".into();
    }
    let digits = digits.max(1);
    let (neg, mant, exp) = x.to_sign_string_exp_round(10, Some(digits), Round::Nearest);
    // value = 0.mant × 10^exp
    let exp = exp.unwrap_or(0);
    let mant = mant.trim_end_matches('0');
    let mant = if mant.is_empty() { "0" } else { mant };
    let sign = if neg { "-" } else { "" };
    let e = exp - 1; // decimal exponent of the leading digit
                     // fixed notation only where it shows no digit beyond the `digits` significant ones: an
                     // integer part longer than that would pad with zeros that read as digits (87814.6 at 4
                     // digits printed as 87810, which a reader, and the pipeline fuzz target, took for ±0.5)
    if (-4..15).contains(&e) && e < digits as i32 {
        // fixed notation with exactly `digits` significant digits (pad with zeros)
        let mut m: String = mant.to_string();
        while m.len() < digits {
            m.push('0');
        }
        let s = if e >= 0 {
            let int_len = (e + 1) as usize;
            if m.len() <= int_len {
                let mut s = m.clone();
                while s.len() < int_len {
                    s.push('0');
                }
                s
            } else {
                format!("{}.{}", &m[..int_len], &m[int_len..])
            }
        } else {
            format!("0.{}{}", "0".repeat((-e - 1) as usize), m)
        };
        format!("{sign}{s}")
    } else {
        let mut m: String = mant.to_string();
        while m.len() < digits {
            m.push('0');
        }
        let frac = &m[1..];
        if frac.is_empty() {
            format!("{sign}{}e{e}", &m[..1])
        } else {
            format!("{sign}{}.{}e{e}", &m[..1], frac)
        }
    }
}

/// Formats an exact rational with `digits` significant digits, correctly rounded to nearest,
/// in the layout of [`format_sig_float`]; a value whose decimal expansion ends within those
/// digits is printed exactly, without trailing zeros (`1/2` → `0.5`, `3` → `3`).
///
/// The rational is first rounded to a binary float and MPFR rounds that to decimal; the
/// decimal is then checked against the exact value (within half a unit of its last digit)
/// and the binary precision doubled in the rare case where a decimal rounding boundary lies
/// between the two, so every digit printed is the exact value's.
pub fn format_sig_rational(q: &Rational, digits: usize) -> String {
    if *q == 0 {
        return "0".into();
    }
    let digits = digits.max(1);
    let mut prec = 64 + 4 * digits as u32;
    loop {
        let (f, ord) = Float::with_val_round(prec, q, Round::Nearest);
        let (neg, mant, exp) = f.to_sign_string_exp_round(10, Some(digits), Round::Nearest);
        // the decimal printed: ±0.mant × 10^exp, in units of 10^(exp − len(mant))
        let exp = i64::from(exp.unwrap_or(0));
        let scale = |k: i64| -> Rational {
            let p = rug::Integer::from(rug::Integer::u_pow_u(10, k.unsigned_abs() as u32));
            if k >= 0 {
                Rational::from(p)
            } else {
                Rational::from((rug::Integer::from(1), p))
            }
        };
        let m = mant.parse::<rug::Integer>().unwrap_or_default();
        let mut value = Rational::from(m) * scale(exp - mant.len() as i64);
        if neg {
            value = -value;
        }
        let err = Rational::from(q - &value).abs() * 2u32;
        if ord == Ordering::Equal || err <= scale(exp - digits as i64) {
            let s = format_sig_float(&f, digits);
            return if value == *q { trim_zeros(&s) } else { s };
        }
        prec *= 2;
    }
}

/// `0.500` → `0.5`, `2.000e20` → `2e20`, `120` → `120`: drops the zeros a fraction ends with.
fn trim_zeros(s: &str) -> String {
    let (mant, exp) = match s.find('e') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    };
    if !mant.contains('.') {
        return s.to_string();
    }
    format!("{}{exp}", mant.trim_end_matches('0').trim_end_matches('.'))
}

#[cfg(test)]
mod tests {
    /// Hand-derived decimals: exact ones without trailing zeros, others rounded to nearest
    /// (2/3 = 0.666…, 1/7 = 0.142857142857142857…, -10^17/3 = -3.33…e16).
    #[test]
    fn rationals_are_rounded_correctly_and_exact_ones_trimmed() {
        let q = |p: i64, d: i64| Rational::from((p, d));
        assert_eq!(format_sig_rational(&q(1, 2), 12), "0.5");
        assert_eq!(format_sig_rational(&q(3, 1), 12), "3");
        assert_eq!(format_sig_rational(&q(-5, 4), 12), "-1.25");
        assert_eq!(format_sig_rational(&q(2, 3), 12), "0.666666666667");
        assert_eq!(format_sig_rational(&q(1, 7), 12), "0.142857142857");
        assert_eq!(format_sig_rational(&q(1, 7), 5), "0.14286");
        assert_eq!(
            format_sig_rational(&q(-100_000_000_000_000_000, 3), 4),
            "-3.333e16"
        );
        assert_eq!(format_sig_rational(&q(1, 1 << 20), 12), "9.53674316406e-7");
        assert_eq!(format_sig_rational(&Rational::new(), 12), "0");
        // an integer part longer than the digits goes scientific (no zeros read as digits)
        assert_eq!(format_sig_rational(&q(12345, 1), 3), "1.23e4");
        assert_eq!(format_sig_rational(&q(87810, 1), 4), "8.781e4");
        assert_eq!(format_sig_rational(&q(8781, 1), 4), "8781");
        assert_eq!(format_sig_f64(87814.62109, 4), "8.781e4");
        assert_eq!(format_sig_f64(8781.4, 4), "8781");
        assert_eq!(
            format_sig_float(&Float::with_val(53, 87814.62109), 4),
            "8.781e4"
        );
        // a tie of the binary value on the way: 0.125 + 2^-200 must round up at 2 digits
        let near = Rational::from((1, 8)) + Rational::from((1, rug::Integer::from(1) << 200));
        assert_eq!(format_sig_rational(&near, 2), "0.13");
        let below = Rational::from((1, 8)) - Rational::from((1, rug::Integer::from(1) << 200));
        assert_eq!(format_sig_rational(&below, 2), "0.12");
    }

    use super::*;

    /// The f64 of a rational is the nearest one: Rust's decimal parser rounds correctly, so
    /// `"0.1"`, `"2.3"`, `"-7.7"` and `"1e-300"` parse to the witnesses, as 1.0/3.0 is (`Rational::to_f64`
    /// truncates: 1/10 came out one unit in the last place below 0.1).
    #[test]
    fn f64_from_rational_is_the_nearest_value() {
        for (text, num, den) in [("0.1", 1i64, 10i64), ("2.3", 23, 10), ("-7.7", -77, 10)] {
            let want: f64 = text.parse().unwrap();
            let got = <f64 as Scalar>::from_rational(&Rational::from((num, den)), ());
            assert_eq!(got, want, "{num}/{den}");
        }
        // IEEE division is correctly rounded too
        assert_eq!(
            <f64 as Scalar>::from_rational(&Rational::from((1, 3)), ()),
            1.0 / 3.0
        );
        let tiny = crate::data::parse_rational("1e-300").expect("a valid number");
        let got = <f64 as Scalar>::from_rational(&tiny, ());
        assert_eq!(got, "1e-300".parse::<f64>().unwrap());
    }

    #[test]
    fn formats_agree_between_f64_and_mpfr() {
        for &(x, d) in &[
            (1.0f64, 5usize),
            (0.125, 3),
            (-123.456, 6),
            (6.02e23, 4),
            (1.5e-7, 3),
            (0.00123, 2),
        ] {
            let f = Float::with_val(200, x);
            assert_eq!(format_sig_f64(x, d), format_sig_float(&f, d), "x={x} d={d}");
        }
    }

    #[test]
    fn f64_matrix_kernels_equal_one_dot_per_row_and_column() {
        // Shapes that exercise every block width and remainder; zeros and signed zeros too.
        let mut rng = crate::data::generate::SplitMix64::new(7);
        let mut unif = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        for (n, d) in [(1, 1), (3, 2), (5, 3), (9, 8), (20, 2), (13, 15), (7, 21)] {
            let a: Vec<f64> = (0..n * d)
                .map(|k| match k % 11 {
                    0 => 0.0,
                    1 => -0.0,
                    _ => unif() * 2.0 - 1.0,
                })
                .collect();
            let x: Vec<f64> = (0..d).map(|_| unif() * 40.0 - 20.0).collect();
            let y: Vec<f64> = (0..n).map(|_| unif() * 1e-3).collect();
            let mut u = vec![1.0; n];
            f64::mat_vec(&mut u, &a, &x);
            for (i, ui) in u.iter().enumerate() {
                let mut s = 0.0;
                s.set_dot(a[i * d..(i + 1) * d].iter().zip(&x));
                assert_eq!(ui.to_bits(), s.to_bits(), "mat_vec n={n} d={d} row {i}");
            }
            let mut g = vec![1.0; d];
            f64::mat_t_vec(&mut g, &a, &y);
            for (j, gj) in g.iter().enumerate() {
                let mut s = 0.0;
                s.set_dot(y.iter().zip(a.iter().skip(j).step_by(d)));
                assert_eq!(
                    gj.to_bits(),
                    s.to_bits(),
                    "mat_t_vec n={n} d={d} column {j}"
                );
            }
        }
    }

    #[test]
    fn precision_parsing() {
        assert_eq!(Precision::parse("f64").unwrap(), Precision::F64);
        assert_eq!(Precision::parse("128").unwrap(), Precision::Bits(128));
        for bad in ["0", "1", "1000000000", "abc", "-5"] {
            assert!(Precision::parse(bad).is_err(), "{bad}");
        }
    }
}
