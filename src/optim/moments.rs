//! Pieces shared by the optimizers: the dominant point (for underflow reports), signs, and
//! the squared-gradient accumulation of the adaptive methods with an explicit underflow check.

use crate::scalar::Scalar;
use std::cmp::Ordering;

/// Index of the largest weight (the point that carries the gradient); 0 for an empty slice.
pub(crate) fn dominant_point<S: Scalar>(weights: &[S]) -> usize {
    let mut best = 0;
    for (n, w) in weights.iter().enumerate().skip(1) {
        if w.partial_cmp_s(&weights[best]) == Some(Ordering::Greater) {
            best = n;
        }
    }
    best
}

/// Whether the optimizer memory has exactly these slot lengths (else the optimizer
/// (re)initializes it, so a state from another method can never index out of range).
pub(crate) fn has_shape<S: Scalar>(memory: &[Vec<S>], shape: &[usize]) -> bool {
    memory.len() == shape.len() && memory.iter().zip(shape).all(|(m, &l)| m.len() == l)
}

/// Sign of `x` as −1, 0 or +1 (`zero` is a zero of the right context; NaN counts as 0).
pub(crate) fn sign<S: Scalar>(x: &S, zero: &S) -> i8 {
    match x.partial_cmp_s(zero) {
        Some(Ordering::Greater) => 1,
        Some(Ordering::Less) => -1,
        _ => 0,
    }
}

/// `acc ← keep·acc + c·g²` (`keep`, `c` default to 1), using `tmp` as scratch.
///
/// Returns `false` when `g ≠ 0` but `c·g²` is exactly zero: the square is below the range of
/// the precision (f64: `|g| < 1.5e−154`), so the accumulator no longer sees this gradient.
/// The caller reports that as an [`Event::Underflow`](crate::objective::Event), never
/// silently continues.
pub(crate) fn accumulate_square<S: Scalar>(
    acc: &mut S,
    g: &S,
    keep: Option<&S>,
    c: Option<&S>,
    tmp: &mut S,
) -> bool {
    tmp.set(g);
    tmp.mul_assign(g);
    if let Some(c) = c {
        tmp.mul_assign(c);
    }
    if tmp.is_zero() && !g.is_zero() {
        return false;
    }
    if let Some(k) = keep {
        acc.mul_assign(k);
    }
    acc.add_assign(tmp);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn square_underflow_is_reported_in_f64_only() {
        let mut acc = 0.0f64;
        let mut tmp = 0.0;
        assert!(accumulate_square(&mut acc, &1e-150, None, None, &mut tmp));
        assert_eq!(acc, 1e-300);
        // (1e-170)² = 1e-340 is below the smallest subnormal (4.9e-324): reported.
        assert!(!accumulate_square(&mut acc, &1e-170, None, None, &mut tmp));
        assert!(accumulate_square(&mut acc, &0.0, None, None, &mut tmp));
        // MPFR's exponent range holds the same square.
        let mut a = rug::Float::new(64);
        let mut t = rug::Float::new(64);
        let g = rug::Float::with_val(64, 1e-170);
        assert!(accumulate_square(&mut a, &g, None, None, &mut t));
        assert!(!a.is_zero());
    }

    #[test]
    fn dominant_point_and_sign() {
        assert_eq!(dominant_point(&[0.1, 0.7, 0.2]), 1);
        assert_eq!(dominant_point::<f64>(&[]), 0);
        assert_eq!(sign(&-2.0, &0.0), -1);
        assert_eq!(sign(&0.0, &0.0), 0);
        assert_eq!(sign(&3.0, &0.0), 1);
    }
}
