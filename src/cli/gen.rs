//! `ibias gen KIND`: write a generated data set as CSV.

use super::args::GenArgs;
use super::{emit, CliResult, Failure};
use crate::data::{generate::Generator, parse_rational, to_csv};

pub fn gen(a: &GenArgs) -> CliResult {
    let g = match a.kind.as_str() {
        "fig1" => Generator::Fig1 { seed: a.seed },
        "planted" => Generator::Planted {
            n: a.n,
            d: a.d,
            margin: parse_rational(&a.margin)?,
            seed: a.seed,
        },
        "post" => Generator::Post,
        "r1" => Generator::R1,
        "r2" => Generator::R2,
        other => {
            return Err(Failure {
                code: 2,
                message: format!(
                    "unknown data set {other:?}; choose fig1, planted, post, r1 or r2"
                ),
            })
        }
    };
    let data = g.generate()?;
    emit(&format!("# ibias gen {}\n{}", describe(a), to_csv(&data)))?;
    Ok(0)
}

fn describe(a: &GenArgs) -> String {
    match a.kind.as_str() {
        "fig1" => format!("fig1 --seed {}", a.seed),
        "planted" => format!(
            "planted --n {} --d {} --margin {} --seed {}",
            a.n, a.d, a.margin, a.seed
        ),
        k => k.to_string(),
    }
}
