//! `ibias plot`.

use super::args::PlotArgs;
use super::common::{experiment_from_args, note};
use super::{CliResult, Failure};
use crate::optim::OptimizerSpec;
use crate::plot::{command, figure, series_csv, svg, PlotKind, PlotOptions};
use crate::Error;

pub fn plot_cmd(a: &PlotArgs) -> CliResult {
    let kind = PlotKind::parse(&a.kind)?;
    if a.optimizers.is_some() && kind.gd_only() {
        return Err(Error::param(
            "optimizers",
            format!(
                "the {} figure is of plain GD; --optimizers is for soudry and compare",
                kind.name()
            ),
        )
        .into());
    }
    if !a.conjecture.is_empty()
        && !matches!(
            kind,
            PlotKind::Direction | PlotKind::Residual | PlotKind::Flow
        )
    {
        return Err(Error::param(
            "conjecture",
            format!(
                "the {} figure draws no prediction; --conjecture is for direction, residual and flow",
                kind.name()
            ),
        )
        .into());
    }
    if a.certify && !matches!(kind, PlotKind::Direction | PlotKind::Residual) {
        return Err(Error::param(
            "certify",
            format!(
                "the {} figure draws no certified enclosure; --certify is for direction and residual",
                kind.name()
            ),
        )
        .into());
    }
    if a.until.is_some() && kind != PlotKind::Flow {
        return Err(Error::param("until", "--until is for the flow figure").into());
    }
    let mut opts = PlotOptions::default();
    if let Some(list) = &a.optimizers {
        opts.optimizers = Some(OptimizerSpec::parse_list(list)?);
        opts.optimizers_arg = Some(list.clone());
    }
    if let Some(u) = &a.until {
        opts.until = crate::flow::parse_until(u)?;
    }
    let run = a.run();
    let (mut e, label_note) = experiment_from_args(&run)?;
    note(label_note.as_deref());
    e.progress = false;
    let fig = figure(kind, &e, &opts)?;
    let text = svg(
        &fig,
        &command(kind, &e, &opts, &a.out.display().to_string()),
    )?;
    let write = |path: &std::path::Path, text: &str| {
        std::fs::write(path, text).map_err(|err| Failure {
            code: 2,
            message: format!("{}: {err}", path.display()),
        })
    };
    write(&a.out, &text)?;
    if let Some(path) = &a.csv {
        write(path, &series_csv(&fig)?)?;
    }
    Ok(0)
}
