//! Shared fixtures of the theory tests: hand-derived max-margin solutions (theory §9, §1.6),
//! an independent brute-force exact oracle for small generated sets, and a runner.
#![allow(dead_code)]

use implicit_bias::data::generate::Generator;
use implicit_bias::data::Dataset;
use implicit_bias::loss::Loss;
use implicit_bias::objective::Objective;
use implicit_bias::optim::GradientDescent;
use implicit_bias::oracle::{Certificate, MaxMargin, Norm};
use implicit_bias::run::{dense_checkpoints, run_at, RunOptions, Trajectory};
use implicit_bias::scalar::Scalar;
use implicit_bias::theory::{analyze, Analysis};
use rug::{Float, Rational};

pub fn q(p: i64, d: i64) -> Rational {
    Rational::from((p, d))
}

/// theory §9 R1: `x = (1, 0)`, `y = +1` ⇒ `ŵ = (1, 0)`, `S = {1}`, `α = 1`, θ = ∞.
pub fn r1() -> (Dataset, MaxMargin) {
    let data = Generator::R1.generate().unwrap();
    let mm = MaxMargin {
        cert: Certificate {
            norm: Norm::L2,
            w: vec![q(1, 1), q(0, 1)],
            alpha: vec![q(1, 1)],
            support: vec![0],
            value: q(1, 1),
        },
        unique: true,
        degenerate: Some(false),
        spans: Some(true),
        theta: None,
    };
    (data, mm)
}

/// theory §9 R2: `z1 = z3 = (1/2, 3/2)`, `z2 = z4 = (3/2, 1/2)` ⇒ `ŵ = (1/2, 1/2)` (both
/// margins 1/4 + 3/4 = 1), `‖ŵ‖² = 1/2`; one KKT vector is `α = (1/4, 1/4, 0, 0)`
/// (`(1/4)(z1 + z2) = (1/2, 1/2)`); α is not unique (`α1 + α3 = α2 + α4 = 1/4`).
pub fn r2() -> (Dataset, MaxMargin) {
    let data = Generator::R2.generate().unwrap();
    let mm = MaxMargin {
        cert: Certificate {
            norm: Norm::L2,
            w: vec![q(1, 2), q(1, 2)],
            alpha: vec![q(1, 4), q(1, 4), q(0, 1), q(0, 1)],
            support: vec![0, 1, 2, 3],
            value: q(1, 2),
        },
        unique: false,
        degenerate: Some(false),
        spans: Some(true),
        theta: None,
    };
    (data, mm)
}

/// theory §1.6 Fig. 1 (seed 1): the R2 support vectors plus 12 points with `ŵᵀz ≥ 3/2`
/// (generator contract), so `ŵ = (1/2, 1/2)` and the same α as R2 (zero off S);
/// `θ = min_{n>4} (z_n1 + z_n2)/2`, computed exactly here.
pub fn fig1() -> (Dataset, MaxMargin) {
    let data = Generator::Fig1 { seed: 1 }.generate().unwrap();
    let z = data.signed_points_exact();
    let mut alpha = vec![q(0, 1); data.len()];
    alpha[0] = q(1, 4);
    alpha[1] = q(1, 4);
    let theta = z[4..]
        .iter()
        .map(|p| Rational::from(&p[0] + &p[1]) / 2)
        .min()
        .unwrap();
    let mm = MaxMargin {
        cert: Certificate {
            norm: Norm::L2,
            w: vec![q(1, 2), q(1, 2)],
            alpha,
            support: vec![0, 1, 2, 3],
            value: q(1, 2),
        },
        unique: false,
        degenerate: Some(false),
        spans: Some(true),
        theta: Some(theta),
    };
    (data, mm)
}

// ------------------------------------------------------------ brute force

/// `aᵀb` in rationals.
pub fn dot(a: &[Rational], b: &[Rational]) -> Rational {
    a.iter()
        .zip(b)
        .fold(Rational::new(), |s, (x, y)| s + Rational::from(x * y))
}

/// Gauss–Jordan on a square rational system; `None` if singular.
pub fn solve(mut a: Vec<Vec<Rational>>, mut b: Vec<Rational>) -> Option<Vec<Rational>> {
    let n = b.len();
    for c in 0..n {
        let p = (c..n).find(|&r| a[r][c] != 0)?;
        a.swap(c, p);
        b.swap(c, p);
        for r in 0..n {
            if r != c && a[r][c] != 0 {
                let f = Rational::from(&a[r][c] / &a[c][c]);
                let pivot_row = a[c].clone();
                for (x, y) in a[r].iter_mut().zip(&pivot_row) {
                    *x -= Rational::from(&f * y);
                }
                let bc = b[c].clone();
                b[r] -= f * bc;
            }
        }
    }
    Some((0..n).map(|i| Rational::from(&b[i] / &a[i][i])).collect())
}

/// Every `k`-subset of `0..n`, as index lists.
pub fn subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
    if k == 0 {
        return vec![vec![]];
    }
    if n < k {
        return vec![];
    }
    let mut out = subsets(n - 1, k);
    for mut s in subsets(n - 1, k - 1) {
        s.push(n - 1);
        out.push(s);
    }
    out
}

/// Basic KKT solution on the index set `t`: `α_T = (Z_T Z_Tᵀ)⁻¹ 1` (margins 1 on `T`).
fn basic(z: &[Vec<Rational>], t: &[usize]) -> Option<Vec<Rational>> {
    let g: Vec<Vec<Rational>> = t
        .iter()
        .map(|&i| t.iter().map(|&j| dot(&z[i], &z[j])).collect())
        .collect();
    solve(g, vec![q(1, 1); t.len()])
}

fn rank(rows: &[Vec<Rational>]) -> usize {
    let mut m: Vec<Vec<Rational>> = rows.to_vec();
    let (nr, nc) = (m.len(), m.first().map_or(0, Vec::len));
    let mut r = 0;
    for c in 0..nc {
        if let Some(p) = (r..nr).find(|&i| m[i][c] != 0) {
            m.swap(r, p);
            for i in 0..nr {
                if i != r && m[i][c] != 0 {
                    let f = Rational::from(&m[i][c] / &m[r][c]);
                    let pr = m[r].clone();
                    for (x, y) in m[i].iter_mut().zip(&pr) {
                        *x -= Rational::from(&f * y);
                    }
                }
            }
            r += 1;
        }
    }
    r
}

/// Independent exact ℓ2 max-margin by enumeration of support sets (small N, d): every
/// index set T with `α_T = (Z_T Z_Tᵀ)⁻¹ 1 ≥ 0` and all margins of `w = Z_Tᵀ α_T` at least 1
/// is a KKT point, hence the (unique) optimum. Returns `None` if no set qualifies
/// (not separable). Degeneracy from the vertices of the KKT polytope: a margin point is
/// zero-α in every KKT vector iff it is zero at every basic KKT solution.
pub fn brute_force(data: &Dataset) -> Option<MaxMargin> {
    let z = data.signed_points_exact();
    let (n, d) = (data.len(), data.dim());
    let mut found: Option<(Vec<Rational>, Vec<Rational>)> = None;
    'outer: for k in 1..=d.min(n) {
        for t in subsets(n, k) {
            let Some(a) = basic(&z, &t) else { continue };
            if a.iter().any(|x| *x < 0) {
                continue;
            }
            let mut w = vec![q(0, 1); d];
            for (ai, &i) in a.iter().zip(&t) {
                for (wj, zj) in w.iter_mut().zip(&z[i]) {
                    *wj += Rational::from(ai * zj);
                }
            }
            if z.iter().all(|zi| dot(zi, &w) >= 1) {
                let mut alpha = vec![q(0, 1); n];
                for (ai, &i) in a.iter().zip(&t) {
                    alpha[i] = ai.clone();
                }
                found = Some((w, alpha));
                break 'outer;
            }
        }
    }
    let (w, alpha) = found?;
    let margins: Vec<Rational> = z.iter().map(|zi| dot(zi, &w)).collect();
    let support: Vec<usize> = (0..n).filter(|&i| margins[i] == 1).collect();
    let zs: Vec<Vec<Rational>> = support.iter().map(|&i| z[i].clone()).collect();
    let rs = rank(&zs);
    let unique = rs == support.len();
    // union of the supports of all basic KKT solutions on S
    let mut ever_positive = vec![false; n];
    for t in subsets(support.len(), rs) {
        let idx: Vec<usize> = t.iter().map(|&k| support[k]).collect();
        if let Some(a) = basic(&z, &idx) {
            if a.iter().all(|x| *x >= 0) {
                for (ai, &i) in a.iter().zip(&idx) {
                    if *ai > 0 {
                        ever_positive[i] = true;
                    }
                }
            }
        }
    }
    let degenerate = support.iter().any(|&i| !ever_positive[i]);
    let theta = (0..n)
        .filter(|&i| margins[i] != 1)
        .map(|i| margins[i].clone())
        .min();
    let value = dot(&w, &w);
    Some(MaxMargin {
        cert: Certificate {
            norm: Norm::L2,
            w,
            alpha,
            support,
            value,
        },
        unique,
        degenerate: Some(degenerate),
        spans: Some(rs == rank(&z)),
        theta,
    })
}

// ------------------------------------------------------------ runner

/// Runs GD at `bits` with samples at the powers of 2 and of `base`, and analyses it.
#[allow(clippy::too_many_arguments)]
pub fn run_case(
    data: &Dataset,
    mm: &MaxMargin,
    loss: Loss,
    eta: &Rational,
    w0: &[Rational],
    steps: u64,
    base: u64,
    bits: u32,
) -> (Trajectory<Float>, Analysis<Float>) {
    run_case_in::<Float>(data, mm, loss, eta, w0, steps, base, bits, false)
}

/// [`run_case`] over any scalar (`scalar::Dd` for the long runs), optionally with incremental
/// exponentials (docs/speed.md).
#[allow(clippy::too_many_arguments)]
pub fn run_case_in<S: Scalar>(
    data: &Dataset,
    mm: &MaxMargin,
    loss: Loss,
    eta: &Rational,
    w0: &[Rational],
    steps: u64,
    base: u64,
    ctx: S::Ctx,
    incremental: bool,
) -> (Trajectory<S>, Analysis<S>) {
    let obj = Objective::<S>::new(data, loss, ctx);
    let gd = if incremental {
        GradientDescent::incremental(eta, ctx)
    } else {
        GradientDescent::new(eta, ctx)
    };
    let w0s: Vec<S> = w0.iter().map(|v| S::from_rational(v, ctx)).collect();
    let traj = run_at(
        &obj,
        &gd,
        w0s,
        &dense_checkpoints(steps, base),
        &RunOptions {
            steps,
            base,
            ..Default::default()
        },
    );
    let a = analyze(data, mm, loss, eta, w0, &traj, ctx).unwrap();
    (traj, a)
}

/// `x` as f64.
pub fn f(x: &Float) -> f64 {
    x.to_f64()
}

/// Points with integer coordinates in [−4, 4]^d (as quarters: k/4), 2 to `max_points` of them,
/// labelled by the sign of `uᵀx` for a random integer `u`; points on the hyperplane are
/// dropped. Separable through the origin by construction (u separates).
pub fn separable_quarters(
    d: usize,
    max_points: usize,
) -> impl proptest::strategy::Strategy<Value = Dataset> {
    use proptest::prelude::*;
    (
        prop::collection::vec(-3i64..=3, d),
        prop::collection::vec(prop::collection::vec(-16i64..=16, d), 2..=max_points),
    )
        .prop_filter_map("u = 0 or no labelled points", move |(u, pts)| {
            if u.iter().all(|&v| v == 0) {
                return None;
            }
            let mut x = Vec::new();
            let mut y = Vec::new();
            for p in pts {
                let s: i64 = p.iter().zip(&u).map(|(a, b)| a * b).sum();
                if s != 0 {
                    x.push(p.iter().map(|&v| q(v, 4)).collect::<Vec<Rational>>());
                    y.push(if s > 0 { 1 } else { -1 });
                }
            }
            (x.len() >= 2).then(|| Dataset::new(x, y).ok()).flatten()
        })
}
