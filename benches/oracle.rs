//! Speed of the exact ℓ2 oracle (certificate included: `l2::solve` runs the independent
//! checker before returning) on planted-margin data, d = 100.
//!
//! Run with `cargo bench --bench oracle`. Target (issue 3): N = 10⁴, d = 100 in ≤ 0.5 s.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use implicit_bias::data::generate::Generator;
use implicit_bias::oracle::l2;
use rug::Rational;
use std::time::Duration;

fn planted(n: usize) -> implicit_bias::data::Dataset {
    Generator::Planted {
        n,
        d: 100,
        margin: Rational::from((1, 10)),
        seed: 1,
    }
    .generate()
    .expect("planted data")
}

fn exact_l2(c: &mut Criterion) {
    let mut g = c.benchmark_group("oracle_l2_planted_d100");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for n in [1_000usize, 10_000] {
        let data = planted(n);
        g.bench_with_input(BenchmarkId::from_parameter(n), &data, |b, d| {
            b.iter(|| l2::solve(d).expect("certified"))
        });
    }
    g.finish();
}

criterion_group!(benches, exact_l2);
criterion_main!(benches);
