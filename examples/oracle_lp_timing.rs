//! One timed run of the exact ℓ1 / ℓ∞ oracle on planted data, with the share of each part.
//!
//! `cargo run --release --example oracle_lp_timing -- [N] [d] [seed]` (default 10000 100 1).
//! Prints, per norm: the float LP alone (the same microlp model the oracle builds), the full
//! `oracle::lp::solve` (float proposal + exact simplex + certificate + exact check +
//! uniqueness), and one more run of the independent checker `cert::check` by itself.
//! Each time is wall clock and, in brackets, this process's CPU time (user + system, from
//! `/proc/self/stat`; on a loaded machine the CPU time is the steadier figure).

use good_lp::{microlp, variable, variables, Expression, SolverModel};
use implicit_bias::{
    cert::{check, Norm},
    data::generate::Generator,
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

fn float_lp(z: &[Vec<f64>], norm: Norm) {
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
            m.solve().expect("float l1 LP");
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
            m.solve().expect("float linf LP");
        }
    }
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("arguments: N d seed"))
        .collect();
    let n = args.first().copied().unwrap_or(10_000);
    let d = args.get(1).copied().unwrap_or(100);
    let seed = args.get(2).copied().unwrap_or(1) as u64;
    let data = Generator::Planted {
        n,
        d,
        margin: Rational::from((1, 10)),
        seed,
    }
    .generate()
    .expect("planted data");
    let z: Vec<Vec<f64>> = data
        .signed_points_exact()
        .iter()
        .map(|r| r.iter().map(Rational::to_f64).collect())
        .collect();
    println!("planted N = {n}, d = {d}, margin 1/10, seed {seed}");
    for norm in [Norm::L1, Norm::LInf] {
        let ((), float) = timed(|| float_lp(&z, norm));
        let (out, total) = timed(|| lp::solve(&data, norm).expect("oracle"));
        let Outcome::Separable(m) = out else {
            panic!("planted data reported not separable");
        };
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
}
