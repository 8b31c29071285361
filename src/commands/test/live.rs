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

use crate::chat::{self, Chat};
use crate::cli::{CreateArgs, Origin};
use crate::commands::chat::CLIENT_PROPERTIES;
use crate::config::ConnectionConfig;
use crate::connection::{Connection, Consumer, Wait, Watch};
use crate::convo::event;
use crate::convo::parse::Step;
use crate::convo::run::{Action, Outcome, Run};
use crate::engine::{self, Engine, Event};
use crate::exit::{Exit, fail, link_failure};
use crate::frames::{self, ConversationChange, Response, types};
use crate::output;
use crate::reconnect::LinkError;
use crate::relink::Relink;

/// A convo played to its verdict.
pub(crate) struct Played {
    pub(crate) conversation: String,
    pub(crate) outcome: Outcome,
}

/// Plays `steps` in a new conversation of `config`'s consumer, closed at
/// the end. Err: the convo could not be run (connection, token, refusal).
pub(crate) fn play(
    config: &mut ConnectionConfig,
    create: &CreateArgs,
    steps: &[Step],
    bot_timeout: Duration,
) -> Result<Played> {
    config
        .client_properties
        .get_or_insert_with(|| HeaderValue::from_static(CLIENT_PROPERTIES));
    let body = crate::commands::create::request_body(create)?;
    let consumer = config.token.claims.sub().to_owned();
    let mut connection = Relink::connect(config)?;
    let opened = crate::commands::create::open(&mut connection, create, body.as_ref())?;
    let conversation = opened.id()?;
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
            interactive: false,
        },
        &conversation,
    );
    let mut run = Run::new(steps, bot_timeout, Instant::now());
    let played = Live {
        engine: &mut engine,
        chat: &mut chat,
        run: &mut run,
        timeout: config.network.timeout,
        publishing: None,
        lines: 0,
    }
    .drive(&mut connection);
    // The conversation is not left in the next run's way, whatever happened.
    if !chat.closed() {
        let _ = connection.request(
            types::UPDATE_CONVERSATION_FIELD,
            Some(&frames::close_body(&conversation)),
        );
    }
    connection.finish();
    played?;
    Ok(Played {
        conversation,
        outcome: run.outcome().clone(),
    })
}

/// The convo on the connection, as the pump feeds it: until the executor
/// is done; a message whose response does not come within `timeout` ends
/// the convo as an error.
struct Live<'a, 's> {
    engine: &'a mut Engine,
    chat: &'a mut Chat,
    run: &'a mut Run<'s>,
    timeout: Duration,
    /// The instant our latest message went out, until the chat has its
    /// response: the executor is told then.
    publishing: Option<Instant>,
    lines: u64,
}

impl Live<'_, '_> {
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
        self.lines += 1;
        self.publishing = Some(now);
        self.chat.line(&mut Sender(connection), self.lines, line)
    }
}

impl Consumer for Live<'_, '_> {
    type Output = ();

    fn frame(&mut self, connection: &mut Connection, frame: Utf8Bytes) -> Result<ControlFlow<()>> {
        let mut io = LiveIo {
            connection,
            chat: &mut *self.chat,
            run: &mut *self.run,
        };
        self.engine.on_frame(&frame, &mut io)?;
        if let Some(survey) = io.chat.take_survey() {
            self.engine.follow_dialog(&mut io, &survey)?;
        }
        Ok(ControlFlow::Continue(()))
    }

    fn drained(
        &mut self,
        connection: &mut Connection,
    ) -> Result<ControlFlow<(), Option<Wait<'_>>>> {
        let now = Instant::now();
        self.engine.on_tick(now)?;
        // Once the conversation is over nothing more can come: the
        // executor's waits end at once, and a message whose response the
        // close overtook is out all the same.
        let over = self.engine.ending().is_some() || self.chat.closed();
        if let Some(at) = self.publishing
            && (self.chat.wants_line() || over)
        {
            self.publishing = None;
            self.run.sent(at);
        }
        if self.publishing.is_some_and(|at| now >= at + self.timeout) {
            return Err(fail(
                Exit::TempFail,
                format!(
                    "no response to our message within {} s (--timeout)",
                    self.timeout.as_secs_f64()
                ),
            ));
        }
        let deadline = match self.run.poll(now) {
            Action::Done => return Ok(ControlFlow::Break(())),
            Action::Wait(Some(until)) if over => {
                self.run.poll(until);
                return Ok(ControlFlow::Continue(None));
            }
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
        let until = engine::earliest(until, self.publishing.map(|at| at + self.timeout));
        Ok(ControlFlow::Continue(Some(Wait {
            until,
            watch: Watch::default(),
        })))
    }

    // Nothing more comes: the executor is done with what it has, or the
    // convo cannot go on.
    fn closed(&mut self, connection: &mut Connection) -> Result<()> {
        loop {
            match self.drained(connection)? {
                ControlFlow::Break(()) => return Ok(()),
                ControlFlow::Continue(None) => {}
                ControlFlow::Continue(Some(_)) => {
                    return Err(link_failure(
                        Exit::TempFail,
                        LinkError::Closed(1000),
                        format!(
                            "{}: the server closed the connection before the convo ended",
                            connection.host()
                        ),
                    ));
                }
            }
        }
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
}
