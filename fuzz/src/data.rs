//! Data sets from fuzzer bytes: separable by construction (a planted direction and rational
//! offsets), raw (maybe not separable), and orthogonal to a chosen direction.

use super::input::Bytes;
use implicit_bias::data::Dataset;
use rug::Rational;

/// Exact dot product.
pub fn dot(a: &[Rational], b: &[Rational]) -> Rational {
    let mut s = Rational::new();
    for (x, y) in a.iter().zip(b) {
        s += Rational::from(x * y);
    }
    s
}

/// A data set that is strictly separable through the origin by construction, with the
/// direction that separates it.
pub struct Planted {
    /// The data.
    pub data: Dataset,
    /// A planted direction with `y_n u·x_n > 0` for every n.
    pub u: Vec<Rational>,
}

impl Planted {
    /// `min_n y_n u·x_n` (positive by construction).
    pub fn min_signed_margin(&self) -> Rational {
        let mut best: Option<Rational> = None;
        for (x, &y) in self.data.points().iter().zip(self.data.labels()) {
            let m = dot(x, &self.u) * i32::from(y);
            best = match best {
                Some(b) if b <= m => Some(b),
                _ => Some(m),
            };
        }
        best.unwrap_or_default()
    }
}

/// A nonzero integer direction with coordinates in `-3..=3`.
fn direction(b: &mut Bytes, d: usize) -> Vec<Rational> {
    let mut u: Vec<Rational> = (0..d).map(|_| Rational::from(b.range(-3, 3))).collect();
    if u.iter().all(|v| *v == 0) {
        let j = b.index(d);
        u[j] = Rational::from(1);
    }
    u
}

/// A point: small rationals, occasionally of a wide scale (`10^±12`).
fn point(b: &mut Bytes, d: usize, wide: bool) -> Vec<Rational> {
    (0..d)
        .map(|_| {
            if wide && b.u8() < 32 {
                b.wide_rational(12)
            } else {
                b.small_rational(12, 6)
            }
        })
        .collect()
}

/// Planted separable data: random points labelled by the side of a planted integer
/// direction `u`; points on the hyperplane (and, by choice, every point) are pushed off it
/// by a positive rational offset along `y u`, so `y_n u·x_n > 0` for all n.
pub fn planted(b: &mut Bytes, max_n: usize, max_d: usize) -> Planted {
    let d = 1 + b.index(max_d);
    let n = 1 + b.index(max_n);
    let wide = b.u8() < 40;
    let push_all = b.bool();
    let u = direction(b, d);
    let uu = dot(&u, &u);
    let mut x: Vec<Vec<Rational>> = Vec::with_capacity(n);
    let mut y: Vec<i8> = Vec::with_capacity(n);
    for _ in 0..n {
        if !x.is_empty() && b.u8() < 24 {
            // an exact duplicate of an earlier point (same label: still separable)
            let k = b.index(x.len());
            x.push(x[k].clone());
            y.push(y[k]);
            continue;
        }
        let mut p = point(b, d, wide);
        let s = dot(&p, &u);
        let label: i8 = if s > 0 {
            1
        } else if s < 0 {
            -1
        } else if b.bool() {
            1
        } else {
            -1
        };
        if s == 0 || push_all {
            let c = b.positive_rational(8, 8);
            let shift = Rational::from(&c / &uu) * i32::from(label);
            for (pj, uj) in p.iter_mut().zip(&u) {
                *pj += Rational::from(&shift * uj);
            }
        }
        x.push(p);
        y.push(label);
    }
    let data = Dataset::new(x, y).expect("planted data are well formed by construction");
    Planted { data, u }
}

/// Raw data: small rational points with arbitrary labels, with duplicates, contradictory
/// duplicates (same point, both labels) and zero vectors mixed in. May or may not be
/// separable.
pub fn raw(b: &mut Bytes, max_n: usize, max_d: usize) -> Dataset {
    let d = 1 + b.index(max_d);
    let n = 1 + b.index(max_n);
    let wide = b.u8() < 40;
    let mut x: Vec<Vec<Rational>> = Vec::with_capacity(n);
    let mut y: Vec<i8> = Vec::with_capacity(n);
    for _ in 0..n {
        let kind = b.u8();
        if !x.is_empty() && kind < 24 {
            let k = b.index(x.len());
            let flip = b.bool();
            x.push(x[k].clone());
            y.push(if flip { -y[k] } else { y[k] });
        } else if kind < 32 {
            x.push(vec![Rational::new(); d]);
            y.push(if b.bool() { 1 } else { -1 });
        } else {
            x.push(point(b, d, wide));
            y.push(if b.bool() { 1 } else { -1 });
        }
    }
    Dataset::new(x, y).expect("raw data are well formed by construction")
}

/// Projects every point onto the hyperplane `v^⊥` (exactly), so `v·z_n = 0` for all n and
/// `v` lies in `span(Z)^⊥`.
pub fn project_out(data: &Dataset, v: &[Rational]) -> Dataset {
    let vv = dot(v, v);
    let x = data
        .points()
        .iter()
        .map(|p| {
            let c = dot(p, v) / &vv;
            p.iter()
                .zip(v)
                .map(|(pj, vj)| pj - Rational::from(&c * vj))
                .collect()
        })
        .collect();
    Dataset::new(x, data.labels().to_vec()).expect("same shape as the input")
}

/// A direction to project out: either a coordinate axis `e_j` (then column j is exactly
/// zero) or a small integer vector.
pub fn orthogonal_direction(b: &mut Bytes, d: usize) -> Vec<Rational> {
    if b.bool() {
        let mut v = vec![Rational::new(); d];
        v[b.index(d)] = Rational::from(1);
        v
    } else {
        direction(b, d)
    }
}
