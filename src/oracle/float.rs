//! The floating-point proposal: Wolfe's minimum-norm-point algorithm in `f64`.
//!
//! The ℓ2 max-margin problem `min ‖w‖² s.t. z_n·w ≥ 1` is the minimum-norm-point problem
//! on the convex hull of the signed points: if `p*` is the point of `conv{z_n}` nearest to the
//! origin, then `ŵ = p*/‖p*‖²` (and `p* = 0` exactly when the data are not strictly
//! separable). Wolfe (1976) solves it with a *corral*: an affinely independent set of points
//! whose affine minimum-norm point lies in the relative interior of their hull.
//!
//! Nothing here is trusted. The result is only a guess of the corral, which
//! [`super::l2`] re-solves in exact rational arithmetic and, if the guess was wrong,
//! repairs by continuing Wolfe's algorithm exactly.

/// A proposed corral with its (approximate) convex weights.
#[derive(Clone, Debug, Default)]
pub(crate) struct CorralProposal {
    /// Point indices (0-based), affinely independent in floating point.
    pub(crate) corral: Vec<usize>,
    /// Convex weights, one per corral point (positive, summing to about 1).
    pub(crate) lambda: Vec<f64>,
}

/// Dot product with four accumulators (lets the compiler use SIMD lanes).
///
/// f64-only numerics of the float proposal, kept apart from the generic
/// [`crate::scalar::dot`] on purpose: the proposal is a hot f64 loop that only picks where the
/// exact solve starts, and its four-lane sum rounds differently from the generic one's
/// left-to-right sum.
#[inline]
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let ca = a.chunks_exact(4);
    let cb = b.chunks_exact(4);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        acc[0] += x[0] * y[0];
        acc[1] += x[1] * y[1];
        acc[2] += x[2] * y[2];
        acc[3] += x[3] * y[3];
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (x, y) in ra.iter().zip(rb) {
        s += x * y;
    }
    s
}

/// Keeps the entries of `v` whose flag in `keep` is true.
pub(crate) fn retain_mask<T>(v: &mut Vec<T>, keep: &[bool]) {
    let mut i = 0;
    v.retain(|_| {
        i += 1;
        keep.get(i - 1).copied().unwrap_or(false)
    });
}

/// Cholesky factor (lower triangular, row `i` has `i + 1` entries) of `M = 11ᵀ + G`, where
/// `G` is the Gram matrix of the corral. `M` is positive definite exactly when the corral
/// points are affinely independent (Wolfe's device: no bordered system needed).
struct Chol {
    l: Vec<Vec<f64>>,
}

impl Chol {
    fn new() -> Chol {
        Chol { l: Vec::new() }
    }

    /// Deletes row/column `i` of `M`: the trailing block takes a rank-one update with the
    /// deleted column below the diagonal (O(k²), no refactorization).
    fn remove(&mut self, i: usize) {
        let k = self.l.len();
        if i >= k {
            return;
        }
        let mut x: Vec<f64> = (i + 1..k).map(|r| self.l[r][i]).collect();
        self.l.remove(i);
        for row in self.l.iter_mut().skip(i) {
            row.remove(i);
        }
        let m = x.len();
        for a in 0..m {
            let ra = i + a;
            let lkk = self.l[ra][ra];
            let r = lkk.hypot(x[a]);
            let c = r / lkk;
            let s = x[a] / lkk;
            self.l[ra][ra] = r;
            for (b, xb) in x.iter_mut().enumerate().skip(a + 1) {
                let rb = i + b;
                let v = (self.l[rb][ra] + s * *xb) / c;
                self.l[rb][ra] = v;
                *xb = c * *xb - s * v;
            }
        }
    }

    /// Appends a row/column; `m` holds `M_{new,k}` for the old points followed by
    /// `M_{new,new}`. Returns false (and leaves the factor unchanged) when the new point is
    /// numerically affinely dependent on the others.
    fn append(&mut self, m: &[f64]) -> bool {
        let k = self.l.len();
        let mut row = Vec::with_capacity(k + 1);
        for i in 0..k {
            let s = m[i] - dot(&self.l[i][..i], &row[..i]);
            row.push(s / self.l[i][i]);
        }
        let diag2 = m[k] - dot(&row, &row);
        // The threshold only decides where the proposal gives up; the exact phase repairs any
        // corral. At 1e-13 the proposal stopped early on planted data with N = 10^5, d = 100:
        // points barely off the margin face lie ~10^-6 from the corral's affine hull, and the
        // exact phase then needed 72 major cycles (2.6 s); at 1e-15 the proposal converges
        // and the exact phase takes 20 ms (docs/speed.md, "The exact oracle").
        if diag2.is_nan() || diag2 <= 1e-15 * m[k] {
            return false;
        }
        row.push(diag2.sqrt());
        self.l.push(row);
        true
    }

    /// Solves `M ν = 1`.
    fn solve_ones(&self) -> Vec<f64> {
        let k = self.l.len();
        let mut y = vec![0.0; k];
        for i in 0..k {
            y[i] = (1.0 - dot(&self.l[i][..i], &y[..i])) / self.l[i][i];
        }
        let mut x = vec![0.0; k];
        for i in (0..k).rev() {
            let mut s = y[i];
            for (lj, xj) in self.l[i + 1..].iter().zip(&x[i + 1..]) {
                s -= lj[i] * xj;
            }
            x[i] = s / self.l[i][i];
        }
        x
    }
}

/// Wolfe's minimum-norm-point algorithm on the rows of `z` (`n` rows of length `d`,
/// row-major). Returns the final corral; stops early (with the best corral so far) on
/// numerical trouble or after an iteration budget, since the exact phase repairs anything.
pub(crate) fn min_norm_point(z: &[f64], n: usize, d: usize) -> CorralProposal {
    if n == 0 || d == 0 || z.len() != n * d {
        return CorralProposal::default();
    }
    let row = |i: usize| &z[i * d..(i + 1) * d];
    let norms: Vec<f64> = (0..n).map(|i| dot(row(i), row(i))).collect();
    let maxn2 = norms.iter().cloned().fold(0.0f64, f64::max);
    if !maxn2.is_finite() || maxn2 <= 0.0 {
        return CorralProposal::default();
    }
    let j0 = (0..n)
        .min_by(|&a, &b| norms[a].total_cmp(&norms[b]))
        .unwrap_or(0);
    let mut corral = vec![j0];
    let mut lambda = vec![1.0];
    let mut chol = Chol::new();
    if !chol.append(&[1.0 + norms[j0]]) {
        return CorralProposal { corral, lambda };
    }
    let mut x = row(j0).to_vec();
    let mut v = vec![0.0; n];
    // Partial pricing: most major cycles look only at a working set of the points with the
    // smallest inner products at the last full pass; a full pass decides termination.
    let ws_size = n.min((4 * d).max(256));
    let mut working: Option<Vec<usize>> = None;
    let budget = 20 * (n + d) + 100;
    for _ in 0..budget {
        let xx = dot(&x, &x);
        let tol = 1e-13 * maxn2;
        let mut j = usize::MAX;
        if let Some(ws) = &working {
            let mut best = f64::INFINITY;
            for &i in ws {
                let vi = dot(row(i), &x);
                if vi < best {
                    best = vi;
                    j = i;
                }
            }
            if (xx - best).is_nan() || xx - best <= tol {
                j = usize::MAX;
            }
        }
        if j == usize::MAX {
            for (i, vi) in v.iter_mut().enumerate() {
                *vi = dot(row(i), &x);
            }
            j = (0..n).min_by(|&a, &b| v[a].total_cmp(&v[b])).unwrap_or(0);
            if xx - v[j] <= tol {
                break;
            }
            if ws_size < n {
                let mut idx: Vec<usize> = (0..n).collect();
                idx.select_nth_unstable_by(ws_size, |&a, &b| v[a].total_cmp(&v[b]));
                idx.truncate(ws_size);
                working = Some(idx);
            }
        }
        if corral.contains(&j) {
            break;
        }
        // Add j to the corral with weight 0.
        let mut m: Vec<f64> = corral.iter().map(|&c| 1.0 + dot(row(c), row(j))).collect();
        m.push(1.0 + norms[j]);
        if !chol.append(&m) {
            break;
        }
        corral.push(j);
        lambda.push(0.0);
        // Minor cycles.
        let mut stalled = false;
        loop {
            let nu = chol.solve_ones();
            let total: f64 = nu.iter().sum();
            let mu: Vec<f64> = nu.iter().map(|v| v / total).collect();
            if mu.iter().all(|&m| m > 0.0) {
                lambda = mu;
                break;
            }
            let mut theta = f64::INFINITY;
            let mut arg = 0;
            for (i, (&l, &m)) in lambda.iter().zip(&mu).enumerate() {
                if m <= 0.0 {
                    let t = l / (l - m);
                    if t < theta {
                        theta = t;
                        arg = i;
                    }
                }
            }
            let theta = theta.clamp(0.0, 1.0);
            for (l, m) in lambda.iter_mut().zip(&mu) {
                *l = (1.0 - theta) * *l + theta * m;
            }
            lambda[arg] = 0.0;
            if theta == 0.0 && corral[arg] == j {
                stalled = true;
            }
            let keep: Vec<bool> = lambda.iter().map(|&l| l > 0.0).collect();
            for i in (0..keep.len()).rev() {
                if !keep[i] {
                    chol.remove(i);
                }
            }
            retain_mask(&mut corral, &keep);
            retain_mask(&mut lambda, &keep);
            if corral.is_empty() {
                return CorralProposal::default();
            }
            if stalled {
                break;
            }
        }
        x.iter_mut().for_each(|v| *v = 0.0);
        for (&c, &l) in corral.iter().zip(&lambda) {
            for (xv, zv) in x.iter_mut().zip(row(c)) {
                *xv += l * zv;
            }
        }
        if stalled {
            break;
        }
    }
    CorralProposal { corral, lambda }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_points_in_the_plane() {
        // conv{(1,0), (0,1)}: nearest point (1/2, 1/2), weights 1/2 each.
        let z = [1.0, 0.0, 0.0, 1.0, 2.0, 2.0];
        let p = min_norm_point(&z, 3, 2);
        let mut c = p.corral.clone();
        c.sort();
        assert_eq!(c, vec![0, 1]);
        for l in &p.lambda {
            assert!((l - 0.5).abs() < 1e-12);
        }
    }

    #[test]
    fn cholesky_delete_matches_refactorization() {
        // M = 11ᵀ + G for rows (1,0,0), (1,2,0), (0,1,3), (2,1,1); delete index 1.
        let pts = [
            [1.0, 0.0, 0.0],
            [1.0, 2.0, 0.0],
            [0.0, 1.0, 3.0],
            [2.0, 1.0, 1.0],
        ];
        let build = |idx: &[usize]| {
            let mut c = Chol::new();
            for (a, &i) in idx.iter().enumerate() {
                let m: Vec<f64> = idx[..=a]
                    .iter()
                    .map(|&k| 1.0 + dot(&pts[i], &pts[k]))
                    .collect();
                assert!(c.append(&m));
            }
            c
        };
        let mut c = build(&[0, 1, 2, 3]);
        c.remove(1);
        let r = build(&[0, 2, 3]);
        for (x, y) in c.l.iter().flatten().zip(r.l.iter().flatten()) {
            assert!((x - y).abs() < 1e-12, "{x} vs {y}");
        }
    }

    #[test]
    fn origin_in_hull() {
        // (1,0), (−1,0): origin is the midpoint.
        let z = [1.0, 0.0, -1.0, 0.0];
        let p = min_norm_point(&z, 2, 2);
        assert_eq!(p.corral.len(), 2);
    }
}
