//! test/convo/transcript.spec.js and partialconvo.spec.js runs, against a
//! simulated bot and clock: Botium's echo connector unless said otherwise.

use std::time::{Duration, Instant};

use super::super::parse::Step;
use super::super::run::*;
use super::super::suite::plan;
use super::suite::sources;

const TIMEOUT: Duration = Duration::from_secs(10);
/// How long the simulated bot takes to answer.
const DELAY: Duration = Duration::from_millis(7);

fn text(text: &str) -> AgentMessage {
    AgentMessage {
        text: text.to_owned(),
        ..AgentMessage::default()
    }
}

fn buttons(text: &str, titles: &[&str]) -> AgentMessage {
    AgentMessage {
        text: text.to_owned(),
        buttons: titles
            .iter()
            .map(|title| Button {
                title: (*title).to_owned(),
                payload: None,
            })
            .collect(),
        cards: Vec::new(),
    }
}

/// Botium's echo connector: each message back; `buttons` with two buttons.
fn echo(said: &str) -> Vec<(Duration, AgentMessage)> {
    let reply = if said == "buttons" {
        buttons(said, &["First Button", "Second Button"])
    } else {
        text(said)
    };
    vec![(DELAY, reply)]
}

struct Played {
    outcome: Outcome,
    sent: Vec<String>,
    elapsed: Duration,
}

impl Played {
    /// Each reply's step and latency.
    fn replies(&self) -> Vec<(usize, Duration)> {
        self.outcome
            .latencies
            .iter()
            .map(|l| (l.step, l.reply))
            .collect()
    }
}

/// What reaches the run from the simulated service.
enum Input {
    Message(AgentMessage),
    /// The acknowledgement of what we published at this instant.
    Sent(Instant),
}

/// Plays the convo `main.convo.txt` of these files against `bot`, which
/// answers what we send with messages after delays; `early` arrive first.
fn play_with(
    files: &[(&str, &str)],
    early: Vec<(Duration, AgentMessage)>,
    skill: Option<&str>,
    bot: impl FnMut(&str) -> Vec<(Duration, AgentMessage)>,
) -> Played {
    play_acknowledged(files, early, skill, bot, Duration::ZERO)
}

/// `play_with`, the service acknowledging each message `ack` after it went
/// out.
fn play_acknowledged(
    files: &[(&str, &str)],
    early: Vec<(Duration, AgentMessage)>,
    skill: Option<&str>,
    mut bot: impl FnMut(&str) -> Vec<(Duration, AgentMessage)>,
    ack: Duration,
) -> Played {
    let planned = plan(&sources(files));
    let convo = planned
        .iter()
        .find(|p| p.file == "main.convo.txt")
        .expect("main");
    let steps = convo.steps.as_ref().expect("runnable");
    let start = Instant::now();
    let mut now = start;
    let mut run = Run::new(steps, TIMEOUT, now);
    if let Some(skill) = skill {
        run.skill(skill);
    }
    let mut pending: Vec<(Instant, Input)> = early
        .into_iter()
        .map(|(after, m)| (now + after, Input::Message(m)))
        .collect();
    let mut sent = Vec::new();
    loop {
        match run.poll(now) {
            Action::Publish(said) | Action::Click(said) => {
                pending.push((now + ack, Input::Sent(now)));
                let replies = bot(&said).into_iter();
                pending.extend(replies.map(|(after, m)| (now + after, Input::Message(m))));
                pending.sort_by_key(|(at, _)| *at);
                sent.push(said);
            }
            Action::Wait(until) => match (pending.first(), until) {
                (Some((at, _)), until) if until.is_none_or(|u| *at <= u) => {
                    now = now.max(*at);
                    while pending.first().is_some_and(|(at, _)| *at <= now) {
                        match pending.remove(0) {
                            (at, Input::Message(message)) => run.agent_message(message, at),
                            (at, Input::Sent(published)) => run.sent(published, at),
                        }
                    }
                }
                (_, Some(until)) => now = until,
                (_, None) => panic!("the run waits for nothing"),
            },
            Action::Done => break,
        }
    }
    Played {
        outcome: run.outcome().clone(),
        sent,
        elapsed: now - start,
    }
}

fn play(convo: &str) -> Played {
    play_with(&[("main.convo.txt", convo)], Vec::new(), None, echo)
}

fn failure(played: &Played) -> &Failure {
    played.outcome.failure.as_ref().expect("a failure")
}

#[test]
fn steps_pass_in_order_with_reply_latencies() {
    // "should provide transcript steps on success" (2steps.convo.txt)
    let played = play(
        "2 steps\n\n#begin\n\n#me\nHello\n\n#bot\nHello\n\n#me\nHello again!\n\n#bot\nHello again!\n\n#end",
    );
    assert_eq!(played.outcome.failure, None);
    assert_eq!(played.sent, ["Hello", "Hello again!"]);
    assert_eq!(
        played.outcome.transcript,
        [
            "#me Hello",
            "#bot Hello",
            "#me Hello again!",
            "#bot Hello again!"
        ]
    );
    let latencies = played.replies();
    assert_eq!(latencies, [(3, DELAY), (5, DELAY)]);
}

#[test]
fn a_failing_step_is_named_with_expected_and_received_and_nothing_after_it_runs() {
    // "should provide transcript steps on failing" (2stepsfailing.convo.txt)
    let played = play(
        "2 steps\n\n#me\nHello\n\n#bot\nHello\n\n#me\nHello again!\n\n#bot\nHello again FAILING!\n\n#me\nnot reached\n",
    );
    let failure = failure(&played);
    assert_eq!(
        (failure.step, failure.line, failure.sender),
        (4, 12, "#bot")
    );
    assert_eq!(failure.expected.as_deref(), Some("Hello again FAILING!"));
    assert_eq!(failure.received.as_deref(), Some("Hello again!"));
    assert!(
        failure.message.contains("expected to match"),
        "{}",
        failure.message
    );
    assert_eq!(played.sent, ["Hello", "Hello again!"]);
}

#[test]
fn not_and_optional_steps() {
    // "negated steps" (2stepsneg), "optional steps" (2stepsopt),
    // "optional negated steps" (2stepsoptneg)
    for convo in [
        "n\n#me\nHello\n#bot\n!Hugo\n",
        "n\n#me\nHello\n#bot\n?Hello\n",
        "n\n#me\nHello\n#bot\n?!Hugo\n",
    ] {
        assert_eq!(play(convo).outcome.failure, None, "{convo:?}");
    }
    let played = play("n\n#me\nHello\n#bot\n!Hel*\n");
    assert!(failure(&played).message.contains("expected not to match"));
}

#[test]
fn an_unmatched_optional_message_is_left_for_a_next_bot_step_only() {
    // "optional steps on success skipping step" (2stepsoptskip)
    assert_eq!(
        play("n\n#me\nHello\n#bot\n?Hugo\n#bot\nHello\n")
            .outcome
            .failure,
        None
    );
    // "optional steps on failing" (2stepsoptfollowme): the next step is #me.
    let played = play("n\n#me\nHello\n#bot\n?Hugo\n#me\nHello\n");
    assert_eq!(failure(&played).step, 2);
    assert_eq!(failure(&played).received.as_deref(), Some("Hello"));
    // With asserters: assertersopt and assertersoptskip.
    let opt = "a\n#me\nbuttons\n#bot\n?buttons\n?BUTTONS First Button|Second Button\n";
    assert_eq!(play(opt).outcome.failure, None);
    let skip = "a\n#me\nbuttons\n#bot\n?buttons\n?BUTTONS apple\n#bot\nbuttons\nBUTTONS First Button|Second Button\n";
    assert_eq!(play(skip).outcome.failure, None);
}

/// welcome_multiple_botsteps_opt.convo.txt, without its step parameters.
const WELCOME: &str = "welcome\n\n#me\nWelcome\n\n#bot\nWelcome\n\n#bot\n?Select an option:\n\n#bot\n?\n?BUTTONS First Button|Second Button\n\n#me\nThanks\n\n#bot\nThanks\n";

fn welcome_bot(
    second: Option<&'static str>,
    with_buttons: bool,
) -> impl FnMut(&str) -> Vec<(Duration, AgentMessage)> {
    move |said| {
        if said != "Welcome" {
            return echo(said);
        }
        let mut replies = vec![(DELAY, text("Welcome"))];
        if let Some(second) = second {
            replies.push((Duration::from_millis(200), text(second)));
        }
        if with_buttons {
            replies.push((
                Duration::from_millis(201),
                buttons("", &["First Button", "Second Button"]),
            ));
        }
        replies
    }
}

#[test]
fn optional_bot_steps_take_what_comes_and_skip_what_does_not() {
    let files = [("main.convo.txt", WELCOME)];
    // "optional multiple bot steps on getting all bot messages"
    let played = play_with(
        &files,
        Vec::new(),
        None,
        welcome_bot(Some("Select an option:"), true),
    );
    assert_eq!(played.outcome.failure, None);
    assert_eq!(played.outcome.transcript.len(), 6);
    // "... on skip an optional bot message": the buttons come without the
    // question; the question's step leaves them to the buttons' step.
    let played = play_with(&files, Vec::new(), None, welcome_bot(None, true));
    assert_eq!(played.outcome.failure, None);
    assert_eq!(played.sent, ["Welcome", "Thanks"]);
    // "... on not getting all bot messages": the first optional step times
    // out, and the optional step right after it is skipped without a wait.
    let played = play_with(&files, Vec::new(), None, welcome_bot(None, false));
    assert_eq!(played.outcome.failure, None);
    assert_eq!(
        played.outcome.transcript,
        ["#me Welcome", "#bot Welcome", "#me Thanks", "#bot Thanks"]
    );
    assert!(
        played.elapsed >= TIMEOUT && played.elapsed < 2 * TIMEOUT,
        "{:?}",
        played.elapsed
    );
    // "... assertion fail on optional bot messages": a message neither
    // optional step takes is an unexpected message.
    let played = play_with(
        &files,
        Vec::new(),
        None,
        welcome_bot(Some("Fail on this:"), true),
    );
    let failure = failure(&played);
    assert_eq!(failure.step, 4);
    assert!(
        failure
            .message
            .starts_with("unexpected message: \"Fail on this:\""),
        "{}",
        failure.message
    );
}

#[test]
fn a_mandatory_bot_step_without_a_message_fails_at_the_timeout() {
    let played = play_with(
        &[("main.convo.txt", "t\n#me\nhi\n#bot\nhi\n#bot\nmore\n")],
        Vec::new(),
        None,
        echo,
    );
    let failure = failure(&played);
    assert_eq!(failure.step, 3);
    assert!(
        failure.message.contains("did not respond within 10 s"),
        "{}",
        failure.message
    );
    assert_eq!(played.elapsed, DELAY + TIMEOUT);
}

#[test]
fn replies_queue_in_order_across_me_steps() {
    let played = play("q\n#me\none\n#me\ntwo\n#bot\none\n#bot\ntwo\n");
    assert_eq!(played.outcome.failure, None);
    // A welcome message waits for the first #bot step.
    let played = play_with(
        &[("main.convo.txt", "w\n#me\nhi\n#bot\nWelcome!\n#bot\nhi\n")],
        vec![(Duration::from_millis(1), text("Welcome!"))],
        None,
        echo,
    );
    assert_eq!(played.outcome.failure, None);
}

#[test]
fn a_message_with_neither_text_nor_buttons_fails_a_bot_step() {
    let played = play_with(
        &[("main.convo.txt", "e\n#me\nhi\n#bot\n?\n")],
        Vec::new(),
        None,
        |_| vec![(DELAY, text("  "))],
    );
    assert!(failure(&played).message.contains("the bot says nothing"));
}

#[test]
fn buttons_by_title_or_payload_in_any_order_and_not() {
    let with_payload = |_: &str| {
        let mut message = buttons("pick", &["Red", "Green"]);
        message.buttons[1].payload = Some("color=green".to_owned());
        vec![(DELAY, message)]
    };
    let check = |asserter: &str| {
        let convo = format!("b\n#me\nx\n#bot\n{asserter}\n");
        play_with(
            &[("main.convo.txt", &convo)],
            Vec::new(),
            None,
            with_payload,
        )
        .outcome
        .failure
    };
    for passing in [
        "BUTTONS",
        "BUTTONS Green|Red",
        "BUTTONS red",
        "BUTTONS color=green",
        "BUTTONS Gr*",
        "!BUTTONS Blue|Yellow",
        "pick\nBUTTONS Red",
    ] {
        assert_eq!(check(passing), None, "{passing}");
    }
    let failed = check("BUTTONS Red|Blue").expect("fails");
    assert_eq!(
        failed.message,
        "expected button(s) \"Blue\", offered: Red | Green"
    );
    assert_eq!(failed.received.as_deref(), Some("Red | Green"));
    assert!(
        check("!BUTTONS Blue|Red")
            .expect("fails")
            .message
            .starts_with("not expected button(s) \"Red\"")
    );
    assert!(check("!BUTTONS").is_some());
    let bare = play("b\n#me\nhi\n#bot\nBUTTONS\n");
    assert_eq!(failure(&bare).message, "expected some buttons, got none");
}

#[test]
fn cards_and_the_conversations_skill() {
    let cards = |_: &str| {
        vec![(
            DELAY,
            AgentMessage {
                text: String::new(),
                buttons: Vec::new(),
                cards: vec!["Flights".to_owned(), "Hotels".to_owned()],
            },
        )]
    };
    let files = |convo: &'static str| [("main.convo.txt", convo)];
    let played = play_with(
        &files("c\n#me\nx\n#bot\nCARDS Hotels|Flights\n#end\nCHECKLIVEPERSONSKILL 42\n"),
        Vec::new(),
        Some("42"),
        cards,
    );
    assert_eq!(played.outcome.failure, None);
    // A message of cards alone: one space after the sender.
    assert_eq!(
        played.outcome.transcript.last().unwrap(),
        "#bot (cards: Flights | Hotels)"
    );
    let played = play_with(
        &files("c\n#me\nx\n#bot\nCARDS Cars\n"),
        Vec::new(),
        None,
        cards,
    );
    assert_eq!(
        failure(&played).message,
        "expected card(s) \"Cars\", offered: Flights | Hotels"
    );
    let played = play_with(
        &files("c\n#me\nx\n#bot\nCHECKLIVEPERSONSKILL 7\n"),
        Vec::new(),
        Some("42"),
        cards,
    );
    assert_eq!(
        failure(&played).message,
        "expected the conversation's skill to be 7, it is \"42\""
    );
    // No metadata at all: said so, rather than blamed on the bot.
    let played = play_with(
        &files("c\n#me\nx\n#bot\nCHECKLIVEPERSONSKILL 7\n"),
        Vec::new(),
        None,
        cards,
    );
    assert_eq!(
        failure(&played).message,
        "expected the conversation's skill to be 7, but the conversation's metadata never came"
    );
    let played = play_with(
        &files("c\n#me\nx\n#bot\n!CHECKLIVEPERSONSKILL 7\n"),
        Vec::new(),
        Some("42"),
        cards,
    );
    assert_eq!(played.outcome.failure, None);
}

#[test]
fn button_clicks_the_latest_message_offering_buttons() {
    let played =
        play("c\n#me\nbuttons\n#bot\nbuttons\n#me\nBUTTON second button\n#bot\nSecond Button\n");
    assert_eq!(played.outcome.failure, None);
    assert_eq!(played.sent, ["buttons", "Second Button"]);
    let played = play("c\n#me\nbuttons\n#bot\nbuttons\n#me\nBUTTON Third\n");
    let failure = failure(&played);
    assert_eq!(failure.step, 3);
    assert_eq!(
        failure.message,
        "no button \"Third\" among the offered: First Button | Second Button"
    );
    let played = play("c\n#me\nBUTTON Third\n");
    assert!(
        self::failure(&played)
            .message
            .starts_with("no agent message offers a button")
    );
}

#[test]
fn pause_waits_after_its_step_and_waitforbot_never_fails() {
    // "should include pause in transcript steps" (2stepsWithPause)
    let played =
        play("p\n#me\nHello\n#bot\nHello\n#me\nHello again!\nPAUSE 1000\n#bot\nHello again!\n");
    assert_eq!(played.outcome.failure, None);
    assert!(played.elapsed >= Duration::from_millis(1000) + DELAY);
    // WAITFORBOT ends at a new message, or after its time without failing.
    let played = play("w\n#me\nhi\n#bot\nWAITFORBOT 5000\nhi\n");
    assert_eq!(played.outcome.failure, None);
    assert_eq!(played.elapsed, DELAY);
    let played = play("w\n#begin\nWAITFORBOT 300\n#me\nhi\n#bot\nhi\n");
    assert_eq!(played.outcome.failure, None);
    assert_eq!(played.elapsed, Duration::from_millis(300) + DELAY);
}

#[test]
fn a_reply_is_timed_from_its_message_and_never_charged_a_pause() {
    // The service acknowledges after the echo has come: PauseLogicHook's
    // onMeEnd waits once the message is sent, and the reply that came
    // meanwhile is the next #bot step's.
    const ACK: Duration = Duration::from_millis(20);
    let convo = "pauses\n#me\na\nPAUSE 1000\n#bot\na\n#me\nb\n#bot\nb\n\
                 #me\nc\nPAUSE 700\n#bot\nc\n#me\nd\n#bot\nd\n";
    let files = [("main.convo.txt", convo)];
    let played = play_acknowledged(&files, Vec::new(), None, echo, ACK);
    assert_eq!(played.outcome.failure, None);
    let latencies = played.replies();
    assert_eq!(latencies, [(2, DELAY), (4, DELAY), (6, DELAY), (8, DELAY)]);
    // Each pause began at its message's acknowledgement.
    assert_eq!(played.elapsed, 4 * ACK + Duration::from_millis(1700));
}

#[test]
fn a_steps_pauses_run_together_and_begin_and_end_pause_alongside_waitforbot() {
    // Botium runs a step's logic hooks at once (Promise.all).
    let played = play("p\n#me\nhi\nPAUSE 300\nPAUSE 500\n#bot\nhi\n");
    assert_eq!(played.outcome.failure, None);
    assert_eq!(played.elapsed, Duration::from_millis(500));
    let played = play("p\n#begin\nWAITFORBOT 300\nPAUSE 500\n#me\nhi\n#bot\nhi\n");
    assert_eq!(played.outcome.failure, None);
    assert_eq!(played.elapsed, Duration::from_millis(500) + DELAY);
    // #end pauses before its checks (onConvoEnd, then assertConvoEnd): a
    // transfer may land meanwhile.
    let planned = plan(&sources(&[(
        "main.convo.txt",
        "t\n#me\nhuman\n#bot\nTransferring*\n#end\nPAUSE 500\n!CHECKLIVEPERSONSKILL 1\n",
    )]));
    let steps = planned[0].steps.as_ref().unwrap();
    let (mut run, start) = transferring(steps);
    let paused = start + DELAY + Duration::from_millis(500);
    assert_eq!(run.poll(start + DELAY), Action::Wait(Some(paused)));
    run.skill("7");
    assert_eq!(run.poll(paused), Action::Done);
    assert_eq!(run.outcome().failure, None);
}

#[test]
fn failures_in_partials_name_the_partial_and_its_section() {
    // "Wrong botsays in partial convo"
    let files = [
        (
            "logout.pconvo.txt",
            "Logout\n\n#bot\nAre you sure?\n\n#me\nYes\n",
        ),
        (
            "main.convo.txt",
            "Main\n#me\nLogout please!\nINCLUDE Logout\n#bot\nbye\n",
        ),
    ];
    let played = play_with(&files, Vec::new(), None, |said| {
        let reply = if said == "Logout please!" {
            "Are you sure ERROR?"
        } else {
            said
        };
        vec![(DELAY, text(reply))]
    });
    let failure = failure(&played);
    assert_eq!((failure.step, failure.line), (1, 3));
    assert_eq!(failure.partial, ["Logout"]);
}

#[test]
fn utterances_match_any_of_their_set() {
    let files = [
        ("yes.utterances.txt", "UTT_YES\nyes\nsure\n"),
        ("main.convo.txt", "u\n#me\nsure\n#bot\nUTT_YES\n"),
    ];
    assert_eq!(
        play_with(&files, Vec::new(), None, echo).outcome.failure,
        None
    );
    let files = [
        ("yes.utterances.txt", "UTT_YES\nyes\nsure\n"),
        ("main.convo.txt", "u\n#me\nno\n#bot\nUTT_YES\n"),
    ];
    let played = play_with(&files, Vec::new(), None, echo);
    assert_eq!(
        failure(&played).message,
        "bot response \"no\" expected to match \"yes\" or \"sure\""
    );
}

/// `steps` run with skill 1 up to the bot's "Transferring you." (a
/// DELAY after `human`): the run, and when it began.
fn transferring(steps: &[Step]) -> (Run<'_>, Instant) {
    let start = Instant::now();
    let mut run = Run::new(steps, TIMEOUT, start);
    run.skill("1");
    assert_eq!(run.poll(start), Action::Publish("human".to_owned()));
    run.sent(start, start);
    run.agent_message(text("Transferring you."), start + DELAY);
    (run, start)
}

#[test]
fn an_expected_skill_may_come_after_the_message_within_the_bot_timeout() {
    let planned = plan(&sources(&[(
        "main.convo.txt",
        "t\n#me\nhuman\n#bot\nTransferring*\nCHECKLIVEPERSONSKILL 7\n#end\nCHECKLIVEPERSONSKILL 7\n",
    )]));
    let steps = planned[0].steps.as_ref().unwrap();
    let (mut run, start) = transferring(steps);
    let later = start + 2 * DELAY;
    assert_eq!(run.poll(later), Action::Wait(Some(later + TIMEOUT)));
    run.skill("7");
    assert_eq!(run.poll(later + DELAY), Action::Done);
    assert_eq!(run.outcome().failure, None);
    // Never: the step fails at the timeout, naming the skill it has.
    let mut run = Run::new(steps, TIMEOUT, start);
    run.skill("1");
    run.poll(start);
    run.sent(start, start);
    run.agent_message(text("Transferring you."), start);
    assert_eq!(run.poll(start), Action::Wait(Some(start + TIMEOUT)));
    assert_eq!(run.poll(start + TIMEOUT), Action::Done);
    let failure = run.outcome().failure.clone().expect("a failure");
    assert_eq!((failure.step, failure.received.as_deref()), (2, Some("1")));
}

#[test]
fn a_text_line_that_looks_like_a_misspelled_asserter_is_text_and_the_failure_names_it() {
    for (line, hint) in [
        ("BUTONS Yes|No", Some("BUTTONS")),
        ("BUTTTONS Yes|No", Some("BUTTONS")),
        ("buttons Yes|No", Some("BUTTONS")),
        ("!CARD hotels", Some("CARDS")),
        ("Yes or No", None),
    ] {
        let played = play(&format!("t\n#me\nhello\n#bot\nhello\n{line}\n"));
        let failure = failure(&played);
        assert_eq!(
            failure.expected.as_deref(),
            Some(format!("hello\n{line}").as_str())
        );
        let named = failure.message.split(" (did you mean ").nth(1);
        let wanted = hint.map(|name| format!("{name}?)"));
        assert_eq!(named, wanted.as_deref(), "{line}: {}", failure.message);
    }
}
