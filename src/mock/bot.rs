//! lp-mock's bot: a scripted agent, assigned to every conversation, whose
//! behaviour comes from a JSON rules file (`lp-mock --bot FILE`,
//! `MockConfig::bot`), for testing a client (or a bot script) against
//! replies, quick replies, cards and other structured content, typing,
//! transfers, closes and a post-conversation survey.
//!
//! # The rules file
//!
//! ```json
//! {"rules": [
//!    {"when": ["hi", "hello"], "reply": [{"typing": 0.3}, {"text": "Hello!"}]},
//!    {"when": "menu", "reply": [{"text": "Do you want a card?", "quickReplies": [
//!        {"title": "Yes", "metadata": [{"type": "ExternalId", "id": "menu-yes"}]},
//!        {"title": "No"}]}]},
//!    {"when": "yes", "reply": [{"card": {"title": "Our plans", "buttons": [
//!        {"title": "Basic", "text": "basic plan"},
//!        {"title": "Website", "link": "https://example.com/plans"}]}}]},
//!    {"when": "human", "reply": [{"text": "Transferring you."}, {"transfer": "human-skill"}]},
//!    {"when": "bye", "reply": [{"close": {"survey": [{"text": "How did we do?"}]}}]},
//!    {"when": "*", "reply": [{"delay": 0.1}, {"text": "Sorry, I did not get that."}]}],
//!  "survey": [{"text": "Did we solve your problem?"}]}
//! ```
//!
//! - `rules` are tried in order against each plain-text message (a
//!   ContentEvent whose `contentType` is `text/plain` or left out; a
//!   click's text is one) the consumer publishes in the MAIN dialog; the
//!   first that matches runs its `reply`, in order. No match, or
//!   `"reply": []`: the bot says nothing.
//! - `when` is a phrase or a list of phrases (any one matches). The
//!   message and the phrase are cut into words (runs of letters and
//!   digits, compared case-insensitively), and the phrase matches when its
//!   words appear in the message side by side and in order: `"hi"`
//!   matches "Hi there!" but not "this" or "high"; `"talk to a human"`
//!   matches "Can I talk to a human?". `"*"` matches any message.
//! - Each reply is an object of one kind:
//!   - `{"text": T}`: a ContentEvent from the agent,
//!     `{"type":"ContentEvent","contentType":"text/plain","message":T}`.
//!   - `{"text": T, "quickReplies": [BUTTON...], "itemsPerRow": N}`: the
//!     same with `"quickReplies":{"type":"quickReplies","itemsPerRow":N,
//!     "replies":[{"type":"button","title":TITLE,"click":{"actions":
//!     [{"type":"publishText","text":TEXT}],"metadata":[...]}}]}`;
//!     `itemsPerRow` defaults to the number of buttons (at most 8).
//!   - `{"card": {"title": T, "text": S, "buttons": [BUTTON...]}}`: a
//!     RichContentEvent whose structured content is in `message` (the
//!     schema's member; some of LivePerson's docs say `content`):
//!     `{"type":"vertical","elements":[{"type":"text","text":T,"style":
//!     {"bold":true}}, {"type":"text","text":S}, BUTTON...]}`. A button
//!     with a `link` has the action `{"type":"link","name":TITLE,"uri":
//!     LINK}` instead of `publishText`.
//!   - `{"rich": CONTENT}`: a RichContentEvent whose `message` is CONTENT
//!     as written, any structured content LivePerson documents (an object
//!     with a `type`: a carousel, a multiple checklist, a date picker...).
//!   - `{"typing": SECS}`: a ChatStateEvent COMPOSING from the agent, the
//!     wait, then ChatStateEvent ACTIVE (typing stopped). Chat states
//!     carry no `sequence` and no `serverTimestamp`, and are not stored.
//!   - `{"delay": SECS}`: the wait alone.
//!   - `{"transfer": SKILL}`: the conversation moves to the skill and the
//!     agent leaves it: cqm subscribers get an UPSERT with the new
//!     `skillId` and without the ASSIGNED_AGENT participant. The bot says
//!     nothing more in that conversation.
//!   - `{"close": true}`: the agent closes the conversation (an UPSERT
//!     with `state` and `stage` CLOSE).
//!   - `{"close": {"survey": [QUESTION...]}}`: the MAIN dialog closes and
//!     a POST_SURVEY dialog opens (an UPSERT with `state` CLOSE, `stage`
//!     OPEN and both `dialogs`), if the consumer's latest connection to
//!     use the conversation advertised `MULTI_DIALOG` in its
//!     Client-Properties `features`; for other consumers, a plain close.
//!
//!   A BUTTON is `{"title": TITLE, "text": TEXT, "metadata": [...]}`:
//!   clicked, it publishes TEXT (the title when left out); `metadata` is
//!   a list of objects with a `type`, such as `{"type": "ExternalId",
//!   "id": "menu-yes"}`, that a client sends back with the click. Nothing
//!   may follow a `transfer` or a `close` in a reply.
//! - `survey` (optional): the questions for a consumer who closes the MAIN
//!   dialog itself (`DialogChange`); without it, that closes the whole
//!   conversation.
//!
//! A survey's questions are `text` (quick replies too), `card` or `rich`
//! replies.
//! The survey bot (originatorId `lp-mock-survey-bot`, role AGENT) asks
//! them one by one in the POST_SURVEY dialog, whose sequences start at 0;
//! each plain-text message of the consumer there (a click's text too)
//! answers one and brings the next. After the last answer it says "Thank
//! you for your feedback." and the conversation closes (`stage` CLOSE, the
//! survey dialog CLOSE).
//!
//! # Timing
//!
//! Replies never run on a connection's thread: a message the bot hears
//! queues its reply's steps for the conversation, and one bot thread
//! carries out every conversation's steps in order, each conversation
//! waiting out its own delays (a reply's first delay counts from the
//! message it answers). A step for a dialog that has closed (or whose
//! agent has left) is dropped. Lock order: the store, then the
//! bot's queues; the bot thread takes the store only without the queues.

mod rules;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::state::Store;
use super::{Shared, lock};
use rules::{Action, Content, Survey};
pub use rules::{BotRules, RulesError};

/// What the survey bot says after the last answer.
const SURVEY_THANKS: &str = "Thank you for your feedback.";

pub(crate) struct Bot {
    rules: BotRules,
    thanks: Arc<Content>,
    queues: Mutex<Queues>,
    /// Signalled when steps are queued, and when the server stops.
    work: Condvar,
    /// Signalled when the bot thread has carried out a step.
    progress: Condvar,
}

#[derive(Default)]
struct Queues {
    conversations: HashMap<String, Pending>,
}

/// A conversation's steps to come, and its survey.
struct Pending {
    steps: VecDeque<Step>,
    /// When the first step may run (after a wait).
    ready_at: Instant,
    survey: Option<SurveyRun>,
    /// The bot thread is carrying out a step of it that it took.
    under_way: bool,
}

struct SurveyRun {
    dialog: String,
    survey: Arc<Survey>,
    /// Questions asked so far.
    asked: usize,
}

/// An action for one dialog: the MAIN one (whose id is the
/// conversation's), where the agent speaks, or a survey's.
struct Step {
    dialog: String,
    action: Action,
}

impl Queues {
    fn pending(&mut self, conversation: &str) -> &mut Pending {
        self.conversations
            .entry(conversation.to_owned())
            .or_insert_with(|| Pending {
                steps: VecDeque::new(),
                ready_at: Instant::now(),
                survey: None,
                under_way: false,
            })
    }
}

impl Bot {
    pub(crate) fn new(rules: BotRules) -> Bot {
        Bot {
            rules,
            thanks: Arc::new(rules::text_content(SURVEY_THANKS)),
            queues: Mutex::new(Queues::default()),
            work: Condvar::new(),
            progress: Condvar::new(),
        }
    }

    /// The survey for a consumer who closes the MAIN dialog.
    pub(crate) fn survey(&self) -> Option<&Arc<Survey>> {
        self.rules.survey()
    }

    /// The consumer said `text` in a dialog: queues the matching rule's
    /// reply (MAIN dialog) or the next survey question (survey dialog).
    /// Called under the store's lock, right after the message was stored.
    pub(crate) fn heard(&self, store: &Store, dialog: &str, text: &str) {
        let Some(conversation) = store.conversation_of(dialog) else {
            return;
        };
        let mut queues = lock(&self.queues);
        let pending = queues.pending(conversation);
        let actions = if dialog == conversation {
            match self.rules.reply_to(text) {
                Some(reply) if store.agent_assigned(conversation) => reply.to_vec(),
                _ => return,
            }
        } else {
            match self.survey_answered(pending, dialog) {
                Some(actions) => actions,
                None => return,
            }
        };
        let mut actions = actions.into_iter().peekable();
        // With nothing before them, the reply's first waits start now, as
        // if the bot thread had carried them out at once: a delay counts
        // from the message, however busy that thread is.
        if pending.steps.is_empty() && !pending.under_way {
            let mut ready_at = pending.ready_at.max(Instant::now());
            while let Some(Action::Wait(duration)) = actions.peek() {
                ready_at += *duration;
                actions.next();
            }
            pending.ready_at = ready_at;
        }
        pending.steps.extend(actions.map(|action| Step {
            dialog: dialog.to_owned(),
            action,
        }));
        self.work.notify_all();
    }

    /// What follows an answer in the survey dialog: the next question, or
    /// the thanks and the close; None if the dialog is not this
    /// conversation's survey or the survey is over.
    fn survey_answered(&self, pending: &mut Pending, dialog: &str) -> Option<Vec<Action>> {
        let run = pending.survey.as_mut().filter(|run| run.dialog == dialog)?;
        let questions = &run.survey.questions;
        let next = match questions.get(run.asked) {
            Some(question) => vec![Action::Say(Arc::clone(question))],
            None if run.asked == questions.len() => {
                vec![Action::Say(Arc::clone(&self.thanks)), Action::Close(None)]
            }
            None => return None,
        };
        run.asked += 1;
        Some(next)
    }

    /// A survey dialog opened: its first question goes first.
    pub(crate) fn start_survey(&self, conversation: &str, dialog: String, survey: &Arc<Survey>) {
        let mut queues = lock(&self.queues);
        let pending = queues.pending(conversation);
        pending.steps.push_front(Step {
            dialog: dialog.clone(),
            action: Action::Say(Arc::clone(&survey.questions[0])),
        });
        pending.survey = Some(SurveyRun {
            dialog,
            survey: Arc::clone(survey),
            asked: 1,
        });
        // The MAIN dialog's pending wait, if any, no longer matters.
        pending.ready_at = Instant::now();
        self.work.notify_all();
    }

    /// Drops the conversation's steps that can no longer run, after a
    /// change to it by someone else than the bot (a close, say): a reply
    /// waiting out a delay is not sent, and nothing waits for it.
    pub(crate) fn drop_dead_steps(&self, store: &Store, conversation: &str) {
        let mut queues = lock(&self.queues);
        let Some(pending) = queues.conversations.get_mut(conversation) else {
            return;
        };
        let live = |step: &Step| live(store, conversation, &step.dialog);
        // A wait under way belongs to the first step's reply.
        if pending.steps.front().is_some_and(|step| !live(step)) {
            pending.ready_at = Instant::now();
        }
        pending.steps.retain(live);
        self.progress.notify_all();
    }

    /// Wakes the bot thread, to see the server's stop.
    pub(crate) fn wake(&self) {
        let _queues = lock(&self.queues);
        self.work.notify_all();
    }

    /// Waits until no step is queued or under way; false on timeout.
    pub(crate) fn wait_idle(&self, timeout: Duration) -> bool {
        let (_queues, waited) = self
            .progress
            .wait_timeout_while(lock(&self.queues), timeout, |queues| {
                queues
                    .conversations
                    .values()
                    .any(|p| p.under_way || !p.steps.is_empty())
            })
            .unwrap_or_else(PoisonError::into_inner);
        !waited.timed_out()
    }

    /// The next step that is due, with its conversation, once there is
    /// one; None when the server stops.
    fn next_step(&self, shared: &Shared) -> Option<(String, Step)> {
        let mut queues = lock(&self.queues);
        loop {
            if shared.stopping() {
                return None;
            }
            let due = queues
                .conversations
                .iter()
                .filter(|(_, pending)| !pending.steps.is_empty())
                .min_by_key(|(_, pending)| pending.ready_at)
                .map(|(conversation, pending)| (conversation.clone(), pending.ready_at));
            let now = Instant::now();
            queues = match due {
                None => self
                    .work
                    .wait(queues)
                    .unwrap_or_else(PoisonError::into_inner),
                Some((_, ready_at)) if ready_at > now => {
                    self.work
                        .wait_timeout(queues, ready_at - now)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
                Some((conversation, _)) => {
                    let pending = queues.pending(&conversation);
                    if let Some(step) = pending.steps.pop_front() {
                        pending.under_way = true;
                        return Some((conversation, step));
                    }
                    queues
                }
            };
        }
    }

    /// Carries out a step, under the store's lock.
    fn execute(&self, shared: &Shared, store: &mut Store, conversation: &str, step: Step) {
        if !live(store, conversation, &step.dialog) {
            return;
        }
        let main = step.dialog == conversation;
        // Refusals cannot happen to a live step; there is no one to tell.
        match step.action {
            Action::Say(content) => {
                let by = if main {
                    shared.agent()
                } else {
                    shared.survey_bot()
                };
                let _ = store.publish(&step.dialog, &by, content.event_type, &content.event);
            }
            Action::Wait(duration) => {
                lock(&self.queues).pending(conversation).ready_at = Instant::now() + duration;
            }
            Action::Transfer(skill) => {
                let _ = store.transfer(conversation, &skill);
            }
            Action::Close(None) => {
                let _ = store.close(conversation);
            }
            Action::Close(Some(survey)) => {
                if let Ok(Some(dialog)) = store.close_dialog(conversation, conversation, true) {
                    self.start_survey(conversation, dialog, &survey);
                }
            }
        }
    }

    fn finish_step(&self, conversation: &str) {
        lock(&self.queues).pending(conversation).under_way = false;
        self.progress.notify_all();
    }
}

/// Whether the bot may still act in a dialog: it is open, and the agent
/// has not left the conversation if it is the MAIN one.
fn live(store: &Store, conversation: &str, dialog: &str) -> bool {
    store.dialog_open(dialog) && (dialog != conversation || store.agent_assigned(conversation))
}

/// The bot thread: carries out steps until the server stops.
pub(crate) fn run(shared: &Shared) {
    let Some(bot) = &shared.bot else {
        return;
    };
    while let Some((conversation, step)) = bot.next_step(shared) {
        bot.execute(shared, &mut shared.store(), &conversation, step);
        bot.finish_step(&conversation);
    }
}
