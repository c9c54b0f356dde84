//! Exact linear algebra over ℤ and modulo the prime `2⁶¹ − 1`:
//!
//! * [`solve_bareiss`]: fraction-free Gaussian elimination (Bareiss 1968) for square integer
//!   systems, giving `x = X/δ` with integer `X` and `δ = ±det`;
//! * [`solve_integer`]: the same answer by Dixon's p-adic lifting, with [`solve_bareiss`] as
//!   the fallback;
//! * [`ModEchelon`]: row echelon form modulo [`PRIME`]. A rank computed modulo a prime is a
//!   *lower bound* on the rank over ℚ (a minor that is non-zero mod p is a non-zero
//!   integer).

use rug::Integer;

/// Multiplies `x` by `2^e` (in steps, so intermediate powers stay finite).
pub(crate) fn ldexp(mut x: f64, mut e: i64) -> f64 {
    while e > 1000 {
        x *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        x *= 2f64.powi(-1000);
        e += 1000;
    }
    x * 2f64.powi(e as i32)
}

/// Solves the square integer system `A x = b` by fraction-free elimination (Bareiss) with
/// row exchanges. Returns `(X, δ)` with `δ > 0` and `x = X/δ` (`δ = |det A|`; `X_i` is the
/// Cramer numerator up to sign), or `None` if `A` is singular or not square.
pub(crate) fn solve_bareiss(
    mut a: Vec<Vec<Integer>>,
    b: Vec<Integer>,
) -> Option<(Vec<Integer>, Integer)> {
    let n = a.len();
    if b.len() != n || a.iter().any(|r| r.len() != n) {
        return None;
    }
    if n == 0 {
        return Some((Vec::new(), Integer::from(1)));
    }
    for (row, bi) in a.iter_mut().zip(b) {
        row.push(bi);
    }
    let mut prev = Integer::from(1);
    for k in 0..n {
        let piv = (k..n).find(|&i| a[i][k] != 0)?;
        a.swap(k, piv);
        let pivot_row = std::mem::take(&mut a[k]);
        for row in a.iter_mut().skip(k + 1) {
            let aik = std::mem::take(&mut row[k]);
            for j in k + 1..=n {
                let v = &mut row[j];
                *v *= &pivot_row[k];
                *v -= &aik * &pivot_row[j];
                if k > 0 {
                    v.div_exact_mut(&prev);
                }
            }
        }
        prev = pivot_row[k].clone();
        a[k] = pivot_row;
    }
    // Back substitution: X_i = (δ c_i − Σ_{j>i} U_ij X_j) / U_ii, all divisions exact.
    let det = a[n - 1][n - 1].clone();
    let mut x = vec![Integer::new(); n];
    for i in (0..n).rev() {
        let mut s = Integer::from(&det * &a[i][n]);
        for j in i + 1..n {
            s -= &a[i][j] * &x[j];
        }
        s.div_exact_mut(&a[i][i]);
        x[i] = s;
    }
    if det < 0 {
        for v in x.iter_mut() {
            *v = Integer::from(-&*v);
        }
        Some((x, -det))
    } else {
        Some((x, det))
    }
}

/// Solves the square integer system `A x = b` by Dixon's p-adic lifting (J. D. Dixon,
/// "Exact solution of linear equations using p-adic expansions", Numer. Math. 40 (1982)):
/// one LU factorization modulo [`PRIME`], `k` cheap lifting steps with small residuals, then
/// rational reconstruction of `x mod p^k`, with `p^k > 2H²` for the Hadamard bound `H` of
/// every Cramer numerator and of `det A`. The candidate is verified exactly (`A X = δ b`);
/// if anything fails (e.g. `A` singular mod p) it falls back to [`solve_bareiss`].
/// Returns `(X, δ)` with `δ > 0` and `x = X/δ`, or `None` if `A` is singular.
pub(crate) fn solve_integer(
    a: Vec<Vec<Integer>>,
    b: Vec<Integer>,
) -> Option<(Vec<Integer>, Integer)> {
    match solve_dixon(&a, &b) {
        Some(x) => Some(x),
        None => solve_bareiss(a, b),
    }
}

fn solve_dixon(a: &[Vec<Integer>], b: &[Integer]) -> Option<(Vec<Integer>, Integer)> {
    let n = a.len();
    if n == 0 || b.len() != n || a.iter().any(|r| r.len() != n) {
        return None;
    }
    let lu = LuModP::new(a)?;
    // Hadamard: every n×n matrix made of columns of [A | b] has |det| ≤ Π_i ‖(A_i, b_i)‖.
    let mut log2h = 0.0f64;
    for (row, bi) in a.iter().zip(b) {
        let mut s = 0.0f64;
        let top = row
            .iter()
            .chain([bi])
            .map(Integer::significant_bits)
            .max()
            .unwrap_or(0);
        let shift = i64::from(top);
        for v in row.iter().chain([bi]) {
            let (m, e) = v.to_f64_exp();
            let x = ldexp(m, i64::from(e) - shift);
            s += x * x;
        }
        log2h += 0.5 * s.max(f64::MIN_POSITIVE).log2() + shift as f64;
    }
    let steps = ((2.0 * log2h + 4.0) / 60.0).ceil() as usize + 1;
    let p = Integer::from(PRIME);
    let mut r: Vec<Integer> = b.to_vec();
    let mut digits: Vec<Vec<u64>> = Vec::with_capacity(steps);
    for _ in 0..steps {
        let rm: Vec<u64> = r
            .iter()
            .map(|v| Integer::from(v.modulo_ref(&p)).to_u64().unwrap_or(0))
            .collect();
        let x = lu.solve(&rm);
        for (ri, row) in r.iter_mut().zip(a) {
            for (aij, &xj) in row.iter().zip(&x) {
                if xj != 0 && *aij != 0 {
                    *ri -= aij * xj;
                }
            }
            if !ri.is_divisible(&p) {
                return None;
            }
            ri.div_exact_mut(&p);
        }
        digits.push(x);
    }
    let mut modulus = Integer::from(1);
    for _ in 0..steps {
        modulus *= &p;
    }
    let xs: Vec<Integer> = (0..n)
        .map(|j| {
            let mut v = Integer::new();
            for dgt in digits.iter().rev() {
                v *= &p;
                v += dgt[j];
            }
            v
        })
        .collect();
    // Bound for numerators and denominators: ⌊√(M/2)⌋ (then M > 2·bound², uniqueness).
    let bound = Integer::from(&modulus >> 1).sqrt();
    let half = Integer::from(&modulus >> 1);
    let mut den = Integer::from(1);
    for xj in &xs {
        let y = Integer::from(xj * &den).modulo(&modulus);
        let y = if y > half { y - &modulus } else { y };
        if y.cmp_abs(&bound) != std::cmp::Ordering::Greater {
            continue;
        }
        let y = if y < 0 { y + &modulus } else { y };
        let (_, dj) = reconstruct(&modulus, &y, &bound)?;
        den *= dj;
    }
    let mut num = Vec::with_capacity(n);
    for xj in &xs {
        let y = Integer::from(xj * &den).modulo(&modulus);
        num.push(if y > half { y - &modulus } else { y });
    }
    // Exact verification: A num = den b.
    for (row, bi) in a.iter().zip(b) {
        let mut s = Integer::new();
        for (aij, xj) in row.iter().zip(&num) {
            s += aij * xj;
        }
        if s != Integer::from(bi * &den) {
            return None;
        }
    }
    Some((num, den))
}

/// Rational reconstruction: `(u, v)` with `u ≡ v y (mod m)`, `|u| ≤ bound`, `0 < v ≤ bound`,
/// `gcd(u, v) = 1` (half extended Euclid), or `None`.
fn reconstruct(m: &Integer, y: &Integer, bound: &Integer) -> Option<(Integer, Integer)> {
    let (mut r0, mut r1) = (m.clone(), y.clone());
    let (mut t0, mut t1) = (Integer::new(), Integer::from(1));
    while r1.cmp_abs(bound) == std::cmp::Ordering::Greater {
        let (q, r) = r0.div_rem_floor(r1.clone());
        r0 = std::mem::replace(&mut r1, r);
        let t = Integer::from(&t0 - &q * &t1);
        t0 = std::mem::replace(&mut t1, t);
    }
    let (mut u, mut v) = (r1, t1);
    if v < 0 {
        u = -u;
        v = -v;
    }
    if v == 0 || v > *bound || Integer::from(u.gcd_ref(&v)) != 1 {
        return None;
    }
    Some((u, v))
}

/// LU factorization with row exchanges modulo [`PRIME`].
struct LuModP {
    lu: Vec<Vec<u64>>,
    perm: Vec<usize>,
    inv_diag: Vec<u64>,
}

impl LuModP {
    fn new(a: &[Vec<Integer>]) -> Option<LuModP> {
        let n = a.len();
        let p = Integer::from(PRIME);
        let mut m: Vec<Vec<u64>> = a
            .iter()
            .map(|r| {
                r.iter()
                    .map(|v| Integer::from(v.modulo_ref(&p)).to_u64().unwrap_or(0))
                    .collect()
            })
            .collect();
        let mut perm: Vec<usize> = (0..n).collect();
        let mut inv_diag = vec![0u64; n];
        for k in 0..n {
            let piv = (k..n).find(|&i| m[i][k] != 0)?;
            m.swap(k, piv);
            perm.swap(k, piv);
            let inv = invmod(m[k][k]);
            inv_diag[k] = inv;
            let pivot_row = std::mem::take(&mut m[k]);
            for row in m.iter_mut().skip(k + 1) {
                let f = mulmod(row[k], inv);
                row[k] = f;
                if f != 0 {
                    for j in k + 1..n {
                        row[j] = submod(row[j], mulmod(f, pivot_row[j]));
                    }
                }
            }
            m[k] = pivot_row;
        }
        Some(LuModP {
            lu: m,
            perm,
            inv_diag,
        })
    }

    fn solve(&self, b: &[u64]) -> Vec<u64> {
        let n = self.lu.len();
        let mut y: Vec<u64> = self.perm.iter().map(|&i| b[i]).collect();
        for i in 0..n {
            let (done, rest) = y.split_at_mut(i);
            rest[0] = self.lu[i][..i]
                .iter()
                .zip(done.iter())
                .fold(rest[0], |s, (&l, &yj)| submod(s, mulmod(l, yj)));
        }
        for i in (0..n).rev() {
            let s = self.lu[i][i + 1..]
                .iter()
                .zip(&y[i + 1..])
                .fold(y[i], |s, (&u, &yj)| submod(s, mulmod(u, yj)));
            y[i] = mulmod(s, self.inv_diag[i]);
        }
        y
    }
}

/// The Mersenne prime `2⁶¹ − 1`.
pub(crate) const PRIME: u64 = (1 << 61) - 1;

#[inline]
fn mulmod(a: u64, b: u64) -> u64 {
    let x = u128::from(a) * u128::from(b);
    let mut r = (x as u64 & PRIME) + (x >> 61) as u64;
    while r >= PRIME {
        r -= PRIME;
    }
    r
}

#[inline]
fn submod(a: u64, b: u64) -> u64 {
    if a >= b {
        a - b
    } else {
        a + PRIME - b
    }
}

fn invmod(a: u64) -> u64 {
    let (mut base, mut e, mut r) = (a, PRIME - 2, 1u64);
    while e > 0 {
        if e & 1 == 1 {
            r = mulmod(r, base);
        }
        base = mulmod(base, base);
        e >>= 1;
    }
    r
}

/// Row echelon form modulo [`PRIME`], built one row at a time. Its rank is a lower bound
/// on the rank over ℚ of the integer rows inserted.
#[derive(Clone, Debug, Default)]
pub(crate) struct ModEchelon {
    rows: Vec<(usize, Vec<u64>)>,
}

impl ModEchelon {
    /// Inserts a row (entries already reduced mod p); true if it raised the rank.
    pub(crate) fn insert(&mut self, mut row: Vec<u64>) -> bool {
        for (pc, pr) in &self.rows {
            let f = row[*pc];
            if f != 0 {
                for (v, &p) in row.iter_mut().zip(pr) {
                    if p != 0 {
                        *v = submod(*v, mulmod(f, p));
                    }
                }
            }
        }
        match row.iter().position(|&v| v != 0) {
            None => false,
            Some(pc) => {
                let inv = invmod(row[pc]);
                for v in row.iter_mut() {
                    *v = mulmod(*v, inv);
                }
                self.rows.push((pc, row));
                true
            }
        }
    }
    /// Rank so far (mod p).
    pub(crate) fn rank(&self) -> usize {
        self.rows.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rug::Rational;

    fn ints(v: &[i64]) -> Vec<Integer> {
        v.iter().map(|&x| Integer::from(x)).collect()
    }

    #[test]
    fn bareiss_solves_a_small_system() {
        // [2 1; 1 3] x = [3; 5]: det 5, x = (4/5, 7/5).
        let (x, d) = solve_bareiss(vec![ints(&[2, 1]), ints(&[1, 3])], ints(&[3, 5])).unwrap();
        assert_eq!(d, 5);
        assert_eq!(x, ints(&[4, 7]));
        // Needs a row exchange: [0 1; 1 0] x = [2; 3] → x = (3, 2), |det| = 1.
        let (x, d) = solve_bareiss(vec![ints(&[0, 1]), ints(&[1, 0])], ints(&[2, 3])).unwrap();
        assert_eq!(d, 1);
        assert_eq!(x, ints(&[3, 2]));
        assert!(solve_bareiss(vec![ints(&[1, 2]), ints(&[2, 4])], ints(&[1, 1])).is_none());
    }

    #[test]
    fn dixon_agrees_with_bareiss() {
        // A 6×6 integer matrix with a large determinant; both solvers must give the same x.
        let mut a = Vec::new();
        for i in 0..6i64 {
            a.push(ints(
                &(0..6i64)
                    .map(|j| (i * 7 + j * 13) % 11 - 5 + if i == j { 40 } else { 0 })
                    .collect::<Vec<_>>(),
            ));
        }
        let b = ints(&[1, -2, 3, 1000000007, 5, -6]);
        let (xd, dd) = solve_dixon(&a, &b).unwrap();
        let (xb, db) = solve_bareiss(a.clone(), b.clone()).unwrap();
        for (u, v) in xd.iter().zip(&xb) {
            assert_eq!(
                Rational::from((u.clone(), dd.clone())),
                Rational::from((v.clone(), db.clone()))
            );
        }
        assert!(solve_integer(vec![ints(&[1, 2]), ints(&[2, 4])], ints(&[1, 1])).is_none());
    }

    #[test]
    fn mod_p_rank() {
        let rows = [[1i64, 2, 3], [2, 4, 6], [0, 1, -1]];
        let mut e = ModEchelon::default();
        for r in rows {
            e.insert(
                r.iter()
                    .map(|&v| v.rem_euclid(PRIME as i64) as u64)
                    .collect(),
            );
        }
        assert_eq!(e.rank(), 2);
    }
}
