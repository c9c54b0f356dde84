//! `ibias audit`.

use super::args::AuditArgs;
use super::common::{columns_echo, load, note, parse_lr};
use super::{emit, CliResult};
use crate::audit::Audit;
use crate::data::parse_rational;
use crate::data::trajectory::{read_trajectory, LogFormat};
use crate::loss::Loss;
use crate::optim::spec::Kind;
use crate::optim::OptimizerSpec;
use crate::scalar::Precision;
use crate::theory::Conjecture;
use crate::Error;
use rug::Rational;

/// The validated audit of `ibias audit`, and the data's note (a label mapping).
pub fn audit_from_args(a: &AuditArgs) -> Result<(Audit, Option<String>), Error> {
    let selected = load(&a.input, "audit")?;
    let mut data = selected.data;
    if a.bias {
        data = data.with_bias();
    }
    let log = read_trajectory(&a.trajectory, data.dim())?;
    let init = a
        .init
        .as_deref()
        .map(|s| {
            s.split(',')
                .map(|f| parse_rational(f).map_err(|e| Error::param("init", e.to_string())))
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    let optimizer = match &a.optimizer {
        Some(text) => OptimizerSpec::parse(text)?,
        None => OptimizerSpec::new(Kind::Gd),
    };
    let given = match &a.lr {
        Some(text) => Some(parse_lr(text)?.ok_or_else(|| {
            Error::param(
                "lr",
                "auto has no meaning for a logged run: give the step the log was made with",
            )
        })?),
        None => None,
    };
    let lr = match (given, &optimizer.lr) {
        (Some(g), Some(o)) if g != *o => {
            return Err(Error::param(
                "lr",
                format!(
                    "{} differs from the --optimizer's lr={} (give the step once)",
                    crate::data::format_rational(&g),
                    crate::data::format_rational(o)
                ),
            ))
        }
        (Some(g), _) => g,
        (None, Some(o)) => o.clone(),
        (None, None) => Rational::from((1, 8)),
    };
    let mut optimizer = optimizer;
    optimizer.lr = None;
    let audit = Audit {
        data_name: a.input.data.display().to_string(),
        data_flags: columns_echo(&a.input)?,
        bias: a.bias,
        loss: Loss::parse(&a.loss)?,
        lr,
        optimizer,
        format: a.log_format.as_deref().map(LogFormat::parse).transpose()?,
        precision: a.precision.as_deref().map(Precision::parse).transpose()?,
        init,
        base: a.base,
        conjectures: a
            .conjecture
            .iter()
            .map(|c| Conjecture::parse(c))
            .collect::<Result<Vec<_>, _>>()?,
        ..Audit::new(data, log)
    };
    audit.validate()?;
    Ok((audit, selected.note))
}

pub fn audit_cmd(a: &AuditArgs) -> CliResult {
    let (audit, label_note) = audit_from_args(a)?;
    note(label_note.as_deref());
    let out = audit.run()?;
    for w in &out.warnings {
        super::diagnostic(w);
    }
    if a.json {
        emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&out.json(&audit)).unwrap_or_default()
        ))?;
    } else {
        emit(&out.text(&audit))?;
    }
    Ok(out.exit_code())
}
