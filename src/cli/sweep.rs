//! `ibias sweep`: a grid of `ibias run` experiments on the local cores, as jobs for a batch
//! scheduler (`--emit`), or the jobs' files collected into one table (`--merge`).

use super::args::{DataArgs, SweepArgs};
use super::common::{columns_echo, load_any, note, parse_lr, parse_steps, stop_on_signal};
use super::{diagnostic, emit, CliResult};
use crate::data::Loaded;
use crate::loss::Loss;
use crate::optim::OptimizerSpec;
use crate::scalar::Precision;
use crate::sweep::{job_file, merge, shell_quote, Grid, Scheduler, Start, SweepData};
use crate::Error;
use std::path::{Path, PathBuf};

pub fn sweep_cmd(a: &SweepArgs) -> CliResult {
    if let Some(files) = &a.merge {
        return merge_cmd(files, a.json);
    }
    let (grid, args) = grid_from_args(a)?;
    for set in &grid.data {
        for w in &set.warnings {
            diagnostic(w);
        }
    }
    grid.validate()?;
    if let Some(emit_args) = &a.emit {
        return emit_cmd(&grid, &args, emit_args);
    }
    let chosen: Vec<usize> = match a.only {
        Some(i) => vec![i],
        None => (0..grid.len()).collect(),
    };
    for &i in &chosen {
        for w in grid.experiment(i)?.warnings() {
            diagnostic(&format!("{w} (grid point {i})"));
        }
    }
    let jobs = match a.jobs {
        Some(n) => n,
        None => std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
    };
    stop_on_signal();
    let sweep = grid.run(a.only, jobs)?;
    if a.json {
        emit(&sweep.to_json())?;
    } else {
        emit(&sweep.text())?;
    }
    Ok(sweep.exit_code())
}

/// The validated grid, and the sweep's arguments after `sweep` in canonical form (without
/// `--jobs`, `--only`, `--json`, `--emit`): the command echo and every job's command line.
fn grid_from_args(a: &SweepArgs) -> Result<(Grid, Vec<String>), Error> {
    let mut args: Vec<String> = Vec::new();
    fn put(args: &mut Vec<String>, k: &str, v: &str) {
        args.push(k.to_string());
        args.push(v.to_string());
    }
    let mut data = Vec::new();
    for path in &a.data {
        if path == Path::new("-") {
            return Err(Error::param(
                "data",
                "`-`: a sweep reads files, not stdin (each job of --emit reads them again)",
            ));
        }
        let input = DataArgs {
            data: path.clone(),
            label: a.label.clone(),
            features: a.features.clone(),
            labels: a.labels.clone(),
        };
        let name = path.display().to_string();
        data.push(match load_any(&input)? {
            Loaded::Binary(selected) => {
                note(selected.note.as_deref());
                let mut set = selected.data;
                if a.bias {
                    set = set.with_bias();
                }
                SweepData::new(
                    name.clone(),
                    name.clone(),
                    columns_echo(&input)?,
                    set,
                    a.bias,
                )?
            }
            // K-class data: each point runs as `ibias run` runs them (docs/theory/multiclass.md)
            Loaded::Classes(c) => SweepData::with_classes(
                name.clone(),
                name.clone(),
                columns_echo(&input)?,
                if a.bias { c.with_bias() } else { c },
            )?,
        });
        put(&mut args, "--data", &name);
    }
    for (k, v) in [
        ("--label", &a.label),
        ("--features", &a.features),
        ("--labels", &a.labels),
    ] {
        if let (Some(v), false) = (v, a.data.is_empty()) {
            put(&mut args, k, v);
        }
    }
    if let Some(list) = &a.planted {
        for spec in list.split(',').filter(|s| !s.trim().is_empty()) {
            data.push(SweepData::planted(spec, a.bias)?);
        }
        put(&mut args, "--planted", list);
    }
    if data.is_empty() {
        return Err(Error::param(
            "data",
            "no data: give --data FILE (repeatable) and/or --planted N:D:SEED,...",
        ));
    }
    let optimizers = OptimizerSpec::parse_list(&a.optimizers)?;
    put(&mut args, "--optimizers", &a.optimizers);
    let lrs =
        a.lr.split(',')
            .map(|s| parse_lr(s.trim()))
            .collect::<Result<Vec<_>, _>>()?;
    put(&mut args, "--lr", &a.lr);
    let mut starts = a
        .init
        .iter()
        .map(|s| Start::parse(s))
        .collect::<Result<Vec<_>, _>>()?;
    for s in &a.init {
        put(&mut args, "--init", s);
    }
    if let Some(k) = a.starts {
        if k == 0 {
            return Err(Error::param("starts", "0: at least one random start"));
        }
        starts.extend((0..k).map(Start::Random));
        put(&mut args, "--starts", &k.to_string());
        put(&mut args, "--start-seed", &a.start_seed.to_string());
    }
    if starts.is_empty() {
        starts.push(Start::Origin);
    }
    // the default of `ibias run`: exp on binary data, the softmax on K-class data
    let loss = match &a.loss {
        Some(l) => {
            put(&mut args, "--loss", l);
            Some(Loss::parse(l)?)
        }
        None => None,
    };
    let steps = parse_steps(&a.steps)?;
    put(&mut args, "--steps", &a.steps);
    let precision = Precision::parse(&a.precision)?;
    put(&mut args, "--precision", &a.precision);
    if a.bias {
        args.push("--bias".into());
    }
    if a.seed != 0 {
        put(&mut args, "--seed", &a.seed.to_string());
    }
    let command = format!(
        "ibias sweep {}",
        args.iter()
            .map(|w| shell_quote(w))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let grid = Grid {
        lrs,
        starts,
        start_seed: a.start_seed,
        loss,
        steps,
        precision,
        seed: a.seed,
        bias: a.bias,
        ..Grid::new(command, data, optimizers)
    };
    Ok((grid, args))
}

/// `--emit KIND DIR`: the job file in DIR, and how to submit it.
fn emit_cmd(grid: &Grid, args: &[String], emit_args: &[String]) -> CliResult {
    let [kind, dir] = emit_args else {
        return Err(Error::param(
            "emit",
            "takes KIND DIR (slurm or parallel, and a directory)",
        )
        .into());
    };
    let scheduler = Scheduler::parse(kind)?;
    let cwd = std::env::current_dir()
        .map_err(|e| Error::param("emit", format!("cannot read the working directory: {e}")))?;
    let exe = std::env::current_exe()
        .map_err(|e| Error::param("emit", format!("cannot find the ibias binary: {e}")))?;
    let dir = cwd.join(dir);
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::param("emit", format!("cannot create {}: {e}", dir.display())))?;
    let path = dir.join(scheduler.file());
    let text = job_file(scheduler, &exe, &cwd, args, &dir, grid.len());
    std::fs::write(&path, text)
        .map_err(|e| Error::param("emit", format!("cannot write {}: {e}", path.display())))?;
    let run = match scheduler {
        Scheduler::Slurm => format!("sbatch {}", shell_quote(&path.display().to_string())),
        Scheduler::Parallel => format!("parallel < {}", shell_quote(&path.display().to_string())),
    };
    emit(&format!(
        "# {}\n# wrote {}: {} jobs, one per grid point, each writing {}/job-I.json\n# run them: {run}\n# then: ibias sweep --merge {}\n",
        grid.command,
        path.display(),
        grid.len(),
        dir.display(),
        shell_quote(&dir.display().to_string())
    ))?;
    Ok(0)
}

/// `--merge FILES`: the job files (a directory stands for its `*.json`) as one sweep.
fn merge_cmd(files: &[PathBuf], as_json: bool) -> CliResult {
    let mut paths: Vec<PathBuf> = Vec::new();
    for f in files {
        if f.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(f)
                .map_err(|e| Error::param("merge", format!("cannot read {}: {e}", f.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(
                    Error::param("merge", format!("{}: no .json files", f.display())).into(),
                );
            }
            paths.extend(found);
        } else {
            paths.push(f.clone());
        }
    }
    let docs = paths
        .iter()
        .map(|p| read(p).map(|t| (p.display().to_string(), t)))
        .collect::<Result<Vec<_>, _>>()?;
    let sweep = merge(&docs)?;
    if as_json {
        emit(&sweep.to_json())?;
    } else {
        emit(&sweep.text())?;
    }
    Ok(sweep.exit_code())
}

fn read(p: &Path) -> Result<String, Error> {
    std::fs::read_to_string(p)
        .map_err(|e| Error::param("merge", format!("cannot read {}: {e}", p.display())))
}
