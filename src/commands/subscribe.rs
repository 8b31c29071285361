//! `subscribe CONV`: ms.SubscribeMessagingEvents; one line per change of every
//! ms.MessagingEventNotification, history first, then live; with resuming
//! (`--reconnect`, `--state-file`), filters and its endings. The stream
//! itself is the engine's.

use anyhow::Result;

use crate::cli::{Format, SubscribeArgs};
use crate::config::ConnectionConfig;
use crate::engine::driver::{self, Retry, Sinks};
use crate::engine::{Engine, Options};
use crate::exit::{Exit, fail};
use crate::output::{self, Output};
use crate::render::Transcript;
use crate::state::StateFile;
use crate::when;

pub(crate) fn run(
    args: &SubscribeArgs,
    config: &ConnectionConfig,
    format: Option<Format>,
    out: &mut Output,
) -> Result<()> {
    if args.frames && format == Some(Format::Text) {
        return Err(fail(
            Exit::Usage,
            "--frames prints the frames as received, in JSON: it does not go with --format text",
        ));
    }
    let mut state = args
        .state_file
        .as_deref()
        .map(|path| StateFile::open(path, &args.conversation, args.state_file_symlink))
        .transpose()?;
    let cursor = state
        .as_ref()
        .and_then(StateFile::stored)
        .or(args.from_seq.checked_sub(1));
    out.widen_pipe();
    let consumer = config.token.claims.sub().to_owned();
    if output::wants_text(format, false) {
        out.show_as_text(Transcript {
            consumer: consumer.clone(),
            conversation: args.conversation.clone(),
            colour: output::wants_colour(),
        });
    }
    let options = Options {
        conversation: args.conversation.clone(),
        consumer,
        from: args.from,
        types: args.types.clone(),
        since: args.since.map(|since| since.epoch_ms(when::now_ms())),
        ack: args.ack,
        frames: args.frames,
        count: args.count,
        idle: args.idle_timeout,
        until_closed: !args.follow,
        timeout: config.network.timeout,
        every_origin: false,
    };
    let mut engine = Engine::new(options, cursor);
    let retry = Retry {
        enabled: args.retry.reconnect,
        max: args.retry.max_retries,
    };
    let mut sinks = Sinks::new(out, state.as_mut());
    driver::run(&mut engine, config, &retry, &mut sinks)
}
