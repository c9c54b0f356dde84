//! The oracle's exact view of the data: [`IntRows`], the signed points `z_n = r_n / den_n`
//! with each row's denominators cleared (`r_n` integer, `den_n > 0` integer), so inner
//! products are integer arithmetic. The elimination routines it feeds (Bareiss and Dixon
//! solves, the echelon form modulo a prime, rank and row space over ℚ) are
//! [`crate::linalg`]'s.

use crate::data::Dataset;
use crate::linalg::{ldexp, PRIME};
use rug::{Integer, Rational};

/// Base-2 exponent `e` and mantissa `m ∈ [1/2, 1)` (signed) with `q = m·2^e`, up to
/// rounding towards zero of the mantissa; `None` for zero.
pub(crate) fn rational_exp(q: &Rational) -> Option<(f64, i64)> {
    if *q == 0 {
        return None;
    }
    let (mn, en) = q.numer().to_f64_exp();
    let (md, ed) = q.denom().to_f64_exp();
    Some((mn / md, i64::from(en) - i64::from(ed)))
}

/// The signed points with per-row denominators cleared.
#[derive(Clone, Debug)]
pub(crate) struct IntRows {
    n: usize,
    d: usize,
    den: Vec<Integer>,
    /// Row-major integer entries when every one fits in `|v| ≤ 2^62` (the common case).
    small: Option<Vec<i64>>,
    /// Row-major integer entries otherwise.
    big: Vec<Integer>,
    /// Row-major `f64` approximations of `z_n · 2^(-shift)`, each with relative error at
    /// most `6u` (`u = 2^-53`) when [`IntRows::filter_ok`] holds.
    zf: Vec<f64>,
    shift: i64,
    filter_ok: bool,
}

fn lcm_i64(a: i64, b: i64) -> Option<i64> {
    fn gcd(mut a: i64, mut b: i64) -> i64 {
        while b != 0 {
            let t = a % b;
            a = b;
            b = t;
        }
        a.abs()
    }
    let g = gcd(a, b);
    let v = i128::from(a / g) * i128::from(b);
    if v.abs() > (1i128 << 62) {
        None
    } else {
        Some(v.abs() as i64)
    }
}

impl IntRows {
    /// Clears denominators row by row: `r_n = den_n · y_n x_n` with `den_n` the least common
    /// multiple of the row's denominators.
    pub(crate) fn new(data: &Dataset) -> IntRows {
        Self::new_small(data).unwrap_or_else(|| Self::new_big(data))
    }

    fn new_small(data: &Dataset) -> Option<IntRows> {
        let (n, d) = (data.len(), data.dim());
        let mut den = Vec::with_capacity(n);
        let mut small = Vec::with_capacity(n * d);
        let mut zf = Vec::with_capacity(n * d);
        for (x, &y) in data.points().iter().zip(data.labels()) {
            let mut l: i64 = 1;
            for v in x {
                let dv = v.denom().to_i64()?;
                if l % dv != 0 {
                    l = lcm_i64(l, dv)?;
                }
            }
            let lf = l as f64;
            for v in x {
                let num = i128::from(v.numer().to_i64()?);
                let r = num * i128::from(l / v.denom().to_i64()?) * i128::from(y);
                if r.abs() > (1i128 << 62) {
                    return None;
                }
                let r = r as i64;
                small.push(r);
                zf.push(r as f64 / lf);
            }
            den.push(Integer::from(l));
        }
        Some(IntRows {
            n,
            d,
            den,
            small: Some(small),
            big: Vec::new(),
            zf,
            shift: 0,
            filter_ok: true,
        })
    }

    fn new_big(data: &Dataset) -> IntRows {
        let (n, d) = (data.len(), data.dim());
        let mut den = Vec::with_capacity(n);
        let mut big = Vec::with_capacity(n * d);
        for (x, &y) in data.points().iter().zip(data.labels()) {
            let mut l = Integer::from(1);
            for v in x {
                l.lcm_mut(v.denom());
            }
            for v in x {
                let mut r = Integer::from(&l / v.denom());
                r *= v.numer();
                if y < 0 {
                    r = -r;
                }
                big.push(r);
            }
            den.push(l);
        }
        // Scale the float copy by a power of two so that its largest entry is about 1.
        let mut emax = i64::MIN;
        let mut parts = Vec::with_capacity(n * d);
        for i in 0..n {
            let (md, ed) = den[i].to_f64_exp();
            for v in &big[i * d..(i + 1) * d] {
                if *v == 0 {
                    parts.push(None);
                    continue;
                }
                let (mv, ev) = v.to_f64_exp();
                let e = i64::from(ev) - i64::from(ed);
                emax = emax.max(e);
                parts.push(Some((mv / md, e)));
            }
        }
        let shift = if emax == i64::MIN { 0 } else { emax };
        let mut filter_ok = true;
        let zf = parts
            .iter()
            .map(|p| match p {
                None => 0.0,
                Some((m, e)) => {
                    if e - shift < -400 {
                        filter_ok = false;
                    }
                    ldexp(*m, e - shift)
                }
            })
            .collect();
        IntRows {
            n,
            d,
            den,
            small: None,
            big,
            zf,
            shift,
            filter_ok,
        }
    }

    /// Number of points.
    pub(crate) fn len(&self) -> usize {
        self.n
    }
    /// Dimension.
    pub(crate) fn dim(&self) -> usize {
        self.d
    }
    /// The positive row denominator `den_n`.
    pub(crate) fn den(&self, n: usize) -> &Integer {
        &self.den[n]
    }
    /// The scaled float rows (row-major), `z_n · 2^(-shift)`.
    pub(crate) fn zf(&self) -> &[f64] {
        &self.zf
    }
    /// The float row of point `n`.
    pub(crate) fn zf_row(&self, n: usize) -> &[f64] {
        &self.zf[n * self.d..(n + 1) * self.d]
    }
    /// `zf = z · 2^(-shift)`.
    pub(crate) fn shift(&self) -> i64 {
        self.shift
    }
    /// Whether the float rows are accurate enough for the rigorous margin filter.
    pub(crate) fn filter_ok(&self) -> bool {
        self.filter_ok
    }

    /// Whether `z_n = 0`.
    pub(crate) fn is_zero_row(&self, n: usize) -> bool {
        match &self.small {
            Some(s) => s[n * self.d..(n + 1) * self.d].iter().all(|&v| v == 0),
            None => self.big[n * self.d..(n + 1) * self.d]
                .iter()
                .all(|v| *v == 0),
        }
    }

    /// The integer entry `r_{n,j}`.
    pub(crate) fn entry(&self, n: usize, j: usize) -> Integer {
        match &self.small {
            Some(s) => Integer::from(s[n * self.d + j]),
            None => self.big[n * self.d + j].clone(),
        }
    }

    /// The exact signed point `z_n = r_n / den_n`.
    pub(crate) fn row_rational(&self, n: usize) -> Vec<Rational> {
        (0..self.d)
            .map(|j| Rational::from((self.entry(n, j), self.den[n].clone())))
            .collect()
    }

    /// `r_n · p` for an integer vector `p`.
    pub(crate) fn dot(&self, n: usize, p: &[Integer]) -> Integer {
        let mut acc = Integer::new();
        match &self.small {
            Some(s) => {
                for (&r, pj) in s[n * self.d..(n + 1) * self.d].iter().zip(p) {
                    if r != 0 {
                        acc += pj * r;
                    }
                }
            }
            None => {
                for (r, pj) in self.big[n * self.d..(n + 1) * self.d].iter().zip(p) {
                    if *r != 0 {
                        acc += pj * r;
                    }
                }
            }
        }
        acc
    }

    /// `r_i · r_k`.
    pub(crate) fn gram(&self, i: usize, k: usize) -> Integer {
        let d = self.d;
        match &self.small {
            Some(s) => {
                let (a, b) = (&s[i * d..(i + 1) * d], &s[k * d..(k + 1) * d]);
                let mut acc: i128 = 0;
                let mut ok = true;
                for (&x, &y) in a.iter().zip(b) {
                    match acc.checked_add(i128::from(x) * i128::from(y)) {
                        Some(v) => acc = v,
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
                if ok {
                    return Integer::from(acc);
                }
                let mut big = Integer::new();
                for (&x, &y) in a.iter().zip(b) {
                    big += Integer::from(x) * y;
                }
                big
            }
            None => {
                let mut acc = Integer::new();
                for (x, y) in self.big[i * d..(i + 1) * d]
                    .iter()
                    .zip(&self.big[k * d..(k + 1) * d])
                {
                    acc += x * y;
                }
                acc
            }
        }
    }

    /// Row `n` reduced modulo [`PRIME`].
    pub(crate) fn row_mod_p(&self, n: usize) -> Vec<u64> {
        let d = self.d;
        match &self.small {
            Some(s) => s[n * d..(n + 1) * d]
                .iter()
                .map(|&v| v.rem_euclid(PRIME as i64) as u64)
                .collect(),
            None => {
                let p = Integer::from(PRIME);
                self.big[n * d..(n + 1) * d]
                    .iter()
                    .map(|v| Integer::from(v.modulo_ref(&p)).to_u64().unwrap_or(0))
                    .collect()
            }
        }
    }
}
