//! `ibias bench`: GD steps per second, as a ratio to the f64 loop of the same process.

use super::args::BenchArgs;
use super::{emit, CliResult};
use implicit_bias::bench::{render, run_bench, Case, Options};
use implicit_bias::Error;

/// Parses `20x2,100x10` into cases.
fn parse_cases(s: &str) -> Result<Vec<Case>, Error> {
    s.split(',')
        .map(|c| {
            let bad = || {
                Error::param(
                    "cases",
                    format!("{c:?} is not a case such as 20x2 (N points x d dimensions)"),
                )
            };
            let (n, d) = c.trim().split_once('x').ok_or_else(bad)?;
            let n: usize = n.parse().map_err(|_| bad())?;
            let d: usize = d.parse().map_err(|_| bad())?;
            if n == 0 || d == 0 || n > 100_000 || d > 1000 {
                return Err(Error::param(
                    "cases",
                    format!("{c:?}: need 1 <= N <= 100000 and 1 <= d <= 1000"),
                ));
            }
            Ok(Case { n, d })
        })
        .collect()
}

pub fn bench(a: &BenchArgs) -> CliResult {
    let mut opts = if a.full {
        Options::full()
    } else {
        Options::quick()
    };
    if let Some(c) = &a.cases {
        opts.cases = parse_cases(c)?;
    }
    let rows = run_bench(&opts)?;
    let mut out = format!(
        "# ibias bench{}{}\n# GD steps/s, exponential loss, planted data (margin 1/10, seed 1), \
         warm start w({}) of f64 GD; × f64 = cost of one step relative to the f64 step \
         measured in this process ({} ms per measurement, best of {})\n",
        if a.full { " --full" } else { "" },
        a.cases
            .as_ref()
            .map(|c| format!(" --cases {c}"))
            .unwrap_or_default(),
        opts.warm_steps,
        opts.budget.as_millis(),
        opts.repeats
    );
    out.push_str(&render(&rows));
    emit(&out)?;
    Ok(0)
}
