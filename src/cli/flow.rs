//! `ibias flow`: the log-time gradient flow (the logic is in `crate::flow`).

use super::args::FlowArgs;
use super::common::{data_echo, load_any, note, parse_init, parse_lr, parse_steps, schedule};
use super::{emit, CliResult};
use crate::data::{ClassData, Loaded};
use crate::flow::{parse_until, FlowRequest};
use crate::loss::Loss;
use crate::scalar::Precision;
use crate::theory::Conjecture;
use crate::Error;

pub fn flow_cmd(a: &FlowArgs) -> CliResult {
    super::common::stop_on_signal();
    // K-class data: the flow of their lift, under the softmax cross-entropy unless --loss
    // says otherwise (docs/theory/multiclass.md §M6)
    let (data, classes) = match load_any(&a.input)? {
        Loaded::Binary(s) => {
            note(s.note.as_deref());
            (if a.bias { s.data.with_bias() } else { s.data }, None)
        }
        Loaded::Classes(c) => {
            let c = if a.bias { c.with_bias() } else { c };
            (c.lift(), Some(c))
        }
    };
    let k = classes.as_ref().map_or(2, ClassData::classes);
    let req = FlowRequest {
        init: parse_init(a.init.as_deref(), data.dim())?,
        data,
        classes,
        data_name: data_echo(&a.input)
            .trim_start_matches("--data ")
            .to_string(),
        bias: a.bias,
        loss: match &a.loss {
            Some(l) => Loss::parse(l)?.for_classes(k),
            None => Loss::Exponential.default_for(k),
        },
        until: parse_until(&a.until)?,
        precision: Precision::parse(&a.precision)?,
        conjectures: a
            .conjecture
            .iter()
            .map(|c| Conjecture::parse(c))
            .collect::<Result<Vec<_>, _>>()?,
        compare_gd: if a.compare_gd {
            Some((
                parse_lr(a.lr.as_deref().unwrap_or("1/8"))?.ok_or_else(|| {
                    crate::Error::param("lr", "--compare-gd needs an explicit step")
                })?,
                parse_steps(a.steps.as_deref().unwrap_or("1e5"))?,
            ))
        } else {
            None
        },
        schedule: if a.base.is_some() || a.per_decade.is_some() || a.at.is_some() {
            Some(schedule(
                a.base.as_deref().unwrap_or("10"),
                a.per_decade.as_deref(),
                a.at.as_deref(),
            )?)
        } else {
            None
        },
    };
    let found = req.run()?;
    if let Some(path) = &a.csv {
        std::fs::write(path, FlowRequest::csv(&found)?).map_err(|err| {
            Error::param("csv", format!("cannot write {}: {err}", path.display()))
        })?;
    }
    if a.json {
        emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&found.json).unwrap_or_default()
        ))?;
    } else {
        emit(&found.text)?;
    }
    Ok(found.exit_code())
}
