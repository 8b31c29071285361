//! The program: parse the command line, run the subcommand, turn the
//! outcome into an exit code. Parsing is in `cli`, configuration in
//! `config`, each subcommand in `commands`, and exit codes in `exit`.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{self, Command, GlobalArgs};
use crate::commands;
use crate::config::{self, ConnectionConfig};
use crate::exit::{self, Exit, Outcome, fail};
use crate::generate;
use crate::output::{self, Output};
use crate::sanitise;
use crate::secret;

/// lp-consumer's `main`.
pub fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => match exit::classify(&err) {
            Outcome::Quiet => ExitCode::SUCCESS,
            Outcome::Fail(exit) => {
                if !err.to_string().is_empty() {
                    // One line, whatever the causes, with the service's words
                    // in it made harmless; stderr errors are ignored since
                    // there is nowhere left to report them.
                    let message = format!("{err:#}");
                    let _ = writeln!(io::stderr(), "lp-consumer: {}", sanitise::line(&message));
                }
                ExitCode::from(exit.code())
            }
        },
    }
}

fn run() -> Result<()> {
    secret::no_core_dumps();
    let cli = cli::parse();
    let global = &cli.global;
    let mut out = Output::stdout();
    match &cli.command {
        Command::JwtSub => commands::jwt_sub::run(&config::credentials(global)?, &mut out),
        Command::Create(args) => commands::create::run(args, &connection(global)?, &mut out),
        Command::Send(args) => {
            if args.text().is_none() && global.jwt_file.as_deref() == Some(Path::new("-")) {
                return Err(fail(
                    Exit::Usage,
                    "send without TEXT reads messages from standard input, so --jwt-file - cannot; \
                     give TEXT or a file for the token",
                ));
            }
            commands::send::run(args, &connection(global)?, &mut out)
        }
        Command::Subscribe(args) => {
            commands::subscribe::run(args, &connection(global)?, global.format, &mut out)
        }
        Command::Close(args) => commands::close::run(args, &connection(global)?, &mut out),
        Command::Conversations(args) => {
            commands::conversations::run(args, &connection(global)?, &mut out)
        }
        Command::Ack(args) => commands::ack::run(args, &connection(global)?, &mut out),
        Command::Chat(args) => {
            let mut config = connection(global)?;
            commands::chat::run(args, &mut config, global.format, &mut out)
        }
        Command::Click(args) => commands::click::run(args, &connection(global)?, &mut out),
        Command::Completion(args) => print(|out| generate::completion(args.shell, out)),
        Command::Man => print(generate::man),
        Command::Domains(args) => {
            commands::domains::run(args, &config::account_config(global)?, &mut out)
        }
        Command::Login(args) => commands::login::run(args, &config::login(global)?, &mut out),
        Command::Test(args) => commands::test::run(args, global, &mut out),
    }
}

/// The flags checked, then the endpoint and the token the connection needs.
fn connection(global: &GlobalArgs) -> Result<ConnectionConfig> {
    commands::connection(config::service(global)?)
}

/// Writes a generated document to stdout, failing as NDJSON output does.
fn print(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let mut stdout = io::stdout().lock();
    write(&mut stdout)
        .and_then(|()| stdout.flush())
        .map_err(output::write_error)
}
