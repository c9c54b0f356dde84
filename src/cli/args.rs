//! Command-line arguments (clap derive). Values are parsed as text and validated by the
//! library, so every bad value gets the library's one-line message.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Verified-numerics harness for the implicit bias of gradient descent on separable data.
///
/// With no arguments, runs the demo: Soudry et al. Fig. 1 data, GD at 128 bits to 10^6
/// steps, and the convergence table.
#[derive(Parser, Debug)]
#[command(
    name = "ibias",
    version,
    about,
    long_about = None,
    args_override_self = true,
    after_help = "Exit status: 0 established (nothing failed, every core claim judged), 1 a claim \
                  failed, 2 bad input, 3 inconclusive (stopped early, interrupted by SIGINT or \
                  SIGTERM, or too short; the last \
                  line says why). See docs/cli.md."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

// parsed once per process: the size of the largest variant costs nothing
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the main demo (the same as `ibias` with no arguments).
    Demo,
    /// Generate a data set and write it as CSV to stdout.
    Gen(GenArgs),
    /// Run an optimizer on a data set and print the convergence table; for GD also the
    /// predictions, the verdicts and what the run established (exit 0 established, 1 a claim
    /// failed, 2 bad input, 3 inconclusive).
    Run(RunArgs),
    /// Run several optimizers from the same start and compare their directions with the
    /// exact l1, l2 and linf max-margin directions (exit 0 every predicted limit holds, 1 one
    /// fails, 2 bad input, 3 inconclusive: some pending, not reached or not discriminating).
    Compare(CompareArgs),
    /// Solve the max-margin problem exactly and print a verified certificate.
    Oracle(OracleArgs),
    /// Measure GD steps per second, as a ratio to the f64 loop (see docs/speed.md).
    Bench(BenchArgs),
    /// Judge a trajectory logged by another program with the theory checks of `run`, and
    /// check that its logged steps are GD with the claimed step (exit 0 established, 1 a
    /// claim or the method check failed, 2 bad input, 3 inconclusive).
    Audit(AuditArgs),
    /// Draw a figure as SVG: direction (ln t times the direction error, with C_dir and its
    /// refined prediction), residual (the residual against t, log-log, with the slope
    /// -kappa), rotation (the data turned by w(t) at each checkpoint and by the max-margin
    /// vector; d = 2), soudry (norm, loss, angle and margin gap against t for several
    /// optimizers), compare (final directions against the exact l1, l2, linf answers, and
    /// an adaptive sweep; d = 2) or flow (the log-time flow with GD overlaid). Takes the
    /// options of a plain GD `run` (not those of JSON output); --certify (direction,
    /// residual) draws the certified enclosures as a ribbon; --csv also writes the plotted
    /// series.
    Plot(PlotArgs),
    /// Integrate the gradient flow in log-time s = ln(1 + tau) with the exact max-margin
    /// vector, to horizons no GD run reaches, and judge the flow's claims (exit 0
    /// established, 1 a claim failed, 2 bad input, 3 inconclusive).
    Flow(FlowArgs),
    /// Run a grid of ordinary runs (data x steps x starts x optimizers) on all local cores,
    /// one table row per point; or write the grid as jobs for Slurm or GNU parallel
    /// (--emit) and collect their files (--merge). Exit 0 every point ran to its report
    /// (each point's own exit status is in its row), 2 bad input, 3 interrupted.
    Sweep(SweepArgs),
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
    #[command(flatten)]
    pub input: DataArgs,
    /// Optimizer: gd, momentum, nesterov, sgd, normalized, sign, coordinate, adagrad,
    /// rmsprop, adam, adamw (hyper-parameters also as NAME:key=value, see docs/optimizers.md).
    #[arg(long, default_value = "gd")]
    pub optimizer: String,
    #[command(flatten)]
    pub hyper: HyperArgs,
    #[command(flatten)]
    pub gd: GdArgs,
    #[command(flatten)]
    pub schedule: ScheduleArgs,
    /// Certify the trajectory (plain GD, exp or logistic loss): keep a radius r(t) that
    /// provably bounds the distance of the computed iterate from the exact-arithmetic one,
    /// print enclosures mid±rad of w, |w|, the minimum margin, ln L, t*L, the direction
    /// error and |rho - w~| at the checkpoints, and judge each verdict on the enclosures
    /// (certified PASS / FAIL, or not certified and why; docs/theory/certify.md). Each step's
    /// rounding bound is a-priori in double-double on the exponential loss, else an interval
    /// enclosure. Exit 3 (1 if a claim fails) if a step's bound cannot be established.
    /// Another optimizer is not certified (exit 3); it gets a naive 128-bit interval
    /// enclosure of its exact iterate at the checkpoints instead.
    #[arg(long)]
    pub certify: bool,
    /// Print one JSON document instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Also write the trajectory to this CSV file: one row per checkpoint (t, w1..wd, ln_loss,
    /// norm, dir_err, min_margin, the other table columns and diagnostics), a header row,
    /// plain numbers.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write the state the run ends in (iterate, t, the optimizer's memory, the random
    /// source, the step used) exactly to this JSON file, also when interrupted.
    #[arg(long, value_name = "FILE")]
    pub save_state: Option<PathBuf>,
    /// Continue the run saved by --save-state in this file, to --steps in all: the same
    /// data, loss, optimizer, step, precision and seed; bit-identical to one uninterrupted
    /// run.
    #[arg(long, value_name = "FILE")]
    pub resume: Option<PathBuf>,
    /// Replace a prediction by your own value and let the verdicts judge it (repeatable):
    /// NAME=VALUE with NAME one of w_tilde, alpha, grad_limit, C_L, C_norm, C_dir, C_gamma,
    /// C_share, C_share_grad, theta, kappa; exact numbers, vectors comma-separated (e.g.
    /// --conjecture w_tilde=0.5,-1/3). GD only.
    #[arg(long, value_name = "NAME=VALUE", allow_hyphen_values = true)]
    pub conjecture: Vec<String>,
}

/// The plain GD run of `ibias run` and `ibias plot`: loss, step, horizon, precision, start,
/// bias column (one definition, so the commands cannot drift apart).
#[derive(Args, Debug, Clone)]
pub struct GdArgs {
    /// Loss: exp | logistic | softmax (softmax is logistic on two classes; on K-class data
    /// logistic and softmax are the softmax cross-entropy, exp the sum of e^(-(w_y - w_k).x))
    /// [default: exp; softmax on K-class data]
    #[arg(long)]
    pub loss: Option<String>,
    /// Step size: auto (the largest power of two meeting the descent condition of theory
    /// §8.1 on these data from w(0); the adaptive methods' own default) or exact (1/8, 0.125).
    #[arg(long, default_value = "auto", allow_hyphen_values = true)]
    pub lr: String,
    /// Number of steps (e.g. 1e6).
    #[arg(long, default_value = "1e4", allow_hyphen_values = true)]
    pub steps: String,
    /// Working precision: f64, dd (double-double, 106 bits: the fast path for long GD runs;
    /// f64's exponent range, so an underflow stops the run with a status) or a number of
    /// MPFR bits (53, 128, 256, 1024, ...).
    #[arg(long, default_value = "128", allow_hyphen_values = true)]
    pub precision: String,
    /// Initial point, comma-separated exact numbers (default: the origin; on K-class data
    /// vec(W): the K rows one after the other).
    #[arg(long, allow_hyphen_values = true)]
    pub init: Option<String>,
    /// Append a constant-1 feature (GD with a bias term; theory §1.5).
    #[arg(long)]
    pub bias: bool,
}

/// The checkpoints of `ibias run` and `ibias plot`.
#[derive(Args, Debug, Clone)]
pub struct ScheduleArgs {
    /// Checkpoint base b, any real > 1 (10, 2, 1.5, 3/2): rows at t = 0, floor(b^k) and T.
    #[arg(long, default_value = "10", allow_hyphen_values = true)]
    pub base: String,
    /// Checkpoints floor(10^(j/K)), K per decade (1..=100), instead of --base.
    #[arg(long, value_name = "K", conflicts_with_all = ["base", "at"])]
    pub per_decade: Option<String>,
    /// Checkpoints at these steps (e.g. 10,500,1e4; each <= T), instead of --base; t = 0 and
    /// T are always rows.
    #[arg(long, value_name = "T1,T2,...", conflicts_with = "base")]
    pub at: Option<String>,
}

/// The data file and which of its columns make the data set (docs/cli.md, "Data files").
#[derive(Args, Debug, Clone)]
pub struct DataArgs {
    /// Data file: CSV (header optional), TSV (.tsv, or tabs in the first line), .npy (a
    /// matrix, label in the last column) or .npz (arrays X and y); `-` for CSV on stdin.
    #[arg(long)]
    pub data: PathBuf,
    /// The label column: a header name or a 1-based column number [default: the column
    /// named y or label, else the last].
    #[arg(long, value_name = "COL")]
    pub label: Option<String>,
    /// The feature columns, comma-separated names or 1-based numbers [default: all but the
    /// label].
    #[arg(long, value_name = "COLS")]
    pub features: Option<String>,
    /// Map two label values to -1 and +1 (e.g. --labels 0,1 or --labels cat,dog); without
    /// it the labels must be 1/+1/-1, or take three or more values (K-class data: oracle,
    /// run, compare and flow).
    #[arg(long, value_name = "NEG,POS", allow_hyphen_values = true)]
    pub labels: Option<String>,
}

/// Hyper-parameters of the optimizers (exact numbers); each applies only to the optimizers
/// that have it, and giving it to another one is an error.
#[derive(Args, Debug, Clone, Default)]
pub struct HyperArgs {
    /// Momentum coefficient (momentum, nesterov) or Adam's beta1 [default 9/10].
    #[arg(long, allow_hyphen_values = true)]
    pub beta: Option<String>,
    /// Adam's beta2 [default 999/1000] or RMSProp's rho [default 99/100].
    #[arg(long, allow_hyphen_values = true)]
    pub beta2: Option<String>,
    /// Epsilon >= 0 (adagrad [default 0], rmsprop, adam, adamw [default 1e-8]).
    #[arg(long, allow_hyphen_values = true)]
    pub eps: Option<String>,
    /// Adam's learning-rate decay exponent a: lr_t = lr (t+1)^(-a) [default 0].
    #[arg(long, allow_hyphen_values = true)]
    pub lr_decay: Option<String>,
    /// AdamW's decoupled weight decay lambda [default 1/100].
    #[arg(long, allow_hyphen_values = true)]
    pub weight_decay: Option<String>,
    /// SGD mini-batch size [default 1].
    #[arg(long, allow_hyphen_values = true)]
    pub batch: Option<String>,
    /// SGD: sample with replacement (default: shuffled epochs without replacement).
    #[arg(long)]
    pub replacement: bool,
    /// Seed of the SGD sampler.
    #[arg(long, default_value = "0")]
    pub seed: u64,
}

#[derive(Args, Debug, Clone)]
pub struct CompareArgs {
    #[command(flatten)]
    pub input: DataArgs,
    /// Comma-separated optimizers, each NAME or NAME:key=value:... (e.g. adam:eps=0:decay=1/2).
    #[arg(
        long,
        default_value = "gd,momentum,nesterov,sgd,normalized,sign,coordinate,adagrad,rmsprop,adam,adamw"
    )]
    pub optimizers: String,
    /// Loss: exp | logistic | softmax (default: exp; on K-class data softmax, the summed
    /// softmax cross-entropy).
    #[arg(long)]
    pub loss: Option<String>,
    /// Step size for every optimizer without its own lr=: auto (the default: the largest
    /// power of two meeting theory §8.1, the adaptive methods' own default) or exact.
    #[arg(long, allow_hyphen_values = true)]
    pub lr: Option<String>,
    /// Number of steps T of every run (e.g. 1e5).
    #[arg(long, default_value = "1e5", allow_hyphen_values = true)]
    pub steps: String,
    /// Working precision: f64, dd (double-double, 106 bits) or a number of MPFR bits.
    #[arg(long, default_value = "128", allow_hyphen_values = true)]
    pub precision: String,
    /// Common initial point, comma-separated exact numbers (default: the origin).
    #[arg(long, allow_hyphen_values = true)]
    pub init: Option<String>,
    /// Append a constant-1 feature.
    #[arg(long)]
    pub bias: bool,
    /// Seed of the SGD sampler.
    #[arg(long, default_value = "0")]
    pub seed: u64,
    /// Print one JSON document instead of the table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug, Clone)]
pub struct OracleArgs {
    #[command(flatten)]
    pub input: DataArgs,
    /// Norm of the margin: l2 (hard-margin SVM, the limit of GD; on K-class data the K-class
    /// SVM) | l1 | linf (on K-class data the max margin under |vec W|_1 resp. |vec W|_inf).
    #[arg(long, default_value = "l2")]
    pub norm: String,
    /// Append a constant-1 feature (the regularized-bias SVM that GD with a bias term
    /// converges to; theory §1.5).
    #[arg(long)]
    pub bias: bool,
    /// Print one JSON document instead of the report (every value exact, as a rational).
    #[arg(long)]
    pub json: bool,
    /// Print the exact rationals in the report instead of decimals rounded to 12
    /// significant digits.
    #[arg(long)]
    pub exact: bool,
    /// Print every entry of long lists (w, alpha, the support) instead of the first 6 and
    /// the last 2 of more than 8.
    #[arg(long)]
    pub wide: bool,
}

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Longer measurements (1 s each, best of 5) instead of the quick default.
    #[arg(long)]
    pub full: bool,
    /// Cases as NxD, comma-separated (default 20x2,100x10,1000x20).
    #[arg(long, allow_hyphen_values = true)]
    pub cases: Option<String>,
    /// Instead of the table: time one double-double GD run of this many steps (e.g. 1e9)
    /// on the first case (default 20x2), from w = 0.
    #[arg(long, allow_hyphen_values = true)]
    pub horizon: Option<String>,
    /// After the table: the numba peer (benches/peers/gd_numba.py, needs python3 with
    /// numba) against f64 and double-double GD on the same cases, and the scipy peer
    /// (benches/peers/svm_nnls_scipy.py, scipy's NNLS) against the exact l2 oracle on the
    /// same cases and N = 10^4, d = 100; each skipped with a one-line note if it cannot run.
    #[arg(long)]
    pub peers: bool,
}

#[derive(Args, Debug, Clone)]
pub struct AuditArgs {
    #[command(flatten)]
    pub input: DataArgs,
    /// The logged trajectory: CSV/TSV rows t,w1,...,wd (header optional), a .npy matrix
    /// with t in the first column, or a .npz with arrays t (T steps) and w (T×d iterates).
    #[arg(long)]
    pub trajectory: PathBuf,
    /// Loss the log claims to minimize (the sum over points): exp | logistic.
    #[arg(long, default_value = "exp")]
    pub loss: String,
    /// The claimed step, exact (e.g. 1/8 or 0.125) [default: the --optimizer's lr=, else 1/8].
    #[arg(long, allow_hyphen_values = true)]
    pub lr: Option<String>,
    /// The claimed method, NAME or NAME:key=value:... as for ibias compare [default: gd].
    /// GD is judged by the theory checks of run; another optimizer by its predicted limit
    /// (the rule of ibias compare). The method check covers gd, momentum and nesterov.
    #[arg(long, allow_hyphen_values = true)]
    pub optimizer: Option<String>,
    /// The log's number format, which bounds its rounding: f32, f64, decimal:K (K
    /// significant digits) or exact [default: detected from the values].
    #[arg(long, allow_hyphen_values = true)]
    pub log_format: Option<String>,
    /// Working precision of the theory checks: f64, dd or MPFR bits [default: the log's:
    /// 24 bits for float32, f64 for float64, 128 bits for exact values].
    #[arg(long, allow_hyphen_values = true)]
    pub precision: Option<String>,
    /// w(0), comma-separated exact numbers, when the log has no row at t = 0.
    #[arg(long, allow_hyphen_values = true)]
    pub init: Option<String>,
    /// Append a constant-1 feature (the log's w then ends with the bias).
    #[arg(long)]
    pub bias: bool,
    /// Checkpoint base b of the printed tables: rows at t = 0 and floor(b^k).
    #[arg(long, default_value = "10")]
    pub base: u64,
    /// Print one JSON document instead of the report.
    #[arg(long)]
    pub json: bool,
    /// Replace a prediction by your own value (as in `run`; repeatable).
    #[arg(long, value_name = "NAME=VALUE", allow_hyphen_values = true)]
    pub conjecture: Vec<String>,
}

#[derive(Args, Debug, Clone)]
#[command(
    after_help = "The run options are those of ibias run: soudry and compare take --lr as the \
                  step of every optimizer without its own lr= (auto: each one's default, as for \
                  ibias compare); the checkpoints (--base, --per-decade, --at) and the powers of \
                  2 are the plotted points (rotation: one panel per checkpoint). See docs/cli.md."
)]
pub struct PlotArgs {
    /// Which figure: direction | residual | rotation | soudry | compare | flow (docs/cli.md).
    pub kind: String,
    #[command(flatten)]
    pub input: DataArgs,
    #[command(flatten)]
    pub gd: GdArgs,
    #[command(flatten)]
    pub schedule: ScheduleArgs,
    /// Replace a prediction by your own value (repeatable, as for ibias run): direction,
    /// residual and flow draw it (the other kinds draw no prediction and refuse it).
    #[arg(long, value_name = "NAME=VALUE", allow_hyphen_values = true)]
    pub conjecture: Vec<String>,
    /// soudry and compare: comma-separated optimizers, each NAME or NAME:key=value:... as for
    /// ibias compare [default: soudry gd,momentum,adam; compare
    /// gd,momentum,sign,coordinate,adagrad,adam].
    #[arg(long, value_name = "LIST")]
    pub optimizers: Option<String>,
    /// flow: integrate the log-time flow to s = ln(1 + tau) = UNTIL (as for ibias flow)
    /// [default: 1e5].
    #[arg(long, value_name = "UNTIL", allow_hyphen_values = true)]
    pub until: Option<String>,
    /// Seed of SGD (soudry and compare, as for ibias compare).
    #[arg(long, default_value = "0")]
    pub seed: u64,
    /// direction and residual: certify the run as ibias run --certify does and draw, at each
    /// checkpoint the certifier enclosed, the enclosure of the plotted quantity as a filled
    /// ribbon under the measured curve; the legend gives its widest width (at dd or 128 bits
    /// far thinner than the line), the caption where certification stopped, or "not
    /// certified: REASON" (the figure is still written, exit 0). --csv writes the ribbon as
    /// the series certified_lo and certified_hi.
    #[arg(long)]
    pub certify: bool,
    /// Also write the plotted series to this CSV file: a header row series,x,y and one row
    /// per drawn point (the series ids, docs/cli.md: measured, refined, C_dir, slope,
    /// certified_lo, certified_hi; in a figure of several panels PANEL/SERIES).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// The SVG file to write.
    #[arg(long)]
    pub out: PathBuf,
}

impl PlotArgs {
    /// The plain GD run the figure draws (and the data, loss, start, horizon, precision and
    /// schedule of the other optimizers' runs), as `ibias run` would take it.
    pub fn run(&self) -> RunArgs {
        RunArgs {
            input: self.input.clone(),
            optimizer: "gd".into(),
            hyper: HyperArgs {
                seed: self.seed,
                ..HyperArgs::default()
            },
            gd: self.gd.clone(),
            schedule: self.schedule.clone(),
            certify: self.certify,
            json: false,
            csv: None,
            save_state: None,
            resume: None,
            conjecture: self.conjecture.clone(),
        }
    }
}

#[derive(Args, Debug, Clone)]
pub struct FlowArgs {
    #[command(flatten)]
    pub input: DataArgs,
    /// Integrate to log-time s = ln(1 + tau) (e.g. 1e5: tau about 10^43429).
    #[arg(long, default_value = "1e5", allow_hyphen_values = true)]
    pub until: String,
    /// w at tau = 0, comma-separated exact numbers (default: the origin).
    #[arg(long, allow_hyphen_values = true)]
    pub init: Option<String>,
    /// Loss: exp | logistic | softmax (default: exp; on K-class data the softmax
    /// cross-entropy, as `run`; `exp` there is the flow of the lifted points).
    #[arg(long)]
    pub loss: Option<String>,
    /// Working precision: f64, dd (double-double, 106 bits) or a number of MPFR bits.
    #[arg(long, default_value = "dd", allow_hyphen_values = true)]
    pub precision: String,
    /// Append a constant-1 feature (theory §1.5).
    #[arg(long)]
    pub bias: bool,
    /// Print one JSON document instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Replace a prediction of the flow (eta = 1) by your own value and let the verdicts
    /// judge it (repeatable): NAME=VALUE with NAME one of w_tilde, C_L, C_norm, C_dir,
    /// C_gamma, C_share, kappa (exact numbers, vectors comma-separated).
    #[arg(long, value_name = "NAME=VALUE", allow_hyphen_values = true)]
    pub conjecture: Vec<String>,
    /// Also run GD (step --lr, --steps steps) from the same start and report its difference
    /// from the flow at the same flow time tau = lr*t (reported, not judged).
    #[arg(long)]
    pub compare_gd: bool,
    /// GD's step with --compare-gd, exact [default 1/8].
    #[arg(long, allow_hyphen_values = true, requires = "compare_gd")]
    pub lr: Option<String>,
    /// GD's number of steps with --compare-gd [default 1e5].
    #[arg(long, allow_hyphen_values = true, requires = "compare_gd")]
    pub steps: Option<String>,
    /// Checkpoint base b > 1 (as for ibias run, in log-time): rows at s = 0, floor(b^k) and
    /// the last s [default: s = 1, 2, 5, 10, 20, 50, ...]. The verdicts are judged on the
    /// default checkpoints whatever is shown.
    #[arg(long, allow_hyphen_values = true)]
    pub base: Option<String>,
    /// Checkpoints floor(10^(j/K)) in log-time, K per decade (1..=100), instead of --base.
    #[arg(long, value_name = "K", conflicts_with_all = ["base", "at"])]
    pub per_decade: Option<String>,
    /// Checkpoints at these whole log-times (e.g. 10,500,1e4; each <= --until), instead of
    /// --base; s = 0 and the last s are always rows.
    #[arg(long, value_name = "S1,S2,...", conflicts_with = "base")]
    pub at: Option<String>,
    /// Also write the checkpoints to this CSV file: a header row, one row per shown
    /// checkpoint (s, log10_tau, w1..wd, rho1..rhod, rho_err, s_dir, ... as in the JSON),
    /// plain numbers.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
#[command(
    after_help = "Exit status: 0 every point ran to its report (each run's own exit \
                  status, 0 established, 1 a claim failed, 3 inconclusive, is in its row), 2 bad \
                  input (nothing is run), 3 interrupted (SIGINT or SIGTERM: the points that ran \
                  are printed, the others are `not_run`). See docs/cli.md."
)]
pub struct SweepArgs {
    /// A data file of the data axis (repeatable; binary data; the column flags apply to
    /// every file).
    #[arg(long, value_name = "FILE")]
    pub data: Vec<PathBuf>,
    /// The label column of every --data file (as for ibias run).
    #[arg(long, value_name = "COL")]
    pub label: Option<String>,
    /// The feature columns of every --data file (as for ibias run).
    #[arg(long, value_name = "COLS")]
    pub features: Option<String>,
    /// Map two label values to -1 and +1 in every --data file (as for ibias run).
    #[arg(long, value_name = "NEG,POS", allow_hyphen_values = true)]
    pub labels: Option<String>,
    /// Planted data sets of the data axis, comma-separated N:D:SEED (`ibias gen planted --n
    /// N --d D --seed SEED`, margin 1/10), after the --data files.
    #[arg(long, value_name = "N:D:SEED,...")]
    pub planted: Option<String>,
    /// The step axis, comma-separated: exact steps and/or auto (the step of ibias run --lr
    /// auto at each start).
    #[arg(long, default_value = "auto", allow_hyphen_values = true)]
    pub lr: String,
    /// A start of the start axis (repeatable): comma-separated exact numbers, or origin
    /// [default: origin, unless --starts gives random ones].
    #[arg(long, allow_hyphen_values = true)]
    pub init: Vec<String>,
    /// Also K random starts, after the --init ones: coordinates j/100, j uniform in
    /// -100..=100, drawn from --start-seed (docs/cli.md).
    #[arg(long, value_name = "K")]
    pub starts: Option<usize>,
    /// Seed of the random starts.
    #[arg(long, default_value = "0")]
    pub start_seed: u64,
    /// The optimizer axis, comma-separated NAME or NAME:key=value:... (docs/optimizers.md;
    /// the step comes from --lr).
    #[arg(long, default_value = "gd")]
    pub optimizers: String,
    /// Loss: exp | logistic | softmax (default: exp; on K-class data the softmax
    /// cross-entropy, as `run`).
    #[arg(long)]
    pub loss: Option<String>,
    /// Number of steps of every run (e.g. 1e5).
    #[arg(long, default_value = "1e4", allow_hyphen_values = true)]
    pub steps: String,
    /// Working precision of every run: f64, dd or a number of MPFR bits.
    #[arg(long, default_value = "128", allow_hyphen_values = true)]
    pub precision: String,
    /// Append a constant-1 feature to every data set.
    #[arg(long)]
    pub bias: bool,
    /// Seed of the SGD sampler.
    #[arg(long, default_value = "0")]
    pub seed: u64,
    /// Threads [default: the number of cores]; the results are the same for every value.
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Run only grid point I (0-based; what one job of --emit runs).
    #[arg(long, value_name = "I")]
    pub only: Option<usize>,
    /// Instead of running: write the grid as independent jobs to DIR, for KIND slurm (a
    /// job-array script DIR/sweep.sbatch) or parallel (a GNU parallel command file
    /// DIR/jobs.txt); each job writes DIR/job-I.json.
    #[arg(long, num_args = 2, value_names = ["KIND", "DIR"], conflicts_with_all = ["only", "json"])]
    pub emit: Option<Vec<String>>,
    /// Instead of running: collect the job files (FILE.json ..., or a directory: its *.json)
    /// into the table of the whole sweep, the same as the local sweep prints.
    #[arg(long, num_args = 1.., value_name = "FILES", conflicts_with_all = [
        "data", "label", "features", "labels", "planted", "lr", "init", "starts", "start_seed",
        "optimizers", "loss", "steps", "precision", "bias", "seed", "jobs", "only", "emit"
    ])]
    pub merge: Option<Vec<PathBuf>>,
    /// Print one JSON document instead of the table.
    #[arg(long)]
    pub json: bool,
}
