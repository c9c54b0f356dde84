//! The `f64` [`Scalar`]: hardware double precision, its matrix kernels interleaved over rows
//! and columns with the operations of the default ones.

use super::{format_sig_f64, Precision, Scalar};
use rug::float::Round;
use rug::{Float, Rational};
use std::cmp::Ordering;

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
    /// `F64_LANES` columns at a time (then 4, 2, 1), their sums held in registers over one
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
    fn is_nan(&self) -> bool {
        f64::is_nan(*self)
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

#[cfg(test)]
mod tests {
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
}
