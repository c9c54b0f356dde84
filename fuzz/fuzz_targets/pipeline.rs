#![no_main]
//! Fuzz target `pipeline`: see `implicit_bias_fuzz::check_pipeline` for the invariant.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| implicit_bias_fuzz::check_pipeline(data));
