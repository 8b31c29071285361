//! Structured content as LivePerson documents it: each template of
//! tests/fixtures/rich-content.json (ours, in the documented shapes: card,
//! carousel, multiple checklist, date picker, schedule slot list, image
//! and map with actions, a button with two actions, quick replies), sent
//! by lp-mock's bot, rendered as text and clicked.

use std::path::PathBuf;

use lp_consumer::mock::{BotRules, MockConfig};
use serde_json::{Value, json};

use crate::harness::{Run, Setup};
use crate::schema_check::{check, validator};

#[track_caller]
fn templates() -> Setup {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rich-content.json");
    let rules = std::fs::read_to_string(path).expect("the fixture");
    Setup::with(MockConfig {
        bot: Some(BotRules::from_json(&rules).expect("valid rules")),
        ..MockConfig::default()
    })
}

/// A conversation in which the bot answered `word` with a template.
struct Offered {
    setup: Setup,
    conversation: String,
    /// The template's sequence.
    sequence: String,
}

#[track_caller]
fn offered(word: &str) -> Offered {
    let setup = templates();
    let run = setup.run_stdin(
        &["chat", "--turns", "--settle", "0.1", "--keep-open"],
        &format!("{word}\n"),
    );
    run.assert_code(0);
    let conversation = run.lines[0]["conversationId"].as_str().unwrap().to_owned();
    let sequence = run.lines.last().unwrap()["sequence"].to_string();
    Offered {
        setup,
        conversation,
        sequence,
    }
}

impl Offered {
    /// The template as `subscribe --format text` shows it, without the time.
    #[track_caller]
    fn shown(&self) -> String {
        let run = self.setup.run_text(
            &[
                "subscribe",
                &self.conversation,
                "--from-seq",
                &self.sequence,
                "--count",
                "1",
                "--format",
                "text",
            ],
            None,
        );
        run.assert_code(0);
        // The date's line, then the event's.
        let (date, line) = run.stdout.split_once('\n').unwrap();
        assert!(date.starts_with("--- "), "{date:?}");
        let line = line.strip_suffix('\n').unwrap();
        assert!(!line.contains('\n'), "one line: {line:?}");
        let (_, words) = line.split_once(' ').unwrap();
        let (sequence, words) = words.split_once(' ').unwrap();
        assert_eq!(sequence, format!("#{}", self.sequence));
        words.to_owned()
    }

    #[track_caller]
    fn click(&self, choices: &[&str]) -> Run {
        let mut args = vec!["click", &self.conversation, "--seq", &self.sequence];
        for choice in choices {
            args.extend(["--choice", choice]);
        }
        self.setup.run(&args)
    }

    /// The PublishEvent requests sent since `before` requests.
    #[track_caller]
    fn published(&self, before: usize) -> Vec<Value> {
        self.setup.server.requests()[before..]
            .iter()
            .map(|request| serde_json::from_str::<Value>(request).unwrap())
            .filter(|request| request["type"] == "ms.PublishEvent")
            .collect()
    }

    /// Clicking `choices` sends the ACTION receipt for the template and
    /// `text`, both with `metadata`, and prints the response, then `shown`.
    #[track_caller]
    fn assert_sends(&self, choices: &[&str], text: &str, metadata: Value, shown: &[Value]) {
        let before = self.setup.server.requests().len();
        let run = self.click(choices);
        run.assert_code(0);
        assert!(run.stderr.is_empty(), "{}", run.stderr);
        assert!(run.lines[0]["sequence"].is_u64(), "{}", run.stdout);
        assert_eq!(run.lines[1..], *shown);
        let sent = self.published(before);
        assert_eq!(sent.len(), 2, "{sent:?}");
        let event = &sent[0]["body"]["event"];
        assert_eq!(event["status"], "ACTION");
        assert_eq!(
            event["sequenceList"].to_string(),
            format!("[{}]", self.sequence)
        );
        assert_eq!(sent[1]["body"]["event"]["message"], text);
        for request in &sent {
            assert_eq!(request["metadata"], metadata, "{request}");
        }
    }

    /// Clicking `choices` prints `shown` and sends nothing.
    #[track_caller]
    fn assert_shows(&self, choices: &[&str], shown: &[Value]) {
        let before = self.setup.server.requests().len();
        let run = self.click(choices);
        run.assert_code(0);
        assert_eq!(run.lines, shown);
        assert!(self.published(before).is_empty());
    }

    /// Clicking `choices` is exit 65 with `message`, and sends nothing.
    #[track_caller]
    fn assert_refused(&self, choices: &[&str], message: &str) {
        let before = self.setup.server.requests().len();
        self.click(choices).assert_failure(65, message);
        assert!(self.published(before).is_empty());
    }
}

fn external_id(ids: &[&str]) -> Value {
    ids.iter()
        .map(|id| json!({"type": "ExternalId", "id": id}))
        .collect()
}

#[test]
fn a_card_shows_its_image_texts_and_buttons() {
    let card = offered("card");
    assert_eq!(
        card.shown(),
        "agent: [image] sneakers / Blue sneakers / Size 42, in stock  [1] Add to cart  \
         [2] Details (link https://shop.example.com/sneakers)"
    );
    card.assert_sends(
        &["Add to cart"],
        "add to cart",
        external_id(&["cart-add"]),
        &[],
    );
    card.assert_shows(
        &["2"],
        &[json!({"click": "Details", "link": "https://shop.example.com/sneakers"})],
    );
}

#[test]
fn a_carousel_shows_every_card() {
    let carousel = offered("carousel");
    assert_eq!(
        carousel.shown(),
        "agent: Basic / 10 a month / Premium / 20 a month  [1] Choose basic  [2] Choose premium"
    );
    carousel.assert_sends(
        &["choose premium"],
        "plan premium",
        external_id(&["plan-premium"]),
        &[],
    );
}

#[test]
fn a_checklist_sends_the_checked_boxes_with_its_submit_button() {
    let checklist = offered("checklist");
    assert_eq!(
        checklist.shown(),
        "agent: How may we contact you? / choose all that apply  [1] Email (checkbox)  \
         [2] SMS (checkbox)  [3] Phone (checkbox)  [4] Continue (sends the checked boxes)  [5] Back"
    );
    // The boxes are named in any order; they go in the template's.
    checklist.assert_sends(
        &["Continue", "Phone", "1"],
        "Email, Phone",
        external_id(&["contact-submit", "contact-email", "contact-phone"]),
        &[],
    );
    checklist.assert_refused(
        &["Email"],
        "checking boxes sends nothing: the submit button is `Continue`",
    );
    checklist.assert_refused(
        &["Continue"],
        "`Continue` sends the checked boxes, and none is checked",
    );
    checklist.assert_refused(
        &["Email", "Back"],
        "`Back` does not send checked boxes; the submit button is `Continue`",
    );
    checklist.assert_sends(&["Back"], "Back", external_id(&["contact-back"]), &[]);
}

#[test]
fn a_date_picker_and_a_schedule_slot_list_cannot_be_clicked() {
    let date = offered("date");
    assert_eq!(
        date.shown(),
        "agent: [image] calendar / Tax report / Pick the dates to report on  \
         [1] Select dates (datePicker: cannot be clicked here)"
    );
    date.assert_refused(
        &["Select dates"],
        "`Select dates` is a `datePicker` action, which lp-consumer cannot perform; nothing was sent",
    );
    let slots = offered("slots");
    assert_eq!(
        slots.shown(),
        "agent: Repairs / Pick a time for the visit  \
         [1] Pick a time (scheduleSlotList: cannot be clicked here)"
    );
    slots.assert_refused(&["1"], "`Pick a time` is a `scheduleSlotList` action");
}

#[test]
fn images_and_maps_with_actions_are_choices() {
    let image = offered("image");
    assert_eq!(
        image.shown(),
        "agent: [image] Our new store / [image] Opening hours  \
         [1] Our new store (link https://shop.example.com/store)  \
         [2] Opening hours (link https://shop.example.com/hours)"
    );
    image.assert_shows(
        &["our new store"],
        &[json!({"click": "Our new store", "link": "https://shop.example.com/store"})],
    );
    // An image without a caption is shown, and clicked, by its tooltip.
    image.assert_shows(
        &["opening hours"],
        &[json!({"click": "Opening hours", "link": "https://shop.example.com/hours"})],
    );
    // A layout with no text says what it holds.
    let map = offered("map");
    assert_eq!(
        map.shown(),
        "agent: [map]  [1] Our store (map 40.7562,-73.99861)"
    );
    map.assert_shows(
        &["1"],
        &[json!({"click": "Our store", "navigate": {"la": 40.7562, "lo": -73.99861}})],
    );
}

#[test]
fn a_button_that_publishes_text_and_opens_a_link_does_both() {
    let order = offered("order");
    assert_eq!(
        order.shown(),
        "agent: [card]  [1] Track my order (sends \"track my parcel\", link https://shop.example.com/orders/42)  \
         [2] Returns"
    );
    order.assert_sends(
        &["Track my order"],
        "track my parcel",
        external_id(&["order-track"]),
        &[json!({"click": "Track my order", "link": "https://shop.example.com/orders/42"})],
    );
}

#[test]
fn quick_replies_are_choices_too() {
    let quick = offered("quick");
    assert_eq!(quick.shown(), "agent: Anything else?  [1] Yes  [2] No");
    quick.assert_sends(&["yes"], "Yes", external_id(&["more-yes"]), &[]);
    quick.assert_refused(
        &["Yes", "No"],
        "one element is clicked at a time, not `Yes` and `No`",
    );
}

#[test]
fn chat_checks_boxes_one_line_at_a_time_shows_places_and_refuses_a_date_picker() {
    let setup = templates();
    let run = setup.run_text(
        &["chat", "--turns", "--settle", "0.1", "--format", "text"],
        Some("checklist\n/click Email\n/click 2\n/click sms\n/click Phone\n/click Continue\n"),
    );
    run.assert_code(0);
    let lines: Vec<&str> = run
        .stdout
        .lines()
        .filter(|line| !line.starts_with("--- "))
        .map(|line| line.split_once(' ').unwrap().1)
        .collect();
    assert_eq!(
        lines[1..],
        [
            "#0 you: checklist",
            "#1 agent: How may we contact you? / choose all that apply  [1] Email (checkbox)  \
             [2] SMS (checkbox)  [3] Phone (checkbox)  [4] Continue (sends the checked boxes)  \
             [5] Back",
            "system: Email checked",
            "system: SMS checked",
            "system: SMS unchecked",
            "system: Phone checked",
            "#2 you clicked in #1",
            "#3 you: Email, Phone",
            "#4 agent: We will contact you that way.",
            "system: the conversation is closed",
        ]
    );
    let submitted = setup
        .server
        .requests()
        .iter()
        .map(|request| serde_json::from_str::<Value>(request).unwrap())
        .find(|request| request["body"]["event"]["message"] == "Email, Phone")
        .expect("the checked boxes are sent");
    assert_eq!(
        submitted["metadata"],
        external_id(&["contact-submit", "contact-email", "contact-phone"])
    );
    if let Some(validator) = validator() {
        check(
            &validator,
            &["--strict"],
            "request",
            &setup.server.requests(),
        );
    }

    // A place is shown as the transcript shows a map.
    let run = setup.run_text(
        &["chat", "--turns", "--settle", "0.1", "--format", "text"],
        Some("map\n/click 1\n"),
    );
    run.assert_code(0);
    assert!(
        run.stdout
            .contains(" system: Our store points to map 40.7562,-73.99861\n"),
        "{}",
        run.stdout
    );

    // A script that clicks a date picker stops there.
    setup
        .run_stdin(
            &["chat", "--turns", "--settle", "0.1"],
            "date\n/click Select dates\nnever sent\n",
        )
        .assert_error(
            65,
            "line 2: /click: `Select dates` is a `datePicker` action",
        );
    assert!(
        !setup
            .server
            .requests()
            .iter()
            .any(|request| request.contains("never sent"))
    );
}
