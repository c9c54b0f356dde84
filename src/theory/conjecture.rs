//! User conjectures: a predicted value replaced by the user's (`ibias run --conjecture
//! NAME=VALUE`), so the verdicts judge the user's formula against the trajectory — and
//! anyone can see that a wrong value FAILs (docs/theory/verdicts.md, "Conjectures").
//!
//! Values are exact numbers (`0.1` is 1/10, `-7/3`), vectors comma-separated. A conjecture
//! replaces exactly the named prediction; nothing derived from it is recomputed, so each
//! verdict judges the value it names.

use super::predict::{Predicted, Prediction};
use crate::data::parse_rational;
use crate::error::{Error, Result};
use crate::linalg;
use crate::scalar::Scalar;
use rug::Rational;

/// The predictions a conjecture may replace, with what each is.
pub(crate) const NAMES: &[(&str, &str)] = &[
    ("w_tilde", "the residual limit w̃ (d values)"),
    (
        "alpha",
        "the dual vector α (N values, or one per support vector in data order)",
    ),
    (
        "grad_limit",
        "the limit of ηt(−∇L(w(t))), ŵ by theory (d values)",
    ),
    ("C_L", "the loss constant: t·L(w(t)) → C_L"),
    ("C_norm", "‖w(t)‖ − ‖ŵ‖ ln t → C_norm"),
    ("C_dir", "ln t·(direction error) → C_dir"),
    ("C_gamma", "ln t·(margin gap) → C_gamma"),
    ("C_share", "non-SV loss share · t^(θ−1) → C_share"),
    (
        "C_share_grad",
        "non-SV gradient share · t^(θ−1) → C_share_grad",
    ),
    ("theta", "the smallest non-support margin θ > 1"),
    ("kappa", "the residual rate exponent κ > 0"),
];

/// One conjecture: a name of `NAMES` and its exact value.
#[derive(Clone, Debug, PartialEq)]
pub struct Conjecture {
    /// The prediction replaced (an entry of `NAMES`).
    pub name: &'static str,
    /// Its value (one entry for a scalar).
    pub value: Vec<Rational>,
}

impl Conjecture {
    /// Parses `NAME=VALUE`.
    ///
    /// # Errors
    /// [`Error::Parameter`] for an unknown name or a value that is not a list of exact numbers.
    pub fn parse(s: &str) -> Result<Conjecture> {
        let bad = |m: String| Error::param("conjecture", m);
        let (name, value) = s
            .split_once('=')
            .ok_or_else(|| bad(format!("{s:?} is not NAME=VALUE")))?;
        let name = NAMES
            .iter()
            .map(|(n, _)| *n)
            .find(|n| *n == name.trim())
            .ok_or_else(|| {
                bad(format!(
                    "unknown name {:?}; one of {}",
                    name.trim(),
                    NAMES.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                ))
            })?;
        let value = value
            .split(',')
            .map(|f| parse_rational(f.trim()).map_err(|e| bad(format!("{name}: {e}"))))
            .collect::<Result<Vec<_>>>()?;
        Ok(Conjecture { name, value })
    }

    /// `NAME=VALUE` as given (exact).
    pub fn to_arg(&self) -> String {
        format!(
            "{}={}",
            self.name,
            self.value
                .iter()
                .map(crate::data::format_rational)
                .collect::<Vec<_>>()
                .join(",")
        )
    }

    fn scalar(&self) -> Result<&Rational> {
        match self.value.as_slice() {
            [q] => Ok(q),
            v => Err(Error::param(
                "conjecture",
                format!("{} takes one number, {} given", self.name, v.len()),
            )),
        }
    }
}

impl<S: Scalar> Prediction<S> {
    /// Replaces the named prediction by the conjecture's value and records the name in
    /// `Prediction::user`.
    ///
    /// # Errors
    /// [`Error::Parameter`] for a value of the wrong length or outside its range
    /// (`α_n > 0` on S, `θ > 1`, `κ > 0`), or a name the data's regime has no such
    /// prediction for (`C_share` without non-support vectors).
    pub fn conjecture(&mut self, c: &Conjecture) -> Result<()> {
        let ctx = self.ctx;
        let bad = |m: String| Error::param("conjecture", m);
        let to = |q: &Rational| S::from_rational(q, ctx);
        match c.name {
            "w_tilde" | "grad_limit" => {
                if c.value.len() != self.w0.len() {
                    return Err(bad(format!(
                        "{} has {} values, the data have d = {}",
                        c.name,
                        c.value.len(),
                        self.w0.len()
                    )));
                }
                let v: Vec<S> = c.value.iter().map(to).collect();
                if c.name == "grad_limit" {
                    self.grad_limit = Some(v);
                } else {
                    self.w_tilde_span = Some(linalg::project(&self.span_basis, &v, ctx));
                    self.w_tilde = Some(v);
                }
            }
            "alpha" => {
                let n = self.z.len();
                let k = self.support.len();
                let full: Vec<Rational> = if c.value.len() == n {
                    c.value.clone()
                } else if c.value.len() == k {
                    let mut full = vec![Rational::new(); n];
                    for (&i, q) in self.support.iter().zip(&c.value) {
                        full[i] = q.clone();
                    }
                    full
                } else {
                    return Err(bad(format!(
                        "alpha has {} values: give N = {n}, or one per support vector ({k})",
                        c.value.len()
                    )));
                };
                if self
                    .support
                    .iter()
                    .any(|&i| full[i] <= 0 && !self.alpha[i].is_zero())
                {
                    return Err(bad(
                        "alpha must be > 0 on the support vectors it weights".into()
                    ));
                }
                self.alpha = full.iter().map(to).collect();
            }
            "C_L" => self.c_l = Predicted::Exact(c.scalar()?.clone()),
            "C_norm" => self.c_norm = Predicted::Exact(c.scalar()?.clone()),
            "C_dir" => self.c_dir = Predicted::Exact(c.scalar()?.clone()),
            "C_gamma" => self.c_gamma = Predicted::Exact(c.scalar()?.clone()),
            "C_share" | "C_share_grad" => {
                if self.theta.is_none() {
                    return Err(bad(format!(
                        "{}: every point is a support vector, there is no non-SV share",
                        c.name
                    )));
                }
                let v = Predicted::Exact(c.scalar()?.clone());
                if c.name == "C_share" {
                    self.share_loss = v;
                } else {
                    self.share_grad = v;
                }
            }
            "theta" => {
                let q = c.scalar()?;
                if *q <= 1 {
                    return Err(bad("theta must be > 1".into()));
                }
                if self.theta.is_none() {
                    return Err(bad(
                        "theta: every point is a support vector, there is no non-SV margin".into(),
                    ));
                }
                self.theta = Some(q.clone());
                self.theta_c = Predicted::Exact(q.clone());
            }
            "kappa" => {
                let q = c.scalar()?;
                if *q <= 0 {
                    return Err(bad("kappa must be > 0".into()));
                }
                self.kappa = Predicted::Exact(q.clone());
            }
            other => return Err(bad(format!("unknown name {other:?}"))),
        }
        if !self.user.contains(&c.name) {
            self.user.push(c.name);
        }
        Ok(())
    }

    /// Whether the named prediction is the user's.
    pub(crate) fn is_user(&self, name: &str) -> bool {
        self.user.contains(&name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_exact_values() {
        let c = Conjecture::parse("w_tilde=0.1,-7/3").unwrap();
        assert_eq!(c.name, "w_tilde");
        assert_eq!(
            c.value,
            vec![Rational::from((1, 10)), Rational::from((-7, 3))]
        );
        assert_eq!(c.to_arg(), "w_tilde=1/10,-7/3");
        assert!(Conjecture::parse("C_X=1").is_err());
        assert!(Conjecture::parse("C_L").is_err());
        assert!(Conjecture::parse("C_L=abc").is_err());
    }
}
