//! The certified tail of the log-time flow (docs/theory/flow.md, "The certified tail"): from
//! a checkpoint `s₀` on, the exact flow stays within a proven `B(s)` of `w̃`, for every
//! `s ≥ s₀`, however far the integration went.
//!
//! Everything is exact rationals or MPFR with directed rounding: `w̃` is enclosed from the
//! certified unique `α` (`z_bᵀw̃ = −ln α_b` on a basis of the support vectors, `η = 1`, plus
//! `P2 w(0)`), or, when `α` is not unique, by Krawczyk's interval Newton test on the
//! maximum-entropy equations `Σ_S e^{−z_nᵀw̃} z_n = ŵ`; the contraction rate
//! `μ₀ < λ_min(Σ_S α_n z_n z_nᵀ)` on `span(Z_S)` is tested exactly (a positive definite
//! rational matrix, with rational lower ends of the maximum-entropy `α_n` when they are only
//! enclosed), the non-support forcing is bounded by its
//! `e^{−(θ−1)s}` envelope (for the logistic loss, with the support vectors' `e^{−s}`
//! correction beside it). The state at `s₀` is the computed `P1 ρ(s₀)` with the exact
//! `P2 w(0)`: the certificate is that of the exact flow through that state (the integration
//! up to `s₀` is error-controlled, not certified).

use crate::certify::Interval;
use crate::data::Dataset;
use crate::linalg::{independent_rows, positive_definite_exact, project_exact, qdot, solve_exact};
use crate::loss::Loss;
use crate::oracle::MaxMargin;
use crate::scalar::Scalar;
use rug::float::Round;
use rug::{Float, Rational};

/// Bits of the tail's MPFR arithmetic.
const BITS: u32 = 256;

/// A proven tail bound: for every `s ≥ s0`,
/// `‖ρ(s) − w̃‖ ≤ B(s) = e^{−μ(s−s₀)}r₀ + C e^{−κs₀}·φ(s − s₀)`,
/// `φ(x) = (e^{−κx} − e^{−μx})/(μ − κ)` (`x e^{−μx}` when `μ = κ`), and `B(s) ≤ b` throughout.
#[derive(Clone, Debug)]
pub struct Tail {
    /// The checkpoint the certificate starts from.
    pub s0: f64,
    /// `r₀ ≥ ‖P1 ρ(s₀) + P2 w(0) − w̃‖` (rounded up, with `w̃`'s enclosure).
    pub r0: Float,
    /// The radius of the ball the flow is proven to stay in.
    pub b: Float,
    /// The contraction rate on that ball, `μ = e^{−R_S b}μ₀`.
    pub mu: Float,
    /// `κ = θ − 1`, at most 1 for the logistic loss (1 without non-support points there; 0
    /// for the exponential loss when every point is a support vector: no forcing).
    pub kappa: Float,
    /// The forcing constant `C = Σ_{n∉S} e^{−z_nᵀw̃}e^{‖z_n‖b}‖z_n‖`, plus
    /// `Σ_{n∈S} α_n² e^{2‖z_n‖b}‖z_n‖` for the logistic loss (rounded up).
    pub c: Float,
}

impl Tail {
    /// `B(s)` rounded up, for `s ≥ s0`.
    pub fn bound(&self, s: f64) -> Float {
        // s − s₀ exactly (two f64 at 256 bits), then −μx rounded up: e^{−μx} from above
        let x = (Float::with_val(BITS, s) - self.s0).max(&Float::new(BITS));
        let decay = exp_round(&neg_up(&self.mu, &x), Round::Up);
        let mut out = Float::with_val_round(BITS, &decay * &self.r0, Round::Up).0;
        if self.c.is_zero() {
            return out;
        }
        // φ(x) ≤ x e^{−min(μ,κ)x} (mean value theorem), rounded up
        let m = if self.mu < self.kappa {
            self.mu.clone()
        } else {
            self.kappa.clone()
        };
        let phi =
            Float::with_val_round(BITS, &x * exp_round(&neg_up(&m, &x), Round::Up), Round::Up).0;
        let force = exp_round(
            &neg_up(&self.kappa, &Float::with_val(BITS, self.s0)),
            Round::Up,
        );
        let term = Float::with_val_round(
            BITS,
            Float::with_val_round(BITS, &self.c * &force, Round::Up).0 * phi,
            Round::Up,
        )
        .0;
        out = Float::with_val_round(BITS, &out + &term, Round::Up).0;
        out
    }

    /// One line for the report.
    pub(crate) fn describe(&self) -> String {
        format!(
            "for all s >= {}: ‖ρ(s) − w̃‖ <= e^(−μ(s−s0))·r0 + C·e^(−κ·s0)·(e^(−κ(s−s0)) − e^(−μ(s−s0)))/(μ − κ), r0 = {}, μ = {}, κ = {}, C = {}; the flow stays within {} of w̃",
            self.s0,
            up(&self.r0),
            down(&self.mu),
            down(&self.kappa),
            up(&self.c),
            up(&self.b)
        )
    }
}

fn up(x: &Float) -> String {
    crate::certify::decimal_up(x, 3)
}

fn down(x: &Float) -> String {
    if x.is_zero() {
        return "0".into();
    }
    // a positive rate printed rounded down: its negation rounded up
    let neg = Float::with_val(BITS, -x);
    let s = crate::certify::decimal_up(&neg, 3);
    s.strip_prefix('-')
        .map_or_else(|| format!("-{s}"), str::to_string)
}

/// `−a·x` rounded up (so that `e^{−ax}` evaluated from it is an upper bound).
fn neg_up(a: &Float, x: &Float) -> Float {
    let p = Float::with_val_round(BITS, a * x, Round::Down).0;
    -p
}

fn exp_round(x: &Float, r: Round) -> Float {
    Float::with_val_round(BITS, x.exp_ref(), r).0
}

fn to_q(x: &Float) -> Rational {
    // every finite Float is a binary fraction
    x.to_rational().unwrap_or_default()
}

fn sqrt_up(q: &Rational) -> Float {
    let sq = Float::with_val_round(BITS, q, Round::Up).0;
    Float::with_val_round(BITS, sq.sqrt_ref(), Round::Up).0
}

/// The support vectors in the tail's exact coordinates.
struct Support {
    /// The signed points `z_n`.
    z: Vec<Vec<Rational>>,
    /// `ŵᵀz_n`.
    margins: Vec<Rational>,
    /// The indices `n` with `ŵᵀz_n = 1`.
    support: Vec<usize>,
    /// The indices `b_1, …, b_k` of a basis of `span(Z_S)` among them.
    basis: Vec<usize>,
    /// Its rows `z_{b_1}, …, z_{b_k}`.
    zb: Vec<Vec<Rational>>,
    /// Its Gram matrix `z_{b_i}ᵀz_{b_j}`.
    gram: Vec<Vec<Rational>>,
}

/// `w̃`'s part in `span(Z_S)` enclosed per coordinate, `mid ± rad` (exact rationals), and the
/// weights the contraction rate is proven with, one per support vector (in the order of
/// [`Support::support`]): the exact `α_n` when the dual is unique, else a rational lower end
/// of the maximum-entropy `α_n = e^{−z_nᵀw̃}` over the enclosure.
struct SpanPart {
    mid: Vec<Rational>,
    rad: Vec<Rational>,
    alpha: Vec<Rational>,
}

/// The support vectors and the enclosure of `w̃` in their span: from the certified unique `α`,
/// or by Krawczyk's test on the maximum-entropy equations (`shift`, a test switch, moves the
/// midpoint of that test by the given amount in every coordinate).
fn support_and_w_tilde(
    data: &Dataset,
    mm: &MaxMargin,
    shift: Option<&Rational>,
) -> Result<(Support, SpanPart), String> {
    if mm.spans != Some(true) {
        return Err(
            "the support vectors do not span the data: the forcing leaves span(Z_S)".into(),
        );
    }
    let z = data.signed_points_exact();
    let w_hat = &mm.cert.w;
    let margins: Vec<Rational> = z.iter().map(|zn| qdot(zn, w_hat)).collect();
    let support: Vec<usize> = (0..z.len()).filter(|&n| margins[n] == 1).collect();
    if mm.unique && support.iter().any(|&n| mm.cert.alpha[n] <= 0) {
        return Err("a support vector has α_n = 0 (degenerate data): no w̃".into());
    }
    if !mm.unique && mm.degenerate == Some(true) {
        return Err("a support vector has α_n = 0 in every dual (degenerate data): no w̃".into());
    }
    let rows: Vec<Vec<Rational>> = support.iter().map(|&n| z[n].clone()).collect();
    let basis: Vec<usize> = independent_rows(&rows)
        .iter()
        .map(|&k| support[k])
        .collect();
    let zb: Vec<Vec<Rational>> = basis.iter().map(|&n| z[n].clone()).collect();
    let gram: Vec<Vec<Rational>> = zb
        .iter()
        .map(|a| zb.iter().map(|b| qdot(a, b)).collect())
        .collect();
    let sup = Support {
        z,
        margins,
        support,
        basis,
        zb,
        gram,
    };
    let span = if mm.unique {
        from_unique_alpha(&sup, &mm.cert.alpha)?
    } else {
        by_krawczyk(&sup, shift)?
    };
    Ok((sup, span))
}

/// The unique `α`: `z_bᵀw̃ = −ln α_b` on the basis, `w̃_S = M β`, `β_b = −ln α_b`,
/// `M = Z_Bᵀ G⁻¹`, with `ln α_b` enclosed by directed rounding.
fn from_unique_alpha(sup: &Support, alpha: &[Rational]) -> Result<SpanPart, String> {
    let Support {
        support,
        basis,
        zb,
        gram,
        ..
    } = sup;
    let k = zb.len();
    let d = zb.first().map_or(0, Vec::len);
    // M = Z_Bᵀ G⁻¹ (d × k), column by column: w̃_S = M β, β_b = −ln α_b
    let mut m_cols: Vec<Vec<Rational>> = Vec::with_capacity(k);
    for j in 0..k {
        let e: Vec<Rational> = (0..k).map(|i| Rational::from(u32::from(i == j))).collect();
        let c = solve_exact(gram.clone(), e).ok_or("the support-vector Gram matrix is singular")?;
        let mut col = vec![Rational::new(); d];
        for (ci, zi) in c.iter().zip(zb) {
            for (x, y) in col.iter_mut().zip(zi) {
                *x += Rational::from(ci * y);
            }
        }
        m_cols.push(col);
    }
    let (mut beta_mid, mut beta_rad) = (Vec::new(), Vec::new());
    for &n in basis {
        let a_lo = Float::with_val_round(BITS, &alpha[n], Round::Down).0;
        let a_hi = Float::with_val_round(BITS, &alpha[n], Round::Up).0;
        let lo = to_q(&Float::with_val_round(BITS, a_lo.ln_ref(), Round::Down).0);
        let hi = to_q(&Float::with_val_round(BITS, a_hi.ln_ref(), Round::Up).0);
        // β = −ln α ∈ [−hi, −lo]
        beta_mid.push((-(Rational::from(&lo + &hi))) / 2u32);
        beta_rad.push(Rational::from(&hi - &lo) / 2u32);
    }
    let mut mid = vec![Rational::new(); d];
    let mut rad = vec![Rational::new(); d];
    for (col, (bm, br)) in m_cols.iter().zip(beta_mid.iter().zip(&beta_rad)) {
        for j in 0..d {
            mid[j] += Rational::from(&col[j] * bm);
            rad[j] += col[j].clone().abs() * br;
        }
    }
    Ok(SpanPart {
        mid,
        rad,
        alpha: support.iter().map(|&n| alpha[n].clone()).collect(),
    })
}

/// Tries of Krawczyk's box: its radius starts at `2^−(BITS−24)·(1 + max|x̄|)` and grows by
/// `2^8` a try.
const KRAWCZYK_TRIES: u32 = 11;

/// A non-unique `α`: `w̃_S = Σ_k c_k z_{b_k}` with `c` the zero of
/// `f_k(c) = 1 − Σ_{n∈S} e^{−(Gc)_n} G_{nk}`, `G_{nk} = z_nᵀz_{b_k}` (the gradient of the
/// strictly convex maximum-entropy objective, docs/theory/flow.md "The certified tail"),
/// proven and enclosed by Krawczyk's test: with `x̄` the maximum-entropy Newton iterate at
/// `BITS` bits, `Y ≈ J(x̄)⁻¹` and the box `X = x̄ ± r`, `K(X) = x̄ − Y f(x̄) + (I − Y J(X))(X − x̄)`
/// enclosed by interval arithmetic; `K(X) ⊂ int X` proves exactly one zero in `X`, and it lies
/// in `K(X)`.
fn by_krawczyk(sup: &Support, shift: Option<&Rational>) -> Result<SpanPart, String> {
    let Support { z, support, zb, .. } = sup;
    let k = zb.len();
    let g: Vec<Vec<Rational>> = support
        .iter()
        .map(|&n| zb.iter().map(|b| qdot(&z[n], b)).collect())
        .collect();
    let gi: Vec<Vec<Interval>> = g
        .iter()
        .map(|r| r.iter().map(|x| Interval::of_rational(x, BITS)).collect())
        .collect();
    // the midpoint: the maximum-entropy Newton iteration of the predictions, at BITS bits
    // (its accuracy is not relied on: the test below proves or refuses)
    let gf: Vec<Vec<Float>> = g
        .iter()
        .map(|r| r.iter().map(|x| Float::with_val(BITS, x)).collect())
        .collect();
    let mut mid = crate::theory::predict::max_entropy(&gf, &Float::with_val(BITS, 1), BITS)
        .map_err(|e| format!("the maximum-entropy w̃: {e}"))?;
    if let Some(d) = shift {
        for m in &mut mid {
            *m += d;
        }
    }
    if !mid.iter().all(Float::is_finite) {
        return Err("the maximum-entropy w̃ is not finite".into());
    }
    let mut tmp = Float::new(BITS);
    // e_n(X) ⊇ {e^{−(Gc)_n} : c ∈ X}
    let mut expo = |x: &[Interval]| -> Vec<Interval> {
        gi.iter()
            .map(|row| {
                let mut u = Interval::zero(BITS);
                for (a, b) in row.iter().zip(x) {
                    u.add_mul(a, b, &mut tmp);
                }
                u.neg();
                u.exp()
            })
            .collect()
    };
    let one = Interval::point(&Float::with_val(BITS, 1));
    let mut tmp = Float::new(BITS);
    // J(X)_{ab} = Σ_n e_n(X) G_{na} G_{nb}
    let mut jac = |e: &[Interval]| -> Vec<Vec<Interval>> {
        (0..k)
            .map(|a| {
                (0..k)
                    .map(|b| {
                        let mut s = Interval::zero(BITS);
                        for (en, row) in e.iter().zip(&gi) {
                            let p = en.clone().mul(&row[a]);
                            s.add_mul(&p, &row[b], &mut tmp);
                        }
                        s
                    })
                    .collect()
            })
            .collect()
    };
    let xbar: Vec<Interval> = mid.iter().map(Interval::point).collect();
    let e_mid = expo(&xbar);
    let mut tmp = Float::new(BITS);
    // f(x̄) enclosed
    let f_mid: Vec<Interval> = (0..k)
        .map(|b| {
            let mut s = Interval::zero(BITS);
            for (en, row) in e_mid.iter().zip(&gi) {
                s.add_mul(en, &row[b], &mut tmp);
            }
            s.neg();
            s.add(&one)
        })
        .collect();
    // Y ≈ J(x̄)⁻¹ at BITS bits: any fixed matrix is sound, a good one makes K(X) small
    let j_mid: Vec<Vec<Float>> = jac(&e_mid)
        .iter()
        .map(|r| r.iter().map(midpoint).collect())
        .collect();
    let mut y = vec![vec![Interval::zero(BITS); k]; k];
    for j in 0..k {
        let e: Vec<Float> = (0..k)
            .map(|i| Float::with_val(BITS, u32::from(i == j)))
            .collect();
        let col = crate::linalg::cholesky_solve(&j_mid, &e, BITS)
            .ok_or("the maximum-entropy Jacobian is not positive definite at the midpoint")?;
        for (row, c) in y.iter_mut().zip(&col) {
            row[j] = Interval::point(c);
        }
    }
    // the point part x̄ − Y f(x̄)
    let base: Vec<Interval> = (0..k)
        .map(|i| {
            let mut s = Interval::zero(BITS);
            for (yij, fj) in y[i].iter().zip(&f_mid) {
                s.add_mul(yij, fj, &mut tmp);
            }
            s.neg();
            s.add(&xbar[i])
        })
        .collect();
    let scale = mid.iter().fold(Float::with_val(BITS, 1), |a, m| {
        let t = Float::with_val_round(BITS, m.abs_ref(), Round::Up).0 + 1u32;
        if t > a {
            t
        } else {
            a
        }
    });
    let mut r = Float::with_val_round(
        BITS,
        scale * Float::with_val(BITS, Float::i_exp(1, -(BITS as i32 - 24))),
        Round::Up,
    )
    .0;
    for _ in 0..KRAWCZYK_TRIES {
        let x: Vec<Interval> = mid
            .iter()
            .map(|m| {
                let mut v = Interval::point(m);
                v.widen(&r);
                v
            })
            .collect();
        let jx = jac(&expo(&x));
        // X − x̄, enclosed (the ends of X were rounded outward)
        let dx: Vec<Interval> = x.iter().zip(&xbar).map(|(a, b)| a.clone().sub(b)).collect();
        let kx: Vec<Interval> = base
            .iter()
            .zip(&y)
            .enumerate()
            .map(|(i, (b, yi))| {
                let mut s = b.clone();
                for j in 0..k {
                    // (I − Y J(X))_{ij}
                    let mut a = Interval::zero(BITS);
                    for (yil, jl) in yi.iter().zip(&jx) {
                        a.add_mul(yil, &jl[j], &mut tmp);
                    }
                    a.neg();
                    if i == j {
                        a = a.add(&one);
                    }
                    s.add_mul(&a, &dx[j], &mut tmp);
                }
                s
            })
            .collect();
        let inside = kx
            .iter()
            .zip(&x)
            .all(|(kv, xv)| kv.is_finite() && kv.lo > xv.lo && kv.hi < xv.hi);
        if inside {
            return enclosed(sup, &gi, &kx);
        }
        r = Float::with_val_round(BITS, &r * 256u32, Round::Up).0;
    }
    Err(format!(
        "Krawczyk's test did not prove the maximum-entropy w̃ in any box up to radius {} around its midpoint",
        up(&r)
    ))
}

/// `w̃_S` and the `α` lower ends from the proven box `c ∈ K` (Krawczyk's test).
fn enclosed(sup: &Support, gi: &[Vec<Interval>], kx: &[Interval]) -> Result<SpanPart, String> {
    let d = sup.zb.first().map_or(0, Vec::len);
    let (mut mid, mut rad) = (vec![Rational::new(); d], vec![Rational::new(); d]);
    for (kv, zbk) in kx.iter().zip(&sup.zb) {
        let (lo, hi) = kv.to_rationals().ok_or("Krawczyk's box is not finite")?;
        let cm = Rational::from(&lo + &hi) / 2u32;
        let cr = Rational::from(&hi - &lo) / 2u32;
        for ((m, r), zj) in mid.iter_mut().zip(rad.iter_mut()).zip(zbk) {
            *m += Rational::from(&cm * zj);
            *r += Rational::from(&cr * zj).abs();
        }
    }
    // α_n ≥ the lower end of e^{−(Gc)_n} over the box
    let mut tmp = Float::new(BITS);
    let mut alpha = Vec::with_capacity(gi.len());
    for row in gi {
        let mut u = Interval::zero(BITS);
        for (a, b) in row.iter().zip(kx) {
            u.add_mul(a, b, &mut tmp);
        }
        u.neg();
        let a = to_q(&u.exp().lo);
        if a <= 0 {
            return Err("a maximum-entropy α_n has no positive lower end".into());
        }
        alpha.push(a);
    }
    Ok(SpanPart { mid, rad, alpha })
}

/// About the midpoint of an interval (for `Y`, where any value is sound).
fn midpoint(v: &Interval) -> Float {
    let mut m = Float::with_val(BITS + 1, &v.lo + &v.hi);
    m >>= 1;
    Float::with_val(BITS, m)
}

/// The enclosure of `w̃` the certified tail is proven with: `(mid, rad)` per coordinate,
/// `|w̃_j − mid_j| ≤ rad_j`, exact rationals (`w̃ = w̃_S + P2 w(0)`, `init = w(0)`).
/// `shift` is a test switch: it moves the midpoint of Krawczyk's test (non-unique `α` only)
/// by that amount in every coordinate of `span(Z_S)`, so that a test can show the test
/// refuses a wrong midpoint (`None`: the sound enclosure).
#[doc(hidden)]
pub fn enclose_w_tilde(
    data: &Dataset,
    mm: &MaxMargin,
    init: &[Rational],
    shift: Option<&Rational>,
) -> Result<(Vec<Rational>, Vec<Rational>), String> {
    let (sup, span) = support_and_w_tilde(data, mm, shift)?;
    let p1_w0 = project_exact(&sup.zb, init).ok_or("the support-vector basis is singular")?;
    let mut mid = span.mid;
    for ((x, a), b) in mid.iter_mut().zip(init).zip(&p1_w0) {
        *x += Rational::from(a - b);
    }
    Ok((mid, span.rad))
}

/// Why the tail could not be certified, or the certificate from the earliest checkpoint
/// (of `points`, `(s, ρ(s))` in increasing `s`) at which its ball closes.
///
/// The exponential and the logistic loss: the logistic flow's support-vector weights
/// `e^{a}/(1 + e^{a−s})` differ from the exponential ones by at most `e^{2a−s}`, a forcing at
/// rate 1 that joins the non-support one (docs/theory/flow.md, "The logistic flow's tail").
pub fn certify<S: Scalar>(
    data: &Dataset,
    mm: &MaxMargin,
    loss: Loss,
    init: &[Rational],
    points: &[(f64, Vec<S>)],
) -> Result<Tail, String> {
    certify_with_rate_factor(data, mm, loss, init, points, 1)
}

/// [`certify`] with the proven rates `μ₀` and `κ` multiplied by `factor` (1: the sound
/// certificate): a test switch, so that a test can show its witness catches a false rate.
#[doc(hidden)]
pub fn certify_with_rate_factor<S: Scalar>(
    data: &Dataset,
    mm: &MaxMargin,
    loss: Loss,
    init: &[Rational],
    points: &[(f64, Vec<S>)],
    factor: u32,
) -> Result<Tail, String> {
    if let Loss::Softmax { .. } = loss {
        return Err(
            "the softmax flow's weights share a denominator per sample (only the exponential and logistic losses are certified)"
                .into(),
        );
    }
    let (sup, span) = support_and_w_tilde(data, mm, None)?;
    let Support {
        z,
        margins,
        support,
        zb,
        gram,
        ..
    } = sup;
    let k = zb.len();
    let p1_w0 = project_exact(&zb, init).ok_or("the support-vector basis is singular")?;
    let mut wt_mid = span.mid.clone();
    for ((x, a), b) in wt_mid.iter_mut().zip(init).zip(&p1_w0) {
        *x += Rational::from(a - b);
    }
    let wt_rad = span.rad;
    let wt_span_mid = span.mid;
    let alpha = span.alpha;
    let wt_rad_norm = sqrt_up(&qdot(&wt_rad, &wt_rad));

    // μ₀ < λ_min of H = Σ_S α z zᵀ on span(Z_S): A − μ₀G positive definite in the basis,
    // A = Z_B H Z_Bᵀ; the largest μ₀ = λ̂(1 − 2^−k) that passes, found by halving
    let a_mat: Vec<Vec<Rational>> = (0..k)
        .map(|i| {
            (0..k)
                .map(|j| {
                    let mut s = Rational::new();
                    for (a, &n) in alpha.iter().zip(&support) {
                        s += (a * qdot(&zb[i], &z[n])) * qdot(&z[n], &zb[j]);
                    }
                    s
                })
                .collect()
        })
        .collect();
    let pd = |mu: &Rational| {
        positive_definite_exact(
            a_mat
                .iter()
                .zip(&gram)
                .map(|(ar, gr)| {
                    ar.iter()
                        .zip(gr)
                        .map(|(a, g)| a - Rational::from(mu * g))
                        .collect()
                })
                .collect(),
        )
    };
    // an upper end: the trace of H bounds λ_max
    let mut hi = Rational::new();
    for (a, &n) in alpha.iter().zip(&support) {
        hi += a * qdot(&z[n], &z[n]);
    }
    let mut lo = Rational::new();
    if !pd(&lo) {
        return Err("the support-vector curvature is not positive definite on span(Z_S)".into());
    }
    for _ in 0..40 {
        let mid = Rational::from(&lo + &hi) / 2u32;
        if pd(&mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    // keep a small rational: the last passing point rounded down to 2^−60
    let mu0 = {
        let f = Float::with_val_round(64, &lo, Round::Down).0;
        to_q(&f)
    };
    if mu0 <= 0 || !pd(&mu0) {
        return Err("no positive contraction rate on span(Z_S) could be established".into());
    }
    let mu0 = Float::with_val(BITS, &mu0) * factor;
    let r_s = support
        .iter()
        .map(|&n| sqrt_up(&qdot(&z[n], &z[n])))
        .fold(Float::new(BITS), |a, b| if b > a { b } else { a });

    // non-support forcing: e^{−z_nᵀw̃} (upper end) and ‖z_n‖, κ = θ − 1
    let off: Vec<usize> = (0..z.len()).filter(|&n| margins[n] > 1).collect();
    let logistic = loss == Loss::Logistic;
    // the forcing's rate: θ − 1, and at most 1 for the logistic loss (its support-vector
    // correction decays like e^{−s}); 0 when there is no forcing at all
    let kappa = match off.iter().map(|&n| margins[n].clone()).min() {
        Some(th) if logistic && th >= 2 => Float::with_val(BITS, 1),
        Some(th) => Float::with_val_round(BITS, th - 1u32, Round::Down).0,
        None if logistic => Float::with_val(BITS, 1),
        None => Float::new(BITS),
    } * factor;
    let upper_weight = |n: usize| -> Float {
        // z_nᵀw̃ ≥ z_nᵀw̃_mid − Σ|z_nj|·rad_j: e^{−z_nᵀw̃} ≤ e^{−that}
        let mut low = qdot(&z[n], &wt_mid);
        for (zj, rj) in z[n].iter().zip(&wt_rad) {
            low -= zj.clone().abs() * rj;
        }
        exp_round(&Float::with_val_round(BITS, -low, Round::Up).0, Round::Up)
    };
    // the logistic support-vector correction: ‖z_n‖ e^{2a_n − s} ≤ e^{−s} α_n² e^{2‖z_n‖b}‖z_n‖
    let sv_forcing: Vec<(Float, Float)> = if logistic {
        support
            .iter()
            .map(|&n| {
                let a = upper_weight(n);
                (
                    Float::with_val_round(BITS, a.square_ref(), Round::Up).0,
                    sqrt_up(&qdot(&z[n], &z[n])),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let forcing: Vec<(Float, Float)> = off
        .iter()
        .map(|&n| {
            let e = upper_weight(n);
            (e, sqrt_up(&qdot(&z[n], &z[n])))
        })
        .collect();
    // C(b): Σ e^{−z_nᵀw̃}e^{‖z_n‖b}‖z_n‖ off S, plus Σ_S α_n² e^{2‖z_n‖b}‖z_n‖ (logistic)
    let c_of = |b: &Float| -> Float {
        let mut c = Float::new(BITS);
        let twice = Float::with_val(BITS, b * 2u32);
        let terms = forcing
            .iter()
            .map(|t| (t, b))
            .chain(sv_forcing.iter().map(|t| (t, &twice)));
        for ((e, zn), b) in terms {
            let grow = exp_round(&Float::with_val_round(BITS, zn * b, Round::Up).0, Round::Up);
            let t = Float::with_val_round(
                BITS,
                Float::with_val_round(BITS, e * &grow, Round::Up).0 * zn,
                Round::Up,
            )
            .0;
            c = Float::with_val_round(BITS, &c + &t, Round::Up).0;
        }
        c
    };
    let mu_of = |b: &Float| -> Float {
        let prod = Float::with_val_round(BITS, &r_s * b, Round::Up).0;
        let shrink = exp_round(&Float::with_val(BITS, -prod), Round::Down);
        Float::with_val_round(BITS, &shrink * &mu0, Round::Down).0
    };

    let unforced = forcing.is_empty() && sv_forcing.is_empty();
    let mut last_err = "no checkpoint".to_string();
    for (s0, rho) in points {
        if !s0.is_finite() || *s0 <= 0.0 {
            continue;
        }
        // the state: P1 ρ(s₀) (exact value of the computed one) + P2 w(0)
        let Some(rq) = rho
            .iter()
            .map(Scalar::to_rational)
            .collect::<Option<Vec<Rational>>>()
        else {
            last_err = format!("s = {s0}: the computed ρ is not finite");
            continue;
        };
        let Some(p1) = project_exact(&zb, &rq) else {
            last_err = "the support-vector basis is singular".into();
            continue;
        };
        let diff: Vec<Rational> = p1
            .iter()
            .zip(&wt_span_mid)
            .map(|(a, b)| Rational::from(a - b))
            .collect();
        let r0 = Float::with_val_round(
            BITS,
            &sqrt_up(&qdot(&diff, &diff)) + &wt_rad_norm,
            Round::Up,
        )
        .0;
        // the ball: b with r₀ + C(b)e^{−κs₀}/(e·min(μ(b), κ)) ≤ b, tried from b = 2r₀ up
        let force = if unforced {
            Float::new(BITS)
        } else {
            exp_round(&neg_up(&kappa, &Float::with_val(BITS, *s0)), Round::Up)
        };
        let tiny = Float::with_val(BITS, Float::i_exp(1, -(BITS as i32)));
        let mut b = Float::with_val_round(BITS, &r0 * 2u32, Round::Up).0 + &tiny;
        let mut closed = None;
        for _ in 0..60 {
            let mu = mu_of(&b);
            let c = c_of(&b);
            let need = if unforced {
                r0.clone()
            } else {
                let m = if mu < kappa {
                    mu.clone()
                } else {
                    kappa.clone()
                };
                let e = exp_round(&Float::with_val(BITS, 1), Round::Down);
                let den = Float::with_val_round(BITS, &m * &e, Round::Down).0;
                if den <= 0 {
                    break;
                }
                let t = Float::with_val_round(
                    BITS,
                    Float::with_val_round(BITS, &c * &force, Round::Up).0 / &den,
                    Round::Up,
                )
                .0;
                Float::with_val_round(BITS, &r0 + &t, Round::Up).0
            };
            // strictly inside: the flow cannot reach the sphere ‖r‖ = b
            if need < b && mu > 0 {
                closed = Some((mu, c));
                break;
            }
            b = Float::with_val_round(BITS, &need * 2u32, Round::Up).0 + &tiny;
            if !b.is_finite() || b > 1e6 {
                break;
            }
        }
        match closed {
            Some((mu, c)) => {
                return Ok(Tail {
                    s0: *s0,
                    r0,
                    b,
                    mu,
                    kappa: if unforced { Float::new(BITS) } else { kappa.clone() },
                    c,
                })
            }
            None => last_err = format!("the ball around w̃ does not close at any checkpoint up to s = {s0} (the forcing or the distance is too large): integrate further"),
        }
    }
    Err(last_err)
}
