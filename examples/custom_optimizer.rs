//! Checking an optimizer that is not in the crate: GD with a linear warm-up of its step,
//! `η_t = η·min(1, (t + 1)/W)`. After the warm-up it is plain GD, so its direction should
//! converge to the L2 max-margin direction; the check says whether the run shows it, with the
//! rule `ibias compare` uses, against the exact answers of the data.
//!
//! `cargo run --release --example custom_optimizer`

use implicit_bias::prelude::*;

/// GD with a linear warm-up: `w ← w + η_t(−∇L(w))`.
struct WarmupGd {
    eta: f64,
    warmup: u64,
}

impl Optimizer<f64> for WarmupGd {
    fn name(&self) -> String {
        "warmup-gd".into()
    }

    fn step(&self, obj: &Objective<f64>, st: &mut State<f64>) -> std::result::Result<(), Event> {
        obj.neg_gradient(&st.w, &mut st.grad, &mut st.scratch)?;
        let ramp = ((st.t + 1) as f64 / self.warmup as f64).min(1.0);
        for (w, g) in st.w.iter_mut().zip(&st.grad) {
            *w += self.eta * ramp * g;
        }
        st.t += 1;
        Ok(())
    }
}

fn main() -> Result<()> {
    // z1 = (2, 1), z2 = (3, 6), z3 = (6, −2): the l1, l2 and linf answers all differ
    // (docs/optimizers.md, "The three-answer data set")
    let data = parse_csv(b"x1,x2,y\n2,1,1\n3,6,1\n6,-2,1\n", "three answers")?;
    let opt = WarmupGd {
        eta: 1.0 / 256.0,
        warmup: 1000,
    };
    let opts = CheckOptions {
        steps: 100_000,
        loss: Loss::Exponential,
        init: vec![Rational::new(); 2],
        seed: 0,
    };
    let l2 = check_optimizer(
        &data,
        "warmup-gd",
        &opt,
        Target::MaxMargin(Norm::L2),
        &opts,
        (),
    )?;
    println!("claim l2:   {:?} — {}", l2.judgement, l2.row.detail);
    assert_eq!(l2.judgement, Judgement::Holds);

    // the same run does not support a wrong claim
    let linf = check_optimizer(
        &data,
        "warmup-gd",
        &opt,
        Target::MaxMargin(Norm::LInf),
        &opts,
        (),
    )?;
    println!("claim linf: {:?} — {}", linf.judgement, linf.row.detail);
    assert_eq!(linf.judgement, Judgement::Fails(1));
    Ok(())
}
