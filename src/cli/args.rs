//! Command-line arguments (clap derive). Values are parsed as text and validated by the
//! library, so every bad value gets the library's one-line message.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Verified-numerics harness for the implicit bias of gradient descent on separable data.
///
/// With no arguments, runs the demo: Soudry et al. Fig. 1 data, GD at 128 bits to 10^6
/// steps, and the convergence table.
#[derive(Parser, Debug)]
#[command(name = "ibias", version, about, long_about = None, args_override_self = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the main demo (the same as `ibias` with no arguments).
    Demo,
    /// Generate a data set and write it as CSV to stdout.
    Gen(GenArgs),
    /// Run an optimizer on a data set and print the convergence table.
    Run(RunArgs),
}

#[derive(Args, Debug)]
pub struct GenArgs {
    /// Which data set: fig1 | planted | post | r1 | r2.
    pub kind: String,
    /// Number of points (planted).
    #[arg(long, default_value = "20")]
    pub n: usize,
    /// Dimension (planted).
    #[arg(long, default_value = "2")]
    pub d: usize,
    /// Minimum distance to the planted hyperplane, exact (planted).
    #[arg(long, default_value = "1/10", allow_hyphen_values = true)]
    pub margin: String,
    /// Seed (fig1, planted).
    #[arg(long, default_value = "1")]
    pub seed: u64,
}

#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// CSV data file (header x1,...,xd,y), or `-` for stdin.
    #[arg(long)]
    pub data: PathBuf,
    /// Optimizer.
    #[arg(long, default_value = "gd")]
    pub optimizer: String,
    /// Loss: exp | logistic.
    #[arg(long, default_value = "exp")]
    pub loss: String,
    /// Step size, exact (e.g. 1/8 or 0.125).
    #[arg(long, default_value = "1/8", allow_hyphen_values = true)]
    pub lr: String,
    /// Number of steps (e.g. 1e6).
    #[arg(long, default_value = "1e4", allow_hyphen_values = true)]
    pub steps: String,
    /// Working precision: f64 or a number of bits (53, 128, 256, 1024, ...).
    #[arg(long, default_value = "128", allow_hyphen_values = true)]
    pub precision: String,
    /// Initial point, comma-separated exact numbers (default: the origin).
    #[arg(long, allow_hyphen_values = true)]
    pub init: Option<String>,
    /// Append a constant-1 feature (GD with a bias term; theory §1.5).
    #[arg(long)]
    pub bias: bool,
    /// Checkpoint base b: rows at t = 0 and floor(b^k).
    #[arg(long, default_value = "10")]
    pub base: u64,
    /// Print one JSON document instead of the table.
    #[arg(long)]
    pub json: bool,
}
