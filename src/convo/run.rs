//! One convo played as Botium's `Convo.Run` plays it, without a socket or a
//! clock: the driver feeds it the agent's messages, the conversation's
//! skill, "sent" acknowledgements and the time, and asks it what to do next
//! (`poll`): publish a text, click a button, wait, or stop with a verdict.
//!
//! The agent's messages queue in order of arrival; each `#bot` step takes
//! the oldest one not yet taken (waiting up to the bot timeout for one), so
//! replies to several `#me` steps in a row are matched in order.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::matcher::{normalize, wildcard};
use super::parse::{AsserterKind, Hook, Sender, Step, misspelled_asserter};

/// A message from the agent, as the executor sees it. Typing indicators and
/// other events are not messages.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct AgentMessage {
    pub(crate) text: String,
    /// Quick replies and card buttons, in order.
    pub(crate) buttons: Vec<Button>,
    /// The texts of structured content (cards).
    pub(crate) cards: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Button {
    pub(crate) title: String,
    /// What a click sends besides the title (e.g. its published text).
    pub(crate) payload: Option<String>,
}

impl AgentMessage {
    fn is_empty(&self) -> bool {
        self.text.trim().is_empty() && self.buttons.is_empty() && self.cards.is_empty()
    }

    /// One line for the transcript.
    fn show(&self) -> String {
        let mut parts = Vec::new();
        if !self.text.is_empty() {
            parts.push(self.text.clone());
        }
        if !self.buttons.is_empty() {
            let titles: Vec<&str> = self.buttons.iter().map(|b| b.title.as_str()).collect();
            parts.push(format!("[{}]", titles.join(" | ")));
        }
        if !self.cards.is_empty() {
            parts.push(format!("(cards: {})", self.cards.join(" | ")));
        }
        parts.join(" ")
    }
}

/// What the driver does next.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Action {
    /// Publish this text, then call `sent`.
    Publish(String),
    /// Click the button of this title on the latest agent message that
    /// offers buttons, then call `sent`.
    Click(String),
    /// Wait for an input, or until this time (then `poll` again).
    Wait(Option<Instant>),
    /// The convo is over: read `outcome`.
    Done,
}

/// Why a convo failed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure {
    /// 1-based index of the failing section in its file.
    pub(crate) step: usize,
    /// The line of the section's tag.
    pub(crate) line: usize,
    /// The section's tag (`#bot`, ...).
    pub(crate) sender: &'static str,
    /// The partial convos the section came through, outermost first.
    pub(crate) partial: Vec<String>,
    pub(crate) message: String,
    pub(crate) expected: Option<String>,
    pub(crate) received: Option<String>,
}

/// The reply latency of one `#bot` step.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Latency {
    pub(crate) step: usize,
    /// The partial convos the step came through, outermost first: its
    /// `step` counts in the innermost one's file.
    pub(crate) partial: Vec<String>,
    /// From the moment our latest message before the reply went out to the
    /// reply's arrival: never a pause of ours, nor the wait for the
    /// service's acknowledgement. (Botium's transcript times something
    /// else: a `#bot` step's own wait, `botBegin` to `botEnd`, from after
    /// its `WAITFORBOT` to the message taken from the queue, so a reply
    /// that came during a `#me` step's `PAUSE` counts as nothing there.)
    pub(crate) reply: Duration,
}

/// How a convo went.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Outcome {
    pub(crate) failure: Option<Failure>,
    /// `#me ...` and `#bot ...` lines, in order.
    pub(crate) transcript: Vec<String>,
    pub(crate) latencies: Vec<Latency>,
}

/// A message as it arrived.
#[derive(Debug, Clone)]
struct Received {
    message: AgentMessage,
    at: Instant,
    /// Our latest publish before it arrived (or the convo's start).
    since: Instant,
}

/// Where the current step is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Stage {
    Start,
    /// The hooks that run before the step acts, together: `WAITFORBOT`,
    /// until more than `mark` messages have arrived or `until`, and in
    /// `#begin` and `#end` their `PAUSE`, until `paused`.
    Preparing {
        mark: usize,
        until: Instant,
        paused: Instant,
    },
    /// Our message is out; waiting for `sent`.
    Sending,
    /// A `#bot` step waiting for a message until this time.
    AwaitingReply {
        until: Instant,
    },
    /// The `PAUSE` of a `#me` or `#bot` step, after it.
    Pausing {
        until: Instant,
    },
    /// `CHECKLIVEPERSONSKILL`: the conversation's metadata may come after
    /// the message that announced the transfer, so the skill has until
    /// this time to become the one expected.
    AwaitingSkill {
        until: Instant,
    },
}

/// One convo being played.
pub(crate) struct Run<'a> {
    steps: &'a [Step],
    bot_timeout: Duration,
    at: usize,
    stage: Stage,
    queue: VecDeque<Received>,
    arrived: usize,
    /// The latest message offering buttons, for `BUTTON` clicks.
    latest_with_buttons: Option<AgentMessage>,
    /// A message an optional step did not match, kept for the next `#bot`.
    held: Option<Received>,
    /// An optional step failed on the held message (Botium then reports an
    /// unexpected message if the next step fails on it too).
    optional_mismatch: bool,
    /// An optional step timed out: optional steps right after it are skipped.
    skip_optional: bool,
    /// The conversation closed with nothing more to come.
    closed: bool,
    last_publish: Instant,
    skill: Option<String>,
    outcome: Outcome,
    done: bool,
}

impl<'a> Run<'a> {
    pub(crate) fn new(steps: &'a [Step], bot_timeout: Duration, now: Instant) -> Self {
        Self {
            steps,
            bot_timeout,
            at: 0,
            stage: Stage::Start,
            queue: VecDeque::new(),
            arrived: 0,
            latest_with_buttons: None,
            held: None,
            optional_mismatch: false,
            skip_optional: false,
            closed: false,
            last_publish: now,
            skill: None,
            outcome: Outcome::default(),
            done: false,
        }
    }

    /// An agent message arrived.
    pub(crate) fn agent_message(&mut self, message: AgentMessage, now: Instant) {
        if !message.buttons.is_empty() {
            self.latest_with_buttons = Some(message.clone());
        }
        self.arrived += 1;
        self.queue.push_back(Received {
            message,
            at: now,
            since: self.last_publish,
        });
    }

    /// The conversation's skill is now this one.
    pub(crate) fn skill(&mut self, skill: &str) {
        self.skill = Some(skill.to_owned());
    }

    /// The message asked for by `Publish` or `Click` went out at
    /// `published`, and by `now` the service has acknowledged it.
    pub(crate) fn sent(&mut self, published: Instant, now: Instant) {
        if self.stage == Stage::Sending {
            // A bot may answer before the acknowledgement comes: what arrived
            // since `published` answers this message, not the one before
            // (whose step's pause it would otherwise be charged).
            for received in self.queue.iter_mut().filter(|r| r.at >= published) {
                received.since = published;
            }
            self.last_publish = published;
            // Botium pauses once its UserSays is done: acknowledged.
            self.after_step(now);
        }
    }

    /// The conversation closed and all it said has arrived: a `#bot` step
    /// whose wait is then cut short fails saying why.
    pub(crate) fn conversation_closed(&mut self) {
        self.closed = true;
    }

    /// The conversation ended while the convo wanted to send more: the
    /// step that would have sent fails.
    pub(crate) fn conversation_over(&mut self) {
        if let Some(step) = self.steps.get(self.at) {
            let message = "the conversation is closed: nothing more can be sent".to_owned();
            self.fail(step, Mismatch::new(message, step.text.clone(), None));
        }
    }

    /// The outcome so far (complete once `poll` said `Done`).
    pub(crate) fn outcome(&self) -> &Outcome {
        &self.outcome
    }

    /// What to do next.
    pub(crate) fn poll(&mut self, now: Instant) -> Action {
        loop {
            if self.done {
                return Action::Done;
            }
            let steps = self.steps;
            let Some(step) = steps.get(self.at) else {
                self.done = true;
                return Action::Done;
            };
            match self.stage {
                Stage::Start => {
                    if !step.optional {
                        self.skip_optional = false;
                    } else if self.skip_optional {
                        self.next();
                        continue;
                    }
                    if let Some(action) = self.start(step, now) {
                        return action;
                    }
                }
                Stage::Preparing {
                    mark,
                    until,
                    paused,
                } => {
                    let waiting = self.arrived <= mark && now < until;
                    if waiting || now < paused {
                        return Action::Wait(Some(if waiting { until } else { paused }));
                    }
                    if let Some(action) = self.act(step, now) {
                        return action;
                    }
                }
                Stage::Sending => return Action::Wait(None),
                Stage::AwaitingReply { until } => {
                    if let Some(received) = self.queue.pop_front() {
                        self.check(step, received, now);
                    } else if now >= until {
                        self.timed_out(step);
                    } else {
                        return Action::Wait(Some(until));
                    }
                }
                Stage::Pausing { until } => {
                    if now < until {
                        return Action::Wait(Some(until));
                    }
                    self.next();
                }
                Stage::AwaitingSkill { until } => {
                    let wanted = expected_skill(step).unwrap_or_default();
                    match self.check_skill(false, wanted) {
                        Ok(()) => self.after_step(now),
                        Err(mismatch) if now >= until => self.fail(step, mismatch),
                        Err(_) => return Action::Wait(Some(until)),
                    }
                }
            }
        }
    }

    fn next(&mut self) {
        self.at += 1;
        self.stage = Stage::Start;
    }

    /// A step begins: `WAITFORBOT` first where Botium runs it (at the
    /// convo's begin and end, and before a `#bot` step waits), and there
    /// too `#begin`'s and `#end`'s `PAUSE`, before `#end`'s checks.
    fn start(&mut self, step: &Step, now: Instant) -> Option<Action> {
        let wait = step.hooks.iter().find_map(|hook| match hook {
            Hook::WaitForBot(ms) if step.sender != Sender::Me => Some(*ms),
            _ => None,
        });
        let pause = if pauses_first(step) {
            step_pause(step)
        } else {
            Duration::ZERO
        };
        if wait.is_some() || !pause.is_zero() {
            let span = wait.map_or(Duration::ZERO, |ms| {
                ms.map_or(self.bot_timeout, Duration::from_millis)
            });
            self.stage = Stage::Preparing {
                mark: self.arrived,
                until: now + span,
                paused: now + pause,
            };
            return None;
        }
        self.act(step, now)
    }

    fn act(&mut self, step: &Step, now: Instant) -> Option<Action> {
        match step.sender {
            Sender::Begin | Sender::Include => self.after_step(now),
            Sender::End => match self.assert_now(step, None) {
                Ok(()) => self.passed(step, now),
                Err(mismatch) => self.fail(step, mismatch),
            },
            Sender::Me => {
                if let Some(wanted) = &step.button {
                    return self.click(step, wanted);
                }
                match &step.text {
                    Some(text) => {
                        self.outcome.transcript.push(format!("#me {text}"));
                        self.stage = Stage::Sending;
                        return Some(Action::Publish(text.clone()));
                    }
                    None => self.after_step(now),
                }
            }
            Sender::Bot => match self.held.take() {
                Some(received) => self.check(step, received, now),
                None => {
                    self.stage = Stage::AwaitingReply {
                        until: now + self.bot_timeout,
                    };
                }
            },
        }
        None
    }

    /// `BUTTON`: the first button of the latest message offering buttons
    /// whose title or payload is one of the arguments.
    fn click(&mut self, step: &Step, wanted: &[String]) -> Option<Action> {
        let Some(offer) = &self.latest_with_buttons else {
            self.fail(
                step,
                Mismatch::new(
                    format!("no agent message offers a button to click ({})", wanted[0]),
                    Some(wanted[0].clone()),
                    None,
                ),
            );
            return None;
        };
        let same = |a: &str, b: &str| normalize(a).to_lowercase() == normalize(b).to_lowercase();
        let found = offer.buttons.iter().find(|button| {
            wanted.iter().any(|w| {
                same(&button.title, w) || button.payload.as_deref().is_some_and(|p| same(p, w))
            })
        });
        match found {
            Some(button) => {
                let title = button.title.clone();
                self.outcome.transcript.push(format!("#me BUTTON {title}"));
                self.stage = Stage::Sending;
                Some(Action::Click(title))
            }
            None => {
                let offered: Vec<&str> = offer.buttons.iter().map(|b| b.title.as_str()).collect();
                let offered = offered.join(" | ");
                self.fail(
                    step,
                    Mismatch::new(
                        format!("no button \"{}\" among the offered: {offered}", wanted[0]),
                        Some(wanted[0].clone()),
                        Some(offered),
                    ),
                );
                None
            }
        }
    }

    /// A step succeeded: the `PAUSE` of a `#me` or `#bot` step, then the
    /// next step.
    fn after_step(&mut self, now: Instant) {
        let step = &self.steps[self.at];
        let pause = step_pause(step);
        if pause.is_zero() || pauses_first(step) {
            self.next();
        } else {
            self.stage = Stage::Pausing { until: now + pause };
        }
    }

    fn timed_out(&mut self, step: &Step) {
        if step.optional {
            self.skip_optional = true;
            self.next();
            return;
        }
        self.fail(
            step,
            Mismatch::new(
                if self.closed {
                    "the conversation closed before the bot responded".to_owned()
                } else {
                    format!(
                        "the bot did not respond within {} s",
                        self.bot_timeout.as_secs_f64()
                    )
                },
                step.text.clone(),
                None,
            ),
        );
    }

    /// A `#bot` step against a message.
    fn check(&mut self, step: &Step, received: Received, now: Instant) {
        let message = &received.message;
        self.outcome
            .transcript
            .push(format!("#bot {}", message.show()));
        self.outcome.latencies.push(Latency {
            step: step.section,
            partial: step.partial.clone(),
            reply: received.at.saturating_duration_since(received.since),
        });
        if message.is_empty() {
            self.fail(
                step,
                Mismatch::new(
                    "the bot says nothing (a message with neither text nor buttons)".to_owned(),
                    step.text.clone(),
                    Some(message.text.clone()),
                ),
            );
            return;
        }
        match self.assert_now(step, Some(message)) {
            Ok(()) => {
                self.optional_mismatch = false;
                self.passed(step, now);
            }
            Err(_) if step.optional && self.next_is_bot() => {
                self.held = Some(received);
                self.optional_mismatch = true;
                self.next();
            }
            Err(mismatch) if self.optional_mismatch => {
                self.optional_mismatch = false;
                let text = received.message.text;
                let message = format!(
                    "unexpected message: \"{text}\" matched neither the optional steps before nor this one"
                );
                self.fail(step, Mismatch::new(message, mismatch.expected, Some(text)));
            }
            Err(mismatch) => self.fail(step, mismatch),
        }
    }

    fn next_is_bot(&self) -> bool {
        self.steps
            .get(self.at + 1)
            .is_some_and(|next| next.sender == Sender::Bot)
    }

    /// The checks passed but for an expected skill, which may still come.
    fn passed(&mut self, step: &Step, now: Instant) {
        match expected_skill(step) {
            Some(wanted) if self.check_skill(false, wanted).is_err() => {
                self.stage = Stage::AwaitingSkill {
                    until: now + self.bot_timeout,
                };
            }
            _ => self.after_step(now),
        }
    }

    /// The text, then the asserters, as Botium checks them (a message's
    /// for `#bot`, none for `#end`), all but an expected skill.
    fn assert_now(&self, step: &Step, message: Option<&AgentMessage>) -> Result<(), Mismatch> {
        let Some(message) = message else {
            return self.assert_asserters(step, &AgentMessage::default());
        };
        if let Some(expected) = step.text.as_deref().filter(|t| !t.is_empty()) {
            let received = normalize(&message.text);
            let patterns: Vec<String> = if step.alternatives.is_empty() {
                vec![normalize(expected)]
            } else {
                step.alternatives.iter().map(|a| normalize(a)).collect()
            };
            let mut matched = false;
            for pattern in &patterns {
                matched |= wildcard(&received, pattern).map_err(|error| {
                    Mismatch::new(error, Some(expected.to_owned()), Some(message.text.clone()))
                })?;
            }
            if matched == step.not {
                let verb = if step.not {
                    "expected not to match"
                } else {
                    "expected to match"
                };
                let hint = misspelled_asserter(expected)
                    .map_or_else(String::new, |name| format!(" (did you mean {name}?)"));
                return Err(Mismatch::new(
                    format!(
                        "bot response \"{received}\" {verb} \"{}\"{hint}",
                        patterns.join("\" or \"")
                    ),
                    Some(expected.to_owned()),
                    Some(message.text.clone()),
                ));
            }
        }
        self.assert_asserters(step, message)
    }

    fn assert_asserters(&self, step: &Step, message: &AgentMessage) -> Result<(), Mismatch> {
        for asserter in &step.asserters {
            match asserter.kind {
                AsserterKind::Buttons => {
                    let offered: Vec<(String, Option<String>)> = message
                        .buttons
                        .iter()
                        .map(|b| (normalize(&b.title), b.payload.as_deref().map(normalize)))
                        .collect();
                    let titles: Vec<&str> = offered.iter().map(|(t, _)| t.as_str()).collect();
                    check_set(
                        "button",
                        asserter.not,
                        &asserter.args,
                        &titles.join(" | "),
                        |pattern| {
                            offered.iter().any(|(title, payload)| {
                                matches(title, pattern)
                                    || payload.as_deref().is_some_and(|p| matches(p, pattern))
                            })
                        },
                        offered.len(),
                    )?;
                }
                AsserterKind::Cards => {
                    let cards: Vec<String> = message.cards.iter().map(|c| normalize(c)).collect();
                    check_set(
                        "card",
                        asserter.not,
                        &asserter.args,
                        &cards.join(" | "),
                        |pattern| cards.iter().any(|card| matches(card, pattern)),
                        cards.len(),
                    )?;
                }
                AsserterKind::Skill if asserter.not => self.check_skill(true, &asserter.args[0])?,
                AsserterKind::Skill => {}
            }
        }
        Ok(())
    }

    fn check_skill(&self, not: bool, wanted: &str) -> Result<(), Mismatch> {
        let current = self.skill.as_deref().unwrap_or_default();
        if (current == wanted.trim()) == not {
            let verb = if not { "not to be" } else { "to be" };
            let found = match &self.skill {
                Some(skill) => format!("it is \"{skill}\""),
                // Not the bot's doing: nothing told the skill.
                None => "but the conversation's metadata never came".to_owned(),
            };
            return Err(Mismatch::new(
                format!("expected the conversation's skill {verb} {wanted}, {found}"),
                Some(wanted.to_owned()),
                Some(current.to_owned()),
            ));
        }
        Ok(())
    }

    fn fail(&mut self, step: &Step, mismatch: Mismatch) {
        self.outcome.failure = Some(Failure {
            step: step.section,
            line: step.line,
            sender: step.sender.tag(),
            partial: step.partial.clone(),
            message: mismatch.message,
            expected: mismatch.expected,
            received: mismatch.received,
        });
        self.done = true;
    }
}

/// The skill a step expects (`CHECKLIVEPERSONSKILL` without `!`).
fn expected_skill(step: &Step) -> Option<&str> {
    step.asserters
        .iter()
        .find(|a| a.kind == AsserterKind::Skill && !a.not)
        .map(|a| a.args[0].as_str())
}

/// How long a step's `PAUSE` waits: Botium runs a step's logic hooks
/// together (`Promise.all`), so two pauses wait as long as the longer one.
fn step_pause(step: &Step) -> Duration {
    let longest = step.hooks.iter().map(|hook| match hook {
        Hook::Pause(ms) => *ms,
        Hook::WaitForBot(_) => 0,
    });
    Duration::from_millis(longest.max().unwrap_or(0))
}

/// Whether a step's `PAUSE` runs before it acts, with its `WAITFORBOT`
/// (Botium's `onConvoBegin` and `onConvoEnd`, before `#end`'s checks),
/// rather than after it (`onMeEnd` once the message is sent, `onBotEnd`
/// once the reply passed its checks).
fn pauses_first(step: &Step) -> bool {
    matches!(step.sender, Sender::Begin | Sender::End)
}

/// Botium's match of one element (a button title, a card text) against an
/// asserter's argument; an argument with too many wildcards never matches.
fn matches(element: &str, pattern: &str) -> bool {
    wildcard(element, &normalize(pattern)).unwrap_or(false)
}

/// `BUTTONS` and `CARDS`: every argument found (none with `!`); without
/// arguments, at least one element (none with `!`).
fn check_set(
    what: &str,
    not: bool,
    args: &[String],
    offered: &str,
    found: impl Fn(&str) -> bool,
    count: usize,
) -> Result<(), Mismatch> {
    let expected = Some(args.join("|"));
    let received = Some(offered.to_owned());
    if args.is_empty() {
        if (count > 0) == not {
            let message = if not {
                format!("expected no {what}s, got: {offered}")
            } else {
                format!("expected some {what}s, got none")
            };
            return Err(Mismatch::new(message, expected, received));
        }
        return Ok(());
    }
    let (hits, misses): (Vec<&String>, Vec<&String>) = args.iter().partition(|arg| found(arg));
    let wrong = if not { hits } else { misses };
    if !wrong.is_empty() {
        let wrong: Vec<&str> = wrong.iter().map(|s| s.as_str()).collect();
        let verb = if not { "not expected" } else { "expected" };
        return Err(Mismatch::new(
            format!(
                "{verb} {what}(s) \"{}\", offered: {offered}",
                wrong.join("\", \"")
            ),
            expected,
            received,
        ));
    }
    Ok(())
}

/// A failed check, before it is tied to its step.
#[derive(Debug)]
struct Mismatch {
    message: String,
    expected: Option<String>,
    received: Option<String>,
}

impl Mismatch {
    fn new(message: String, expected: Option<String>, received: Option<String>) -> Self {
        Self {
            message,
            expected,
            received,
        }
    }
}
