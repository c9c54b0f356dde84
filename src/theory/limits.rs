//! What each optimizer is predicted to do on separable data (theory §2.9, §2.10, §4, §5), and
//! the verdict of a finished run against that prediction.
//!
//! The reference answers are the exact ℓ1, ℓ2 and ℓ∞ max-margin vectors ([`Answers`]), from
//! the oracle or written by hand and checked by [`crate::cert::check`]. AdaGrad's prediction
//! is computed per run: the weighted SVM with the measured preconditioner ([`weighted_svm`]).
//!
//! **The verdict** uses the *secant* `w(T) − w(T′)` between the last two checkpoints
//! (`T′ ≈ T/10`) rather than `w(T)` itself: for GD `w(t) = ŵ ln t + ρ(t)` with `ρ` converging,
//! so the secant's direction error is `O(‖ρ(T′) − ρ(∞)‖)` while the iterate's is
//! `O(1/ln T)` (theory §2.5) — the secant shows *where the run is going*, the iterate only
//! where it is. A prediction **holds** when the secant is closer to the predicted direction
//! than half the angle separating that direction from every other candidate answer (so on
//! data whose three answers differ, the verdict says which geometry the optimizer picked);
//! it is **pending** when the secant is not there yet but turned towards the target since
//! the previous decade (`w(T′) − w(T″)`, `T″ ≈ T/100`); it **fails** otherwise. Predictions that theory §5 does not allow (constant-rate Adam with
//! ε = 0, RMSProp with ε = 0) get no verdict.

use crate::cert::Norm;
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::objective::Objective;
use crate::optim::spec::{Kind, OptimizerSpec};
use crate::oracle::{self, Outcome};
use crate::scalar::Scalar;
use rug::Rational;
use std::fmt;

/// What the direction (or the iterate) is predicted to approach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The max-margin direction in this norm.
    MaxMargin(Norm),
    /// The ℓ∞ max *margin* (safe assertion (i) of theory §5: the margin value; the direction
    /// only when the ℓ∞ answer is unique).
    LInfMargin,
    /// The weighted SVM `argmin Σ w_i²/h_i s.t. z_n·w ≥ 1` at the measured preconditioner.
    WeightedL2,
    /// The L2 direction after the handover `√v̂ ≪ ε` (ε > 0 adaptive methods).
    L2AfterHandover,
    /// AdamW: a KKT point of `min L s.t. ‖w‖∞ ≤ radius` (if the iterates converge).
    LInfBox {
        /// `1/λ`.
        radius: Rational,
    },
    /// No prediction is allowed (theory §5).
    None,
}

/// How well founded a prediction is (theory's source tags).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitBasis {
    /// A published theorem (`[P]` or `[P-abs]` in theory).
    Theorem,
    /// This project's derivation, checked numerically (`[D][N]`).
    Derived,
    /// Recalled but not confirmed in a text (`[M]`): reported, never asserted strictly.
    Unconfirmed,
    /// The caller's own claim about an optimizer of theirs ([`crate::compare::check_optimizer`]).
    Claimed,
    /// No claim.
    NoClaim,
}

impl LimitBasis {
    /// Short label.
    pub fn label(self) -> &'static str {
        match self {
            LimitBasis::Theorem => "theorem",
            LimitBasis::Derived => "derived",
            LimitBasis::Unconfirmed => "unconfirmed",
            LimitBasis::Claimed => "claimed",
            LimitBasis::NoClaim => "no claim",
        }
    }
}

/// An optimizer's prediction with its source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptimizerLimit {
    /// What is predicted.
    pub target: Target,
    /// How well founded it is.
    pub(crate) basis: LimitBasis,
    /// Citation (paper and theory section).
    pub(crate) source: &'static str,
}

impl Target {
    /// Short label for tables.
    pub fn label(&self) -> String {
        match self {
            Target::MaxMargin(n) => n.name().to_string(),
            Target::LInfMargin => "linf margin".into(),
            Target::WeightedL2 => "weighted l2".into(),
            Target::L2AfterHandover => "l2 (after handover)".into(),
            Target::LInfBox { radius } => {
                format!("|w|inf <= {}", crate::data::format_rational(radius))
            }
            Target::None => "-".into(),
        }
    }
}

impl OptimizerSpec {
    /// The prediction theory makes for this optimizer (theory §2.9, §2.10, §4, §5).
    pub fn prediction(&self) -> OptimizerLimit {
        let p = |target, basis, source| OptimizerLimit {
            target,
            basis,
            source,
        };
        let eps0 = self.eps == 0;
        match self.kind {
            Kind::Gd => p(
                Target::MaxMargin(Norm::L2),
                LimitBasis::Theorem,
                "Soudry et al. 2018, Thm 3 (theory §1.2)",
            ),
            Kind::Momentum => p(
                Target::MaxMargin(Norm::L2),
                LimitBasis::Theorem,
                "Wang et al. 2022 [P-abs]; offset w~(eta/(1-beta)) theory §2.9 [D]",
            ),
            Kind::Nesterov => p(
                Target::MaxMargin(Norm::L2),
                LimitBasis::Unconfirmed,
                "theory §5 table: Nesterov [M]",
            ),
            Kind::Sgd => p(
                Target::MaxMargin(Norm::L2),
                LimitBasis::Theorem,
                "Nacson, Srebro, Soudry 2019 [P-abs] (theory §3)",
            ),
            Kind::Normalized => p(
                Target::MaxMargin(Norm::L2),
                LimitBasis::Theorem,
                "Ji & Telgarsky 2021 [P-abs]; O(1/t) constants theory §2.10 [D]",
            ),
            Kind::Sign => p(
                Target::MaxMargin(Norm::LInf),
                LimitBasis::Theorem,
                "Gunasekar et al. 2018, steepest descent (theory §4; details [M])",
            ),
            Kind::Coordinate => p(
                Target::MaxMargin(Norm::L1),
                LimitBasis::Theorem,
                "Gunasekar et al. 2018, steepest descent (theory §4; details [M])",
            ),
            Kind::AdaGrad => p(
                Target::WeightedL2,
                LimitBasis::Derived,
                "theory §5 safe assertion (iii); Qian & Qian 2019 [M]",
            ),
            Kind::RmsProp if !eps0 => p(
                Target::L2AfterHandover,
                LimitBasis::Theorem,
                "Wang et al. 2021 [P-abs]; theory §5 safe assertion (ii)",
            ),
            Kind::RmsProp => p(
                Target::None,
                LimitBasis::NoClaim,
                "theory §5: no prediction",
            ),
            Kind::Adam if eps0 && self.decay != 0 => p(
                Target::LInfMargin,
                LimitBasis::Theorem,
                "Zhang, Zou, Cao 2024 [P-abs]; theory §5 safe assertion (i)",
            ),
            Kind::Adam if !eps0 => p(
                Target::L2AfterHandover,
                LimitBasis::Theorem,
                "Wang et al. 2022 [P-abs]; theory §5 safe assertion (ii)",
            ),
            Kind::Adam => p(
                Target::None,
                LimitBasis::NoClaim,
                "theory §5: constant-lr Adam with eps = 0 has no prediction",
            ),
            Kind::AdamW if self.weight_decay == 0 => {
                let mut plain = self.clone();
                plain.kind = Kind::Adam;
                plain.prediction()
            }
            Kind::AdamW => p(
                Target::LInfBox {
                    radius: Rational::from(self.weight_decay.recip_ref()),
                },
                LimitBasis::Theorem,
                "Xie & Li 2024 [P-abs] (if the iterates converge)",
            ),
        }
    }
}

impl OptimizerLimit {
    /// The row of the claims table ([`super::verdict::CLAIMS`]) that judges this prediction
    /// against `answers`: the secant rule for a direction, the margin gap for a non-unique
    /// max-margin answer, the box for AdamW; `None` without a prediction.
    pub fn claim(&self, answers: &Answers) -> Option<&'static super::verdict::Claim> {
        let id = match &self.target {
            Target::None => return None,
            Target::LInfBox { .. } => "limit_box",
            Target::MaxMargin(n) if !answers.get(*n).unique => "limit_margin",
            Target::LInfMargin if !answers.get(Norm::LInf).unique => "limit_margin",
            _ => "limit_direction",
        };
        Some(super::verdict::claim(id))
    }
}

/// One exact max-margin answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The norm.
    pub norm: Norm,
    /// `ŵ_p`: minimum `‖w‖_p` with every margin `z_n·w ≥ 1`.
    pub w: Vec<Rational>,
    /// Whether the optimal `w` is unique (for ℓ2 always).
    pub unique: bool,
}

impl Answer {
    /// The max normalized margin `γ_p* = 1/‖ŵ_p‖_p`.
    pub fn margin(&self) -> f64 {
        let w: Vec<f64> = self.w.iter().map(Rational::to_f64).collect();
        1.0 / p_norm(&w, self.norm)
    }
    /// Unit direction `ŵ_p/‖ŵ_p‖₂` in f64.
    pub fn direction(&self) -> Vec<f64> {
        unit(&self.w.iter().map(Rational::to_f64).collect::<Vec<_>>())
    }
}

/// The ℓ1, ℓ2 and ℓ∞ answers of a data set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answers {
    /// ℓ1, ℓ2, ℓ∞, in this order.
    pub all: [Answer; 3],
}

impl Answers {
    /// Solves the three problems with the exact oracle (each certificate is checked by the
    /// independent checker). Non-separable data are an [`Error::NotSeparable`].
    pub fn from_oracle(data: &Dataset) -> Result<Answers> {
        let get = |norm| -> Result<Answer> {
            match oracle::solve(data, norm)? {
                Outcome::Separable(mm) => {
                    crate::cert::check(data, &mm.cert).map_err(|v| {
                        Error::Numerical(format!(
                            "the {} certificate fails the checker: {v}",
                            norm.name()
                        ))
                    })?;
                    Ok(Answer {
                        norm,
                        w: mm.cert.w.clone(),
                        unique: norm == Norm::L2 || mm.unique,
                    })
                }
                Outcome::NotSeparable(w) => Err(Error::NotSeparable {
                    message: "no direction has every margin positive (see `ibias oracle`)".into(),
                    witness: w.alpha,
                }),
            }
        };
        Ok(Answers {
            all: [get(Norm::L1)?, get(Norm::L2)?, get(Norm::LInf)?],
        })
    }

    /// The answer for one norm.
    pub fn get(&self, norm: Norm) -> &Answer {
        match norm {
            Norm::L1 => &self.all[0],
            Norm::L2 => &self.all[1],
            Norm::LInf => &self.all[2],
        }
    }
}

/// `‖v‖_p` in f64.
pub(crate) fn p_norm(v: &[f64], norm: Norm) -> f64 {
    match norm {
        Norm::L1 => v.iter().map(|x| x.abs()).sum(),
        Norm::L2 => v.iter().map(|x| x * x).sum::<f64>().sqrt(),
        Norm::LInf => v.iter().fold(0.0, |m, x| m.max(x.abs())),
    }
}

/// `v/‖v‖₂` (zero stays zero).
pub fn unit(v: &[f64]) -> Vec<f64> {
    let n = p_norm(v, Norm::L2);
    if n == 0.0 || !n.is_finite() {
        return v.to_vec();
    }
    v.iter().map(|x| x / n).collect()
}

/// Angle between two vectors in degrees, stable near 0 and 180:
/// `2·atan2(‖â − b̂‖, ‖â + b̂‖)`. NaN when either vector is zero.
pub fn angle_deg(a: &[f64], b: &[f64]) -> f64 {
    let (a, b) = (unit(a), unit(b));
    if p_norm(&a, Norm::L2) == 0.0 || p_norm(&b, Norm::L2) == 0.0 {
        return f64::NAN;
    }
    let d: f64 = a.iter().zip(&b).map(|(x, y)| (x - y).powi(2)).sum();
    let s: f64 = a.iter().zip(&b).map(|(x, y)| (x + y).powi(2)).sum();
    (2.0 * d.sqrt().atan2(s.sqrt())).to_degrees()
}

/// A vector of scalars as f64, normalized in `S` first (so huge iterates do not overflow).
pub(crate) fn direction_f64<S: Scalar>(w: &[S], ctx: S::Ctx) -> Vec<f64> {
    let n = crate::scalar::norm(w, ctx);
    if n.is_zero() || !n.is_finite() {
        return w.iter().map(Scalar::to_f64).collect();
    }
    w.iter().map(|x| x.clone().div(&n).to_f64()).collect()
}

/// Normalized margin `min_n z_n·w / ‖w‖_p`, computed in `S`, returned as f64 (NaN at w = 0).
pub fn normalized_margin<S: Scalar>(obj: &Objective<S>, w: &[S], norm: Norm) -> f64 {
    let ctx = obj.ctx();
    let mut nrm = S::zero(ctx);
    let mut tmp = S::zero(ctx);
    for x in w {
        tmp.set(x);
        tmp.abs_mut();
        match norm {
            Norm::L1 => nrm.add_assign(&tmp),
            Norm::L2 => nrm.mul_add_assign(&tmp, &tmp),
            Norm::LInf => {
                if tmp.partial_cmp_s(&nrm) == Some(std::cmp::Ordering::Greater) {
                    nrm.set(&tmp);
                }
            }
        }
    }
    if norm == Norm::L2 {
        nrm.sqrt_mut();
    }
    if nrm.is_zero() {
        return f64::NAN;
    }
    obj.min_margin(w).div(&nrm).to_f64()
}

/// The weighted SVM `argmin Σ_i w_i²/h_i s.t. z_n·w ≥ 1` for a measured diagonal
/// preconditioner `h` (all entries finite and > 0), solved **exactly for a rational
/// approximation of `h`**: `s_i ≈ √(h_i/max h)` is rounded to an f64 and taken as an exact
/// rational, the ℓ2 oracle solves the rescaled points `z′_{n,i} = z_{n,i} s_i`, and
/// `w = s ⊙ v̂′` (theory §4–§5: AdaGrad is GD in the coordinates `v = w/√h`). Returns `w`
/// (with `min_n z_n·w = 1`) and the `s` used. The relative error of `s` (2⁻⁵³) is far below
/// the drift of `h_t` at any feasible horizon.
pub fn weighted_svm<S: Scalar>(data: &Dataset, h: &[S]) -> Result<(Vec<Rational>, Vec<Rational>)> {
    if h.len() != data.dim() {
        return Err(Error::param(
            "preconditioner",
            format!("{} entries for d = {}", h.len(), data.dim()),
        ));
    }
    let mut hmax = h[0].clone();
    for x in h {
        if !x.is_finite() || x.is_zero() || x.partial_cmp_s(&hmax).is_none() {
            return Err(Error::Numerical(
                "the preconditioner has a zero or non-finite entry".into(),
            ));
        }
        if x.partial_cmp_s(&hmax) == Some(std::cmp::Ordering::Greater) {
            hmax.set(x);
        }
    }
    let s: Vec<Rational> = h
        .iter()
        .map(|x| {
            let r = x.clone().div(&hmax).sqrt().to_f64();
            Rational::from_f64(r).unwrap_or_default()
        })
        .collect();
    if s.iter().any(|v| *v <= 0) {
        return Err(Error::Numerical(
            "the preconditioner spans more than the f64 range".into(),
        ));
    }
    let x: Vec<Vec<Rational>> = data
        .points()
        .iter()
        .map(|row| {
            row.iter()
                .zip(&s)
                .map(|(a, b)| Rational::from(a * b))
                .collect()
        })
        .collect();
    let scaled = Dataset::new(x, data.labels().to_vec())?;
    match oracle::solve(&scaled, Norm::L2)? {
        Outcome::Separable(mm) => {
            crate::cert::check(&scaled, &mm.cert).map_err(|v| {
                Error::Numerical(format!("weighted-SVM certificate fails the checker: {v}"))
            })?;
            let w = mm
                .cert
                .w
                .iter()
                .zip(&s)
                .map(|(a, b)| Rational::from(a * b))
                .collect();
            Ok((w, s))
        }
        // the rescaling is a positive diagonal map of the coordinates: Σ α_n D z_n = 0 iff
        // Σ α_n z_n = 0, so the witness is one of the data themselves
        Outcome::NotSeparable(w) => Err(Error::NotSeparable {
            message: "the rescaled data are not separable".into(),
            witness: w.alpha,
        }),
    }
}

/// The outcome of checking a run against its prediction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitVerdict {
    /// The run goes where the prediction says.
    Holds,
    /// It does not.
    Fails,
    /// Not decidable yet at this horizon (the secant is still turning towards the target, or
    /// the ε-handover has not happened).
    Pending,
    /// The run stopped early (underflow, non-finite value): nothing to judge.
    NotReached,
    /// The candidate answers are closer to the target than the run resolves (or coincide
    /// with it): reaching the target would not tell the geometries apart.
    NotDiscriminating,
    /// No prediction to check.
    NoClaim,
}

impl fmt::Display for LimitVerdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LimitVerdict::Holds => "holds",
            LimitVerdict::Fails => "FAILS",
            LimitVerdict::Pending => "pending",
            LimitVerdict::NotReached => "not reached",
            LimitVerdict::NotDiscriminating => "not discriminating",
            LimitVerdict::NoClaim => "-",
        })
    }
}

impl LimitVerdict {
    /// Machine name for JSON.
    pub fn code(self) -> &'static str {
        match self {
            LimitVerdict::Holds => "holds",
            LimitVerdict::Fails => "fails",
            LimitVerdict::Pending => "pending",
            LimitVerdict::NotReached => "not_reached",
            LimitVerdict::NotDiscriminating => "not_discriminating",
            LimitVerdict::NoClaim => "no_claim",
        }
    }
}

/// The secant rule: the secant `w(T) − w(T′)` is within half the separation between the
/// target and the nearest *other* candidate direction. Returns `(holds, secant angle, half
/// separation)` in degrees.
pub(crate) fn secant_rule(secant: &[f64], target: &[f64], others: &[Vec<f64>]) -> (bool, f64, f64) {
    let a = angle_deg(secant, target);
    let half = separation(target, others) / 2.0;
    (a < half, a, half)
}

/// The angle (degrees) from `target` to the nearest of `others` (0 if one coincides with it;
/// 180 if there are none).
pub fn separation(target: &[f64], others: &[Vec<f64>]) -> f64 {
    others
        .iter()
        .map(|o| angle_deg(o, target))
        .filter(|x| !x.is_nan())
        .fold(180.0, f64::min)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_prediction_is_judged_by_its_row_of_the_claims_table() {
        let answer = |norm, unique| Answer {
            norm,
            w: vec![Rational::from(1), Rational::new()],
            unique,
        };
        let unique = Answers {
            all: [Norm::L1, Norm::L2, Norm::LInf].map(|n| answer(n, true)),
        };
        let tied = Answers {
            all: [Norm::L1, Norm::L2, Norm::LInf].map(|n| answer(n, n == Norm::L2)),
        };
        let id = |spec: &str, a: &Answers| {
            OptimizerSpec::parse(spec)
                .unwrap()
                .prediction()
                .claim(a)
                .map(|c| c.id)
        };
        assert_eq!(id("gd", &unique), Some("limit_direction"));
        assert_eq!(id("adagrad", &unique), Some("limit_direction"));
        assert_eq!(id("sign", &unique), Some("limit_direction"));
        assert_eq!(id("sign", &tied), Some("limit_margin"));
        assert_eq!(id("coordinate", &tied), Some("limit_margin"));
        assert_eq!(id("gd", &tied), Some("limit_direction"));
        assert_eq!(id("adamw", &unique), Some("limit_box"));
        assert_eq!(id("adam:eps=0", &unique), None);
    }

    #[test]
    fn angles_are_stable_and_symmetric() {
        assert!((angle_deg(&[1.0, 0.0], &[0.0, 2.0]) - 90.0).abs() < 1e-12);
        assert!((angle_deg(&[1.0, 1.0], &[1.0, 0.0]) - 45.0).abs() < 1e-12);
        assert!((angle_deg(&[1.0, 0.0], &[-1.0, 0.0]) - 180.0).abs() < 1e-12);
        // A tiny angle is resolved (acos would give 0 here).
        let a = angle_deg(&[1.0, 0.0], &[1.0, 1e-10]);
        assert!((a - 1e-10f64.to_degrees()).abs() < 1e-20, "{a}");
        assert!(angle_deg(&[0.0, 0.0], &[1.0, 0.0]).is_nan());
    }

    #[test]
    fn secant_rule_picks_the_nearest_geometry() {
        // Target at 0°, the others at 30° and 90°: half separation 15°.
        let others = vec![vec![3f64.sqrt(), 1.0], vec![0.0, 1.0]];
        assert_eq!(separation(&[1.0, 0.0], &[vec![2.0, 0.0]]), 0.0);
        let (ok, a, half) = secant_rule(&[1.0, 0.1], &[1.0, 0.0], &others);
        assert!(ok && (half - 15.0).abs() < 1e-9 && a < 6.0);
        assert!(!secant_rule(&[1.0, 0.5], &[1.0, 0.0], &others).0);
    }

    #[test]
    fn predictions_follow_the_safe_assertions() {
        let adam = |s: &str| OptimizerSpec::parse(s).unwrap().prediction();
        assert_eq!(adam("adam:eps=0").target, Target::None);
        assert_eq!(adam("adam:eps=0:decay=1/2").target, Target::LInfMargin);
        assert_eq!(adam("adam").target, Target::L2AfterHandover);
        assert_eq!(adam("rmsprop:eps=0").target, Target::None);
        assert_eq!(adam("adagrad").target, Target::WeightedL2);
        assert_eq!(adam("nesterov").basis, LimitBasis::Unconfirmed);
        assert_eq!(
            adam("adamw:wd=1/4").target,
            Target::LInfBox {
                radius: Rational::from(4)
            }
        );
    }
}
