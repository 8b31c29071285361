//! The JWT decoder never panics, and a token it accepts has a string `sub`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(claims) = lp_consumer::jwt::decode(text)
    {
        assert!(claims.as_map()["sub"].is_string());
        let _ = claims.sub();
        let _ = claims.expired_at(u64::MAX);
    }
});
