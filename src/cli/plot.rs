//! `ibias plot`.

use super::args::PlotArgs;
use super::run::{experiment_from_args, note};
use super::{CliResult, Failure};
use implicit_bias::plot::{command, figure, svg, PlotKind};
use implicit_bias::Error;

pub fn plot_cmd(a: &PlotArgs) -> CliResult {
    let kind = PlotKind::parse(&a.kind)?;
    if a.run.json {
        return Err(Error::param("json", "plot writes an SVG file (--out), not JSON").into());
    }
    if a.run.certify {
        return Err(Error::param(
            "certify",
            "plot draws the computed trajectory; certify it with ibias run --certify",
        )
        .into());
    }
    if a.run.resume.is_some() || a.run.save_state.is_some() {
        return Err(Error::param(
            "resume",
            "plot draws a whole trajectory from w(0); --resume and --save-state are for ibias run",
        )
        .into());
    }
    let (mut e, label_note) = experiment_from_args(&a.run)?;
    if let Some(c) = &e.classes {
        return Err(Error::Data(format!(
            "{}: {} classes: `ibias plot` takes binary data only; K-class data are read by \
             `ibias oracle` and `ibias run` (issue 19)",
            a.run.input.data.display(),
            c.classes()
        ))
        .into());
    }
    note(label_note.as_deref());
    e.progress = false;
    let fig = figure(kind, &e)?;
    let text = svg(&fig, &command(kind, &e, &a.out.display().to_string()))?;
    std::fs::write(&a.out, text).map_err(|err| Failure {
        code: 2,
        message: format!("{}: {err}", a.out.display()),
    })?;
    Ok(0)
}
