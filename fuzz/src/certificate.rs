//! `cert::check` and `cert::check_witness` against a naive recomputation.
//!
//! The naive checker below is written from the definitions in `cert`'s documentation, in a
//! different shape from `cert::check` (labels applied after the dot product, sums taken
//! coordinate by coordinate), and must return the same first violation. Certificates come
//! from three sources: valid by construction (then both must accept), valid then mutated in
//! one place, and arbitrary.

use super::data::{dot, raw};
use super::input::Bytes;
use implicit_bias::cert::{check, check_witness, Certificate, Norm, Violation, Witness};
use implicit_bias::data::Dataset;
use rug::Rational;

fn abs(q: &Rational) -> Rational {
    Rational::from(q.abs_ref())
}

/// `y_n (x_n·w)`.
fn margin(data: &Dataset, n: usize, w: &[Rational]) -> Rational {
    dot(&data.points()[n], w) * i32::from(data.labels()[n])
}

/// Coordinate `j` of `Σ_n α_n y_n x_n`.
fn combo(data: &Dataset, alpha: &[Rational], j: usize) -> Rational {
    let mut s = Rational::new();
    for ((a, x), &y) in alpha.iter().zip(data.points()).zip(data.labels()) {
        let t = Rational::from(a * &x[j]);
        if y > 0 {
            s += t;
        } else {
            s -= t;
        }
    }
    s
}

/// The first violated condition, in the documented order, from the definitions.
pub fn naive_check(data: &Dataset, c: &Certificate) -> Result<(), Violation> {
    let (n, d) = (data.len(), data.dim());
    let shape = |m: &str| Err(Violation::Shape(m.to_string()));
    if c.w.len() != d {
        return shape("w");
    }
    if c.alpha.len() != n {
        return shape("alpha");
    }
    if c.support.iter().any(|&i| i >= n) {
        return shape("support");
    }
    for i in 0..n {
        if c.alpha[i] < 0 {
            return Err(Violation::NegativeMultiplier { point: i });
        }
    }
    let margins: Vec<Rational> = (0..n).map(|i| margin(data, i, &c.w)).collect();
    for (i, m) in margins.iter().enumerate() {
        if *m < 1 {
            return Err(Violation::PrimalInfeasible {
                point: i,
                margin: m.clone(),
            });
        }
    }
    for (i, m) in margins.iter().enumerate() {
        if c.support.contains(&i) != (*m == 1) {
            return Err(Violation::Support { point: i });
        }
    }
    for (i, m) in margins.iter().enumerate() {
        if *m != 1 && c.alpha[i] != 0 {
            return Err(Violation::ComplementarySlackness { point: i });
        }
    }
    let s: Vec<Rational> = (0..d).map(|j| combo(data, &c.alpha, j)).collect();
    if c.norm == Norm::L2 {
        if let Some(j) = s.iter().zip(&c.w).position(|(a, b)| a != b) {
            return Err(Violation::Stationarity { coord: j });
        }
        let v = dot(&c.w, &c.w);
        if v != c.value {
            return Err(Violation::Value {
                stated: c.value.clone(),
                actual: v,
            });
        }
        return Ok(());
    }
    let l1 = |v: &[Rational]| v.iter().map(abs).fold(Rational::new(), |a, b| a + b);
    let linf = |v: &[Rational]| v.iter().map(abs).fold(Rational::new(), |a, b| a.max(b));
    let (dual, name, primal) = if c.norm == Norm::L1 {
        (linf(&s), "linf", l1(&c.w))
    } else {
        (l1(&s), "l1", linf(&c.w))
    };
    if dual > 1 {
        return Err(Violation::DualNorm {
            norm: name,
            value: dual,
        });
    }
    if primal != c.value {
        return Err(Violation::Value {
            stated: c.value.clone(),
            actual: primal,
        });
    }
    let total = c.alpha.iter().fold(Rational::new(), |a, b| a + b);
    if primal != total {
        return Err(Violation::DualityGap {
            primal,
            dual: total,
        });
    }
    Ok(())
}

/// The naive witness check.
pub fn naive_check_witness(data: &Dataset, w: &Witness) -> Result<(), Violation> {
    if w.alpha.len() != data.len() {
        return Err(Violation::Shape("alpha".into()));
    }
    if let Some(i) = w.alpha.iter().position(|a| *a < 0) {
        return Err(Violation::NegativeMultiplier { point: i });
    }
    if w.alpha.iter().all(|a| *a == 0) {
        return Err(Violation::WitnessZero);
    }
    for j in 0..data.dim() {
        if combo(data, &w.alpha, j) != 0 {
            return Err(Violation::WitnessNotZeroSum { coord: j });
        }
    }
    Ok(())
}

/// Same violation, ignoring the free text of `Shape`.
fn same(a: &Result<(), Violation>, b: &Result<(), Violation>) -> bool {
    match (a, b) {
        (Err(Violation::Shape(_)), Err(Violation::Shape(_))) => true,
        _ => a == b,
    }
}

fn norm_from(b: &mut Bytes) -> Norm {
    match b.below(3) {
        0 => Norm::L2,
        1 => Norm::L1,
        _ => Norm::LInf,
    }
}

/// A random vector orthogonal to `w` (`w ≠ 0`).
fn orthogonal(b: &mut Bytes, w: &[Rational]) -> Vec<Rational> {
    let r: Vec<Rational> = w.iter().map(|_| b.small_rational(6, 4)).collect();
    let c = dot(&r, w) / dot(w, w);
    r.iter()
        .zip(w)
        .map(|(rj, wj)| rj - Rational::from(&c * wj))
        .collect()
}

/// A data set and a certificate that is valid by construction.
///
/// Pick `w ≠ 0` and a dual direction `s` with `s·w = ‖w‖` and `‖s‖_* = 1` (ℓ2: `s = w`,
/// value `‖w‖²`; ℓ1: `s = sign(w)`; ℓ∞: `s = sign(w_j) e_j` at a largest `|w_j|`). Support
/// points are `z_i = s/(s·w) + p_i` with `p_i ⊥ w` (so `z_i·w = 1`), weights `α_i > 0`
/// summing to `s·w`, and `p_k` chosen so that `Σ α_i p_i = 0`; then `Σ α_i z_i = s`, which is
/// stationarity (ℓ2) or dual feasibility with zero gap (LP). Extra points: on the margin
/// with `α = 0`, and off it (`z = c s/(s·w) + p`, `c > 1`). Labels are random, `x = y z`.
pub fn valid_certificate(b: &mut Bytes, norm: Norm) -> (Dataset, Certificate) {
    let d = 1 + b.index(4);
    let mut w: Vec<Rational> = (0..d).map(|_| b.small_rational(6, 4)).collect();
    if w.iter().all(|v| *v == 0) {
        w[b.index(d)] = b.positive_rational(6, 4);
    }
    let s: Vec<Rational> = match norm {
        Norm::L2 => w.clone(),
        Norm::L1 => w
            .iter()
            .map(|v| {
                if *v > 0 {
                    Rational::from(1)
                } else if *v < 0 {
                    Rational::from(-1)
                } else {
                    Ord::clamp(
                        b.small_rational(3, 3),
                        Rational::from(-1),
                        Rational::from(1),
                    )
                }
            })
            .collect(),
        Norm::LInf => {
            let mut j = 0;
            for (i, v) in w.iter().enumerate() {
                if abs(v) > abs(&w[j]) {
                    j = i;
                }
            }
            let mut s = vec![Rational::new(); d];
            s[j] = Rational::from(if w[j] > 0 { 1 } else { -1 });
            s
        }
    };
    let sw = dot(&s, &w);
    let base: Vec<Rational> = s.iter().map(|v| Rational::from(v / &sw)).collect();
    let k = 1 + b.index(4);
    let raw_alpha: Vec<Rational> = (0..k).map(|_| b.positive_rational(9, 5)).collect();
    let total = raw_alpha.iter().fold(Rational::new(), |a, v| a + v);
    let alpha: Vec<Rational> = raw_alpha
        .iter()
        .map(|a| Rational::from(a * &sw) / &total)
        .collect();
    let mut p: Vec<Vec<Rational>> = (0..k - 1).map(|_| orthogonal(b, &w)).collect();
    let mut last = vec![Rational::new(); d];
    for (pi, ai) in p.iter().zip(&alpha) {
        for (l, v) in last.iter_mut().zip(pi) {
            *l -= Rational::from(ai * v);
        }
    }
    let ak = &alpha[k - 1];
    p.push(last.into_iter().map(|v| v / ak).collect());
    let mut z: Vec<Vec<Rational>> = p
        .iter()
        .map(|pi| {
            pi.iter()
                .zip(&base)
                .map(|(a, c)| Rational::from(a + c))
                .collect()
        })
        .collect();
    let mut a = alpha;
    let mut support: Vec<usize> = (0..k).collect();
    let extra = b.index(6);
    for _ in 0..extra {
        let pe = orthogonal(b, &w);
        let on = b.bool();
        let c = if on {
            Rational::from(1)
        } else {
            1 + b.positive_rational(8, 8)
        };
        if on {
            support.push(z.len());
        }
        z.push(
            pe.iter()
                .zip(&base)
                .map(|(a, s)| a + Rational::from(&c * s))
                .collect(),
        );
        a.push(Rational::new());
    }
    let y: Vec<i8> = z.iter().map(|_| if b.bool() { 1 } else { -1 }).collect();
    let x: Vec<Vec<Rational>> = z
        .into_iter()
        .zip(&y)
        .map(|(zn, &l)| zn.into_iter().map(|v| v * i32::from(l)).collect())
        .collect();
    let value = match norm {
        Norm::L2 => dot(&w, &w),
        _ => sw,
    };
    let data = Dataset::new(x, y).expect("well formed by construction");
    (
        data,
        Certificate {
            norm,
            w,
            alpha: a,
            support,
            value,
        },
    )
}

/// Changes one thing in a certificate (which may or may not make it invalid).
fn mutate(b: &mut Bytes, c: &mut Certificate, n: usize) {
    let delta = b.small_rational(4, 8);
    match b.below(9) {
        0 if !c.w.is_empty() => {
            let j = b.index(c.w.len());
            c.w[j] += delta;
        }
        1 if !c.alpha.is_empty() => {
            let i = b.index(c.alpha.len());
            c.alpha[i] += delta;
        }
        2 => c.value += delta,
        3 => {
            let i = b.index(n + 2);
            if let Some(pos) = c.support.iter().position(|&s| s == i) {
                c.support.remove(pos);
            } else {
                c.support.push(i);
            }
        }
        4 => {
            c.norm = norm_from(b);
        }
        5 => {
            if b.bool() {
                c.w.pop();
            } else {
                c.w.push(delta);
            }
        }
        6 => {
            if b.bool() {
                c.alpha.pop();
            } else {
                c.alpha.push(delta);
            }
        }
        7 => {
            // move weight between two points (keeps Σα; may break stationarity)
            if c.alpha.len() >= 2 {
                let i = b.index(c.alpha.len());
                let j = b.index(c.alpha.len());
                c.alpha[i] -= &delta;
                c.alpha[j] += delta;
            }
        }
        _ => {
            if let Some(&i) = c.support.first() {
                c.support.push(i); // a duplicate index changes nothing
            }
        }
    }
}

fn arbitrary_certificate(b: &mut Bytes, data: &Dataset) -> Certificate {
    let norm = norm_from(b);
    let d = if b.u8() < 16 { b.index(6) } else { data.dim() };
    let n = if b.u8() < 16 { b.index(8) } else { data.len() };
    let w: Vec<Rational> = (0..d).map(|_| b.small_rational(6, 4)).collect();
    let alpha: Vec<Rational> = (0..n).map(|_| b.small_rational(3, 4)).collect();
    let k = b.index(5);
    let support = (0..k).map(|_| b.index(data.len() + 1)).collect();
    let value = b.small_rational(12, 8);
    Certificate {
        norm,
        w,
        alpha,
        support,
        value,
    }
}

/// Points `z_1..z_k` and weights with `Σ α_i z_i = 0` (the last point solves for it), plus
/// points with weight 0; random labels.
fn valid_witness(b: &mut Bytes) -> (Dataset, Witness) {
    let d = 1 + b.index(4);
    let k = 1 + b.index(4);
    let alpha: Vec<Rational> = (0..k).map(|_| b.positive_rational(6, 4)).collect();
    let mut z: Vec<Vec<Rational>> = (0..k - 1)
        .map(|_| (0..d).map(|_| b.small_rational(8, 4)).collect())
        .collect();
    let mut last = vec![Rational::new(); d];
    for (zi, ai) in z.iter().zip(&alpha) {
        for (l, v) in last.iter_mut().zip(zi) {
            *l -= Rational::from(ai * v);
        }
    }
    let ak = &alpha[k - 1];
    z.push(last.into_iter().map(|v| v / ak).collect());
    let mut a = alpha;
    for _ in 0..b.index(4) {
        z.push((0..d).map(|_| b.small_rational(8, 4)).collect());
        a.push(Rational::new());
    }
    let y: Vec<i8> = z.iter().map(|_| if b.bool() { 1 } else { -1 }).collect();
    let x = z
        .into_iter()
        .zip(&y)
        .map(|(zn, &l)| zn.into_iter().map(|v| v * i32::from(l)).collect())
        .collect();
    (
        Dataset::new(x, y).expect("well formed by construction"),
        Witness { alpha: a },
    )
}

/// The invariant for one input.
pub fn check_certificate(bytes: &[u8]) {
    let mut b = Bytes::new(bytes);
    match b.below(6) {
        0 | 1 => {
            let norm = norm_from(&mut b);
            let (data, mut cert) = valid_certificate(&mut b, norm);
            let mutated = b.bool();
            if mutated {
                for _ in 0..1 + b.index(2) {
                    mutate(&mut b, &mut cert, data.len());
                }
            } else {
                assert_eq!(
                    check(&data, &cert),
                    Ok(()),
                    "a certificate valid by construction was rejected: {cert:?} on {data:?}"
                );
            }
            agree(&data, &cert);
        }
        2 | 3 => {
            let data = raw(&mut b, 8, 5);
            let cert = arbitrary_certificate(&mut b, &data);
            agree(&data, &cert);
        }
        4 => {
            let (data, mut wit) = valid_witness(&mut b);
            if b.bool() {
                let i = b.index(wit.alpha.len() + 1);
                let delta = b.small_rational(4, 4);
                match wit.alpha.get_mut(i) {
                    Some(a) => *a += delta,
                    None => wit.alpha.push(delta),
                }
            } else {
                assert_eq!(
                    check_witness(&data, &wit),
                    Ok(()),
                    "a witness valid by construction was rejected: {wit:?} on {data:?}"
                );
            }
            agree_witness(&data, &wit);
        }
        _ => {
            let data = raw(&mut b, 8, 4);
            let n = if b.u8() < 16 { b.index(10) } else { data.len() };
            let wit = Witness {
                alpha: (0..n).map(|_| b.small_rational(3, 3)).collect(),
            };
            agree_witness(&data, &wit);
        }
    }
}

fn agree(data: &Dataset, cert: &Certificate) {
    let fast = check(data, cert);
    let slow = naive_check(data, cert);
    assert!(
        same(&fast, &slow),
        "check and the naive recomputation disagree: check = {fast:?}, naive = {slow:?}\n\
         certificate: {cert:?}\ndata: {data:?}"
    );
    if let Err(v) = &fast {
        let msg = v.to_string();
        assert!(!msg.is_empty() && !msg.contains('\n'), "{msg:?}");
    }
}

fn agree_witness(data: &Dataset, wit: &Witness) {
    let fast = check_witness(data, wit);
    let slow = naive_check_witness(data, wit);
    assert!(
        same(&fast, &slow),
        "check_witness and the naive recomputation disagree: {fast:?} vs {slow:?}\n\
         witness: {wit:?}\ndata: {data:?}"
    );
}
