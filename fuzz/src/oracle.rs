//! The exact oracles against the independent checker, on planted and on raw data.
//!
//! * planted data (separable by construction, direction `u`): the oracle must say
//!   separable, its certificate must pass `cert::check`, and its margin must be at least
//!   the planted direction's (`u/m` with `m = min_n y_n u·x_n` is feasible, so
//!   `‖ŵ‖ ≤ ‖u‖/m`: ℓ2 `value·m² ≤ ‖u‖₂²`, LP `value·m ≤ ‖u‖`);
//! * raw data: a certificate that passes `cert::check` or a witness that passes
//!   `cert::check_witness`;
//! * scaling (theory §0, the margin problem is homogeneous): on `cX`, `c > 0`, the value is
//!   `value/c²` (ℓ2) or `value/c` (LP), and for ℓ2 (unique `ŵ`) `ŵ(cX) = ŵ(X)/c`;
//! * `θ` is `min_{n ∉ S} z_n·ŵ`, or absent when every point is on the margin.

use super::data::{dot, planted, raw};
use super::input::Bytes;
use implicit_bias::cert::{check, check_witness, Norm};
use implicit_bias::data::Dataset;
use implicit_bias::oracle::{solve, MaxMargin, Outcome};
use rug::Rational;

fn norm_of(v: &[Rational], norm: Norm) -> Rational {
    let abs = v.iter().map(|q| Rational::from(q.abs_ref()));
    match norm {
        Norm::L1 => abs.fold(Rational::new(), |a, b| a + b),
        Norm::L2 => dot(v, v), // squared, as the ℓ2 certificate's value
        Norm::LInf => abs.fold(Rational::new(), |a, b| a.max(b)),
    }
}

fn solve_ok(data: &Dataset, norm: Norm) -> Outcome {
    solve(data, norm)
        .unwrap_or_else(|e| panic!("the {} oracle failed: {e}\ndata: {data:?}", norm.name()))
}

/// Checks a separable outcome: certificate, norm, θ.
fn check_separable(data: &Dataset, norm: Norm, mm: &MaxMargin) {
    assert_eq!(mm.cert.norm, norm, "certificate for the wrong norm");
    if let Err(v) = check(data, &mm.cert) {
        panic!(
            "the {} certificate fails the checker: {v}\ncertificate: {:?}\ndata: {data:?}",
            norm.name(),
            mm.cert
        );
    }
    let z = data.signed_points_exact();
    let theta = z
        .iter()
        .enumerate()
        .filter(|(i, _)| !mm.cert.support.contains(i))
        .map(|(_, zn)| dot(zn, &mm.cert.w))
        .min();
    assert_eq!(
        mm.theta, theta,
        "θ is not min over non-support points of z·ŵ"
    );
}

/// A decoded input: the norm, the data and, for planted data, the direction `u` with
/// `m = min_n y_n u·x_n`.
pub type Decoded = (Norm, Dataset, Option<(Vec<Rational>, Rational)>);

/// Decodes the bytes (`lp` selects ℓ1/ℓ∞, the norm from the bytes; otherwise ℓ2).
pub fn decode(bytes: &[u8], lp: bool) -> Decoded {
    decode_from(&mut Bytes::new(bytes), lp)
}

fn decode_from(b: &mut Bytes, lp: bool) -> Decoded {
    let norm = if !lp {
        Norm::L2
    } else if b.bool() {
        Norm::L1
    } else {
        Norm::LInf
    };
    let (data, planted_u) = if b.u8() < 160 {
        let p = planted(b, 12, 4);
        let m = p.min_signed_margin();
        (p.data, Some((p.u, m)))
    } else {
        (raw(b, 12, 4), None)
    };
    (norm, data, planted_u)
}

/// The invariant for one input; `lp` selects the ℓ1/ℓ∞ oracle (norm from the bytes).
pub fn check_oracle(bytes: &[u8], lp: bool) {
    let mut b = Bytes::new(bytes);
    let (norm, data, planted_u) = decode_from(&mut b, lp);
    let outcome = solve_ok(&data, norm);
    match &outcome {
        Outcome::Separable(mm) => {
            check_separable(&data, norm, mm);
            if let Some((u, m)) = &planted_u {
                let bound = norm_of(u, norm);
                let lhs = match norm {
                    Norm::L2 => Rational::from(&mm.cert.value * m) * m,
                    _ => Rational::from(&mm.cert.value * m),
                };
                assert!(
                    lhs <= bound,
                    "the {} margin is below the planted direction's: value {} , u = {u:?}, \
                     min y u·x = {m}\ndata: {data:?}",
                    norm.name(),
                    mm.cert.value
                );
            }
        }
        Outcome::NotSeparable(w) => {
            assert!(
                planted_u.is_none(),
                "planted (separable) data reported not separable\ndata: {data:?}"
            );
            if let Err(v) = check_witness(&data, w) {
                panic!("the witness fails the checker: {v}\nwitness: {w:?}\ndata: {data:?}");
            }
        }
    }
    if b.u8() < 64 {
        let c = b.positive_rational(7, 7);
        let scaled = data.scaled(&c);
        let again = solve_ok(&scaled, norm);
        match (&outcome, &again) {
            (Outcome::Separable(a), Outcome::Separable(s)) => {
                check_separable(&scaled, norm, s);
                let expect = match norm {
                    Norm::L2 => Rational::from(&a.cert.value / &c) / &c,
                    _ => Rational::from(&a.cert.value / &c),
                };
                assert_eq!(s.cert.value, expect, "value does not scale (c = {c})");
                if norm == Norm::L2 {
                    let w: Vec<Rational> =
                        a.cert.w.iter().map(|q| Rational::from(q / &c)).collect();
                    assert_eq!(s.cert.w, w, "ℓ2 ŵ(cX) ≠ ŵ(X)/c (c = {c})");
                }
            }
            (Outcome::NotSeparable(_), Outcome::NotSeparable(w)) => {
                assert_eq!(check_witness(&scaled, w), Ok(()));
            }
            _ => panic!("scaling by {c} changed separability\ndata: {data:?}"),
        }
    }
}
