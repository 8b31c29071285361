//! Reading server frames never panics, and what lp-consumer prints for an
//! event is one line of JSON with the same value as the server sent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lp_consumer::frames::{self, Incoming};
use lp_consumer::jsonscan;
use serde::Deserialize;
use serde_json::Value;

/// The parser's reading of a change's sequence, the reference for the scan.
#[derive(Deserialize)]
struct SequenceOnly {
    #[serde(default)]
    sequence: Option<u64>,
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The one-pass road agrees with the general one (which also refuses
    // odd values in fields the fast road does not read, such as `code`).
    if let Some(fast) = frames::messaging_changes(text) {
        match frames::parse(text) {
            Ok(Incoming::Notification(notification)) => {
                let general = frames::changes(notification.body).expect("its changes read");
                let fast: Vec<&str> = fast.iter().map(|c| c.get()).collect();
                let general: Vec<&str> = general.iter().map(|c| c.get()).collect();
                assert_eq!(fast, general);
            }
            Ok(Incoming::Response(_)) => panic!("a response took the notification road"),
            Err(_) => {}
        }
    }
    let Ok(frame) = frames::parse(text) else {
        return;
    };
    let body = match frame {
        Incoming::Response(response) => {
            let _ = frames::error_message(response.body);
            return;
        }
        Incoming::Notification(notification) => notification.body,
    };
    let Ok(changes) = frames::changes(body) else {
        return;
    };
    for change in changes {
        // Where the scan decides, it decides as the parser does.
        if let Some(scanned) = jsonscan::top_level_sequence(change.get()) {
            let parsed = serde_json::from_str::<SequenceOnly>(change.get()).map(|s| s.sequence);
            assert_eq!(parsed.ok(), Some(scanned), "{}", change.get());
        }
        let _ = frames::change_meta(change, true);
        let _ = frames::change_meta(change, false);
        let _ = frames::conversation_change(change);
        let line = jsonscan::compact(change.get());
        assert!(!line.contains('\n'));
        // Values serde_json cannot hold (a number beyond f64) fail both ways.
        match (
            serde_json::from_str::<Value>(&line),
            serde_json::from_str::<Value>(change.get()),
        ) {
            (Ok(printed), Ok(sent)) => assert_eq!(printed, sent),
            (Err(_), Err(_)) => {}
            (printed, sent) => panic!("compact changed the value: {printed:?} vs {sent:?}"),
        }
    }
});
