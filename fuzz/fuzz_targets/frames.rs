//! The one-pass scan of server frames decides only as serde_json reads
//! them, and reading any frame never panics (`lp_consumer::fuzzing`).
//!
//! `seeds/frames/` holds realistic and odd frames to start from, and
//! `frames.dict` JSON tokens and the names the readers look for:
//! `cargo fuzz run frames corpus/frames seeds/frames -- -dict=frames.dict`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        lp_consumer::fuzzing::check_frame(text);
    }
});
