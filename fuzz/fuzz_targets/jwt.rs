//! The JWT decoder never panics, and a token it accepts has a string `sub`
//! (`lp_consumer::fuzzing`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        lp_consumer::fuzzing::check_jwt(text);
    }
});
