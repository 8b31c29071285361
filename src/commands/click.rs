//! `click CONV --seq N --choice K...`: clicks a choice of message N. The
//! message is read back (a subscription from N) and what the named choices
//! do is worked out (choices.rs) before anything is sent; if the click
//! publishes text, its two requests are sent: an ACTION receipt for N and
//! the text, both with the click's metadata, and the second response is
//! printed. Links and places are printed after it.
//!
//! With `--reconnect` (or a token refused and renewed) the click goes on
//! over a new connection. A request whose answer was lost is looked for in
//! the conversation first: a checkpoint (an ACCEPT receipt for N) is
//! published, and our events from N up to it are read back; only what is
//! not there is sent.

use std::time::Instant;

use anyhow::Result;
use serde_json::Value;

use super::read_back;
use crate::choices;
use crate::cli::ClickArgs;
use crate::config::ConnectionConfig;
use crate::connection::{Connection, Found};
use crate::exit::{self, Exit, fail, link_failure};
use crate::frames::{self, Ours, types};
use crate::output::{self, Output};
use crate::reconnect::LinkError;
use crate::relink::Relink;
use crate::session::Reply;

pub(crate) fn run(args: &ClickArgs, config: &ConnectionConfig, out: &mut Output) -> Result<()> {
    let dialog = args.dialog.as_deref().unwrap_or(&args.conversation);
    let mut clicker = Clicker {
        relink: Relink::new(config, args.retry.reconnect, args.retry.max_retries),
        connection: None,
        dialog,
        consumer: config.token.claims.sub(),
        progress: Progress::new(args.sequence),
        progressed: false,
        checkpoint: None,
    };
    let change = clicker.read_message()?;
    let offered = choices::of_event(&change["event"]);
    if offered.is_empty() {
        return Err(fail(
            Exit::DataErr,
            format!(
                "message #{} has no choices (quick replies, buttons, images or maps to click)",
                args.sequence
            ),
        ));
    }
    let picked = args
        .choice
        .iter()
        .map(|wanted| choices::pick(&offered, wanted))
        .collect::<Result<Vec<usize>>>()?;
    let click = choices::click(&offered, &picked)?;
    if let Some(text) = &click.text {
        let reply = clicker.publish(text, click.metadata.as_ref())?;
        super::print_reply(out, &reply)?;
    }
    for target in &click.targets {
        out.line(target)?;
    }
    out.flush()?;
    if let Some(mut connection) = clicker.connection {
        connection.finish();
    }
    Ok(())
}

/// The request of a click to send next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// The ACTION receipt for the message.
    Action,
    /// The text, once the conversation has the receipt.
    Text,
}

/// How far a click's two requests got: what to send next, and what to look
/// for in the conversation after an answer was lost. No I/O.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Progress {
    /// The clicked message's sequence.
    message: u64,
    step: Step,
    /// The sequence of our ACTION receipt, once known: the text comes
    /// after it.
    action_at: Option<u64>,
    /// The request of `step` went out and its answer was lost: the
    /// conversation may have it.
    unsure: bool,
}

/// What to do after a read-back.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    /// Send the request of the step now current.
    Send,
    /// Nothing: the conversation has the text, at this sequence.
    Done(u64),
}

impl Progress {
    fn new(message: u64) -> Progress {
        Progress {
            message,
            step: Step::Action,
            action_at: None,
            unsure: false,
        }
    }

    /// The request of `step` is going out.
    fn sending(&mut self) {
        self.unsure = true;
    }

    /// The service refused it.
    fn refused(&mut self) {
        self.unsure = false;
    }

    /// It was answered, with this sequence if the answer had one.
    fn answered(&mut self, sequence: Option<u64>) {
        self.unsure = false;
        if self.step == Step::Action {
            self.action_at = sequence;
            self.step = Step::Text;
        }
    }

    /// What to look for, and after which sequence, before sending the
    /// request of `step` again; None when it did not go out.
    fn lost<'t>(&self, text: &'t str) -> Option<(Ours<'t>, u64)> {
        if !self.unsure {
            return None;
        }
        Some(match self.step {
            Step::Action => (
                Ours::Receipt {
                    status: "ACTION",
                    of: self.message,
                },
                self.message,
            ),
            Step::Text => (Ours::Text(text), self.action_at.unwrap_or(self.message)),
        })
    }

    /// The conversation was read back for the lost request (`found`: its
    /// sequence there), or could not be (None too: it is sent again).
    fn read_back(&mut self, found: Option<u64>) -> Next {
        let Some(sequence) = found else {
            self.unsure = false;
            return Next::Send;
        };
        match self.step {
            Step::Action => {
                self.answered(Some(sequence));
                Next::Send
            }
            Step::Text => {
                self.unsure = false;
                Next::Done(sequence)
            }
        }
    }

    /// The request named in a warning.
    fn what(&self) -> &'static str {
        match self.step {
            Step::Action => "ACTION receipt",
            Step::Text => "text",
        }
    }

    /// What a failure leaves in the conversation, added to its error.
    fn where_it_stopped(&self) -> &'static str {
        match (self.step, self.unsure) {
            (Step::Action, false) => "",
            (Step::Action, true) => {
                "; the click's ACTION receipt went out, and its answer was lost: the \
                 conversation may have it"
            }
            (Step::Text, false) => {
                "; the conversation has the click's ACTION receipt; its text was not sent"
            }
            (Step::Text, true) => {
                "; the conversation has the click's ACTION receipt; its text went out, and \
                 its answer was lost: the conversation may have it"
            }
        }
    }
}

/// A click's requests, over a connection that is opened again, as
/// `reconnect` decides, when it fails.
struct Clicker<'a> {
    relink: Relink<'a>,
    connection: Option<Connection>,
    dialog: &'a str,
    /// The JWT's `sub`: the originator of our events.
    consumer: &'a str,
    progress: Progress,
    /// The current connection brought something new.
    progressed: bool,
    /// The sequence of the checkpoint published since the last request
    /// went out: a read-back cut short reads back to it again rather than
    /// adding a receipt to the conversation each time.
    checkpoint: Option<u64>,
}

impl Clicker<'_> {
    /// The clicked message, read (again) until a connection lasts long
    /// enough.
    fn read_message(&mut self) -> Result<Value> {
        loop {
            let (dialog, sequence) = (self.dialog, self.progress.message);
            match open(&mut self.relink, &mut self.connection)
                .and_then(|connection| message(connection, dialog, sequence))
            {
                Ok(message) => {
                    self.confirmed();
                    return Ok(message);
                }
                Err(err) => self.failed(err)?,
            }
        }
    }

    /// Sends what of the ACTION receipt and the text the conversation does
    /// not have yet, in that order: the text's response, or what stands for
    /// it when the conversation had the text already.
    fn publish(&mut self, text: &str, metadata: Option<&Value>) -> Result<Reply> {
        loop {
            match self.try_publish(text, metadata) {
                Ok(reply) => return Ok(reply),
                Err(err) => {
                    let stopped = self.progress.where_it_stopped();
                    self.failed(err)
                        .map_err(|err| exit::amended(err, stopped))?;
                }
            }
        }
    }

    fn try_publish(&mut self, text: &str, metadata: Option<&Value>) -> Result<Reply> {
        if let Some((wanted, after)) = self.progress.lost(text) {
            let found = self.look_for(wanted, after)?;
            self.confirmed();
            if let Next::Done(sequence) = self.progress.read_back(found) {
                return read_back::found_reply(sequence);
            }
        }
        if self.progress.step == Step::Action {
            let message = self.progress.message;
            let action = frames::accept_status_body(self.dialog, "ACTION", &[message]);
            self.send(&action, metadata)?;
        }
        let body = frames::publish_text_body(self.dialog, text);
        self.send(&body, metadata)
    }

    /// The sequence of `wanted`, if the conversation has it after `after`:
    /// read back up to a checkpoint published now. None too when the
    /// checkpoint's response has no sequence: then the request is sent
    /// again.
    fn look_for(&mut self, wanted: Ours, after: u64) -> Result<Option<u64>> {
        let (dialog, consumer, message) = (self.dialog, self.consumer, self.progress.message);
        let connection = open(&mut self.relink, &mut self.connection)?;
        let until = match self.checkpoint {
            Some(until) => until,
            None => {
                let Some(until) = read_back::checkpoint(connection, dialog, message)? else {
                    output::say(&format!(
                        "warning: the service gave no sequence for a read receipt, so whether \
                         the conversation has the click's {} cannot be told: sending it again \
                         (it may be there twice)",
                        self.progress.what()
                    ));
                    return Ok(None);
                };
                *self.checkpoint.insert(until)
            }
        };
        read_back::find(connection, dialog, consumer, wanted, after + 1, until)
    }

    /// Sends a request of the click and waits for its response.
    fn send(&mut self, body: &Value, metadata: Option<&Value>) -> Result<Reply> {
        let connection = open(&mut self.relink, &mut self.connection)?;
        self.progress.sending();
        self.checkpoint = None;
        let id =
            connection.send_request_with_metadata(types::PUBLISH_EVENT, Some(body), metadata)?;
        let reply = connection
            .response_to(&id, types::PUBLISH_EVENT)
            .inspect_err(|err| {
                // A refusal is an answer: the conversation has not got it.
                if exit::answered(err) {
                    self.progress.refused();
                }
            })?;
        self.progress.answered(
            frames::body_member(reply.body.as_deref(), "sequence")
                .and_then(|sequence| sequence.as_u64()),
        );
        self.confirmed();
        Ok(reply)
    }

    /// The service answered on the current connection.
    fn confirmed(&mut self) {
        self.relink.accepted();
        self.progressed = true;
    }

    /// The connection failed: Ok once it may be opened again, the error
    /// when that is final.
    fn failed(&mut self, err: anyhow::Error) -> Result<()> {
        self.connection = None;
        let progressed = std::mem::take(&mut self.progressed);
        self.relink.recovered(err, progressed)
    }
}

/// The connection in `slot`, opened (again) if need be.
fn open<'c>(relink: &mut Relink, slot: &'c mut Option<Connection>) -> Result<&'c mut Connection> {
    let connection = match slot.take() {
        Some(connection) => connection,
        None => {
            let connection = relink.open()?;
            if relink.reconnecting() {
                relink.say_reconnected(connection.host(), "going on with the click");
            }
            connection
        }
    };
    Ok(slot.insert(connection))
}

/// Message `sequence` of `dialog`, read back by subscribing from it.
fn message(connection: &mut Connection, dialog: &str, sequence: u64) -> Result<Value> {
    let body = frames::subscribe_body(dialog, sequence);
    connection.request(types::SUBSCRIBE_MESSAGING_EVENTS, Some(&body))?;
    let missing = |why: &str| {
        fail(
            Exit::DataErr,
            format!("there is no message #{sequence} in dialog {dialog}: {why}"),
        )
    };
    let deadline = Instant::now() + connection.timeout();
    let found = connection.find(deadline, |notification| {
        if notification.notification_type != types::MESSAGING_EVENT_NOTIFICATION {
            return Ok(None);
        }
        for change in frames::changes(notification.body)? {
            match frames::change_meta(change, false)?.sequence {
                Some(found) if found == sequence => {
                    return serde_json::from_str(change.get())
                        .map(Some)
                        .map_err(|_| fail(Exit::Protocol, "the message is not JSON"));
                }
                // Sequences come in order: a later one means no N.
                Some(found) if found > sequence => {
                    return Err(missing(&format!("the replay from it began at #{found}")));
                }
                _ => {}
            }
        }
        Ok(None)
    })?;
    match found {
        Found::It(message) => Ok(message),
        // The protocol has no end of the replay: N may still come.
        Found::Deadline => Err(missing(&format!(
            "none came within {} s (--timeout)",
            connection.timeout().as_secs_f64()
        ))),
        Found::Closed => Err(link_failure(
            Exit::TempFail,
            LinkError::Closed(1000),
            "the server closed the connection before sending the message",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_looked_for_before_a_request_went_out_or_once_it_was_answered() {
        let mut progress = Progress::new(4);
        assert!(progress.lost("yes").is_none());
        assert_eq!(progress.where_it_stopped(), "");
        progress.sending();
        progress.answered(Some(7));
        assert_eq!(progress.step, Step::Text);
        assert!(progress.lost("yes").is_none());
        assert!(
            progress
                .where_it_stopped()
                .ends_with("its text was not sent")
        );
    }

    #[test]
    fn a_lost_action_is_looked_for_after_the_message_and_then_the_text_is_sent() {
        let mut progress = Progress::new(4);
        progress.sending();
        assert!(
            progress
                .where_it_stopped()
                .contains("ACTION receipt went out")
        );
        let Some((Ours::Receipt { status, of }, after)) = progress.lost("yes") else {
            panic!("the receipt is looked for");
        };
        assert_eq!((status, of, after), ("ACTION", 4, 4));
        // Found at 6: the text is what comes next, looked for after 6 if
        // its answer is lost in turn.
        assert_eq!(progress.read_back(Some(6)), Next::Send);
        assert_eq!(progress.step, Step::Text);
        progress.sending();
        let Some((Ours::Text(text), after)) = progress.lost("yes") else {
            panic!("the text is looked for");
        };
        assert_eq!((text, after), ("yes", 6));
    }

    #[test]
    fn an_action_not_found_is_sent_again() {
        let mut progress = Progress::new(4);
        progress.sending();
        assert_eq!(progress.read_back(None), Next::Send);
        assert_eq!(progress.step, Step::Action);
        assert!(progress.lost("yes").is_none());
    }

    #[test]
    fn a_lost_text_found_ends_the_click_and_one_not_found_is_sent_again() {
        let mut progress = Progress::new(4);
        progress.sending();
        progress.answered(Some(5));
        progress.sending();
        assert!(progress.where_it_stopped().contains("text went out"));
        let mut found = progress;
        assert_eq!(found.read_back(Some(9)), Next::Done(9));
        assert_eq!(progress.read_back(None), Next::Send);
        assert_eq!(progress.step, Step::Text);
    }

    #[test]
    fn without_the_action_s_sequence_the_text_is_looked_for_after_the_message() {
        let mut progress = Progress::new(4);
        progress.sending();
        progress.answered(None);
        progress.sending();
        assert!(matches!(progress.lost("yes"), Some((Ours::Text("yes"), 4))));
    }
}
