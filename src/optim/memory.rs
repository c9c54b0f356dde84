//! The optimizer memory of a [`State`](super::State): one variant per kind of optimizer,
//! with named fields. Each optimizer's `init` builds its variant, and its `step` matches its
//! own variant (of the run's dimensions) and re-initializes any other, so a state left by
//! another method, or of another shape, is never indexed out of range.
//!
//! The state file (`crate::saved`) keeps the memory as a list of *slots*, vectors of
//! numbers in a fixed order per variant ([`Memory::slots`], documented on each variant);
//! [`Memory::restore_slots`] reads them back into the variant `init` prepared.

use crate::scalar::Scalar;

/// Everything an optimizer carries from one step to the next besides `w` (and the scratch
/// scalars its step works in, so that a step allocates nothing).
#[derive(Clone, Debug)]
pub enum Memory<S: Scalar> {
    /// No memory: GD (but for the incremental exponentials), SGD, and a state no `init`
    /// has prepared. Slots: none.
    None,
    /// Heavy-ball momentum. Slots: `[velocity]`.
    Momentum {
        /// `v`, length d (`v(0) = 0`).
        velocity: Vec<S>,
    },
    /// Nesterov momentum. Slots: `[velocity, lookahead]`.
    Nesterov {
        /// `v`, length d (`v(0) = 0`).
        velocity: Vec<S>,
        /// The look-ahead point `w + βv` of the last step, length d.
        lookahead: Vec<S>,
    },
    /// Adam and AdamW. Slots: `[m, v, [beta1_t, beta2_t, lr, c1, c2, tmp1, tmp2]]` (the
    /// fields of [`AdamScalars`]).
    Adam {
        /// The first moment `m`, length d (`m(0) = 0`).
        m: Vec<S>,
        /// The second moment `v`, length d (`v(0) = 0`).
        v: Vec<S>,
        /// The step counters and scratch.
        scalars: AdamScalars<S>,
    },
    /// AdaGrad. Slots: `[sum_sq, [tmp]]`.
    AdaGrad {
        /// The accumulated squared gradients `G`, length d.
        sum_sq: Vec<S>,
        /// Scratch.
        tmp: S,
    },
    /// RMSProp. Slots: `[mean_sq, [tmp]]`.
    RmsProp {
        /// The moving average of the squared gradients `v`, length d (`v(0) = 0`).
        mean_sq: Vec<S>,
        /// Scratch.
        tmp: S,
    },
    /// Normalized GD (scratch of the step, kept to allocate nothing). Slots:
    /// `[ln_weights, ln_losses, [max, ln_risk]]`.
    Normalized {
        /// `ln(−ℓ′(u_n))`, then the normalized weights `q_n`, length n.
        ln_weights: Vec<S>,
        /// `ln ℓ(u_n)`, length n.
        ln_losses: Vec<S>,
        /// `max_n ln ℓ(u_n)`.
        max: S,
        /// `ln L`.
        ln_risk: S,
    },
    /// GD's incremental exponentials (exponential loss). Slots:
    /// `[weights, neg_step, [spare, acc, tmp]]`.
    Incremental {
        /// The cached weights `q_n = e^{−z_n·w}`, length n (all 0 before the first step:
        /// a zero weight forces an exact recomputation).
        weights: Vec<S>,
        /// `−Δw = w(t) − w(t+1)` of the last step, length d.
        neg_step: Vec<S>,
        /// Unused (the third scalar of the state file's slot).
        spare: S,
        /// Scratch of the series evaluation.
        acc: S,
        /// Scratch of the series evaluation.
        tmp: S,
    },
    /// Sign descent (scratch). Slots: `[[l1, abs, zero]]`.
    Sign {
        /// `η ‖∇L‖₁`.
        l1: S,
        /// `|g_i|`.
        abs: S,
        /// A zero of the working precision.
        zero: S,
    },
    /// Coordinate descent (scratch). Slots: `[[best, cur]]`.
    Coordinate {
        /// The largest `|g_i|` so far.
        best: S,
        /// The current `|g_i|`.
        cur: S,
    },
}

/// The scalars of Adam's memory.
#[derive(Clone, Debug)]
pub struct AdamScalars<S: Scalar> {
    /// `β1^t` (1 at `t = 0`).
    pub(crate) beta1_t: S,
    /// `β2^t` (1 at `t = 0`).
    pub(crate) beta2_t: S,
    /// The learning rate `η_t` of the last step.
    pub(crate) lr: S,
    /// The bias correction `1 − β1^t` of the last step.
    pub(crate) c1: S,
    /// The bias correction `1 − β2^t` of the last step.
    pub(crate) c2: S,
    /// Scratch.
    pub(crate) tmp1: S,
    /// Scratch.
    pub(crate) tmp2: S,
}

/// The slots of `$memory` (a `&Memory` or a `&mut Memory`), each as a vector of references
/// made by `$iter` (`iter` or `iter_mut`): the one place that states the positional order
/// of the state file.
macro_rules! slot_list {
    ($memory:expr, $iter:ident) => {
        match $memory {
            Memory::None => vec![],
            Memory::Momentum { velocity } => vec![velocity.$iter().collect()],
            Memory::Nesterov {
                velocity,
                lookahead,
            } => vec![velocity.$iter().collect(), lookahead.$iter().collect()],
            Memory::Adam {
                m,
                v,
                scalars:
                    AdamScalars {
                        beta1_t,
                        beta2_t,
                        lr,
                        c1,
                        c2,
                        tmp1,
                        tmp2,
                    },
            } => vec![
                m.$iter().collect(),
                v.$iter().collect(),
                vec![beta1_t, beta2_t, lr, c1, c2, tmp1, tmp2],
            ],
            Memory::AdaGrad { sum_sq, tmp } => vec![sum_sq.$iter().collect(), vec![tmp]],
            Memory::RmsProp { mean_sq, tmp } => vec![mean_sq.$iter().collect(), vec![tmp]],
            Memory::Normalized {
                ln_weights,
                ln_losses,
                max,
                ln_risk,
            } => vec![
                ln_weights.$iter().collect(),
                ln_losses.$iter().collect(),
                vec![max, ln_risk],
            ],
            Memory::Incremental {
                weights,
                neg_step,
                spare,
                acc,
                tmp,
            } => vec![
                weights.$iter().collect(),
                neg_step.$iter().collect(),
                vec![spare, acc, tmp],
            ],
            Memory::Sign { l1, abs, zero } => vec![vec![l1, abs, zero]],
            Memory::Coordinate { best, cur } => vec![vec![best, cur]],
        }
    };
}

impl<S: Scalar> Memory<S> {
    /// The memory as the state file's slots, in the order documented on each variant.
    pub fn slots(&self) -> Vec<Vec<&S>> {
        slot_list!(self, iter)
    }

    /// The length of each slot.
    pub fn shape(&self) -> Vec<usize> {
        self.slots().iter().map(Vec::len).collect()
    }

    /// Sets the memory from the state file's `slots` (the order of [`Memory::slots`]).
    ///
    /// # Errors
    /// The slots do not have this memory's [`shape`](Memory::shape) (the variant `init`
    /// prepared for the run); the memory is then unchanged.
    pub(crate) fn restore_slots(&mut self, slots: Vec<Vec<S>>) -> Result<(), String> {
        let got: Vec<usize> = slots.iter().map(Vec::len).collect();
        let want = self.shape();
        if got != want {
            return Err(format!("memory of shape {got:?}, not {want:?}"));
        }
        let targets = slot_list!(self, iter_mut);
        for (dst, src) in targets
            .into_iter()
            .flatten()
            .zip(slots.into_iter().flatten())
        {
            *dst = src;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rug::Rational;

    /// Every variant: `slots` and `restore_slots` agree on the order (distinct values come
    /// back where they were), and a slot list of another shape is refused.
    #[test]
    fn slots_round_trip_in_order() {
        let z = 0.0f64;
        let memories = [
            Memory::None,
            Memory::Momentum {
                velocity: vec![z; 2],
            },
            Memory::Nesterov {
                velocity: vec![z; 2],
                lookahead: vec![z; 2],
            },
            Memory::Adam {
                m: vec![z; 2],
                v: vec![z; 2],
                scalars: AdamScalars {
                    beta1_t: z,
                    beta2_t: z,
                    lr: z,
                    c1: z,
                    c2: z,
                    tmp1: z,
                    tmp2: z,
                },
            },
            Memory::AdaGrad {
                sum_sq: vec![z; 2],
                tmp: z,
            },
            Memory::RmsProp {
                mean_sq: vec![z; 2],
                tmp: z,
            },
            Memory::Normalized {
                ln_weights: vec![z; 3],
                ln_losses: vec![z; 3],
                max: z,
                ln_risk: z,
            },
            Memory::Incremental {
                weights: vec![z; 3],
                neg_step: vec![z; 2],
                spare: z,
                acc: z,
                tmp: z,
            },
            Memory::Sign {
                l1: z,
                abs: z,
                zero: z,
            },
            Memory::Coordinate { best: z, cur: z },
        ];
        let flat = |m: &Memory<f64>| -> Vec<Vec<f64>> {
            m.slots()
                .iter()
                .map(|s| s.iter().map(|x| **x).collect())
                .collect()
        };
        for mut mem in memories {
            let mut k = 0.0;
            let values: Vec<Vec<f64>> = mem
                .shape()
                .iter()
                .map(|&l| {
                    (0..l)
                        .map(|_| {
                            k += 1.0;
                            k
                        })
                        .collect()
                })
                .collect();
            mem.restore_slots(values.clone()).unwrap();
            assert_eq!(flat(&mem), values, "{mem:?}");
            let mut longer = values.clone();
            longer.push(vec![0.0]);
            assert!(mem.restore_slots(longer).is_err());
            assert_eq!(flat(&mem), values, "a refused restore changes nothing");
        }
    }

    /// The slot shapes each optimizer's `init` prepares (n = 3 points, d = 2): the layout of
    /// the state file's `memory` (format version 2).
    #[test]
    fn init_shapes_are_the_state_file_layout() {
        use crate::data::parse_csv;
        use crate::loss::Loss;
        use crate::objective::Objective;
        use crate::optim::*;
        let data = parse_csv(b"x1,x2,y\n1,2,1\n2,1,1\n-1,-1,-1\n", "t").unwrap();
        let obj = Objective::<f64>::new(&data, Loss::Exponential, ());
        let q = |p: i64, r: i64| Rational::from((p, r));
        let (eta, beta, eps, zero) = (q(1, 8), q(1, 2), q(1, 1000), q(0, 1));
        let cases: Vec<(Box<dyn Optimizer<f64>>, Vec<usize>)> = vec![
            (Box::new(GradientDescent::new(&eta, ())), vec![]),
            (
                Box::new(GradientDescent::incremental(&eta, ())),
                vec![3, 2, 3],
            ),
            (Box::new(Momentum::new(&eta, &beta, ())), vec![2]),
            (Box::new(Nesterov::new(&eta, &beta, ())), vec![2, 2]),
            (
                Box::new(Adam::new(&eta, &beta, &beta, &eps, &zero, ())),
                vec![2, 2, 7],
            ),
            (
                Box::new(AdamW::new(&eta, &beta, &beta, &eps, &zero, &eps, ())),
                vec![2, 2, 7],
            ),
            (Box::new(AdaGrad::new(&eta, &eps, ())), vec![2, 1]),
            (Box::new(RmsProp::new(&eta, &beta, &eps, ())), vec![2, 1]),
            (Box::new(NormalizedGd::new(&eta, ())), vec![3, 3, 2]),
            (Box::new(Sgd::new(&eta, 1, false, ())), vec![]),
            (Box::new(SignDescent::new(&eta, ())), vec![3]),
            (Box::new(CoordinateDescent::new(&eta, ())), vec![2]),
        ];
        for (opt, shape) in cases {
            let mut st = State::new(&obj, vec![0.0; 2], 0);
            opt.init(&obj, &mut st);
            assert_eq!(st.memory.shape(), shape, "{}", opt.name());
            // a step keeps the variant (a re-initialization would lose the velocity, ...)
            opt.step(&obj, &mut st).unwrap();
            assert_eq!(st.memory.shape(), shape, "{}", opt.name());
        }
        // Adam's step counters start at 1 (β^0).
        let adam = Adam::new(&eta, &beta, &beta, &eps, &zero, ());
        let mut st = State::new(&obj, vec![0.0; 2], 0);
        adam.init(&obj, &mut st);
        assert_eq!(*st.memory.slots()[2][0], 1.0);
        assert_eq!(*st.memory.slots()[2][1], 1.0);
    }

    /// A state prepared by another method (or for other data) is re-initialized by the step,
    /// never indexed out of range.
    #[test]
    fn a_foreign_memory_is_reinitialized() {
        use crate::data::parse_csv;
        use crate::loss::Loss;
        use crate::objective::Objective;
        use crate::optim::*;
        let data = parse_csv(b"x1,x2,y\n1,2,1\n2,1,1\n-1,-1,-1\n", "t").unwrap();
        let obj = Objective::<f64>::new(&data, Loss::Exponential, ());
        let eta = Rational::from((1, 8));
        let beta = Rational::from((1, 2));
        let momentum = Momentum::new(&eta, &beta, ());
        let mut fresh = State::new(&obj, vec![0.0; 2], 0);
        momentum.init(&obj, &mut fresh);
        momentum.step(&obj, &mut fresh).unwrap();
        let mut foreign = State::new(&obj, vec![0.0; 2], 0);
        foreign.memory = Memory::Momentum {
            velocity: vec![1.0; 5],
        };
        momentum.step(&obj, &mut foreign).unwrap();
        assert_eq!(foreign.w, fresh.w);
        foreign.memory = Memory::Sign {
            l1: 0.0,
            abs: 0.0,
            zero: 0.0,
        };
        foreign.t = 0;
        foreign.w = vec![0.0; 2];
        momentum.step(&obj, &mut foreign).unwrap();
        assert_eq!(foreign.w, fresh.w);
        assert_eq!(foreign.memory.shape(), vec![2]);
    }

    /// Named fields land in their documented slot positions.
    #[test]
    fn adam_scalars_are_in_the_file_order() {
        let mem = Memory::Adam {
            m: vec![1.0],
            v: vec![2.0],
            scalars: AdamScalars {
                beta1_t: 3.0,
                beta2_t: 4.0,
                lr: 5.0,
                c1: 6.0,
                c2: 7.0,
                tmp1: 8.0,
                tmp2: 9.0,
            },
        };
        let s = mem.slots();
        assert_eq!(s.len(), 3);
        assert_eq!(*s[2][4], 7.0); // c2
        assert_eq!(
            s.iter().flatten().map(|x| **x).collect::<Vec<f64>>(),
            (1..=9).map(f64::from).collect::<Vec<_>>()
        );
    }
}
