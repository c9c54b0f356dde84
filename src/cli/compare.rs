//! `ibias compare`: several optimizers from one start, against the exact ℓ1, ℓ2, ℓ∞ answers.

use super::args::CompareArgs;
use super::common::{data_echo, load, note, parse_init, parse_lr, parse_steps};
use super::{emit, CliResult};
use implicit_bias::compare::{compare, render_text, to_json, CompareOptions};
use implicit_bias::data::format_rational;
use implicit_bias::loss::Loss;
use implicit_bias::optim::OptimizerSpec;
use implicit_bias::run::RunStatus;
use implicit_bias::scalar::Precision;
use implicit_bias::theory::limits::Answers;
use implicit_bias::Error;
use serde_json::json;

pub fn compare_cmd(a: &CompareArgs) -> CliResult {
    super::common::stop_on_signal();
    let selected = load(&a.input, "compare")?;
    let label_note = selected.note;
    let mut data = selected.data;
    if a.bias {
        data = data.with_bias();
    }
    let specs = OptimizerSpec::parse_list(&a.optimizers)?;
    let loss = Loss::parse(&a.loss)?;
    let lr = a.lr.as_deref().map(parse_lr).transpose()?.flatten();
    let steps = parse_steps(&a.steps)?;
    let precision = Precision::parse(&a.precision)?;
    let init = parse_init(a.init.as_deref(), data.dim())?;
    let answers = Answers::from_oracle(&data).map_err(|e| match e {
        Error::NotSeparable(m) => Error::NotSeparable(format!(
            "{m}{}",
            implicit_bias::oracle::bias_hint(&data, a.bias)
        )),
        other => other,
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
    let rows = compare(&data, &answers, &specs, &opts)?;
    let command = format!(
        "ibias compare {} --optimizers {} --loss {}{} --steps {} --precision {}{}{}{}",
        data_echo(&a.input),
        a.optimizers,
        a.loss,
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
        let doc = json!({
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
        if interrupted {
            out.push_str(
                "# status: interrupted (SIGINT or SIGTERM): the optimizers stopped where they were; no judgement of their limits\n",
            );
        }
        out.push_str(&render_text(&answers, &rows));
        emit(&out)?;
    }
    Ok(implicit_bias::compare::judgement(&rows).exit_code())
}
