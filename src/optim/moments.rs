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

/// Sign of `x` as −1, 0 or +1 (`zero` is a zero of the right context; NaN counts as 0);
/// [`Event::Undecided`](crate::objective::Event) for an enclosure that contains numbers of
/// both signs (or 0 and others), whose exact sign is not known.
pub(crate) fn sign<S: Scalar>(x: &S, zero: &S) -> Result<i8, crate::objective::Event> {
    match x.partial_cmp_s(zero) {
        Some(Ordering::Greater) => Ok(1),
        Some(Ordering::Less) => Ok(-1),
        Some(Ordering::Equal) => Ok(0),
        None if x.is_nan() => Ok(0),
        None => Err(crate::objective::Event::Undecided),
    }
}

/// `acc ← keep·acc + c·g²` (`keep`, `c` default to 1), using `tmp` as scratch.
///
/// Returns `false` when the square is lost *and that changes the result*: `g ≠ 0` but `c·g²`
/// is exactly zero (below the range of the precision; f64: `|g| ≲ 1.5e−154`), while neither
/// the accumulator (after the decay) is a normal number — next to which the lost term
/// (`< 2^−1075`) would be below half an ulp anyway — nor `floor` (an ε that dominates the
/// denominator) says it cannot matter. The caller reports `false` as an
/// [`Event::Underflow`](crate::objective::Event), never silently continues. MPFR's exponent
/// range never loses the square.
pub(crate) fn accumulate_square<S: Scalar>(
    acc: &mut S,
    g: &S,
    keep: Option<&S>,
    c: Option<&S>,
    floor: bool,
    tmp: &mut S,
) -> bool {
    tmp.set(g);
    tmp.mul_assign(g);
    if let Some(c) = c {
        tmp.mul_assign(c);
    }
    if let Some(k) = keep {
        acc.mul_assign(k);
    }
    if tmp.is_zero() && !g.is_zero() && !floor && acc.to_f64().abs() < f64::MIN_POSITIVE {
        return false;
    }
    acc.add_assign(tmp);
    true
}

/// Whether `ε` (exact) keeps a lost square from mattering: for a denominator `G + ε` (AdaGrad)
/// when `ε ≥ 2^−1022`; for `√v + ε` (RMSProp, Adam) when `ε ≥ 2^−480`, far above the
/// `√(2^−1075) ≈ 2^−537` a lost square could contribute.
pub(crate) fn eps_floor(eps: &rug::Rational, inside_root: bool) -> bool {
    let bits: u32 = if inside_root { 1022 } else { 480 };
    *eps >= (rug::Rational::from(1) >> bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn square_underflow_is_reported_in_f64_only() {
        let mut acc = 0.0f64;
        let mut tmp = 0.0;
        assert!(accumulate_square(
            &mut acc, &1e-160, None, None, false, &mut tmp
        ));
        assert_eq!(acc, 1e-320); // a subnormal: the next lost square would matter
                                 // (1e-170)² = 1e-340 is below the smallest subnormal (4.9e-324): reported.
        assert!(!accumulate_square(
            &mut acc, &1e-170, None, None, false, &mut tmp
        ));
        // ... unless an ε floor makes it irrelevant,
        assert!(accumulate_square(
            &mut acc, &1e-170, None, None, true, &mut tmp
        ));
        // ... or the accumulator is a normal number (the lost term is below half an ulp).
        let mut big = 1e-300;
        assert!(accumulate_square(
            &mut big, &1e-170, None, None, false, &mut tmp
        ));
        assert_eq!(big, 1e-300);
        assert!(accumulate_square(
            &mut acc, &0.0, None, None, false, &mut tmp
        ));
        // MPFR's exponent range holds the same square.
        let mut a = rug::Float::new(64);
        let mut t = rug::Float::new(64);
        let g = rug::Float::with_val(64, 1e-170);
        assert!(accumulate_square(&mut a, &g, None, None, false, &mut t));
        assert!(!a.is_zero());
    }

    #[test]
    fn eps_floors() {
        let r = |p: i64, q: i64| rug::Rational::from((p, q));
        assert!(eps_floor(&r(1, 100_000_000), false));
        assert!(!eps_floor(&r(0, 1), false));
        assert!(!eps_floor(&r(0, 1), true));
        assert!(eps_floor(&r(1, 100_000_000), true));
    }

    #[test]
    fn dominant_point_and_sign() {
        assert_eq!(dominant_point(&[0.1, 0.7, 0.2]), 1);
        assert_eq!(dominant_point::<f64>(&[]), 0);
        assert_eq!(sign(&-2.0, &0.0), Ok(-1));
        assert_eq!(sign(&0.0, &0.0), Ok(0));
        assert_eq!(sign(&3.0, &0.0), Ok(1));
        assert_eq!(sign(&f64::NAN, &0.0), Ok(0));
    }
}
