//! Optimizer specifications as users write them, and the one place that turns a
//! specification into an optimizer at a chosen scalar type ([`build`]).
//!
//! Syntax: a name, optionally followed by `:key=value` pairs, all values exact numbers:
//!
//! ```text
//! gd   momentum:beta=9/10   nesterov   sgd:batch=2:replacement   normalized   sign
//! coordinate   adagrad:eps=0   rmsprop:rho=99/100   adam:eps=0:decay=1/2   adamw:wd=1/100
//! ```
//!
//! Keys: `lr`; `beta` (momentum coefficient, Adam's β1; alias `beta1`); `beta2` (Adam's β2,
//! RMSProp's ρ; alias `rho`); `eps`; `decay` (Adam's learning-rate exponent `a` in
//! `η_t = η (t+1)^{−a}`; alias `lr-decay`); `wd` (AdamW's λ; aliases `weight-decay`,
//! `lambda`); `batch` and `replacement` (SGD). A key that the optimizer does not use is an
//! error, not silently ignored.

use super::{
    AdaGrad, Adam, AdamW, CoordinateDescent, GradientDescent, Momentum, Nesterov, NormalizedGd,
    Optimizer, RmsProp, Sgd, SignDescent,
};
use crate::data::{format_rational, parse_rational, Dataset};
use crate::error::{Error, Result};
use crate::loss::Loss;
use crate::scalar::Scalar;
use crate::stepsize::{auto_step, Geometry};
use rug::Rational;

/// The optimizers, by family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Gradient descent.
    Gd,
    /// Heavy-ball momentum.
    Momentum,
    /// Nesterov momentum.
    Nesterov,
    /// Mini-batch SGD.
    Sgd,
    /// Normalized GD (step η/L).
    Normalized,
    /// ℓ∞ steepest descent.
    Sign,
    /// ℓ1 steepest (greedy coordinate) descent.
    Coordinate,
    /// Diagonal AdaGrad.
    AdaGrad,
    /// RMSProp.
    RmsProp,
    /// Adam.
    Adam,
    /// AdamW.
    AdamW,
}

impl Kind {
    /// Every kind, in the order of the documentation.
    pub(crate) const ALL: [Kind; 11] = [
        Kind::Gd,
        Kind::Momentum,
        Kind::Nesterov,
        Kind::Sgd,
        Kind::Normalized,
        Kind::Sign,
        Kind::Coordinate,
        Kind::AdaGrad,
        Kind::RmsProp,
        Kind::Adam,
        Kind::AdamW,
    ];

    /// Name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Gd => "gd",
            Kind::Momentum => "momentum",
            Kind::Nesterov => "nesterov",
            Kind::Sgd => "sgd",
            Kind::Normalized => "normalized",
            Kind::Sign => "sign",
            Kind::Coordinate => "coordinate",
            Kind::AdaGrad => "adagrad",
            Kind::RmsProp => "rmsprop",
            Kind::Adam => "adam",
            Kind::AdamW => "adamw",
        }
    }

    fn parse(s: &str) -> Result<Kind> {
        let s = s.trim().to_ascii_lowercase();
        let alias = match s.as_str() {
            "heavy-ball" | "heavyball" | "gdm" => "momentum",
            "nag" => "nesterov",
            "ngd" => "normalized",
            "signgd" | "linf" => "sign",
            "cd" | "l1" => "coordinate",
            other => other,
        };
        Kind::ALL
            .iter()
            .copied()
            .find(|k| k.name() == alias)
            .ok_or_else(|| {
                Error::param(
                    "optimizer",
                    format!(
                        "{s:?} is not an optimizer; use one of {}",
                        Kind::ALL.map(Kind::name).join(", ")
                    ),
                )
            })
    }

    /// Which keys this kind accepts (besides `lr`).
    fn keys(self) -> &'static [&'static str] {
        match self {
            Kind::Gd | Kind::Normalized | Kind::Sign | Kind::Coordinate => &[],
            Kind::Momentum | Kind::Nesterov => &["beta"],
            Kind::Sgd => &["batch", "replacement"],
            Kind::AdaGrad => &["eps"],
            Kind::RmsProp => &["beta2", "eps"],
            Kind::Adam => &["beta", "beta2", "eps", "decay"],
            Kind::AdamW => &["beta", "beta2", "eps", "decay", "wd"],
        }
    }

    /// Adaptive methods (per-coordinate preconditioner).
    pub(crate) fn is_adaptive(self) -> bool {
        matches!(
            self,
            Kind::AdaGrad | Kind::RmsProp | Kind::Adam | Kind::AdamW
        )
    }
}

/// An optimizer with its hyper-parameters, all exact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptimizerSpec {
    /// Which optimizer.
    pub kind: Kind,
    /// Step size; `None` means the default ([`OptimizerSpec::lr`],
    /// [`OptimizerSpec::with_default_lr`]).
    pub lr: Option<Rational>,
    /// Momentum coefficient β (momentum, Nesterov) or Adam's β1. Default 9/10.
    pub beta: Rational,
    /// Adam's β2 (default 999/1000) or RMSProp's ρ (default 99/100).
    pub beta2: Rational,
    /// ε ≥ 0 (AdaGrad default 0; RMSProp, Adam, AdamW default 1e−8).
    pub eps: Rational,
    /// Learning-rate decay exponent `a ∈ [0, 1]`: `η_t = η (t+1)^{−a}` (Adam, AdamW).
    pub decay: Rational,
    /// AdamW's weight decay λ ≥ 0 (default 1/100).
    pub weight_decay: Rational,
    /// SGD batch size (default 1).
    pub batch: usize,
    /// SGD sampling with replacement (default: without, shuffled epochs).
    pub replacement: bool,
}

fn q(p: i64, d: i64) -> Rational {
    Rational::from((p, d))
}

impl OptimizerSpec {
    /// The specification of `kind` with every default.
    pub fn new(kind: Kind) -> Self {
        OptimizerSpec {
            kind,
            lr: None,
            beta: q(9, 10),
            beta2: if kind == Kind::RmsProp {
                q(99, 100)
            } else {
                q(999, 1000)
            },
            eps: if matches!(kind, Kind::RmsProp | Kind::Adam | Kind::AdamW) {
                q(1, 100_000_000)
            } else {
                Rational::new()
            },
            decay: Rational::new(),
            weight_decay: q(1, 100),
            batch: 1,
            replacement: false,
        }
    }

    /// Parses `name[:key=value]...` (see the module docs).
    pub fn parse(text: &str) -> Result<Self> {
        let mut parts = text.split(':');
        let name = parts.next().unwrap_or("");
        let mut spec = OptimizerSpec::new(Kind::parse(name)?);
        for kv in parts {
            let (k, v) = match kv.split_once('=') {
                Some((k, v)) => (k.trim(), Some(v.trim())),
                None => (kv.trim(), None),
            };
            spec.set(k, v)?;
        }
        Ok(spec)
    }

    /// Parses a comma-separated list of specifications.
    pub fn parse_list(text: &str) -> Result<Vec<Self>> {
        let v: Vec<Self> = text
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(OptimizerSpec::parse)
            .collect::<Result<_>>()?;
        if v.is_empty() {
            return Err(Error::param("optimizers", "the list is empty"));
        }
        Ok(v)
    }

    /// Sets one hyper-parameter by key (`value` may be omitted only for `replacement`).
    pub fn set(&mut self, key: &str, value: Option<&str>) -> Result<()> {
        let key = match key {
            "beta1" => "beta",
            "rho" => "beta2",
            "lr-decay" | "lr_decay" => "decay",
            "weight-decay" | "weight_decay" | "lambda" => "wd",
            k => k,
        };
        let name = self.kind.name();
        if key != "lr" && !self.kind.keys().contains(&key) {
            let keys = self.kind.keys();
            return Err(Error::param(
                "optimizer",
                format!(
                    "{name} has no parameter {key:?}{}",
                    if keys.is_empty() {
                        " (its only parameter is lr)".to_string()
                    } else {
                        format!("; it takes lr, {}", keys.join(", "))
                    }
                ),
            ));
        }
        if key == "replacement" {
            self.replacement = match value {
                None | Some("true") | Some("yes") | Some("1") => true,
                Some("false") | Some("no") | Some("0") => false,
                Some(v) => {
                    return Err(Error::param(
                        "optimizer",
                        format!("replacement={v:?}: use true or false"),
                    ))
                }
            };
            return Ok(());
        }
        let Some(v) = value else {
            return Err(Error::param(
                "optimizer",
                format!("{name}: {key} needs a value, as in {key}=1/10"),
            ));
        };
        if key == "lr" && v == "auto" {
            // the data's step, filled in by `with_default_lr`
            self.lr = None;
            return Ok(());
        }
        let num = parse_rational(v)
            .map_err(|e| Error::param("optimizer", format!("{name}: {key}={v}: {e}")))?;
        let bad = |what: &str| {
            Err(Error::param(
                "optimizer",
                format!("{name}: {key}={v} must be {what}"),
            ))
        };
        match key {
            "lr" => {
                if num <= 0 || num > 1_000_000 {
                    return bad("in (0, 1e6]");
                }
                self.lr = Some(num);
            }
            "beta" | "beta2" => {
                if !(0..1).contains(&num) {
                    return bad("in [0, 1)");
                }
                if key == "beta" {
                    self.beta = num;
                } else {
                    self.beta2 = num;
                }
            }
            "eps" => {
                if !(0..=1_000_000).contains(&num) {
                    return bad("in [0, 1e6]");
                }
                self.eps = num;
            }
            "decay" => {
                if !(0..=1).contains(&num) {
                    return bad("in [0, 1] (η_t = η (t+1)^(-a) needs Σ η_t = ∞)");
                }
                self.decay = num;
            }
            "wd" => {
                if !(0..=1_000_000).contains(&num) {
                    return bad("in [0, 1e6]");
                }
                self.weight_decay = num;
            }
            "batch" => {
                let b = if *num.denom() == 1 {
                    num.numer().to_usize()
                } else {
                    None
                };
                match b {
                    Some(b) if (1..=1_000_000).contains(&b) => self.batch = b,
                    _ => return bad("a whole number in 1..=1000000"),
                }
            }
            _ => return bad("a known parameter"),
        }
        Ok(())
    }

    /// The step size used: the explicit one, or the data-free fallback of the kind
    /// (1/8 for the GD family, as `ibias run`; 1/10 for AdaGrad; 1/100 for RMSProp, Adam,
    /// AdamW). Commands that have the data call [`OptimizerSpec::with_default_lr`] first.
    pub fn lr(&self) -> Rational {
        self.lr.clone().unwrap_or_else(|| match self.kind {
            Kind::AdaGrad => q(1, 10),
            Kind::RmsProp | Kind::Adam | Kind::AdamW => q(1, 100),
            _ => q(1, 8),
        })
    }

    /// The spec with its step size filled in from the data when none was given (`lr=auto`,
    /// [`auto_step`]): for the GD family (gd, momentum, nesterov, sgd) the largest
    /// `2^−k ≤ 1` meeting theory §8.1 (exponential loss `η R² L(w0) ≤ 0.85`,
    /// `R = max‖z_n‖₂`; logistic `η < 8/σ_max²`); for sign and coordinate descent
    /// `η R² L(w0) ≤ 0.85` with `R = max‖z_n‖₁` resp. `max‖z_n‖∞` (every margin moves by at
    /// most `η R² L` per step in those geometries); for normalized GD the largest `2^−k`
    /// with `η R² ≤ 0.85` (its step moves each margin by at most `η R²`); the adaptive
    /// methods keep [`OptimizerSpec::lr`].
    pub fn with_default_lr(&self, data: &Dataset, loss: Loss, w0: &[Rational]) -> Self {
        let mut s = self.clone();
        if s.lr.is_some() || self.kind.is_adaptive() {
            s.lr = Some(self.lr());
            return s;
        }
        let geometry = match self.kind {
            Kind::Sign => Geometry::L1,
            Kind::Coordinate => Geometry::LInf,
            Kind::Normalized => Geometry::Normalized,
            _ => Geometry::L2,
        };
        let lr = auto_step(data, loss, geometry, w0);
        s.lr = Some(lr);
        s
    }

    /// Canonical text, parseable by [`OptimizerSpec::parse`]: only the non-default keys.
    pub fn to_arg(&self) -> String {
        let d = OptimizerSpec::new(self.kind);
        let mut out = self.kind.name().to_string();
        if let Some(lr) = &self.lr {
            out.push_str(&format!(":lr={}", format_rational(lr)));
        }
        let keys = self.kind.keys();
        let mut push = |k: &str, v: &Rational, dv: &Rational| {
            if keys.contains(&k) && v != dv {
                out.push_str(&format!(":{k}={}", format_rational(v)));
            }
        };
        push("beta", &self.beta, &d.beta);
        push("beta2", &self.beta2, &d.beta2);
        push("eps", &self.eps, &d.eps);
        push("decay", &self.decay, &d.decay);
        push("wd", &self.weight_decay, &d.weight_decay);
        if keys.contains(&"batch") && self.batch != 1 {
            out.push_str(&format!(":batch={}", self.batch));
        }
        if keys.contains(&"replacement") && self.replacement {
            out.push_str(":replacement");
        }
        out
    }

    /// Human description with every hyper-parameter, e.g.
    /// `adam (lr 1/100, β1 9/10, β2 999/1000, ε 0, η_t = η(t+1)^-1/2)`.
    pub fn describe(&self) -> String {
        let f = format_rational;
        let lr = self
            .lr
            .as_ref()
            .map(f)
            .unwrap_or_else(|| format!("{} (default)", f(&self.lr())));
        let extra = match self.kind {
            Kind::Gd | Kind::Normalized | Kind::Sign | Kind::Coordinate => String::new(),
            Kind::Momentum | Kind::Nesterov => format!(", β {}", f(&self.beta)),
            Kind::Sgd => format!(
                ", batch {}, {}",
                self.batch,
                if self.replacement {
                    "with replacement"
                } else {
                    "without replacement"
                }
            ),
            Kind::AdaGrad => format!(", ε {}", f(&self.eps)),
            Kind::RmsProp => format!(", ρ {}, ε {}", f(&self.beta2), f(&self.eps)),
            Kind::Adam | Kind::AdamW => {
                let mut s = format!(
                    ", β1 {}, β2 {}, ε {}",
                    f(&self.beta),
                    f(&self.beta2),
                    f(&self.eps)
                );
                if self.decay != 0 {
                    s.push_str(&format!(", η_t = η(t+1)^-{}", f(&self.decay)));
                }
                if self.kind == Kind::AdamW {
                    s.push_str(&format!(", λ {}", f(&self.weight_decay)));
                }
                s
            }
        };
        format!("{} (lr {lr}{extra})", self.kind.name())
    }
}

/// Builds the optimizer of `spec` at scalar type `S` (every hyper-parameter rounded once
/// into `S`). The one place where names become code, so every command and test uses the same
/// implementations.
pub fn build<S: Scalar>(spec: &OptimizerSpec, ctx: S::Ctx) -> Box<dyn Optimizer<S>> {
    let lr = spec.lr();
    match spec.kind {
        Kind::Gd => Box::new(GradientDescent::new(&lr, ctx)),
        Kind::Momentum => Box::new(Momentum::new(&lr, &spec.beta, ctx)),
        Kind::Nesterov => Box::new(Nesterov::new(&lr, &spec.beta, ctx)),
        Kind::Sgd => Box::new(Sgd::new(&lr, spec.batch, spec.replacement, ctx)),
        Kind::Normalized => Box::new(NormalizedGd::new(&lr, ctx)),
        Kind::Sign => Box::new(SignDescent::new(&lr, ctx)),
        Kind::Coordinate => Box::new(CoordinateDescent::new(&lr, ctx)),
        Kind::AdaGrad => Box::new(AdaGrad::new(&lr, &spec.eps, ctx)),
        Kind::RmsProp => Box::new(RmsProp::new(&lr, &spec.beta2, &spec.eps, ctx)),
        Kind::Adam => Box::new(Adam::new(
            &lr,
            &spec.beta,
            &spec.beta2,
            &spec.eps,
            &spec.decay,
            ctx,
        )),
        Kind::AdamW => Box::new(AdamW::new(
            &lr,
            &spec.beta,
            &spec.beta2,
            &spec.eps,
            &spec.decay,
            &spec.weight_decay,
            ctx,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_round_trip() {
        for text in [
            "gd",
            "momentum:beta=1/2",
            "sgd:batch=3:replacement",
            "adam:eps=0:decay=1/2",
            "adamw:lr=1/1000:wd=1/10",
            "rmsprop:beta2=9/10",
        ] {
            let s = OptimizerSpec::parse(text).unwrap();
            assert_eq!(OptimizerSpec::parse(&s.to_arg()).unwrap(), s, "{text}");
        }
        let s = OptimizerSpec::parse("adam:beta1=0.8:lr-decay=1/2:eps=0").unwrap();
        assert_eq!(s.beta, q(4, 5));
        assert_eq!(s.decay, q(1, 2));
        assert_eq!(s.eps, Rational::new());
        assert_eq!(OptimizerSpec::parse_list("gd, adam").unwrap().len(), 2);
    }

    #[test]
    fn bad_specs_are_typed_errors() {
        for bad in [
            "",
            "newton",
            "gd:beta=1/2",
            "momentum:beta=1",
            "adam:eps=-1",
            "adam:decay=2",
            "sgd:batch=0",
            "sgd:batch=1/2",
            "adam:lr=0",
            "adam:lr",
            "sgd:replacement=maybe",
            "adam:beta2=abc",
        ] {
            assert!(OptimizerSpec::parse(bad).is_err(), "{bad:?}");
        }
        assert!(OptimizerSpec::parse_list(" , ").is_err());
    }
}
