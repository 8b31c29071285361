//! What the sanitiser shows a person holds no control, bidi or line
//! separator character, keeps the rest, and quotes for a shell
//! (`lp_consumer::fuzzing`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        lp_consumer::fuzzing::check_sanitiser(text);
    }
});
