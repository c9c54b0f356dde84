#![no_main]
//! Fuzz target `oracle_lp` (ℓ1 and ℓ∞): see `implicit_bias_fuzz::check_oracle`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| implicit_bias_fuzz::check_oracle(data, true));
