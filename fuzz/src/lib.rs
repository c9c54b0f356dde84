//! Invariants checked by the fuzz targets in `fuzz_targets/`, one function per target.
//!
//! The same functions are compiled into `tests/fuzz_mirrors.rs` (through `#[path]`), where
//! proptest drives them, so `cargo test` checks every invariant without libFuzzer. Each
//! function takes the fuzzer's bytes and panics, with a message naming the broken
//! invariant, when it finds a counterexample.

pub mod certificate;
pub mod data;
pub mod gd;
pub mod input;
pub mod optimizers;
pub mod oracle;
pub mod parse;
pub mod pipeline;

pub use certificate::check_certificate;
pub use gd::check_gd_step;
pub use optimizers::check_optimizers;
pub use oracle::check_oracle;
pub use parse::check_parse_csv;
pub use pipeline::check_pipeline;
