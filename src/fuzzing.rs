//! For the fuzz targets under `fuzz/` and the scan benchmark: each `check_`
//! function panics where lp-consumer's readers of untrusted input disagree
//! with serde_json or break their own promises.

use serde::de::IgnoredAny;
use serde_json::Value;

use crate::frames::{self, Incoming, types};
use crate::jsonscan::{self, Scanner};
use crate::jwt;

/// Decoding a token never panics, and a token it accepts has a string
/// `sub`.
pub fn check_jwt(text: &str) {
    if let Ok(claims) = jwt::decode(text) {
        assert!(claims.as_map()["sub"].is_string());
        let _ = claims.sub();
        let _ = claims.expired_at(u64::MAX);
    }
}

/// The one-pass scan decides a frame only as the general road (serde)
/// reads it: the same changes, sequences, originators and event types, the
/// same line printed for each; and reading any frame never panics.
pub fn check_frame(text: &str) {
    let mut scanned = Vec::new();
    if Scanner::default().messaging_changes(text, &mut scanned) {
        assert!(
            serde_json::from_str::<IgnoredAny>(text).is_ok(),
            "the scan accepted what is not JSON"
        );
        let Ok(Incoming::Notification(notification)) = frames::parse(text) else {
            panic!("the scan took a frame that is not a notification");
        };
        assert_eq!(
            notification.notification_type,
            types::MESSAGING_EVENT_NOTIFICATION
        );
        let general = frames::changes(notification.body).expect("its changes read");
        assert_eq!(scanned.len(), general.len());
        let range = |span: Option<(usize, usize)>| span.map(|(start, end)| &text[start..end]);
        for (mine, theirs) in scanned.iter().zip(general) {
            let change = &text[mine.span.0..mine.span.1];
            assert_eq!(change, theirs.get());
            let meta = frames::change_meta(theirs, true).expect("a change the scan took");
            assert_eq!(mine.sequence, meta.sequence, "{change}");
            assert_eq!(range(mine.originator), meta.originator_id.as_deref());
            assert_eq!(range(mine.event_type), meta.event_type());
            let line_breaks = memchr::memchr2(b'\n', b'\r', change.as_bytes()).is_some();
            assert_eq!(mine.line_breaks, line_breaks);
            let printed = if mine.line_breaks {
                jsonscan::compacted(change)
            } else {
                change.to_owned()
            };
            assert_eq!(printed, jsonscan::compact(theirs.get()));
        }
    }
    general_road(text);
}

/// Scans `text` `rounds` times with one scanner and one change buffer, as
/// the engine does frame after frame; the changes found, summed.
pub fn scan_rounds(text: &str, rounds: usize) -> usize {
    let mut scanner = Scanner::default();
    let mut scanned = Vec::new();
    let mut found = 0;
    for _ in 0..rounds {
        if scanner.messaging_changes(std::hint::black_box(text), &mut scanned) {
            found += scanned.len();
        }
    }
    found
}

/// The general road on any frame: no panic, and each printed change is one
/// line with the value the server sent.
fn general_road(text: &str) {
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
}
