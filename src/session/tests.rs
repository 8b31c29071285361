use std::time::{Duration, Instant};

use serde_json::json;

use super::*;
use crate::exit::link_error;

const TIMEOUT: Duration = Duration::from_secs(30);
const EVERY: Duration = Duration::from_secs(10);
const PARK_LIMIT: usize = 1024;

fn session(now: Instant) -> Session {
    Session::new("lp.example", TIMEOUT, Some(EVERY), PARK_LIMIT, now)
}

fn frame(text: &str) -> Utf8Bytes {
    Utf8Bytes::from(text.to_owned())
}

fn response(id: &str, code: i64) -> Utf8Bytes {
    frame(&format!(
        r#"{{"kind":"resp","reqId":"{id}","code":{code},"body":{{"n":{id}}},"type":"x.Response"}}"#
    ))
}

fn notification(n: u32) -> Utf8Bytes {
    frame(&format!(
        r#"{{"kind":"notification","type":"ms.MessagingEventNotification","body":{{"n":{n}}}}}"#
    ))
}

/// The requests queued, as frames sent: (id, type).
fn sent(session: &mut Session) -> Vec<(String, String)> {
    std::iter::from_fn(|| session.poll_transmit())
        .filter_map(|transmit| match transmit {
            Transmit::Text(text) => {
                let value: Value = serde_json::from_str(&text).unwrap();
                Some((
                    value["id"].as_str().unwrap().to_owned(),
                    value["type"].as_str().unwrap().to_owned(),
                ))
            }
            Transmit::Ping => None,
        })
        .collect()
}

/// What the session says, with frames as their text.
fn events(session: &mut Session) -> Vec<String> {
    std::iter::from_fn(|| session.poll_event())
        .map(|event| match event {
            Event::Frame(text) => text.to_string(),
            Event::Reply { id, reply: Ok(r) } => format!("reply {id} {}", r.code),
            Event::Reply { id, reply: Err(_) } => format!("refused {id}"),
            Event::Unmatched(id) => format!("unmatched {id}"),
            Event::End => "end".to_owned(),
            Event::Failed(err) => format!("failed {:?}", link_error(&err)),
        })
        .collect()
}

#[test]
fn request_ids_count_up_from_one_and_go_out_in_order() {
    let mut s = session(Instant::now());
    let a = s.request("cm.ConsumerRequestConversation", Some(&json!({})), None);
    let b = s.request("ms.PublishEvent", Some(&json!({})), Some(&json!([])));
    assert_eq!((a.as_str(), b.as_str()), ("1", "2"));
    assert_eq!(
        sent(&mut s),
        [
            ("1".to_owned(), "cm.ConsumerRequestConversation".to_owned()),
            ("2".to_owned(), "ms.PublishEvent".to_owned())
        ]
    );
    assert!(s.poll_transmit().is_none());
}

#[test]
fn the_awaited_response_is_matched_by_req_id() {
    let mut s = session(Instant::now());
    let id = s.request("ms.PublishEvent", None, None);
    s.await_reply(&id, "ms.PublishEvent");
    s.handle_frame(response("7", 200)).unwrap();
    assert_eq!(events(&mut s), ["unmatched 7"]);
    s.handle_frame(response(&id, 200)).unwrap();
    match s.poll_event() {
        Some(Event::Reply { id: got, reply }) => {
            let reply = reply.unwrap();
            assert_eq!((got.as_str(), reply.code), ("1", 200));
            assert_eq!(reply.body.unwrap().get(), r#"{"n":1}"#);
        }
        other => panic!("{other:?}"),
    }
    // Answered: what comes next is the reader's, even a response.
    s.handle_frame(response(&id, 200)).unwrap();
    assert_eq!(events(&mut s).len(), 1);
}

#[test]
fn an_error_response_is_a_refusal_with_its_status() {
    let mut s = session(Instant::now());
    let id = s.request("cm.UpdateConversationField", None, None);
    s.await_reply(&id, "cm.UpdateConversationField");
    s.handle_frame(response(&id, 400)).unwrap();
    match s.poll_event() {
        Some(Event::Reply {
            reply: Err(err), ..
        }) => {
            assert_eq!(link_error(&err), Some(LinkError::Status(400)));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn notifications_are_parked_while_a_response_is_awaited_and_released_in_order() {
    let mut s = session(Instant::now());
    s.handle_frame(notification(1)).unwrap();
    let id = s.request("ms.SubscribeMessagingEvents", None, None);
    s.await_reply(&id, "ms.SubscribeMessagingEvents");
    s.handle_frame(notification(2)).unwrap();
    s.handle_frame(notification(3)).unwrap();
    assert!(s.poll_event().is_none(), "held until the response");
    s.handle_frame(response(&id, 200)).unwrap();
    s.handle_frame(notification(4)).unwrap();
    let got = events(&mut s);
    assert_eq!(got[0], "reply 1 200");
    let order: Vec<_> = got[1..]
        .iter()
        .map(|text| serde_json::from_str::<Value>(text).unwrap()["body"]["n"].clone())
        .collect();
    assert_eq!(order, [json!(1), json!(2), json!(3), json!(4)]);
}

#[test]
fn frames_held_beyond_the_park_limit_are_a_flood() {
    let mut s = session(Instant::now());
    let id = s.request("ms.SubscribeMessagingEvents", None, None);
    s.await_reply(&id, "ms.SubscribeMessagingEvents");
    let one = notification(1).len();
    let fit = PARK_LIMIT / one;
    for _ in 0..fit {
        s.handle_frame(notification(1)).unwrap();
    }
    let err = s.handle_frame(notification(1)).unwrap_err();
    assert!(matches!(
        crate::exit::classify(&err),
        crate::exit::Outcome::Fail(Exit::Protocol)
    ));
    assert!(
        err.to_string()
            .contains("while ms.SubscribeMessagingEvents went unanswered: a flood"),
        "{err}"
    );
    // Frames handed out make room again.
    let mut s = session(Instant::now());
    for _ in 0..fit * 3 {
        s.handle_frame(notification(1)).unwrap();
        assert!(matches!(s.poll_event(), Some(Event::Frame(_))));
    }
}

#[test]
fn a_frame_that_is_not_json_fails_only_while_a_response_is_awaited() {
    let mut s = session(Instant::now());
    s.handle_frame(frame("not json")).unwrap();
    assert_eq!(events(&mut s), ["not json"]);
    s.await_reply("1", "ms.PublishEvent");
    assert!(s.handle_frame(frame("not json")).is_err());
}

#[test]
fn keepalives_fall_due_every_period_and_their_answers_are_dropped() {
    let start = Instant::now();
    let mut s = session(start);
    assert_eq!(s.poll_timeout(), Some(start + EVERY));
    s.handle_timeout(start + EVERY / 2).unwrap();
    assert!(s.poll_transmit().is_none(), "not yet due");
    let due = start + EVERY;
    s.handle_timeout(due).unwrap();
    assert_eq!(s.poll_transmit(), Some(Transmit::Ping));
    assert_eq!(sent(&mut s), [("1".to_owned(), "GetClock".to_owned())]);
    // The next keep-alive, or the dead link if nothing answers first.
    assert_eq!(s.poll_timeout(), Some(due + EVERY));
    // Its answer is the session's own, while a reply is awaited or not.
    s.await_reply("2", "ms.PublishEvent");
    s.handle_frame(response("1", 200)).unwrap();
    assert!(s.poll_event().is_none());
    assert!(!s.claim("1"), "claimed once");
}

#[test]
fn only_the_last_keepalive_ids_are_kept() {
    let start = Instant::now();
    let mut s = session(start);
    for n in 1..=KEEPALIVE_IDS_KEPT as u32 + 1 {
        s.handle_timeout(start + EVERY * n).unwrap();
        s.handle_pong();
    }
    assert!(!s.claim("1"), "the oldest is forgotten");
    assert!(s.claim("2"));
}

#[test]
fn no_keepalive_without_a_period() {
    let start = Instant::now();
    let mut s = Session::new("lp.example", TIMEOUT, None, PARK_LIMIT, start);
    assert_eq!(s.poll_timeout(), None);
    s.handle_timeout(start + TIMEOUT * 10).unwrap();
    assert!(s.poll_transmit().is_none());
}

#[test]
fn an_unanswered_keepalive_declares_the_link_dead_after_the_timeout() {
    let start = Instant::now();
    let mut s = session(start);
    let sent_at = start + EVERY;
    s.handle_timeout(sent_at).unwrap();
    assert_eq!(s.poll_timeout(), Some(sent_at + EVERY));
    s.handle_timeout(sent_at + EVERY).unwrap();
    assert_eq!(s.poll_timeout(), Some(sent_at + EVERY * 2));
    // A second keep-alive does not move the verdict: the first one's
    // timeout is it.
    s.handle_timeout(sent_at + TIMEOUT).unwrap();
    let err = s
        .handle_timeout(sent_at + TIMEOUT + Duration::from_millis(1))
        .unwrap_err();
    assert_eq!(link_error(&err), Some(LinkError::TimedOut));
}

#[test]
fn a_pong_or_a_frame_answers_the_keepalive_a_ping_does_not() {
    let start = Instant::now();
    let late = start + EVERY + TIMEOUT + Duration::from_secs(1);
    for answer in ["pong", "frame"] {
        let mut s = session(start);
        s.handle_timeout(start + EVERY).unwrap();
        match answer {
            "pong" => s.handle_pong(),
            _ => s.handle_frame(notification(1)).unwrap(),
        }
        assert!(s.handle_timeout(late).is_ok(), "{answer}");
    }
}

#[test]
fn a_normal_close_ends_the_link_after_the_frames_before_it() {
    let mut s = session(Instant::now());
    s.handle_frame(notification(1)).unwrap();
    s.handle_close(Some((1000, "")));
    let got = events(&mut s);
    assert_eq!(got.len(), 2);
    assert_eq!(got[1], "end");
}

#[test]
fn closes_are_typed_link_failures() {
    for (close, link) in [
        (None, LinkError::Closed(1005)),
        (Some((4407, "token expired")), LinkError::Closed(4407)),
        (Some((1011, "")), LinkError::Closed(1011)),
    ] {
        let mut s = session(Instant::now());
        s.handle_close(close);
        assert_eq!(events(&mut s), [format!("failed {:?}", Some(link))]);
    }
}

#[test]
fn a_close_while_a_response_is_awaited_fails_at_once() {
    let mut s = session(Instant::now());
    s.await_reply("1", "ms.PublishEvent");
    s.handle_frame(notification(1)).unwrap();
    s.handle_close(Some((1000, "")));
    assert_eq!(
        events(&mut s),
        [format!("failed {:?}", Some(LinkError::Closed(1000)))]
    );
}
