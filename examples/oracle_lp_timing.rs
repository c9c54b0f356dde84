//! One timed run of the exact ℓ1 / ℓ∞ oracle on planted data, with the share of each part.
//!
//! `cargo run --release --example oracle_lp_timing -- [N] [d] [seed] [flips]` (default
//! 10000 100 1 0). With `flips` > 0 the labels of points `7i mod N`, `i < flips`, are flipped,
//! which (for enough flips) makes the data non-separable: then the witness is timed.
//! Prints, per norm: the float LP alone (the same microlp model the oracle builds), the full
//! `oracle::lp::solve` (float proposal + exact simplex + certificate + exact check +
//! uniqueness), and one more run of the independent checker `cert::check` by itself.
//! Each time is wall clock and, in brackets, this process's CPU time (user + system, from
//! `/proc/self/stat`; on a loaded machine the CPU time is the steadier figure).

use good_lp::{microlp, variable, variables, Expression, SolverModel};
use implicit_bias::{
    cert::{check, check_witness, Norm},
    data::{generate::Generator, Dataset},
    oracle::{lp, Outcome},
};
use rug::Rational;
use std::time::{Duration, Instant};

/// CPU time (user + system) of this process, from `/proc/self/stat` (Linux; zero elsewhere).
fn cpu() -> Duration {
    let ticks = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the parenthesized command name; utime and stime are 14 and 15.
            let rest = s.rsplit_once(')')?.1.to_string();
            let f: Vec<u64> = rest
                .split_whitespace()
                .skip(11)
                .take(2)
                .filter_map(|v| v.parse().ok())
                .collect();
            Some(f.iter().sum::<u64>())
        })
        .unwrap_or(0);
    // The kernel reports clock ticks of 1/100 s (USER_HZ) on Linux.
    Duration::from_millis(ticks * 10)
}

/// Runs `f`, returning its result with (wall, CPU) seconds.
fn timed<T>(f: impl FnOnce() -> T) -> (T, String) {
    let (t, c) = (Instant::now(), cpu());
    let out = f();
    let s = format!(
        "{:6.2} s ({:6.2} s CPU)",
        t.elapsed().as_secs_f64(),
        (cpu() - c).as_secs_f64()
    );
    (out, s)
}

/// The primal LP in floating point; whether microlp finds it feasible.
fn float_lp(z: &[Vec<f64>], norm: Norm) -> bool {
    let d = z[0].len();
    let mut vars = variables!();
    match norm {
        Norm::L1 => {
            let p = vars.add_vector(variable().min(0), d);
            let q = vars.add_vector(variable().min(0), d);
            let obj: Expression = p.iter().chain(&q).map(|&v| Expression::from(v)).sum();
            let mut m = vars.minimise(obj).using(microlp);
            for zn in z {
                let mut e = Expression::with_capacity(2 * d);
                for j in 0..d {
                    e.add_mul(zn[j], p[j]);
                    e.add_mul(-zn[j], q[j]);
                }
                m.add_constraint(e.geq(1.0));
            }
            m.solve().is_ok()
        }
        _ => {
            let w = vars.add_vector(variable(), d);
            let s = vars.add(variable().min(0));
            let mut m = vars.minimise(s).using(microlp);
            for zn in z {
                let mut e = Expression::with_capacity(d);
                for j in 0..d {
                    e.add_mul(zn[j], w[j]);
                }
                m.add_constraint(e.geq(1.0));
            }
            for &wj in &w {
                m.add_constraint((wj - s).leq(0.0));
                m.add_constraint((wj + s).geq(0.0));
            }
            m.solve().is_ok()
        }
    }
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("arguments: N d seed flips"))
        .collect();
    let n = args.first().copied().unwrap_or(10_000);
    let d = args.get(1).copied().unwrap_or(100);
    let seed = args.get(2).copied().unwrap_or(1) as u64;
    let flips = args.get(3).copied().unwrap_or(0);
    let planted = Generator::Planted {
        n,
        d,
        margin: Rational::from((1, 10)),
        seed,
    }
    .generate()
    .expect("planted data");
    let mut y = planted.labels().to_vec();
    for i in 0..flips {
        y[7 * i % n] = -y[7 * i % n];
    }
    let data = Dataset::new(planted.points().to_vec(), y).expect("data");
    let z: Vec<Vec<f64>> = data
        .signed_points_exact()
        .iter()
        .map(|r| r.iter().map(Rational::to_f64).collect())
        .collect();
    println!("planted N = {n}, d = {d}, margin 1/10, seed {seed}, {flips} labels flipped");
    for norm in [Norm::L1, Norm::LInf] {
        let (feasible, float) = timed(|| float_lp(&z, norm));
        let (out, total) = timed(|| lp::solve(&data, norm).expect("oracle"));
        match out {
            Outcome::Separable(m) => {
                let (res, checker) = timed(|| check(&data, &m.cert));
                res.expect("certificate");
                println!(
                    "{:>4}: float LP {float} | lp::solve {total} | cert::check alone {checker}\n      \
                     value ~ {:.6}, {} support points, unique {}, denominator {} bits",
                    norm.name(),
                    m.cert.value.to_f64(),
                    m.cert.support.len(),
                    m.unique,
                    m.cert.value.denom().significant_bits(),
                );
            }
            Outcome::NotSeparable(w) => {
                let (res, checker) = timed(|| check_witness(&data, &w));
                res.expect("witness");
                println!(
                    "{:>4}: float LP {float} (feasible: {feasible}) | lp::solve {total} | \
                     cert::check_witness alone {checker}\n      witness on {} points",
                    norm.name(),
                    w.alpha.iter().filter(|a| **a != 0).count(),
                );
            }
        }
    }
}
