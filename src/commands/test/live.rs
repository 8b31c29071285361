//! One convo over a real connection: the conversation requested, the
//! engine and the chat state machine (as `chat` uses them: subscriptions,
//! clicks, surveys, closes) driven by the convo's executor, whose messages
//! and clicks become chat lines and to which the agent's messages, the
//! skill and the time are fed. The only part of `test` that touches a
//! socket.

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::Value;
use tungstenite::Utf8Bytes;
use tungstenite::http::HeaderValue;

use super::ramp::Turn;
use crate::chat::{self, Chat};
use crate::cli::{CreateArgs, Origin, ReconnectArgs};
use crate::commands::chat::{CLIENT_PROPERTIES, close_at_end, left_open, reopen};
use crate::config::ConnectionConfig;
use crate::connection::{Connection, Consumer, Wait, Watch, closed_midway};
use crate::convo::event;
use crate::convo::parse::Step;
use crate::convo::run::{Action, Outcome, Run};
use crate::engine::{self, Engine, Event};
use crate::exit::{self, Exit};
use crate::frames::{ConversationChange, Response, types};
use crate::output;
use crate::relink::Relink;

/// A convo played in its conversation: to its verdict, or as far as an
/// error let it (connection, token, refusal, a signal).
pub(crate) struct Played {
    pub(crate) conversation: String,
    pub(crate) outcome: Outcome,
    pub(crate) error: Option<anyhow::Error>,
}

/// Plays `steps` in a new conversation of `config`'s consumer, closed at
/// the end, and gives `turn` back once the conversation is open (a consumer
/// `signed_up` for the convo cannot close it later: a warning says so); a
/// refused token is renewed, and with `--reconnect` a failed link
/// reconnected, as in `chat`. Err: no conversation to play in.
pub(crate) fn play(
    turn: Turn,
    config: &mut ConnectionConfig,
    create: &CreateArgs,
    retry: &ReconnectArgs,
    steps: &[Step],
    bot_timeout: Duration,
    signed_up: bool,
) -> Result<Played> {
    config
        .client_properties
        .get_or_insert_with(|| HeaderValue::from_static(CLIENT_PROPERTIES));
    let config = &*config;
    let body = crate::commands::create::request_body(create)?;
    let consumer = config.token.claims.sub().to_owned();
    let mut relink = Relink::new(config, retry.reconnect, retry.max_retries);
    // A service that cannot be reached yet is retried as --reconnect says,
    // as a dropped connection is.
    let mut connection = relink.open().or_else(|err| relink.reopen(err, false))?;
    // The consumer is the convo's: no command of the user's can list it.
    let opened = crate::commands::create::open_resuming(
        &mut relink,
        &mut connection,
        create,
        body.as_ref(),
        false,
        "",
    )?;
    let conversation = opened.id()?;
    // Open: the next convo may connect.
    drop(turn);
    let mut engine = Engine::new(
        engine::Options::talk(
            conversation.clone(),
            consumer,
            Origin::Any,
            Vec::new(),
            config.network.timeout,
        ),
        None,
    );
    let mut chat = Chat::new(
        chat::Options {
            turns: false,
            settle: Duration::ZERO,
            reply_timeout: bot_timeout,
            answer_timeout: config.network.timeout,
            interactive: false,
        },
        &conversation,
    );
    let mut run = Run::new(steps, bot_timeout, Instant::now());
    let mut voice = Voice::default();
    let played = loop {
        let progress_before = engine.progress();
        let err = match (Live {
            engine: &mut engine,
            chat: &mut chat,
            run: &mut run,
            relink: &mut relink,
            voice: &mut voice,
        })
        .drive(&mut connection)
        {
            Ok(()) => break Ok(()),
            Err(err) => err,
        };
        match reopen(&mut relink, &mut engine, &mut chat, err, progress_before) {
            Ok(new) => connection = new,
            Err(err) => break Err(err),
        }
        // The new link is probed afresh.
        if let Some((_, probed)) = &mut voice.wait {
            *probed = false;
        }
    };
    // The conversation is not left in the next run's way, whatever happened.
    // Ctrl-C stops the tool, not the conversation (as in `chat`).
    let stopped = played.as_ref().is_err_and(|err| {
        matches!(
            exit::classify(err),
            exit::Outcome::Fail(Exit::Interrupted | Exit::Terminated)
        )
    });
    if chat.closed() {
        connection.finish();
    } else if stopped || !close_at_end(&relink, connection, &conversation) {
        let open = if signed_up {
            // Its token is gone with the convo: no command can reach it.
            format!(
                "conversation {conversation} is left open; its consumer was signed up for \
                 this convo alone, so only the service closes it, when it times out"
            )
        } else {
            left_open(&conversation)
        };
        output::say(&format!("warning: {open}"));
    }
    Ok(Played {
        conversation,
        outcome: run.outcome().clone(),
        error: played.err(),
    })
}

/// What the convo has said, across connections.
#[derive(Default)]
struct Voice {
    /// The instant our latest message went out, until the chat has its
    /// response (or finds it in the replay after a reconnection): the
    /// executor is told then.
    publishing: Option<Instant>,
    lines: u64,
    /// Where the executor's current wait ends, and whether a keep-alive
    /// went out when it did: a silent link looks like a silent bot.
    wait: Option<(Instant, bool)>,
}

/// The convo on one connection, as the pump feeds it: until the executor
/// is done.
struct Live<'a, 's, 'c> {
    engine: &'a mut Engine,
    chat: &'a mut Chat,
    run: &'a mut Run<'s>,
    /// Learns that the service answers on this connection, so that a token
    /// that expires later is renewed again.
    relink: &'a mut Relink<'c>,
    voice: &'a mut Voice,
}

impl Live<'_, '_, '_> {
    fn drive(&mut self, connection: &mut Connection) -> Result<()> {
        self.engine.start(&mut LiveIo {
            connection: &mut *connection,
            chat: &mut *self.chat,
            run: &mut *self.run,
        })?;
        connection.pump(self)
    }

    /// Sends a chat line at `now`.
    fn say(&mut self, connection: &mut Connection, now: Instant, line: &str) -> Result<()> {
        self.voice.lines += 1;
        self.voice.publishing = Some(now);
        self.chat
            .line(&mut Sender(connection), self.voice.lines, line)
    }
}

impl Consumer for Live<'_, '_, '_> {
    type Output = ();

    fn frame(&mut self, connection: &mut Connection, frame: Utf8Bytes) -> Result<ControlFlow<()>> {
        self.relink.accepted();
        let mut io = LiveIo {
            connection,
            chat: &mut *self.chat,
            run: &mut *self.run,
        };
        self.engine.on_frame(&frame, &mut io)?;
        Ok(ControlFlow::Continue(()))
    }

    fn drained(
        &mut self,
        connection: &mut Connection,
    ) -> Result<ControlFlow<(), Option<Wait<'_>>>> {
        let now = Instant::now();
        self.engine.on_tick(now)?;
        // After a reconnection: a message whose response was lost is sent
        // again once the replay shows the conversation lacks it.
        self.chat.resume(&mut Sender(connection))?;
        // Once the conversation is over nothing more can come: the
        // executor's waits end at once, and a message whose response the
        // close overtook is out all the same. Over is when the engine has
        // the events up to the close's last content event, not when the
        // close is first heard of: after a reconnection the metadata can
        // tell of a close before the replay brings the bot's last words.
        let over = self.engine.ending().is_some();
        if let Some(at) = self.voice.publishing
            && (self.chat.wants_line() || over)
        {
            self.voice.publishing = None;
            self.run.sent(at, now);
        }
        // A request of ours unanswered within --timeout: a dead link.
        let answer_due = if over {
            None
        } else {
            self.chat.on_tick(&mut Sender(connection), now)?;
            self.chat.next_deadline()
        };
        // Before a wait times out (a #bot step, say), a keep-alive must come
        // back: unanswered within --timeout, the link is dead (a failure
        // --reconnect rides out), and the executor's clock is held until
        // it is answered.
        let mut clock = now;
        if let Some((until, probed)) = &mut self.voice.wait
            && now >= *until
            && !over
        {
            if !std::mem::replace(probed, true) {
                self.chat.probe(&mut Sender(connection))?;
                // Again at once: the chat starts the keep-alive's clock.
                return Ok(ControlFlow::Continue(None));
            }
            if self.chat.probing() {
                clock = *until - Duration::from_nanos(1);
            }
        }
        let action = self.run.poll(clock);
        if let Action::Wait(Some(until)) = action
            && self.voice.wait.is_none_or(|(waiting, _)| waiting != until)
        {
            self.voice.wait = Some((until, false));
        }
        let held = clock < now;
        let deadline = match action {
            Action::Done => return Ok(ControlFlow::Break(())),
            Action::Wait(Some(until)) if over => {
                self.run.conversation_closed();
                self.run.poll(until);
                return Ok(ControlFlow::Continue(None));
            }
            // Held: what ends the hold is the keep-alive's answer, or its
            // deadline (the chat's).
            Action::Wait(_) if held => None,
            Action::Wait(deadline) => deadline,
            Action::Publish(_) | Action::Click(_) if over => {
                self.run.conversation_over();
                return Ok(ControlFlow::Continue(None));
            }
            Action::Publish(text) => {
                // A line starting with `/` is a command to the chat; `//`
                // sends it as text.
                let line = if text.starts_with('/') {
                    format!("/{text}")
                } else {
                    text
                };
                self.say(connection, now, &line)?;
                return Ok(ControlFlow::Continue(None));
            }
            Action::Click(title) => {
                self.say(connection, now, &format!("/click {title}"))?;
                return Ok(ControlFlow::Continue(None));
            }
        };
        let until = engine::earliest(self.engine.next_deadline(), deadline);
        let until = engine::earliest(until, answer_due);
        Ok(ControlFlow::Continue(Some(Wait {
            until,
            watch: Watch::default(),
        })))
    }

    fn closed(&mut self, connection: &mut Connection) -> Result<()> {
        closed_midway(self, connection, "the convo")
    }
}

/// The chat's requests, on the connection.
struct Sender<'a>(&'a mut Connection);

impl chat::Io for Sender<'_> {
    fn send(
        &mut self,
        request_type: &'static str,
        body: &Value,
        metadata: Option<&Value>,
    ) -> Result<String> {
        self.0
            .send_request_with_metadata(request_type, Some(body), metadata)
    }

    fn probe(&mut self) -> Result<String> {
        self.0.send_request(types::GET_CLOCK, None)
    }

    fn show(&mut self, _target: &Value) -> Result<()> {
        Ok(())
    }

    fn notice(&mut self, _text: &str) -> Result<()> {
        Ok(())
    }

    fn say(&mut self, line: &str) {
        output::say(line);
    }
}

/// The engine's world: events go to the chat and, when they are the
/// agent's messages, to the executor; nothing is printed.
struct LiveIo<'a, 'c, 'r, 's> {
    connection: &'a mut Connection,
    chat: &'c mut Chat,
    run: &'r mut Run<'s>,
}

impl engine::Io for LiveIo<'_, '_, '_, '_> {
    fn print(&mut self, _line: &str) -> Result<()> {
        Ok(())
    }

    fn request(&mut self, request_type: &'static str, body: &Value) -> Result<String> {
        self.connection.send_request(request_type, Some(body))
    }

    fn other_response(&mut self, response: &Response) -> Result<bool> {
        if self.chat.on_response(response)? {
            return Ok(false);
        }
        Ok(self.connection.other_response(response))
    }

    fn say(&mut self, line: &str) {
        output::say(line);
    }

    fn event(&mut self, event: &Event) -> Result<()> {
        self.chat.on_event(event);
        if !event.by_consumer
            && let Some(message) = event::agent_message(event.event_type, event.text)
        {
            self.run.agent_message(message, Instant::now());
        }
        Ok(())
    }

    fn conversation(&mut self, change: &ConversationChange) -> Result<()> {
        if let Some(skill) = &change.skill_id {
            self.run.skill(skill);
        }
        self.chat
            .on_conversation(&mut Sender(self.connection), change)
    }

    fn dialog_to_follow(&mut self) -> Option<String> {
        self.chat.take_survey()
    }
}
