//! Exact ℓ1 / ℓ∞ max-margin oracle on planted-margin data (`Generator::Planted`, margin 1/10).
//!
//! `cargo bench --bench oracle_lp` runs N = 1000, d = 20 and the reference size
//! N = 10⁴, d = 100 (about ten seconds per sample: several minutes in all); filter with
//! e.g. `cargo bench --bench oracle_lp -- n1000_`. Each sample is one full `lp::solve`:
//! float proposal, exact simplex, certificate, exact check, uniqueness.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use implicit_bias::{
    cert::Norm,
    data::generate::Generator,
    oracle::{lp, Outcome},
};
use rug::Rational;
use std::time::Duration;

fn planted(c: &mut Criterion) {
    let mut g = c.benchmark_group("oracle_lp");
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(1));
    for (n, d) in [(1000usize, 20usize), (10_000, 100)] {
        let data = Generator::Planted {
            n,
            d,
            margin: Rational::from((1, 10)),
            seed: 1,
        }
        .generate()
        .expect("planted data");
        for norm in [Norm::L1, Norm::LInf] {
            let id = BenchmarkId::new(norm.name(), format!("n{n}_d{d}"));
            g.bench_with_input(id, &data, |b, data| {
                b.iter(|| {
                    let out = lp::solve(data, norm).expect("oracle");
                    assert!(matches!(out, Outcome::Separable(_)));
                    out
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, planted);
criterion_main!(benches);
