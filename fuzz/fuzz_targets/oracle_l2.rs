#![no_main]
//! Fuzz target `oracle_l2`: see `implicit_bias_fuzz::check_oracle` for the invariant.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| implicit_bias_fuzz::check_oracle(data, false));
