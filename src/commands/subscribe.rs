//! `subscribe CONV --from-seq N`: ms.SubscribeMessagingEvents; one line per
//! change of every ms.MessagingEventNotification, history first, then live.

use std::time::Instant;

use anyhow::Result;

use crate::cli::SubscribeArgs;
use crate::config::ConnectionConfig;
use crate::connection::{Connection, Event, check_response};
use crate::exit::{Exit, fail};
use crate::frames::{self, Incoming, compact, subscribe_body, types};
use crate::output::Output;

pub fn run(args: &SubscribeArgs, config: &ConnectionConfig, out: &mut Output) -> Result<()> {
    let mut connection = Connection::open(config)?;
    let body = subscribe_body(&args.conversation, args.from_seq);
    let subscribe_id = connection.send_request(types::SUBSCRIBE_MESSAGING_EVENTS, Some(&body))?;
    // Until the subscription is confirmed, the response deadline applies;
    // after it, the idle timeout (if any).
    let mut response_deadline = Some(Instant::now() + connection.timeout());
    let mut idle_deadline = None;
    let mut printed = 0u64;
    let limit = args.count.unwrap_or(u64::MAX);
    while printed < limit {
        let frame = match connection.next(response_deadline.or(idle_deadline))? {
            Event::Frame(frame) => frame,
            Event::Closed => break,
            Event::Idle if response_deadline.is_some() => {
                return Err(fail(
                    Exit::TempFail,
                    format!(
                        "no response to {} within {} s",
                        types::SUBSCRIBE_MESSAGING_EVENTS,
                        connection.timeout().as_secs_f64()
                    ),
                ));
            }
            Event::Idle => break,
        };
        let print_frame = match frames::parse(&frame)? {
            Incoming::Response(response) if response.req_id == subscribe_id => {
                check_response(types::SUBSCRIBE_MESSAGING_EVENTS, &response)?;
                response_deadline = None;
                true
            }
            Incoming::Response(response) => !connection.other_response(&response),
            Incoming::Notification(notification) => {
                if !args.frames
                    && notification.notification_type == types::MESSAGING_EVENT_NOTIFICATION
                {
                    for change in frames::changes(notification.body)? {
                        out.raw_line(&compact(change.get()))?;
                        printed += 1;
                        if printed == limit {
                            break;
                        }
                    }
                }
                true
            }
        };
        if args.frames && print_frame {
            out.raw_line(&compact(&frame))?;
            printed += 1;
        }
        out.flush()?;
        if response_deadline.is_none() {
            idle_deadline = args.idle_timeout.map(|idle| Instant::now() + idle);
        }
    }
    connection.finish();
    Ok(())
}
