//! `ibias bench`: GD steps per second, as a ratio to the f64 loop of the same process.

use super::args::BenchArgs;
use super::{emit, CliResult};
mod measure;

use crate::Error;
use measure::{
    horizon, oracle_peer_cases, render_oracle_peers, render_peers, render_report, run_bench,
    run_oracle_peers, run_peers, BenchOptions, Case,
};

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
    if let Some(h) = &a.horizon {
        return long_run(a, h);
    }
    let mut opts = if a.full {
        BenchOptions::full()
    } else {
        BenchOptions::quick()
    };
    if let Some(c) = &a.cases {
        opts.cases = parse_cases(c)?;
    }
    let report = run_bench(&opts)?;
    let mut out = format!(
        "# ibias bench{}{}{}\n# GD steps/s, exponential loss, planted data (margin 1/10, seed 1), \
         warm start w({}) of f64 GD; × f64 = cost of one step relative to the f64 step \
         measured in this process ({} ms per measurement, best of {})\n",
        if a.full { " --full" } else { "" },
        a.cases
            .as_ref()
            .map(|c| format!(" --cases {c}"))
            .unwrap_or_default(),
        if a.peers { " --peers" } else { "" },
        opts.warm_steps,
        opts.budget.as_millis(),
        opts.repeats
    );
    out.push_str(&render_report(&report));
    if a.peers {
        out.push_str(&render_peers(&run_peers(&opts)?));
        out.push_str(&render_oracle_peers(&run_oracle_peers(
            &oracle_peer_cases(&opts.cases),
            opts.repeats,
        )?));
    }
    emit(&out)?;
    Ok(0)
}

/// `ibias bench --horizon STEPS`: one long double-double run on the first case.
fn long_run(a: &BenchArgs, steps: &str) -> CliResult {
    let steps = super::common::parse_steps(steps)?;
    let case = match &a.cases {
        Some(c) => parse_cases(c)?
            .first()
            .copied()
            .ok_or_else(|| Error::param("cases", "no case given"))?,
        None => Case { n: 20, d: 2 },
    };
    let h = horizon(case, steps)?;
    let secs = h.elapsed.as_secs_f64();
    emit(&format!(
        "# ibias bench --horizon {steps}{}\n\
         # double-double GD (106 bits), exponential loss, planted data N={} d={} (margin 1/10, \
         seed 1), from w = 0\n\
         status: {}\nsteps: {}\nwall time: {:.1} s ({:.0} steps/s)\n‖w‖: {}\nln L(w): {}\n",
        a.cases
            .as_ref()
            .map(|c| format!(" --cases {c}"))
            .unwrap_or_default(),
        h.case.n,
        h.case.d,
        h.status.describe(),
        h.steps,
        secs,
        if secs > 0.0 {
            h.steps as f64 / secs
        } else {
            0.0
        },
        h.norm,
        h.ln_loss,
    ))?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_parse_and_bad_ones_are_refused() {
        assert_eq!(
            parse_cases("20x2, 100x10").unwrap(),
            vec![Case { n: 20, d: 2 }, Case { n: 100, d: 10 }]
        );
        for bad in [
            "",
            "20",
            "20x",
            "x2",
            "0x2",
            "20x0",
            "20x2x3",
            "-1x2",
            "1000000x2",
        ] {
            assert!(parse_cases(bad).is_err(), "{bad:?}");
        }
    }
}
