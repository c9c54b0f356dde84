//! `ibias compare`: several optimizers from one start, against the exact ℓ1, ℓ2, ℓ∞ answers.

use super::args::CompareArgs;
use super::common::{data_echo, load_any, note, parse_init, parse_lr, parse_steps};
use super::{emit, CliResult};
use crate::compare::{compare, render_text, to_json, CompareOptions};
use crate::data::{format_rational, ClassData, Loaded};
use crate::loss::Loss;
use crate::optim::OptimizerSpec;
use crate::run::RunStatus;
use crate::scalar::Precision;
use crate::theory::limits::{Answers, LimitBasis};
use crate::Error;
use serde_json::json;

pub fn compare_cmd(a: &CompareArgs) -> CliResult {
    super::common::stop_on_signal();
    // K-class data are compared on their lift (docs/theory/multiclass.md §M5): the binary
    // answers of the lifted points are the K-class ones
    let (data, classes, label_note) = match load_any(&a.input)? {
        Loaded::Binary(s) => (
            if a.bias { s.data.with_bias() } else { s.data },
            None,
            s.note,
        ),
        Loaded::Classes(c) => {
            let c = if a.bias { c.with_bias() } else { c };
            (c.lift(), Some(c), None)
        }
    };
    let k = classes.as_ref().map_or(2, ClassData::classes);
    let loss = match &a.loss {
        Some(s) => Loss::parse(s)?.for_classes(k),
        None => Loss::Exponential.default_for(k),
    };
    let specs = OptimizerSpec::parse_list(&a.optimizers)?;
    let lr = a.lr.as_deref().map(parse_lr).transpose()?.flatten();
    let steps = parse_steps(&a.steps)?;
    let precision = Precision::parse(&a.precision)?;
    let init = parse_init(a.init.as_deref(), data.dim())?;
    let answers = Answers::from_oracle(&data).map_err(|e| match (e, &classes) {
        (Error::NotSeparable { witness, .. }, Some(_)) => Error::NotSeparable {
            message: "no W has (w_y - w_k).x_n >= 1 for all n and k != y_n (the Gordan \
                      witness: `ibias oracle`)"
                .into(),
            witness,
        },
        (e, _) => e.with_hint(crate::oracle::bias_hint(&data, a.bias)),
    })?;
    note(label_note.as_deref());
    let opts = CompareOptions {
        steps,
        precision,
        loss,
        init: init.clone(),
        seed: a.seed,
        lr: lr.clone(),
    };
    let mut rows = compare(&data, &answers, &specs, &opts)?;
    if matches!(loss, Loss::Softmax { .. }) {
        // a binary theorem applied on the lift to the softmax cross-entropy is this
        // project's carrying over (docs/theory/multiclass.md §M4, §M5), not a theorem
        for r in &mut rows {
            if r.prediction.basis == LimitBasis::Theorem {
                r.prediction.basis = LimitBasis::Derived;
            }
        }
    }
    let command = format!(
        "ibias compare {} --optimizers {} --loss {}{} --steps {} --precision {}{}{}{}",
        data_echo(&a.input),
        a.optimizers,
        loss.name(),
        a.lr.as_ref()
            .map(|s| format!(" --lr {s}"))
            .unwrap_or_default(),
        a.steps,
        a.precision,
        a.init
            .as_ref()
            .map(|s| format!(" --init {s}"))
            .unwrap_or_default(),
        if a.bias { " --bias" } else { "" },
        if a.seed != 0 {
            format!(" --seed {}", a.seed)
        } else {
            String::new()
        }
    );
    let interrupted = rows
        .iter()
        .any(|r| matches!(r.status, RunStatus::Interrupted { .. }));
    if a.json {
        let mut doc = json!({
            "command": command,
            "data": {"source": a.input.data.display().to_string(), "n": data.len(), "d": data.dim()},
            "loss": loss.name(),
            "precision": precision.label(),
            "bits": precision.bits(),
            "steps": steps,
            "init": init.iter().map(format_rational).collect::<Vec<_>>(),
            "status": if interrupted { "interrupted" } else { "completed" },
            "comparison": to_json(&answers, &rows),
        });
        if let Some(c) = &classes {
            doc["classes"] = json!({
                "k": c.classes(),
                "names": c.names(),
                "n": c.len(),
                "d": c.dim(),
            });
        }
        emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        ))?;
    } else {
        let mut out = format!("# {command}\n");
        out.push_str(&format!(
            "# data: {} (N = {}, d = {}), loss {}, {}, w(0) = ({}), T = {} steps per optimizer\n",
            a.input.data.display(),
            data.len(),
            data.dim(),
            loss.name(),
            precision.label(),
            init.iter()
                .map(format_rational)
                .collect::<Vec<_>>()
                .join(", "),
            steps
        ));
        if let Some(c) = &classes {
            out.push_str(&format!(
                "# K-class data: N = {}, d = {}, K = {} classes {}; compared on the lift \
                 x~_(n,k) = (e_(y_n) - e_k) (x) x_n, w = vec(W) (docs/theory/multiclass.md §M5): \
                 l2 is the K-class SVM, l1 and linf the K-class max margin under |vec W|_1, \
                 |vec W|_inf{}\n",
                c.len(),
                c.dim(),
                c.classes(),
                c.names().join(", "),
                if matches!(loss, Loss::Softmax { .. }) {
                    "; basis `derived`: a binary theorem carried over to the softmax on the lift"
                } else {
                    ""
                }
            ));
        }
        if interrupted {
            out.push_str(
                "# status: interrupted (SIGINT or SIGTERM): the optimizers stopped where they were; no judgement of their limits\n",
            );
        }
        out.push_str(&render_text(&answers, &rows));
        emit(&out)?;
    }
    Ok(crate::compare::judgement(&rows).exit_code())
}
