#![no_main]
//! Fuzz target `check_certificate`: see `implicit_bias_fuzz::check_certificate` for the invariant.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| implicit_bias_fuzz::check_certificate(data));
