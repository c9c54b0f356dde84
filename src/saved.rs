//! The saved state of a run (`ibias run --save-state FILE`, `--resume FILE`): everything the
//! next step depends on, written exactly, so that a run of `T₁` steps resumed to `T` is
//! bit-identical to one run of `T` steps.
//!
//! Format (version 2, JSON; docs/cli.md "Saving and resuming a run"): `format`
//! (`"ibias-state"`), `version` (2), what the state belongs to — `data` (`n`, `d` and
//! `fnv1a64`, a hash of the exact data), `bias`, `loss`, `optimizer` (the spec with the step
//! actually used, `gd:lr=1/256`), `precision`, `seed`, `init` (`w(0)`, exact: the predictions
//! depend on it) — and the state after `t` steps: `t`, `w`, `memory` (the optimizer's vectors:
//! velocity, moments, step counters, as the slots of [`Memory`](crate::optim::Memory)), `rng`
//! (the random source's 64-bit state, decimal) and `indices` (the points left in SGD's
//! epoch) — and `samples`, the iterates the run recorded before `t` (`{t, w}` at each
//! checkpoint of its analysis grid), so that the resumed run reports and judges the whole
//! trajectory. Every number of `w`, `memory` and `samples` is the exact value of the scalar
//! as a rational `p/q` (a binary fraction; double-double as `hi + lo`). Version 1 (no
//! `samples`) is still read: its resumed run sees only the checkpoints after `t`.

use crate::data::{format_rational, parse_rational, Dataset};
use crate::error::{Error, Result};
use crate::objective::Objective;
use crate::optim::State;
use crate::run::Sample;
use crate::scalar::Scalar;
use rug::Rational;
use serde::{Deserialize, Serialize};

/// The format name and version written and accepted.
pub(crate) const FORMAT: &str = "ibias-state";
/// The version of the format written (version 1, without `samples`, is read too).
pub(crate) const VERSION: u32 = 2;

/// One recorded checkpoint of the run before the saved `t`, exact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSample {
    /// The step.
    pub(crate) t: u64,
    /// `w(t)`, exact.
    pub(crate) w: Vec<String>,
}

/// What a saved state belongs to: a state is resumed only by a run with the same values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// `n`, `d` and the hash of the exact data.
    pub(crate) data: DataId,
    /// A constant-1 feature was appended.
    pub(crate) bias: bool,
    /// The loss (`exp`, `logistic`, ...).
    pub(crate) loss: String,
    /// The optimizer spec with the step actually used (`adam:lr=1/100,...`).
    pub(crate) optimizer: String,
    /// The working precision (`f64`, `dd`, `128`).
    pub(crate) precision: String,
    /// The seed of the random source.
    pub(crate) seed: u64,
}

/// The data a state belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataId {
    /// Number of points.
    pub(crate) n: usize,
    /// Dimension (with the bias column).
    pub(crate) d: usize,
    /// FNV-1a (64 bits, hexadecimal) of the exact points and labels, one line per point.
    pub(crate) fnv1a64: String,
}

impl DataId {
    /// The identity of `data`.
    pub fn of(data: &Dataset) -> DataId {
        // FNV-1a: offset basis and prime of the 64-bit variant
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |s: &str| {
            for b in s.bytes() {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        };
        for (x, y) in data.points().iter().zip(data.labels()) {
            for v in x {
                eat(&format_rational(v));
                eat(",");
            }
            eat(&y.to_string());
            eat("\n");
        }
        DataId {
            n: data.len(),
            d: data.dim(),
            fnv1a64: format!("{h:016x}"),
        }
    }
}

/// A saved state: what it belongs to and the state after `t` steps, exact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedState {
    /// `"ibias-state"`.
    pub(crate) format: String,
    /// [`VERSION`].
    pub(crate) version: u32,
    /// What the state belongs to.
    #[serde(flatten)]
    pub(crate) identity: Identity,
    /// `w(0)` of the run, exact.
    pub(crate) init: Vec<String>,
    /// Steps taken.
    pub(crate) t: u64,
    /// `w(t)`, exact.
    pub(crate) w: Vec<String>,
    /// The optimizer's memory, exact.
    pub(crate) memory: Vec<Vec<String>>,
    /// The random source's state (decimal: JSON numbers lose integers above 2^53).
    pub(crate) rng: String,
    /// The points left in the current epoch (SGD without replacement), 0-based.
    pub(crate) indices: Vec<usize>,
    /// The samples the run recorded up to `t` (empty in a version-1 file).
    #[serde(default)]
    pub(crate) samples: Vec<SavedSample>,
}

/// The saved number `s` (`p/q`) as a value of `S`, exactly; an error of the state file `name`
/// when it is not a number or not exactly a number of this precision.
fn exact_value<S: Scalar>(s: &str, ctx: S::Ctx, name: &str) -> Result<S> {
    let bad = |why: String| Error::param("resume", format!("{name}: {why}"));
    let q = exact_number(s).ok_or_else(|| bad(format!("{s:.40} is not a number p/q")))?;
    S::from_rational_exact(&q, ctx)
        .ok_or_else(|| bad(format!("{s} is not exactly a number of this precision")))
}

/// The exact value of `x`, or an error naming `what` when it is not finite.
fn exact<S: Scalar>(x: &S, what: &str) -> Result<String> {
    x.to_rational()
        .map(|q| format_rational(&q))
        .ok_or_else(|| Error::Numerical(format!("cannot save the state: {what} is not finite")))
}

impl SavedState {
    /// The state `st` of a run belonging to `identity`, started at `init`, with the samples
    /// it recorded.
    ///
    /// # Errors
    /// A value of the state or of a sample is not finite.
    pub(crate) fn capture<S: Scalar>(
        identity: Identity,
        init: &[Rational],
        st: &State<S>,
        samples: &[Sample<S>],
    ) -> Result<SavedState> {
        Ok(SavedState {
            format: FORMAT.into(),
            version: VERSION,
            identity,
            init: init.iter().map(format_rational).collect(),
            t: st.t,
            w: st.w.iter().map(|x| exact(x, "w")).collect::<Result<_>>()?,
            memory: st
                .memory
                .slots()
                .iter()
                .map(|m| {
                    m.iter()
                        .map(|&x| exact(x, "the optimizer's memory"))
                        .collect()
                })
                .collect::<Result<_>>()?,
            rng: st.rng.state().to_string(),
            indices: st.indices.clone(),
            samples: samples
                .iter()
                .map(|s| {
                    Ok(SavedSample {
                        t: s.t,
                        w: s.w
                            .iter()
                            .map(|x| exact(x, "a sample's w"))
                            .collect::<Result<_>>()?,
                    })
                })
                .collect::<Result<_>>()?,
        })
    }

    /// The document, pretty-printed, with a final newline.
    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Reads a state document; `name` names it in errors.
    ///
    /// # Errors
    /// Not a state document of this format and version, or a number that does not parse.
    pub fn parse(text: &str, name: &str) -> Result<SavedState> {
        let bad = |why: String| Error::param("resume", format!("{name}: {why}"));
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| bad(format!("not JSON ({e})")))?;
        if v["format"] != FORMAT {
            return Err(bad(format!(
                "not an ibias state file (no \"format\": \"{FORMAT}\"; it is written by --save-state)"
            )));
        }
        if v["version"] != VERSION && v["version"] != 1 {
            return Err(bad(format!(
                "state format version {} is not a version this ibias reads (1 or {VERSION})",
                v["version"]
            )));
        }
        let s: SavedState =
            serde_json::from_value(v).map_err(|e| bad(format!("malformed state ({e})")))?;
        s.init_exact().map_err(|e| bad(e.to_string()))?;
        Ok(s)
    }

    /// `w(0)` as exact numbers.
    ///
    /// # Errors
    /// A number that does not parse.
    pub(crate) fn init_exact(&self) -> Result<Vec<Rational>> {
        self.init.iter().map(|s| parse_rational(s)).collect()
    }
}

/// A number `p/q` or `p` of the file, without the length limit of data files (a value of a
/// wide precision far from 1 has thousands of digits).
fn exact_number(s: &str) -> Option<Rational> {
    Rational::parse(s).ok().map(Rational::from)
}

impl SavedState {
    /// The step actually used (the `lr=` of the optimizer spec).
    pub fn lr(&self) -> Option<Rational> {
        crate::optim::OptimizerSpec::parse(&self.identity.optimizer)
            .ok()
            .and_then(|s| s.lr)
    }

    /// Refuses a state that belongs to another run: one line naming the first difference.
    ///
    /// # Errors
    /// [`Error::Param`] (`resume`) naming what differs.
    pub(crate) fn check_identity(&self, run: &Identity, name: &str) -> Result<()> {
        let (a, b) = (&self.identity, run);
        let differs = |what: &str, saved: String, now: String| {
            Err(Error::param(
                "resume",
                format!("{name} was saved by a run with {what} {saved}, not {now}"),
            ))
        };
        if a.data != b.data {
            return differs(
                "other data:",
                format!(
                    "N = {}, d = {}, hash {}",
                    a.data.n, a.data.d, a.data.fnv1a64
                ),
                format!(
                    "N = {}, d = {}, hash {}",
                    b.data.n, b.data.d, b.data.fnv1a64
                ),
            );
        }
        if a.bias != b.bias {
            return differs("--bias", a.bias.to_string(), b.bias.to_string());
        }
        if a.loss != b.loss {
            return differs("--loss", a.loss.clone(), b.loss.clone());
        }
        if a.optimizer != b.optimizer {
            return differs("--optimizer", a.optimizer.clone(), b.optimizer.clone());
        }
        if a.precision != b.precision {
            return differs("--precision", a.precision.clone(), b.precision.clone());
        }
        if a.seed != b.seed {
            return differs("--seed", a.seed.to_string(), b.seed.to_string());
        }
        Ok(())
    }

    /// Restores the state into `st` (a fresh state whose optimizer memory `init` prepared:
    /// the saved memory must have its shape).
    ///
    /// # Errors
    /// A shape that differs from this run's, or a number that is not exactly a value of the
    /// scalar type.
    pub(crate) fn restore<S: Scalar>(
        &self,
        st: &mut State<S>,
        ctx: S::Ctx,
        name: &str,
    ) -> Result<()> {
        let bad = |why: String| Error::param("resume", format!("{name}: {why}"));
        let value = |s: &String| exact_value::<S>(s, ctx, name);
        let shape = |m: &[Vec<String>]| m.iter().map(Vec::len).collect::<Vec<_>>();
        let want = st.memory.shape();
        if self.w.len() != st.w.len() || shape(&self.memory) != want {
            return Err(bad(format!(
                "the state has {} coordinates and memory of shape {:?}; this run has {} and {:?}",
                self.w.len(),
                shape(&self.memory),
                st.w.len(),
                want
            )));
        }
        let rng: u64 = self
            .rng
            .parse()
            .map_err(|_| bad(format!("rng {:?} is not a 64-bit integer", self.rng)))?;
        if self.indices.iter().any(|&i| i >= self.identity.data.n) {
            return Err(bad("an index of the epoch is beyond the data".into()));
        }
        st.t = self.t;
        st.w = self.w.iter().map(value).collect::<Result<_>>()?;
        let memory = self
            .memory
            .iter()
            .map(|m| m.iter().map(value).collect::<Result<Vec<S>>>())
            .collect::<Result<_>>()?;
        st.memory.restore_slots(memory).map_err(bad)?;
        st.rng = crate::data::generate::SplitMix64::new(rng);
        st.indices = self.indices.clone();
        Ok(())
    }

    /// The saved samples as the runner records them (`ln L` evaluated by `obj`, as the
    /// runner does, so they are bit-identical to the original run's), increasing in `t`.
    ///
    /// # Errors
    /// A sample of another dimension, out of order or beyond `t`, or a number that is not
    /// exactly a value of the scalar type.
    pub(crate) fn restore_samples<S: Scalar>(
        &self,
        obj: &Objective<S>,
        ctx: S::Ctx,
        name: &str,
    ) -> Result<Vec<Sample<S>>> {
        let bad = |why: String| Error::param("resume", format!("{name}: {why}"));
        let mut out: Vec<Sample<S>> = Vec::with_capacity(self.samples.len());
        for s in &self.samples {
            if s.w.len() != self.w.len() {
                return Err(bad(format!(
                    "the sample at t = {} has {} coordinates, the state {}",
                    s.t,
                    s.w.len(),
                    self.w.len()
                )));
            }
            if s.t > self.t || out.last().is_some_and(|p| p.t >= s.t) {
                return Err(bad(format!(
                    "the samples are not increasing in t up to the state's t = {} (t = {})",
                    self.t, s.t
                )));
            }
            let w =
                s.w.iter()
                    .map(|v| exact_value::<S>(v, ctx, name))
                    .collect::<Result<Vec<S>>>()?;
            let ln_loss = obj.ln_loss(&w);
            out.push(Sample { t: s.t, w, ln_loss });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::parse_csv;
    use crate::loss::Loss;
    use crate::objective::Objective;
    use crate::optim::Memory;
    use crate::scalar::Dd;
    use rug::Float;

    fn identity() -> Identity {
        Identity {
            data: DataId {
                n: 1,
                d: 2,
                fnv1a64: "0".into(),
            },
            bias: false,
            loss: "exp".into(),
            optimizer: "adam:lr=1/100".into(),
            precision: "128".into(),
            seed: 0,
        }
    }

    /// A value far from 1 at 128 bits (2^-20000 + 2^-20127: a rational of about 6000
    /// digits, beyond the 2000 of a data file) survives the file exactly.
    #[test]
    fn wide_values_round_trip_exactly() {
        let data = parse_csv(b"x1,x2,y\n1,2,1\n", "t").unwrap();
        let obj = Objective::<Float>::new(&data, Loss::Exponential, 128);
        let tiny = (Float::with_val(128, 1) >> 20000u32) + (Float::with_val(128, 1) >> 20127u32);
        let mut st = State::new(&obj, vec![tiny.clone(), Float::with_val(128, -3)], 7);
        st.t = 5;
        st.memory = Memory::Momentum {
            velocity: vec![Float::with_val(128, 1) >> 7u32, tiny.clone()],
        };
        st.rng.next_u64();
        let saved =
            SavedState::capture(identity(), &[Rational::new(), Rational::new()], &st, &[]).unwrap();
        assert!(saved.w[0].len() > 5000);
        let back = SavedState::parse(&saved.to_json(), "f").unwrap();
        assert_eq!(back, saved);
        let mut fresh = State::new(&obj, vec![Float::new(128), Float::new(128)], 0);
        fresh.memory = Memory::Momentum {
            velocity: vec![Float::new(128), Float::new(128)],
        };
        back.restore(&mut fresh, 128, "f").unwrap();
        assert_eq!(fresh.t, 5);
        assert_eq!(fresh.w, st.w);
        assert_eq!(fresh.memory.slots(), st.memory.slots());
        assert_eq!(fresh.rng.next_u64(), st.rng.next_u64());
        // a memory of another shape is refused
        let mut other = State::new(&obj, vec![Float::new(128), Float::new(128)], 0);
        assert!(back.restore(&mut other, 128, "f").is_err());
        other.memory = Memory::Nesterov {
            velocity: vec![Float::new(128), Float::new(128)],
            lookahead: vec![Float::new(128), Float::new(128)],
        };
        assert!(back.restore(&mut other, 128, "f").is_err());
    }

    /// A double-double whose low part is far below its high part (1 + 2^-300) needs more
    /// than the 200 bits of `from_rational`; the exact conversion keeps it, and a rational
    /// that is no double-double is refused.
    #[test]
    fn double_double_values_are_restored_exactly() {
        let x = Dd::from_parts(1.0, 2f64.powi(-300));
        let q = x.to_rational().unwrap();
        assert_ne!(Dd::from_rational(&q, ()).to_rational().unwrap(), q);
        let y = Dd::from_rational_exact(&q, ()).unwrap();
        assert_eq!(y.to_rational().unwrap(), q);
        assert!(Dd::from_rational_exact(&Rational::from((1, 3)), ()).is_none());
        assert!(f64::from_rational_exact(&Rational::from((1, 3)), ()).is_none());
        assert_eq!(
            f64::from_rational_exact(&Rational::from((3, 4)), ()),
            Some(0.75)
        );
    }
}
