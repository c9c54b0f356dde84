//! Floating-point proposals from `good_lp` (microlp). They only *suggest* a starting basis
//! and a pricing order for the exact simplex; nothing they return is trusted.

use crate::cert::Norm;
use good_lp::{
    microlp, variable, variables, Expression, ResolutionError, Solution, SolverModel, WithTimeLimit,
};

/// What the floating-point LP says.
#[derive(Clone, Debug)]
pub(crate) enum LpProposal {
    /// An (approximately) optimal `w` of `min ‖w‖ s.t. z_n·w ≥ 1`.
    Primal(Vec<f64>),
    /// The primal LP is infeasible: a float solution of the auxiliary LP
    /// `α ≥ 0, Σ α_n = 1, Σ α_n z_n = 0` (empty when that solve failed too).
    Infeasible(Vec<f64>),
    /// The solver failed or gave an unusable answer.
    Nothing,
}

/// Runs `f`, turning a panic inside the solver into `None` (microlp panics rather than
/// returning a wrong answer in some numerical corners).
fn guarded<T>(f: impl FnOnce() -> Option<T>) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .ok()
        .flatten()
}

/// Solves the primal LP in floating point: for ℓ1 with split variables `w = p − q`,
/// `p, q ≥ 0`, minimizing `Σ (p_j + q_j)`; for ℓ∞ with a bound variable `s`, minimizing `s`
/// subject to `−s ≤ w_j ≤ s`. Both subject to `z_n·w ≥ 1`.
pub(crate) fn propose(z: &[Vec<f64>], norm: Norm) -> LpProposal {
    let d = z.first().map_or(0, Vec::len);
    if badly_scaled(z) {
        return LpProposal::Nothing;
    }
    // Repeated rows are repeated constraints: microlp cycled on them (a 9-point set with one
    // point five times; the same set without repeats is refused in 41 µs).
    let (rows, first) = distinct_rows(z);
    let primal = guarded(|| {
        let r = match norm {
            Norm::L1 => l1(&rows, d),
            _ => linf(&rows, d),
        };
        Some(r)
    });
    match primal {
        Some(Ok(w)) if w.iter().all(|v| v.is_finite()) => LpProposal::Primal(w),
        Some(Err(ResolutionError::Infeasible)) => {
            let alpha = guarded(|| witness(&rows, d)).map(|a| {
                let mut full = vec![0.0; z.len()];
                for (&i, ak) in first.iter().zip(a) {
                    full[i] = ak;
                }
                full
            });
            LpProposal::Infeasible(alpha.unwrap_or_default())
        }
        _ => LpProposal::Nothing,
    }
}

/// The distinct rows of `z` (bit for bit, `-0.0` as `0.0`), in order of first appearance,
/// with the index of each one's first appearance.
fn distinct_rows(z: &[Vec<f64>]) -> (Vec<Vec<f64>>, Vec<usize>) {
    let mut seen = std::collections::HashSet::new();
    let mut rows = Vec::new();
    let mut first = Vec::new();
    for (i, r) in z.iter().enumerate() {
        let key: Vec<u64> = r.iter().map(|v| (v + 0.0).to_bits()).collect();
        if seen.insert(key) {
            rows.push(r.clone());
            first.push(i);
        }
    }
    (rows, first)
}

/// Largest ratio of nonzero entries the float solver is given: microlp works with absolute
/// tolerances and was seen to cycle forever (no iteration limit exists) on entries spanning
/// 19 orders of magnitude. Beyond 2^40 the proposal is skipped; the exact simplex then
/// starts from the trivial basis.
const MAX_ENTRY_RATIO: f64 = 1_099_511_627_776.0; // 2^40

fn badly_scaled(z: &[Vec<f64>]) -> bool {
    let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
    for v in z.iter().flatten().map(|v| v.abs()).filter(|&v| v > 0.0) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    hi > lo * MAX_ENTRY_RATIO
}

/// Wall-clock budget of one float solve, in seconds: `0.05 + 2·10⁻⁵·N·d`, ten times what
/// microlp took at N = 10⁴, d = 100 (2.35 s) on a busy machine, and a thousand times its
/// time on the small sets it solves in microseconds. microlp has no iteration limit and was
/// seen to cycle forever on small degenerate sets that are not badly scaled
/// (`issue_7_microlp_cycles_on_degenerate_data` in tests/regressions.rs; repeated rows are
/// now removed first, which fixed that set, and the budget stays as the safety net); when the budget
/// runs out the proposal is `Nothing` and the exact simplex starts from the trivial basis.
/// (A 2-second floor made every input of such a family cost seconds: fuzzing `oracle_lp`
/// fell from 2.7k to a few executions per second once it had found them.)
fn time_limit(z: &[Vec<f64>]) -> f64 {
    let size = z.len() * z.first().map_or(0, Vec::len);
    0.05 + 2e-5 * size as f64
}

fn l1(z: &[Vec<f64>], d: usize) -> Result<Vec<f64>, ResolutionError> {
    let mut vars = variables!();
    let p = vars.add_vector(variable().min(0), d);
    let q = vars.add_vector(variable().min(0), d);
    let objective: Expression = p.iter().chain(&q).map(|&v| Expression::from(v)).sum();
    let mut model = vars
        .minimise(objective)
        .using(microlp)
        .with_time_limit(time_limit(z));
    for zn in z {
        let mut e = Expression::with_capacity(2 * d);
        for ((&c, &pj), &qj) in zn.iter().zip(&p).zip(&q) {
            if c != 0.0 {
                e.add_mul(c, pj);
                e.add_mul(-c, qj);
            }
        }
        model.add_constraint(e.geq(1.0));
    }
    let sol = model.solve()?;
    Ok(p.iter()
        .zip(&q)
        .map(|(&pj, &qj)| sol.value(pj) - sol.value(qj))
        .collect())
}

fn linf(z: &[Vec<f64>], d: usize) -> Result<Vec<f64>, ResolutionError> {
    let mut vars = variables!();
    let w = vars.add_vector(variable(), d);
    let s = vars.add(variable().min(0));
    let mut model = vars
        .minimise(s)
        .using(microlp)
        .with_time_limit(time_limit(z));
    for zn in z {
        let mut e = Expression::with_capacity(d);
        for (&c, &wj) in zn.iter().zip(&w) {
            if c != 0.0 {
                e.add_mul(c, wj);
            }
        }
        model.add_constraint(e.geq(1.0));
    }
    for &wj in &w {
        model.add_constraint((wj - s).leq(0.0));
        model.add_constraint((wj + s).geq(0.0));
    }
    let sol = model.solve()?;
    Ok(w.iter().map(|&wj| sol.value(wj)).collect())
}

/// The auxiliary feasibility LP `α ≥ 0, Σ α_n = 1, Σ α_n z_n = 0`: a vertex uses at most
/// `d + 1` points, the support of a small Gordan witness.
fn witness(z: &[Vec<f64>], d: usize) -> Option<Vec<f64>> {
    let mut vars = variables!();
    let a = vars.add_vector(variable().min(0), z.len());
    let total: Expression = a.iter().map(|&v| Expression::from(v)).sum();
    let mut model = vars
        .minimise(total.clone())
        .using(microlp)
        .with_time_limit(time_limit(z));
    model.add_constraint(total.eq(1.0));
    for j in 0..d {
        let mut e = Expression::with_capacity(z.len());
        for (zn, &an) in z.iter().zip(&a) {
            let c = zn.get(j).copied().unwrap_or(0.0);
            if c != 0.0 {
                e.add_mul(c, an);
            }
        }
        model.add_constraint(e.eq(0.0));
    }
    let sol = model.solve().ok()?;
    Some(a.iter().map(|&v| sol.value(v)).collect())
}
