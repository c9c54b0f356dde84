//! Exact linear algebra over ℚ (`rug::Rational`), one implementation of each routine:
//! reduced row echelon form ([`rref`]) and what is read off it (rank, the greedy independent
//! rows, row-space membership, square solves), the exact positive-definiteness test, and
//! orthogonal projection.

use rug::Rational;

/// Exact dot product.
pub(crate) fn qdot(a: &[Rational], b: &[Rational]) -> Rational {
    let mut s = Rational::new();
    for (x, y) in a.iter().zip(b) {
        s += Rational::from(x * y);
    }
    s
}

/// Reduced row echelon form over ℚ. Returns the non-zero rows and their pivot columns
/// (increasing). Pivot columns are chosen greedily from the left, so the pivot columns of
/// the matrix are the lexicographically first basis of its column space, and row `i` of
/// the result holds the coordinates of every column in that basis.
pub(crate) fn rref(mut m: Vec<Vec<Rational>>) -> (Vec<Vec<Rational>>, Vec<usize>) {
    let rows = m.len();
    let cols = m.first().map_or(0, Vec::len);
    let mut pivots = Vec::new();
    let mut r = 0;
    for c in 0..cols {
        if r == rows {
            break;
        }
        let Some(p) = (r..rows).find(|&i| m[i][c] != 0) else {
            continue;
        };
        m.swap(r, p);
        let inv = Rational::from(m[r][c].recip_ref());
        for v in m[r].iter_mut() {
            *v *= &inv;
        }
        let pivot_row = std::mem::take(&mut m[r]);
        for (i, row) in m.iter_mut().enumerate() {
            if i == r || row[c] == 0 {
                continue;
            }
            let f = row[c].clone();
            for (v, pv) in row.iter_mut().zip(&pivot_row) {
                if *pv != 0 {
                    *v -= Rational::from(&f * pv);
                }
            }
        }
        m[r] = pivot_row;
        pivots.push(c);
        r += 1;
    }
    m.truncate(r);
    (m, pivots)
}

/// Rank over ℚ.
pub(crate) fn rank(m: Vec<Vec<Rational>>) -> usize {
    rref(m).1.len()
}

/// Whether `z` lies in the row space of a reduced row echelon form `r` with pivot columns
/// `pivots` (as returned by [`rref`]): each row of `r` is 1 at its own pivot column and 0 at
/// the others, so the only candidate combination is `Σ_k z[pivots[k]]·r_k`, and `z` is in
/// the row space exactly when that combination equals `z`.
pub(crate) fn in_row_space(r: &[Vec<Rational>], pivots: &[usize], z: &[Rational]) -> bool {
    (0..z.len()).all(|j| {
        let mut s = Rational::new();
        for (row, &pc) in r.iter().zip(pivots) {
            if z[pc] != 0 && row[j] != 0 {
                s += Rational::from(&z[pc] * &row[j]);
            }
        }
        s == z[j]
    })
}

/// Indices of a maximal linearly independent subset of `rows`, chosen greedily in order:
/// the pivot columns of the [`rref`] of the transpose (a row is taken exactly when it is
/// independent of the rows before it). Its length is the rank.
pub(crate) fn independent_rows(rows: &[Vec<Rational>]) -> Vec<usize> {
    let width = rows.first().map_or(0, Vec::len);
    let transpose: Vec<Vec<Rational>> = (0..width)
        .map(|j| rows.iter().map(|r| r[j].clone()).collect())
        .collect();
    rref(transpose).1
}

/// Solves the square system `a x = b` exactly (the [`rref`] of `[a | b]`); `None` if `a` is
/// singular or not square.
pub(crate) fn solve_exact(a: Vec<Vec<Rational>>, b: Vec<Rational>) -> Option<Vec<Rational>> {
    let n = b.len();
    if a.len() != n || a.iter().any(|r| r.len() != n) {
        return None;
    }
    let augmented: Vec<Vec<Rational>> = a
        .into_iter()
        .zip(b)
        .map(|(mut row, bi)| {
            row.push(bi);
            row
        })
        .collect();
    let (r, pivots) = rref(augmented);
    // Nonsingular exactly when the pivots are the first n columns; row i is then
    // (e_i, x_i).
    if pivots.len() != n || pivots.last().is_some_and(|&p| p != n - 1) {
        return None;
    }
    Some(r.into_iter().map(|mut row| row.swap_remove(n)).collect())
}

/// Whether the symmetric rational matrix `a` is positive definite, exactly: Gaussian
/// elimination without pivoting, every pivot `> 0` (Sylvester's criterion through the
/// leading principal minors, which are the products of the pivots).
pub(crate) fn positive_definite_exact(mut a: Vec<Vec<Rational>>) -> bool {
    let n = a.len();
    if a.iter().any(|r| r.len() != n) {
        return false;
    }
    for col in 0..n {
        if a[col][col] <= 0 {
            return false;
        }
        let inv = Rational::from(a[col][col].recip_ref());
        let src = a[col].clone();
        for row in a.iter_mut().skip(col + 1) {
            if row[col] != 0 {
                let f = Rational::from(&row[col] * &inv);
                for (dj, sj) in row.iter_mut().zip(&src) {
                    *dj -= Rational::from(&f * sj);
                }
            }
        }
    }
    true
}

/// Exact orthogonal projection of `v` onto the span of the linearly independent `basis`
/// rows: `Bᵀ (B Bᵀ)⁻¹ B v`. `None` only if the rows are dependent.
pub(crate) fn project_exact(basis: &[Vec<Rational>], v: &[Rational]) -> Option<Vec<Rational>> {
    let d = v.len();
    if basis.is_empty() {
        return Some(vec![Rational::new(); d]);
    }
    let gram: Vec<Vec<Rational>> = basis
        .iter()
        .map(|a| basis.iter().map(|b| qdot(a, b)).collect())
        .collect();
    let rhs: Vec<Rational> = basis.iter().map(|a| qdot(a, v)).collect();
    let c = solve_exact(gram, rhs)?;
    let mut out = vec![Rational::new(); d];
    for (ck, b) in c.iter().zip(basis) {
        for (o, bj) in out.iter_mut().zip(b) {
            *o += Rational::from(ck * bj);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(p: i64, d: i64) -> Rational {
        Rational::from((p, d))
    }

    #[test]
    fn rank_and_projection_are_exact() {
        let rows = vec![
            vec![q(1, 2), q(3, 2), q(0, 1)],
            vec![q(1, 1), q(3, 1), q(0, 1)],
            vec![q(3, 2), q(1, 2), q(0, 1)],
        ];
        assert_eq!(independent_rows(&rows), vec![0, 2]);
        // projecting (1,1,1) onto the x1-x2 plane gives (1,1,0) exactly
        let p = project_exact(&[rows[0].clone(), rows[2].clone()], &vec![q(1, 1); 3]).unwrap();
        assert_eq!(p, vec![q(1, 1), q(1, 1), q(0, 1)]);
        let x = solve_exact(
            vec![vec![q(2, 1), q(1, 1)], vec![q(1, 1), q(3, 1)]],
            vec![q(1, 1), q(2, 1)],
        )
        .unwrap();
        assert_eq!(x, vec![q(1, 5), q(3, 5)]);
    }

    #[test]
    fn mod_p_rank_and_rref_rank() {
        let rows = [[1i64, 2, 3], [2, 4, 6], [0, 1, -1]];
        let q: Vec<Vec<Rational>> = rows
            .iter()
            .map(|r| r.iter().map(|&v| Rational::from(v)).collect())
            .collect();
        assert_eq!(rank(q.clone()), 2);
        // The row space is {v : v·(−5, 1, 1) = 0} ((−5, 1, 1) is orthogonal to both
        // independent rows: −5 + 2 + 3 = 0 and 0 + 1 − 1 = 0).
        let (r, pivots) = rref(q);
        let q = |v: [i64; 3]| v.map(Rational::from).to_vec();
        assert!(in_row_space(&r, &pivots, &q([1, 3, 2])));
        assert!(in_row_space(&r, &pivots, &q([-2, 0, -10])));
        assert!(!in_row_space(&r, &pivots, &q([0, 0, 1])));
        assert!(!in_row_space(&r, &pivots, &q([1, 0, 0])));
    }
}
