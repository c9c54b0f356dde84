#![no_main]
//! Fuzz target `gd_step`: see `implicit_bias_fuzz::check_gd_step` for the invariant.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| implicit_bias_fuzz::check_gd_step(data));
