#![no_main]
//! Fuzz target `parse_csv`: see `implicit_bias_fuzz::check_parse_csv` for the invariant.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| implicit_bias_fuzz::check_parse_csv(data));
