//! `chat [CONV]`: a whole conversation on one socket at a time. Without CONV it
//! requests one (`create`'s flags); it subscribes and prints every event as
//! `subscribe` does (the engine), while each line of standard input is sent
//! (the chat state machine, src/chat.rs). It ends when the input ends and
//! the last turn is over (closing a conversation it requested), when the
//! conversation closes, or on Ctrl-C. A refused token is renewed, and with
//! `--reconnect` a failed link reconnected (src/relink.rs); the engine
//! resubscribes after its cursor and the chat catches up.

use std::io::{self, IsTerminal};
use std::ops::ControlFlow;
use std::path::Path;
use std::time::Instant;

use anyhow::Result;
use serde_json::Value;
use tungstenite::Utf8Bytes;
use tungstenite::http::HeaderValue;

use crate::chat::{self, Chat};
use crate::cli::{ChatArgs, Format};
use crate::config::ConnectionConfig;
use crate::connection::{Connection, Consumer, Wait, Wake, Watch, closed_midway};
use crate::convo::record::Recorder;
use crate::convo::suite;
use crate::engine::driver::SetupPatience;
use crate::engine::{self, Engine, Event};
use crate::exit::{self, Exit, Outcome};
use crate::frames::{self, ConversationChange, Response, types};
use crate::lines::{Line, Lines};
use crate::out_file::{self, OutFile};
use crate::output::{self, Output};
use crate::relink::Relink;
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
    // A file that cannot be written fails before the chat, not after it.
    let record = match args.record.as_deref() {
        Some(path) if out_file::is_stdout(path) => {
            return Err(exit::fail(
                Exit::Usage,
                format!(
                    "--record {} would put the convo on stdout among the chat's own lines: name \
                     a file",
                    path.display()
                ),
            ));
        }
        Some(path) => Some(OutFile::check("--record", path)?),
        None => None,
    };
    // Until the chat is over, a failure leaves the record unwritten.
    let failed = |err| unrecorded(err, record.as_ref());
    config
        .client_properties
        .get_or_insert_with(|| HeaderValue::from_static(CLIENT_PROPERTIES));
    let consumer = config.token.claims.sub().to_owned();
    let mut relink = Relink::new(config, args.retry.reconnect, args.retry.max_retries);
    // A service that cannot be reached yet is retried as --reconnect says,
    // as a dropped connection is.
    let mut connection = relink
        .open()
        .or_else(|err| relink.reopen(err, false))
        .map_err(failed)?;
    let (conversation, opened) = match &args.conversation {
        Some(id) => (id.clone(), None),
        None => {
            let opened = super::create::open_resuming(
                &mut relink,
                &mut connection,
                &args.create,
                body.as_ref(),
                true,
                "; `lp-consumer conversations` lists it",
            )
            .map_err(failed)?;
            (opened.id().map_err(failed)?, Some(opened))
        }
    };
    let requested = opened.as_ref().is_some_and(super::create::Opened::is_new);
    let text = output::wants_text(format, true);
    // A script learns the conversation it is in as `create` tells it.
    if let (false, Some(opened)) = (text, &opened) {
        opened.print(out)?;
    }
    if text {
        out.show_as_text(Transcript {
            consumer: consumer.clone(),
            conversation: conversation.clone(),
            colour: output::wants_colour(),
        });
        let how = if requested { "new" } else { "resumed" };
        out.notice(&format!("conversation {conversation} ({how})"))?;
    }
    let mut engine = Engine::new(
        engine::Options::talk(
            conversation.clone(),
            consumer,
            args.from,
            args.types.clone(),
            config.network.timeout,
        ),
        args.from_seq.checked_sub(1),
    );
    let mut chat = Chat::new(
        chat::Options {
            turns: args.turns,
            settle: args.settle,
            reply_timeout: args.reply_timeout,
            answer_timeout: config.network.timeout,
            interactive: io::stdin().is_terminal(),
        },
        &conversation,
    );
    let closes_at_end = (requested && !args.keep_open) || args.close;
    let mut lines = Lines::stdin()?;
    let mut recorder = record.as_ref().map(|_| Recorder::default());
    let ended = loop {
        let progress_before = engine.progress();
        let mut talk = Talk {
            engine: &mut engine,
            relink: &mut relink,
            parts: Parts {
                out: &mut *out,
                chat: &mut chat,
                recorder: &mut recorder,
            },
            lines: &mut lines,
            closes_at_end,
            setup: SetupPatience::new(config),
        };
        let err = match talk
            .run(&mut connection)
            .and_then(|wake| out.flush().map(|()| wake))
        {
            Ok(wake) => break Ok(wake),
            Err(err) => err,
        };
        match reopen(&mut relink, &mut engine, &mut chat, err, progress_before) {
            Ok(new) => connection = new,
            Err(err) => break Err(err),
        }
    };
    // A chat that went to its end is recorded; one that failed, or whose
    // reader left, would make a convo that stops half-way: it says why it
    // ended, and that FILE was not written.
    let ended = match (ended, record, &recorder) {
        (Ok(Wake::ReaderGone), Some(record), _) => {
            output::say(&not_written(
                &record,
                "the chat's reader left before its end",
            ));
            Ok(Wake::ReaderGone)
        }
        (Ok(wake), Some(record), Some(recorder)) if recorder.is_empty() => {
            output::say(&not_written(&record, "nothing was said"));
            Ok(wake)
        }
        (Err(err), Some(record), _) => Err(unrecorded(err, Some(&record))),
        (Ok(wake), Some(record), Some(recorder)) => {
            let path = record.path().to_owned();
            record
                .write(&recorder.convo(&suite::file_stem(&path.to_string_lossy())))
                .map(|()| {
                    warn_of_misread(&path, recorder.misread());
                    wake
                })
        }
        (ended, _, _) => ended,
    };
    let result = match ended {
        Ok(Wake::ReaderGone) => Ok(()),
        Ok(_) => {
            let unsent = chat.unsent(&mut lines);
            connection.finish();
            // Nothing of the input could go in, read yet or still to come:
            // as `send` to a closed conversation is refused.
            if chat.closed_before_input(unsent.is_some()) {
                let what = unsent.map_or_else(
                    || "nothing sent".to_owned(),
                    |unsent| format!("{unsent} of input not sent"),
                );
                return Err(exit::fail(
                    Exit::Refused,
                    format!("the conversation is closed: {what}"),
                ));
            }
            if let Some(unsent) = unsent {
                output::say(&format!(
                    "warning: the conversation ended before the input: {unsent} of input not sent"
                ));
            }
            return Ok(());
        }
        Err(err) => Err(err),
    };
    // How the chat ended decides what becomes of a conversation it requested.
    match result.as_ref().err().map(exit::classify) {
        // The user stopped the tool, not the conversation, which can go on;
        // its id is said with how to go on.
        Some(Outcome::Fail(exit @ (Exit::Interrupted | Exit::Terminated))) if requested => Err(
            exit::fail(exit, format!("stopped; {}", left_open(&conversation))),
        ),
        // A refused token would be refused for the close too: the
        // conversation is named, to be closed with a good one.
        Some(Outcome::Fail(Exit::NoPerm)) if requested && !args.keep_open => {
            let err = result
                .err()
                .map_or_else(String::new, |err| format!("{err:#}"));
            Err(exit::fail(
                Exit::NoPerm,
                format!("{err}; {}", left_open(&conversation)),
            ))
        }
        Some(Outcome::Fail(Exit::Interrupted | Exit::Terminated | Exit::NoPerm)) => result,
        // A failure (a line without reply, a bad command, a broken frame) or
        // a reader that left, seen by poll or by a broken pipe: the
        // conversation is not left in the next run's way.
        _ => {
            if requested && !args.keep_open && !close_at_end(&relink, connection, &conversation) {
                let open = left_open(&conversation);
                return match result {
                    Err(err) => Err(exit::amended(err, &format!("; {open}"))),
                    Ok(()) => {
                        output::say(&format!("warning: {open}"));
                        Ok(())
                    }
                };
            }
            result
        }
    }
}

/// Says that `conversation` is left open, and how to go on with it or close
/// it. The service chose the id: a command is suggested only for an id that
/// shows as itself.
pub(crate) fn left_open(conversation: &str) -> String {
    if conversation.chars().any(sanitise::is_escaped) {
        return "the conversation is left open, and its id holds characters that cannot be \
                shown as they are; `lp-consumer conversations` prints it as JSON \
                (conversationId), to go on with it (`chat ID`) or close it (`close ID`)"
            .to_owned();
    }
    let id = sanitise::shell_word(conversation);
    format!(
        "conversation {id} is left open: `lp-consumer chat {id}` goes on with it, \
         `lp-consumer close {id}` closes it"
    )
}

/// After `err` on a conversation's connection: the next connection, as
/// `relink` decides, with the engine and the chat told that what was in
/// flight on the last one will get no answer. `test` holds its convos'
/// connections through it too.
pub(crate) fn reopen(
    relink: &mut Relink,
    engine: &mut Engine,
    chat: &mut Chat,
    err: anyhow::Error,
    progress_before: u64,
) -> Result<Connection> {
    engine.disconnected();
    let connection = relink.reopen(err, engine.progress() > progress_before)?;
    chat.reconnected();
    relink.say_reconnected(connection.host(), &format!("resuming {}", engine.resumes()));
    Ok(connection)
}

/// Closes a conversation that was requested, once the run's outcome is
/// decided: on `connection`, or when that link has failed, on one new
/// connection. A refusal is the service's answer (the other side may have
/// closed it first). False when the close could not be sent: the
/// conversation is left open. `test` closes its convos' through it too.
pub(crate) fn close_at_end(relink: &Relink, connection: Connection, conversation: &str) -> bool {
    let body = frames::close_body(conversation);
    let closes = |mut connection: Connection| {
        let outcome = connection.request(types::UPDATE_CONVERSATION_FIELD, Some(&body));
        connection.finish();
        match outcome {
            Ok(_) => Ok(()),
            Err(err) if exit::answered(&err) => Ok(()),
            Err(err) => Err(err),
        }
    };
    closes(connection)
        .or_else(|_| relink.open().and_then(closes))
        .is_ok()
}

/// The conversation on one connection, as the pump feeds it.
struct Talk<'a, 'c> {
    engine: &'a mut Engine,
    /// Learns that the service answers on this connection, so that a token
    /// that expires later is renewed again.
    relink: &'a mut Relink<'c>,
    parts: Parts<'a>,
    lines: &'a mut Lines,
    closes_at_end: bool,
    setup: SetupPatience,
}

/// What the engine's world holds besides the connection.
struct Parts<'a> {
    out: &'a mut Output,
    chat: &'a mut Chat,
    /// `--record`'s.
    recorder: &'a mut Option<Recorder>,
}

impl Parts<'_> {
    /// The engine's world, on `connection`.
    fn on<'s>(&'s mut self, connection: &'s mut Connection) -> ChatIo<'s, 's> {
        ChatIo {
            sender: Sender {
                connection,
                out: &mut *self.out,
            },
            chat: &mut *self.chat,
            recorder: &mut *self.recorder,
        }
    }
}

impl Talk<'_, '_> {
    /// The conversation, until it ends: `Wake::ReaderGone` when stdout's
    /// reader left, `Wake::Nothing` otherwise.
    fn run(&mut self, connection: &mut Connection) -> Result<Wake> {
        self.engine.start(&mut self.parts.on(connection))?;
        connection.pump(self)
    }
}

impl Consumer for Talk<'_, '_> {
    type Output = Wake;

    fn frame(
        &mut self,
        connection: &mut Connection,
        frame: Utf8Bytes,
    ) -> Result<ControlFlow<Wake>> {
        self.relink.accepted();
        self.engine
            .on_frame(&frame, &mut self.parts.on(connection))?;
        Ok(ControlFlow::Continue(()))
    }

    fn drained(
        &mut self,
        connection: &mut Connection,
    ) -> Result<ControlFlow<Wake, Option<Wait<'_>>>> {
        let mut io = self.parts.on(connection);
        io.sender.out.flush()?;
        let now = Instant::now();
        self.engine.on_tick(now)?;
        self.setup.tick(self.engine, now);
        io.chat.on_tick(&mut io.sender, now)?;
        io.chat.resume(&mut io.sender)?;
        if self.engine.ending().is_some() {
            return Ok(ControlFlow::Break(Wake::Nothing));
        }
        if io.chat.finished() {
            if !self.closes_at_end || io.chat.closed() || io.chat.close_done() {
                return Ok(ControlFlow::Break(Wake::Nothing));
            }
            io.chat.close(&mut io.sender)?;
            return Ok(ControlFlow::Continue(None));
        }
        // Input waits for the metadata: a conversation closed before the
        // chat began is then known before any line goes out.
        let takes_line = io.chat.wants_line() && self.engine.set_up();
        if takes_line {
            match self.lines.next()? {
                Line::Text(text) => {
                    if let Some(recorder) = io.recorder.as_mut() {
                        recorder.line(&text);
                    }
                    io.chat.line(&mut io.sender, self.lines.number(), &text)?;
                    return Ok(ControlFlow::Continue(None));
                }
                Line::End => {
                    io.chat.input_ended();
                    return Ok(ControlFlow::Continue(None));
                }
                Line::Pending => {}
            }
        }
        let until = [
            self.engine.next_deadline(),
            io.chat.next_deadline(),
            self.setup.next(),
        ]
        .into_iter()
        .flatten()
        .min();
        let watch = Watch {
            stdout: true,
            other: takes_line.then(|| self.lines.wake_fd()),
        };
        Ok(ControlFlow::Continue(Some(Wait { until, watch })))
    }

    fn woke(&mut self, wake: Wake) -> ControlFlow<Wake> {
        match wake {
            Wake::ReaderGone => ControlFlow::Break(Wake::ReaderGone),
            _ => ControlFlow::Continue(()),
        }
    }

    // Only the conversation's own close ends a chat.
    fn closed(&mut self, connection: &mut Connection) -> Result<Wake> {
        closed_midway(self, connection, "the chat")
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

    fn probe(&mut self) -> Result<String> {
        self.connection.send_request(types::GET_CLOCK, None)
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
    recorder: &'c mut Option<Recorder>,
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
        if let Some(recorder) = self.recorder.as_mut()
            && !event.by_consumer
        {
            recorder.agent_event(event.event_type, event.text);
        }
        Ok(())
    }

    fn conversation(&mut self, change: &ConversationChange) -> Result<()> {
        self.chat.on_conversation(&mut self.sender, change)
    }

    fn dialog_to_follow(&mut self) -> Option<String> {
        self.chat.take_survey()
    }
}

/// The line that says `--record`'s FILE was not written, and `why`.
fn not_written(record: &OutFile, why: &str) -> String {
    format!("--record {} not written: {why}", record.path().display())
}

/// A chat's failure, saying that its record (if any) was not written.
fn unrecorded(err: anyhow::Error, record: Option<&OutFile>) -> anyhow::Error {
    match record {
        Some(record) => exit::amended(
            err,
            &format!("; {}", not_written(record, "the chat failed")),
        ),
        None => err,
    }
}

/// `--record`'s texts that Botium does not read as text: the file is
/// written as the chat went, and says what `test` will not replay as said.
fn warn_of_misread(path: &Path, texts: &[String]) {
    if texts.is_empty() {
        return;
    }
    let quoted: Vec<String> = texts.iter().map(|text| format!("{text:?}")).collect();
    let (count, them) = match texts.len() {
        1 => ("a text".to_owned(), "it"),
        n => (format!("{n} texts"), "them"),
    };
    output::say(&format!(
        "--record {}: Botium does not read {count} of the chat as text ({}: JSON, an \
         instruction or a section's tag), so `test` cannot replay {them} as said: reword {them} \
         in the file",
        path.display(),
        quoted.join(", ")
    ));
}
