//! The JSON rows of the documents, as `#[derive(Serialize)]` types: their field names are the
//! documented contract (docs/cli.md, "JSON output"; docs/optimizers.md for `compare`).
//!
//! Each type is plain data, the values already formatted (decimal strings with their digits,
//! exact `"p/q"`, numbers, options → null): the layers that own the values fill them, the
//! lower layers through the builders here (`certify`'s enclosures: [`CertifyJson::of`],
//! `IntervalJson::of`), the higher ones (`theory`, `compare`, `flow`, `experiment`, the
//! command line) directly. A document is assembled as a [`serde_json::Value`] from them
//! (`to_value`), whose keys are sorted, as the documents have always printed them.

use crate::certify::{decimal_up, mid_rad, Certifier, Enclosure, Interval, IntervalEnclosure};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// A row as a JSON value (an object with its keys sorted).
pub(crate) fn to_value<T: Serialize>(row: &T) -> Value {
    // a derived `Serialize` of strings, numbers, booleans, options, vectors and string-keyed
    // maps cannot fail
    serde_json::to_value(row).unwrap_or(Value::Null)
}

/// One checkpoint of `ibias run --json` (`checkpoints[]`).
#[derive(Clone, Debug, Serialize)]
pub struct RunCheckpoint {
    /// The step.
    pub(crate) t: u64,
    /// Guaranteed significant digits of the decimals (at most 40).
    pub(crate) digits: usize,
    /// The iterate `w(t)`, decimals.
    pub(crate) w: Vec<String>,
    /// The last checkpoint's iterate exactly, `"p/q"` per coordinate (a coordinate null when
    /// not finite or outside f64's range); null on the other checkpoints.
    pub(crate) w_exact: Option<Vec<Option<String>>>,
    /// `‖w(t)‖`.
    pub(crate) norm: String,
    /// `‖w(t)‖ / ln t` (null for t < 2).
    pub(crate) norm_over_ln_t: Option<String>,
    /// `ln L(w(t))`.
    pub(crate) ln_loss: String,
    /// `t · L(w(t))` (null for t = 0).
    pub(crate) t_loss: Option<String>,
    /// `w(t)/‖w(t)‖` (null when `w = 0`).
    pub(crate) direction: Option<Vec<String>>,
    /// `min_n z_n·w(t) / ‖w(t)‖` (null when `w = 0`).
    pub(crate) min_margin: Option<String>,
}

/// An enclosure `{mid, rad}`: `|exact − mid| ≤ rad`, decimal strings, `rad` rounded up.
#[derive(Clone, Debug, Serialize)]
pub struct MidRad {
    /// The midpoint, with the digits the radius leaves.
    pub(crate) mid: String,
    /// The radius, rounded up.
    pub(crate) rad: String,
}

impl MidRad {
    /// The enclosure of an interval (`certify::mid_rad` with two extra digits, a radius of
    /// three).
    pub fn of(v: &Interval) -> MidRad {
        let (mid, rad) = mid_rad(v, 2, 3);
        MidRad { mid, rad }
    }

    fn all(v: &[Interval]) -> Vec<MidRad> {
        v.iter().map(MidRad::of).collect()
    }
}

/// The `certify` object of `ibias run --json --certify` when the GD run is certified (or the
/// certification stopped).
#[derive(Clone, Debug, Serialize)]
pub struct CertifyJson {
    /// `certified` or `stopped`.
    pub(crate) status: String,
    /// The last step whose radius is established.
    pub(crate) certified_through: u64,
    /// The step the certification stopped at (null unless stopped).
    pub(crate) stopped_at: Option<u64>,
    /// Why it stopped (null unless stopped).
    pub(crate) reason: Option<String>,
    /// Bits of the interval arithmetic (working bits + 16).
    pub(crate) interval_bits: u32,
    /// Steps whose rounding bound was the a-priori bound of the double-double step.
    pub(crate) a_priori_steps: u64,
    /// Steps whose rounding bound was enclosed in interval arithmetic.
    pub(crate) interval_steps: u64,
    /// The last radius `r(t)`, rounded up.
    pub(crate) radius: String,
    /// The largest `Lip_t`, rounded up to three digits.
    pub(crate) max_lipschitz: String,
    /// Steps with `Lip_t > 1`.
    pub(crate) expansive_steps: u64,
    /// The last of them (null if none).
    pub(crate) last_expansive_step: Option<u64>,
    /// One row per shown checkpoint certified.
    pub(crate) checkpoints: Vec<CertifyCheckpoint>,
}

/// One checkpoint of the `certify` object: the radius and the enclosures of the
/// exact-arithmetic GD values (the derived ones only for GD with theory checks).
#[derive(Clone, Debug, Serialize)]
pub struct CertifyCheckpoint {
    /// The step.
    pub(crate) t: u64,
    /// The radius `r(t)`, rounded up.
    pub(crate) radius: String,
    /// `r(t)/‖w‖`, rounded up (null when the norm's enclosure contains 0).
    pub(crate) radius_over_norm: Option<String>,
    /// `w(t)`.
    pub(crate) w: Vec<MidRad>,
    /// `‖w‖`.
    pub(crate) norm: MidRad,
    /// The normalized minimum margin (null when the norm's enclosure contains 0).
    pub(crate) min_margin: Option<MidRad>,
    /// `ln L`.
    pub(crate) ln_loss: Option<MidRad>,
    /// `t·L` (null at t = 0).
    pub(crate) t_loss: Option<MidRad>,
    /// `x/‖x‖` (null when the ball may contain 0).
    pub(crate) direction: Option<Vec<MidRad>>,
    /// `‖x/‖x‖ − ŵ/‖ŵ‖‖`.
    pub(crate) dir_err: Option<MidRad>,
    /// The angle between `x` and `ŵ`, radians.
    pub(crate) angle: Option<MidRad>,
    /// `ρ(t) = x(t) − ŵ ln t` (null at t = 0).
    pub(crate) rho: Option<Vec<MidRad>>,
    /// `‖ρ(t) − w̃‖` (without the span condition `‖P1(ρ(t) − w̃)‖`).
    pub(crate) rho_err: Option<MidRad>,
    /// `1/‖ŵ‖ − min_n z_nᵀx/‖x‖`.
    pub(crate) gap: Option<MidRad>,
    /// `η t (−ℓ′(z_nᵀx))` per point (null at t = 0).
    pub(crate) dual: Option<Vec<MidRad>>,
    /// The angle between `x` and `ŵ ln t + w̃`.
    pub(crate) refined_angle: Option<MidRad>,
    /// The non-support-vector share of the loss.
    pub(crate) share_loss: Option<MidRad>,
    /// The non-support-vector share of the gradient.
    pub(crate) share_grad: Option<MidRad>,
    /// `share_loss` times `t^{θ−1}`.
    pub(crate) share_loss_scaled: Option<MidRad>,
    /// `share_grad` times `t^{θ−1}`.
    pub(crate) share_grad_scaled: Option<MidRad>,
    /// `t·L/C_L`.
    pub(crate) t_loss_ratio: Option<MidRad>,
    /// `max |η t (−ℓ′_n)/α_n − 1|` over the support vectors with `α_n ≠ 0`.
    pub(crate) dual_dev: Option<MidRad>,
    /// `‖η t (−∇L) − ŵ‖/‖ŵ‖`.
    pub(crate) grad_dev: Option<MidRad>,
    /// `ln t · dir_err` (null before t = 2).
    pub(crate) ln_t_dir: Option<MidRad>,
    /// `ln t · gap` (null before t = 2).
    pub(crate) ln_t_gap: Option<MidRad>,
}

impl CertifyJson {
    /// The certification of a GD run as `ibias run --json` prints it (docs/cli.md).
    pub fn of(c: &Certifier) -> CertifyJson {
        let (lip, expansive, last) = c.lipschitz();
        let (a_priori_steps, interval_steps) = c.rounding_steps();
        CertifyJson {
            status: if c.stopped().is_some() {
                "stopped"
            } else {
                "certified"
            }
            .into(),
            certified_through: c.certified_through(),
            stopped_at: c.stopped().map(|s| s.at),
            reason: c.stopped().map(|s| s.why.clone()),
            interval_bits: c.prec(),
            a_priori_steps,
            interval_steps,
            radius: decimal_up(c.radius(), 3),
            max_lipschitz: decimal_up(lip, 3),
            expansive_steps: expansive,
            last_expansive_step: last,
            checkpoints: c
                .records()
                .iter()
                .map(|e| CertifyCheckpoint::of(c, e))
                .collect(),
        }
    }
}

impl CertifyCheckpoint {
    fn of(c: &Certifier, e: &Enclosure) -> CertifyCheckpoint {
        let derived = c.derived(e);
        let d = derived.as_ref();
        let one = |f: fn(&crate::certify::Derived) -> &Option<Interval>| {
            d.and_then(|d| f(d).as_ref()).map(MidRad::of)
        };
        let many = |f: fn(&crate::certify::Derived) -> &Option<Vec<Interval>>| {
            d.and_then(|d| f(d).as_ref()).map(|v| MidRad::all(v))
        };
        CertifyCheckpoint {
            t: e.t,
            radius: decimal_up(&e.radius, 3),
            radius_over_norm: e.radius_over_norm().as_ref().map(|q| decimal_up(q, 3)),
            w: MidRad::all(&e.w),
            norm: MidRad::of(&e.norm),
            min_margin: e.min_margin.as_ref().map(MidRad::of),
            ln_loss: e.ln_loss.as_ref().map(MidRad::of),
            t_loss: e.t_loss.as_ref().map(MidRad::of),
            direction: many(|d| &d.direction),
            dir_err: one(|d| &d.dir_err),
            angle: one(|d| &d.angle),
            rho: many(|d| &d.rho),
            rho_err: one(|d| &d.rho_err),
            gap: one(|d| &d.gap),
            dual: many(|d| &d.dual),
            refined_angle: one(|d| &d.refined_angle),
            share_loss: one(|d| &d.share_loss),
            share_grad: one(|d| &d.share_grad),
            share_loss_scaled: one(|d| &d.share_loss_scaled),
            share_grad_scaled: one(|d| &d.share_grad_scaled),
            t_loss_ratio: one(|d| &d.t_loss_ratio),
            dual_dev: one(|d| &d.dual_dev),
            grad_dev: one(|d| &d.grad_dev),
            ln_t_dir: one(|d| &d.ln_t_dir),
            ln_t_gap: one(|d| &d.ln_t_gap),
        }
    }
}

/// The `certify` object when the run is not certified (another optimizer than GD, or no
/// radius): why, and the naive interval enclosure when one ran.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct NotCertifiedJson {
    /// `not certified`.
    pub(crate) status: String,
    /// Why not.
    pub(crate) reason: String,
    /// The naive interval enclosure (null when none ran).
    pub(crate) interval: Option<IntervalJson>,
}

/// `certify.interval`: the naive interval enclosure of another optimizer's run.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct IntervalJson {
    /// Bits of the interval arithmetic.
    pub(crate) bits: u32,
    /// The last step enclosed.
    pub(crate) through: u64,
    /// Why the enclosure stopped (null when it went through).
    pub(crate) stopped: Option<String>,
    /// One row per shown checkpoint enclosed.
    pub(crate) checkpoints: Vec<IntervalCheckpoint>,
}

/// One checkpoint of the naive interval enclosure.
#[derive(Clone, Debug, Serialize)]
pub struct IntervalCheckpoint {
    /// The step.
    pub(crate) t: u64,
    /// The box's radius, rounded up.
    pub(crate) radius: String,
    /// The radius over `‖w‖∞`, rounded up (null when unbounded).
    pub(crate) radius_over_norm: Option<String>,
    /// A bound on `‖computed − exact‖∞`, rounded up.
    pub(crate) error_bound: String,
}

impl IntervalJson {
    /// `certify.interval` of `ibias run --json` (docs/cli.md).
    pub fn of(iv: &IntervalEnclosure) -> IntervalJson {
        IntervalJson {
            bits: iv.bits,
            through: iv.through,
            stopped: iv.stopped.clone(),
            checkpoints: iv
                .rows
                .iter()
                .map(|r| IntervalCheckpoint {
                    t: r.t,
                    radius: decimal_up(&r.radius, 3),
                    radius_over_norm: r.radius_over_norm.as_ref().map(|q| decimal_up(q, 3)),
                    error_bound: decimal_up(&r.error_bound, 3),
                })
                .collect(),
        }
    }
}

/// The `prediction` object of `theory` (`ibias run --json`).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct PredictionJson {
    /// `unique`, `max_entropy` or `degenerate`.
    pub(crate) regime: String,
    /// The support vectors span the data.
    pub(crate) spans: bool,
    /// The support, 1-based.
    pub(crate) support: Vec<usize>,
    /// The dual multipliers.
    pub(crate) alpha: Vec<String>,
    /// `w̃` (null when undefined).
    pub(crate) w_tilde: Option<Vec<String>>,
    /// Name → the predicted constant.
    pub(crate) constants: BTreeMap<String, ConstantJson>,
}

/// One predicted constant: its value and its section.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ConstantJson {
    /// `"p/q"`, a decimal string, `"inf"` or `{"unavailable": reason}`.
    pub(crate) value: PredictedJson,
    /// The section of docs/theory/sections.md.
    pub(crate) section: String,
}

/// A predicted value: a string, or why it is unavailable.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum PredictedJson {
    /// `"p/q"`, a decimal string or `"inf"`.
    Value(String),
    /// Not predicted.
    Unavailable {
        /// Why.
        unavailable: String,
    },
}

/// One checkpoint of `theory.diagnostics`: decimal strings or null.
#[derive(Clone, Debug, Serialize)]
pub struct DiagnosticsRow {
    /// The step.
    pub(crate) t: u64,
    /// `‖w/‖w‖ − ŵ/‖ŵ‖‖`.
    pub(crate) dir_err: Option<String>,
    /// The angle between `w` and `ŵ`, radians.
    pub(crate) angle: Option<String>,
    /// The normalized margin's gap to `1/‖ŵ‖`.
    pub(crate) gap: Option<String>,
    /// `t·L/C_L`.
    pub(crate) t_loss_ratio: Option<String>,
    /// `‖ρ(t) − w̃‖`.
    pub(crate) rho_err: Option<String>,
    /// The angle between `w` and `ŵ ln t + w̃`.
    pub(crate) refined_angle: Option<String>,
    /// The dual multipliers' largest relative deviation.
    pub(crate) dual_dev: Option<String>,
    /// The scaled gradient's relative deviation from `ŵ`.
    pub(crate) grad_dev: Option<String>,
    /// The non-support-vector share of the loss.
    pub(crate) share_loss: Option<String>,
    /// The non-support-vector share of the gradient.
    pub(crate) share_grad: Option<String>,
    /// `share_loss` times `t^{θ−1}`.
    pub(crate) share_loss_scaled: Option<String>,
    /// `ln t · dir_err`.
    pub(crate) ln_t_dir: Option<String>,
    /// `ln t · gap`.
    pub(crate) ln_t_gap: Option<String>,
}

/// One verdict of `theory.verdicts`.
#[derive(Clone, Debug, Serialize)]
pub struct VerdictRow {
    /// The claim's identifier.
    pub(crate) id: String,
    /// `PASS`, `weak`, `FAIL` or `n/a`.
    pub(crate) status: String,
    /// The section of docs/theory/sections.md.
    pub(crate) section: String,
    /// What is claimed.
    pub(crate) claim: String,
    /// The checkpoint judged.
    pub(crate) t: u64,
    /// The measured value.
    pub(crate) measured: Option<String>,
    /// The predicted value.
    pub(crate) predicted: Option<String>,
    /// The deviation bounded.
    pub(crate) deviation: Option<String>,
    /// Its tolerance.
    pub(crate) tolerance: Option<String>,
    /// `|deviation| + tolerance`.
    pub(crate) resolution: Option<String>,
    /// The quantity's scale.
    pub(crate) scale: Option<String>,
    /// A core claim for these data.
    pub(crate) core: bool,
    /// The judged prediction is the user's conjecture.
    pub(crate) user: bool,
    /// `identity`, `extrapolation`, `derived` or `history`.
    pub(crate) witness: String,
    /// Vector claims: the estimated limit (else null).
    pub(crate) limit: Option<Vec<String>>,
    /// Vector claims: the predicted limit (else null).
    pub(crate) expected: Option<Vec<String>>,
    /// How the tolerance was derived, or why the claim was not judged.
    pub(crate) basis: String,
    /// Null without `--certify`.
    pub(crate) certification: Option<CertificationJson>,
}

/// Whether a verdict's status holds over the enclosures (`--certify`).
#[derive(Clone, Debug, Serialize)]
pub struct CertificationJson {
    /// The status holds for every exact-arithmetic trajectory within the radii.
    pub(crate) certified: bool,
    /// Why not (null when certified).
    pub(crate) reason: Option<String>,
}

/// One rate fit of `theory.fits` (reported, not asserted).
#[derive(Clone, Debug, Serialize)]
pub struct FitRow {
    /// The fit's identifier.
    pub(crate) id: String,
    /// The section of docs/theory/sections.md.
    pub(crate) section: String,
    /// The fitted value.
    pub(crate) measured: Option<String>,
    /// The predicted value.
    pub(crate) predicted: Option<String>,
}

/// `theory.counts`: verdicts per status.
#[derive(Clone, Debug, Serialize)]
pub struct CountsJson {
    /// PASS.
    pub(crate) pass: usize,
    /// weak.
    pub(crate) weak: usize,
    /// FAIL.
    pub(crate) fail: usize,
    /// n/a.
    #[serde(rename = "n/a")]
    pub(crate) not_judged: usize,
}

/// What a run established, as the documents carry it beside their verdicts.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct JudgementJson {
    /// `holds`, `fails` or `inconclusive`.
    pub(crate) judgement: String,
    /// Exactly when the judgement is `holds`.
    pub(crate) all_hold: bool,
    /// Why inconclusive (else null).
    pub(crate) inconclusive: Option<String>,
}

/// The `theory` object of `ibias run --json`.
#[derive(Clone, Debug, Serialize)]
pub struct AnalysisJson {
    /// The predicted constants of §2.
    pub(crate) prediction: PredictionJson,
    /// One row per checkpoint.
    pub(crate) diagnostics: Vec<DiagnosticsRow>,
    /// One row per claim.
    pub(crate) verdicts: Vec<VerdictRow>,
    /// The rate fits.
    pub(crate) fits: Vec<FitRow>,
    /// Verdicts per status.
    pub(crate) counts: CountsJson,
    /// The names replaced by `--conjecture`.
    pub(crate) user_predictions: Vec<String>,
    /// `judgement`, `all_hold`, `inconclusive`.
    #[serde(flatten)]
    pub(crate) judgement: JudgementJson,
}

/// One exact max-margin answer of `compare` (`answers[]`).
#[derive(Clone, Debug, Serialize)]
pub struct AnswerRow {
    /// `l1`, `l2` or `linf`.
    pub(crate) norm: String,
    /// `ŵ_p`, exact.
    pub(crate) w: Vec<String>,
    /// `ŵ_p/‖ŵ_p‖₂`.
    pub(crate) direction: Vec<f64>,
    /// `1/‖ŵ_p‖_p` (null when not finite, as every number here).
    pub(crate) max_margin: f64,
    /// The optimal `w` is unique.
    pub(crate) unique: bool,
}

/// Three values, one per norm.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct PerNorm {
    /// ℓ1.
    pub(crate) l1: f64,
    /// ℓ2.
    pub(crate) l2: f64,
    /// ℓ∞.
    pub(crate) linf: f64,
}

/// One optimizer's row of `compare` (`rows[]`, docs/optimizers.md). A number that is not
/// finite is null (`serde_json` writes every non-finite `f64` as null).
#[derive(Clone, Debug, Serialize)]
pub struct OptimizerRow {
    /// The optimizer's name.
    pub(crate) optimizer: String,
    /// Its full specification (null for a row without one).
    pub(crate) spec: Option<String>,
    /// What it is.
    pub(crate) description: String,
    /// How its run ended.
    pub(crate) status: String,
    /// The same, in words.
    pub(crate) status_detail: String,
    /// `T`.
    pub(crate) steps: u64,
    /// `T'`.
    pub(crate) t_prev: u64,
    /// `w(T)/‖w(T)‖₂`.
    pub(crate) direction: Vec<f64>,
    /// Degrees to the ℓ1, ℓ2, ℓ∞ answers.
    pub(crate) angle_deg: PerNorm,
    /// The normalized margins in the three norms.
    pub(crate) margin: PerNorm,
    /// The predicted limit.
    pub(crate) predicted: String,
    /// Why that limit.
    pub(crate) basis: String,
    /// The source of the prediction.
    pub(crate) source: String,
    /// The predicted direction (null when none).
    pub(crate) target_direction: Option<Vec<f64>>,
    /// Degrees between the secant `w(T) − w(T')` and the target.
    pub(crate) secant_angle_deg: Option<f64>,
    /// The weighted SVM at `h(T)`, exact.
    pub(crate) weighted_svm: Option<Vec<String>>,
    /// The claim judged.
    pub(crate) claim: Option<String>,
    /// Its section.
    pub(crate) section: Option<String>,
    /// Its witness.
    pub(crate) witness: Option<String>,
    /// compare's verdict.
    pub(crate) verdict: String,
    /// The verdict's detail.
    pub(crate) detail: String,
    /// Wall time, seconds (three decimals).
    pub(crate) elapsed_s: f64,
}

/// The comparison of `compare` (and `audit`'s `limit`): answers, rows and the judgement.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ComparisonJson {
    /// The ℓ1, ℓ2, ℓ∞ answers.
    pub(crate) answers: Vec<AnswerRow>,
    /// One row per optimizer.
    pub(crate) rows: Vec<OptimizerRow>,
    /// `judgement`, `all_hold`, `inconclusive`.
    #[serde(flatten)]
    pub(crate) judgement: JudgementJson,
}

/// One checkpoint of `ibias flow --json`.
#[derive(Clone, Debug, Serialize)]
pub struct FlowCheckpoint {
    /// The log time.
    pub(crate) s: String,
    /// `log10 τ` (null for `-inf`).
    pub(crate) log10_tau: f64,
    /// `ρ(s)`.
    pub(crate) rho: Vec<String>,
    /// `w(τ)`.
    pub(crate) w: Vec<String>,
    /// `‖ρ − w̃‖`.
    pub(crate) rho_err: Option<String>,
    /// `s · dir_err`.
    pub(crate) s_dir: Option<String>,
    /// Its prediction.
    pub(crate) s_dir_pred: Option<String>,
    /// `s · gap`.
    pub(crate) s_gap: Option<String>,
    /// Its prediction.
    pub(crate) s_gap_pred: Option<String>,
    /// The natural log of the non-support-vector loss share.
    pub(crate) ln_share: Option<String>,
    /// The scaled share.
    pub(crate) share_scaled: Option<String>,
    /// `(1 + τ)L`.
    pub(crate) tau_loss: String,
    /// `P2 ρ`.
    pub(crate) p2: Vec<String>,
}

/// One verdict of `ibias flow --json`.
#[derive(Clone, Debug, Serialize)]
pub struct FlowVerdictRow {
    /// The claim's identifier.
    pub(crate) id: String,
    /// `PASS`, `weak`, `FAIL` or `n/a`.
    pub(crate) status: String,
    /// The section of docs/theory/sections.md.
    pub(crate) section: String,
    /// What is claimed.
    pub(crate) claim: String,
    /// The log time judged.
    pub(crate) s: Option<String>,
    /// The measured value.
    pub(crate) measured: Option<String>,
    /// The predicted value.
    pub(crate) predicted: Option<String>,
    /// The deviation bounded.
    pub(crate) deviation: Option<String>,
    /// Its tolerance.
    pub(crate) tolerance: Option<String>,
    /// `|deviation| + tolerance`.
    pub(crate) resolution: Option<String>,
    /// A core claim for these data.
    pub(crate) core: bool,
    /// The judged prediction is the user's conjecture.
    pub(crate) user: bool,
    /// How the tolerance was derived, or why not judged.
    pub(crate) basis: String,
}

/// One rate fit of `ibias flow --json`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct FlowFitRow {
    /// The fit's identifier.
    pub(crate) id: String,
    /// The fitted value.
    pub(crate) measured: Option<String>,
    /// The predicted value.
    pub(crate) predicted: Option<String>,
}

/// One checkpoint of the flow's certified tail.
#[derive(Clone, Debug, Serialize)]
pub struct TailRow {
    /// The log time.
    pub(crate) s: f64,
    /// The bound `B(s)`, rounded up.
    pub(crate) bound: String,
    /// The computed `‖ρ − w̃‖` (null when not measured).
    pub(crate) measured: Option<String>,
}

/// `certified_tail` of `ibias flow --json`: the constants of the certificate, or why none.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum TailJson {
    /// Not certified.
    NotCertified {
        /// `not certified`.
        status: String,
        /// Why.
        reason: String,
    },
    /// Certified.
    Certified {
        /// `certified`.
        status: String,
        /// Where the certificate starts.
        s0: f64,
        /// The distance at `s0`, rounded up.
        r0: String,
        /// The ball, rounded up.
        ball: String,
        /// The contraction rate (rounded down).
        mu: f64,
        /// The curvature constant (rounded down).
        kappa: f64,
        /// The constant `c`, rounded up.
        c: String,
        /// The bound at the last checkpoint beside the measured distance.
        last: TailRow,
        /// One row per checkpoint from `s0` on.
        checkpoints: Vec<TailRow>,
    },
}

/// One row of `compare_gd` of `ibias flow --json` (GD beside the flow).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct GdBesideRow {
    /// GD's step.
    pub(crate) t: u64,
    /// `τ = ηt`, exact.
    pub(crate) tau: String,
    /// `s = ln(1 + τ)`.
    pub(crate) s: String,
    /// `‖w_GD − w_flow‖`.
    pub(crate) diff: String,
    /// Its part in the support-vector span.
    pub(crate) diff_span: String,
    /// Its part off it.
    pub(crate) diff_p2: String,
    /// `t` times `diff_span`.
    pub(crate) t_diff_span: String,
}

/// `compare_gd` of `ibias flow --json`.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct GdBesideJson {
    /// GD's step size, exact.
    pub(crate) lr: String,
    /// Steps taken.
    pub(crate) steps: u64,
    /// How GD's run ended.
    pub(crate) status: String,
    /// One row per GD checkpoint.
    pub(crate) rows: Vec<GdBesideRow>,
}

/// A data set as a document names it (`data`: `{source, n, d}`).
#[derive(Clone, Debug, Serialize)]
pub struct DataJson {
    /// Where the data came from (a file, a generator).
    pub(crate) source: String,
    /// Points.
    pub(crate) n: usize,
    /// Dimension.
    pub(crate) d: usize,
}

/// What `ibias run` ran: the head of its JSON document (docs/cli.md, "JSON output").
#[derive(Clone, Debug, Serialize)]
pub struct RunHead {
    /// The data.
    pub(crate) data: DataJson,
    /// The optimizer's name.
    pub(crate) optimizer: String,
    /// Its full specification (`adam:beta1=9/10:...`).
    pub(crate) optimizer_spec: String,
    /// The loss.
    pub(crate) loss: String,
    /// The exact step, `"p/q"`.
    pub(crate) lr: String,
    /// Whether `--lr auto` chose it.
    pub(crate) lr_auto: bool,
    /// `"f64"`, `"double-double (106 bits)"` or `"N bits"`.
    pub(crate) precision: String,
    /// Mantissa bits.
    pub(crate) bits: u32,
    /// Requested steps.
    pub(crate) steps: u64,
    /// The exact start `w(0)`.
    pub(crate) init: Vec<String>,
    /// K-class data only (absent for binary data).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) classes: Option<Value>,
}

/// The whole document of `ibias run --json`.
#[derive(Clone, Debug, Serialize)]
pub struct RunJson {
    /// The equivalent command line.
    pub(crate) command: String,
    /// What was run.
    #[serde(flatten)]
    pub(crate) head: RunHead,
    /// How the run ended (`completed`, `underflow`, ...).
    pub(crate) status: String,
    /// The step of the event.
    pub(crate) status_at: Option<u64>,
    /// The 1-based point whose weight underflowed.
    pub(crate) status_point: Option<usize>,
    /// Steps actually taken.
    pub(crate) steps_taken: u64,
    /// Wall time of the loop, seconds (rounded to milliseconds).
    pub(crate) elapsed_s: f64,
    /// One object per shown checkpoint ([`RunCheckpoint`]).
    pub(crate) checkpoints: Value,
    /// The theory checks ([`AnalysisJson`]), GD only.
    pub(crate) theory: Option<Value>,
    /// Why a GD run has no theory checks.
    pub(crate) inconclusive: Option<String>,
    /// `--certify` only: the certification ([`CertifyJson`]) or why not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) certify: Option<Value>,
}
