#![no_main]
//! Fuzz target `optimizers`: see `implicit_bias_fuzz::check_optimizers` for the invariant.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| implicit_bias_fuzz::check_optimizers(data));
