//! The program: parse the command line, run the subcommand, turn the
//! outcome into an exit code. Parsing is in `cli`, configuration in
//! `config`, each subcommand in `commands`, and exit codes in `exit`.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use clap::{CommandFactory, Parser};

use crate::cli::{Cli, Command};
use crate::commands;
use crate::config;
use crate::exit::{self, Exit, Outcome, fail};
use crate::generate;
use crate::output::Output;

/// lp-consumer's `main`.
pub fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => match exit::classify(&err) {
            Outcome::Quiet => ExitCode::SUCCESS,
            Outcome::Fail(exit) => {
                if !err.to_string().is_empty() {
                    // One line, whatever the causes; stderr errors are ignored
                    // since there is nowhere left to report them.
                    let _ = writeln!(io::stderr(), "lp-consumer: {err:#}");
                }
                ExitCode::from(exit.code())
            }
        },
    }
}

fn run() -> Result<()> {
    let cli = Cli::parse();
    if let Some(kind) = cli.generate {
        let mut stdout = io::stdout().lock();
        generate::write(kind, &mut stdout)?;
        return Ok(stdout.flush()?);
    }
    let Some(command) = cli.command else {
        Cli::command()
            .error(
                clap::error::ErrorKind::MissingSubcommand,
                "a subcommand is required (see --help)",
            )
            .exit();
    };
    let global = &cli.global;
    let mut out = Output::stdout();
    match &command {
        Command::JwtSub => commands::jwt_sub::run(global, &mut out),
        Command::Create(args) => {
            commands::create::run(args, &config::connection(global)?, &mut out)
        }
        Command::Send(args) => {
            if args.text.is_none() && global.jwt_file.as_deref() == Some(Path::new("-")) {
                return Err(fail(
                    Exit::Usage,
                    "send without TEXT reads messages from standard input, so --jwt-file - cannot; \
                     give TEXT or a file for the token",
                ));
            }
            commands::send::run(args, &config::connection(global)?, &mut out)
        }
        Command::Subscribe(args) => {
            commands::subscribe::run(args, &config::connection(global)?, &mut out)
        }
        Command::Close(args) => commands::close::run(args, &config::connection(global)?, &mut out),
        Command::Conversations(args) => {
            commands::conversations::run(args, &config::connection(global)?, &mut out)
        }
        Command::Ack(args) => commands::ack::run(args, &config::connection(global)?, &mut out),
        Command::Domains(args) => commands::domains::run(args, global, &mut out),
        Command::Login(args) => commands::login::run(args, global, &mut out),
    }
}
