//! `chat [CONV]`: a whole conversation on one socket. Without CONV it
//! requests one (`create`'s flags); it subscribes and prints every event as
//! `subscribe` does (the engine), while each line of standard input is sent
//! (the chat state machine, src/chat.rs). It ends when the input ends and
//! the last turn is over (closing a conversation it requested), when the
//! conversation closes, or on Ctrl-C.

use std::io::{self, IsTerminal};
use std::time::Instant;

use anyhow::Result;
use serde_json::Value;
use tungstenite::http::HeaderValue;

use crate::chat::{self, Chat};
use crate::cli::{ChatArgs, Format};
use crate::config::ConnectionConfig;
use crate::connection::{Connection, Read, Wake, Watch};
use crate::convo::record::Recorder;
use crate::convo::suite;
use crate::engine::driver::SetupPatience;
use crate::engine::{self, Engine, Event};
use crate::exit::{self, Exit, Outcome};
use crate::frames::{self, ConversationChange, Response, types};
use crate::lines::{Line, Lines};
use crate::output::{self, Output};
use crate::render::{self, Transcript};
use crate::sanitise;

/// What chat tells the service it can show when the user sent no
/// --client-properties: buttons, quick replies, and survey dialogs
/// (MULTI_DIALOG: FACTS 7.2).
pub(crate) const CLIENT_PROPERTIES: &str =
    r#"{"type":".ClientProperties","features":["RICH_CONTENT","QUICK_REPLIES","MULTI_DIALOG"]}"#;

pub(crate) fn run(
    args: &ChatArgs,
    config: &mut ConnectionConfig,
    format: Option<Format>,
    out: &mut Output,
) -> Result<()> {
    let body = super::create::request_body(&args.create)?;
    config
        .client_properties
        .get_or_insert_with(|| HeaderValue::from_static(CLIENT_PROPERTIES));
    let consumer = config.token.claims.sub().to_owned();
    let mut connection = Connection::open(config)?;
    let (conversation, requested) = match &args.conversation {
        Some(id) => (id.clone(), false),
        None => {
            let opened = super::create::open(&mut connection, &args.create, body.as_ref())?;
            let requested = matches!(opened, super::create::Opened::Requested(_));
            (opened.id()?, requested)
        }
    };
    if output::wants_text(format, true) {
        out.show_as_text(Transcript {
            consumer: consumer.clone(),
            conversation: conversation.clone(),
            colour: output::wants_colour(),
        });
        let how = if requested { "new" } else { "resumed" };
        out.notice(&format!("conversation {conversation} ({how})"))?;
    }
    let mut engine = Engine::new(
        engine::Options {
            conversation: conversation.clone(),
            consumer,
            from: args.from,
            types: args.types.clone(),
            ack: None,
            frames: false,
            count: None,
            idle: None,
            until_closed: true,
            timeout: config.network.timeout,
            every_origin: true,
        },
        args.from_seq.checked_sub(1),
    );
    let mut chat = Chat::new(
        chat::Options {
            turns: args.turns,
            settle: args.settle,
            reply_timeout: args.reply_timeout,
            interactive: io::stdin().is_terminal(),
        },
        &conversation,
    );
    let closes_at_end = (requested && !args.keep_open) || args.close;
    let mut lines = Lines::stdin()?;
    let mut io = ChatIo {
        sender: Sender {
            connection: &mut connection,
            out,
        },
        chat: &mut chat,
        recorder: args.record.as_ref().map(|_| Recorder::default()),
    };
    let setup = SetupPatience::new(config);
    let ended = converse(&mut engine, &mut io, &mut lines, closes_at_end, setup)
        .and_then(|wake| io.sender.out.flush().map(|()| wake));
    // A chat that went well is recorded; a failing one says why it failed.
    let ended = match (ended, &args.record, &io.recorder) {
        (Ok(wake), Some(path), Some(recorder)) => super::write_atomically(
            path,
            "--record",
            &recorder.convo(&suite::file_stem(&path.to_string_lossy())),
        )
        .map(|()| wake),
        (ended, _, _) => ended,
    };
    let result = match ended {
        Ok(Wake::ReaderGone) => Ok(()),
        Ok(_) => {
            connection.finish();
            return Ok(());
        }
        Err(err) => Err(err),
    };
    // How the chat ended decides what becomes of a conversation it requested.
    match result.as_ref().err().map(exit::classify) {
        // The user stopped the tool, not the conversation, which can go on;
        // its id is said, as JSON output never shows it. The service chose
        // it: a command is suggested only for an id that shows as itself.
        Some(Outcome::Fail(exit @ (Exit::Interrupted | Exit::Terminated))) if requested => {
            let message = if conversation.chars().any(sanitise::is_escaped) {
                "stopped; the conversation is left open, and its id holds characters that \
                 cannot be shown as they are; `lp-consumer conversations` prints it as JSON \
                 (conversationId), to go on with it (`chat ID`) or close it (`close ID`)"
                    .to_owned()
            } else {
                let id = sanitise::shell_word(&conversation);
                format!(
                    "stopped; conversation {id} is left open: `lp-consumer chat {id}` goes on \
                     with it, `lp-consumer close {id}` closes it"
                )
            };
            Err(exit::fail(exit, message))
        }
        // A refused token would be refused for the close too.
        Some(Outcome::Fail(Exit::Interrupted | Exit::Terminated | Exit::NoPerm)) => result,
        // A failure (a line without reply, a bad command, a broken frame) or
        // a reader that left, seen by poll or by a broken pipe: the
        // conversation is not left in the next run's way.
        _ => {
            if requested && !args.keep_open {
                close_quietly(&mut connection, &conversation);
            }
            result
        }
    }
}

/// Closes the conversation, best effort: the run's outcome is already
/// decided.
fn close_quietly(connection: &mut Connection, conversation: &str) {
    let _ = connection.request(
        types::UPDATE_CONVERSATION_FIELD,
        Some(&frames::close_body(conversation)),
    );
    connection.finish();
}

/// The conversation, until it ends: `Wake::ReaderGone` when stdout's
/// reader left, `Wake::Nothing` otherwise.
fn converse(
    engine: &mut Engine,
    io: &mut ChatIo,
    lines: &mut Lines,
    closes_at_end: bool,
    mut setup: SetupPatience,
) -> Result<Wake> {
    engine.start(io)?;
    loop {
        match io.sender.connection.read()? {
            Read::Frame(frame) => {
                engine.on_frame(&frame, io)?;
                if let Some(survey) = io.chat.take_survey() {
                    engine.follow_dialog(io, &survey)?;
                }
                continue;
            }
            // As for subscribe: the server ending the connection normally
            // ends the chat.
            Read::Closed => return Ok(Wake::Nothing),
            Read::Empty => {}
        }
        io.sender.out.flush()?;
        let now = Instant::now();
        engine.on_tick(now)?;
        setup.tick(engine, now);
        io.chat.on_tick(now)?;
        if engine.ending().is_some() {
            return Ok(Wake::Nothing);
        }
        if io.chat.finished() {
            if !closes_at_end || io.chat.closed() || io.chat.close_done() {
                return Ok(Wake::Nothing);
            }
            io.chat.close(&mut io.sender)?;
            continue;
        }
        let takes_line = io.chat.wants_line() && engine.subscribed();
        if takes_line {
            match lines.next()? {
                Line::Text(text) => {
                    if let Some(recorder) = &mut io.recorder {
                        recorder.line(&text);
                    }
                    io.chat.line(&mut io.sender, lines.number(), &text)?;
                    continue;
                }
                Line::End => {
                    io.chat.input_ended();
                    continue;
                }
                Line::Pending => {}
            }
        }
        let deadline = [
            engine.next_deadline(),
            io.chat.next_deadline(),
            setup.next(),
        ]
        .into_iter()
        .flatten()
        .min();
        let watch = Watch {
            stdout: true,
            other: takes_line.then(|| lines.wake_fd()),
        };
        if io.sender.connection.wait(deadline, watch)? == Wake::ReaderGone {
            return Ok(Wake::ReaderGone);
        }
    }
}

/// Requests and output, for the chat state machine.
struct Sender<'a> {
    connection: &'a mut Connection,
    out: &'a mut Output,
}

impl chat::Io for Sender<'_> {
    fn send(
        &mut self,
        request_type: &'static str,
        body: &Value,
        metadata: Option<&Value>,
    ) -> Result<String> {
        self.connection
            .send_request_with_metadata(request_type, Some(body), metadata)
    }

    fn show(&mut self, target: &Value) -> Result<()> {
        if self.out.is_text() {
            let title = target["click"].as_str().unwrap_or_default();
            let place = render::place(target);
            self.out.notice(&format!("{title} points to {place}"))
        } else {
            self.out.line(target)
        }
    }

    fn notice(&mut self, text: &str) -> Result<()> {
        self.out.notice(text)
    }

    fn say(&mut self, line: &str) {
        output::say(line);
    }
}

/// The engine's world: the connection and output, with the chat watching
/// every event and the responses to its requests.
struct ChatIo<'a, 'c> {
    sender: Sender<'a>,
    chat: &'c mut Chat,
    /// `--record`'s.
    recorder: Option<Recorder>,
}

impl engine::Io for ChatIo<'_, '_> {
    fn print(&mut self, line: &str) -> Result<()> {
        self.sender.out.event(line)
    }

    fn request(&mut self, request_type: &'static str, body: &Value) -> Result<String> {
        self.sender
            .connection
            .send_request(request_type, Some(body))
    }

    fn other_response(&mut self, response: &Response) -> Result<bool> {
        if self.chat.on_response(response)? {
            return Ok(false);
        }
        Ok(self.sender.connection.other_response(response))
    }

    fn say(&mut self, line: &str) {
        output::say(line);
    }

    fn event(&mut self, event: &Event) -> Result<()> {
        self.chat.on_event(event);
        if let Some(recorder) = &mut self.recorder
            && !event.by_consumer
        {
            recorder.agent_event(event.event_type, event.text);
        }
        Ok(())
    }

    fn conversation(&mut self, change: &ConversationChange) -> Result<()> {
        self.chat.on_conversation(&mut self.sender, change)
    }
}
