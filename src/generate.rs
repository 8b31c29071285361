//! Man pages and shell completions, generated from the clap definitions
//! (`lp-consumer man`, `lp-consumer completion SHELL`, `lp-mock --man`) and
//! checked in under man/ and completions/.

use std::io::{self, Write};

use clap::{Arg, ArgAction};
use clap_complete::Shell;
use clap_mangen::Man;

use crate::cli::{documented_command, flag_spellings};
use crate::exit;

/// A section a man page adds to what the clap definition gives.
pub struct ManSection {
    /// Upper case, as man pages spell them: `EXAMPLES`.
    pub title: &'static str,
    pub blocks: Vec<ManBlock>,
}

/// Plain text; the page escapes it for roff.
pub enum ManBlock {
    Paragraph(String),
    /// A term and its description, as in a list of options.
    Item(String, String),
    /// Lines shown as they are: commands to type.
    Code(String),
}

/// A completion script for `shell`.
pub(crate) fn completion(shell: Shell, out: &mut dyn Write) -> io::Result<()> {
    let mut command = documented_command();
    let bin = command.get_name().to_owned();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, &bin, &mut script);
    if shell == Shell::Bash {
        let text = String::from_utf8(script).expect("clap_complete writes UTF-8");
        script = bash_branches_fixed(&text, &bin).into_bytes();
    }
    out.write_all(&script)
}

/// clap_complete's bash script (4.6.12 and earlier, clap-rs/clap#6421) tracks
/// the subcommand as `lp__consumer__subcmd__send` but labels its branch
/// `lp__subcmd__consumer__subcmd__send`, escaping the binary name's hyphen two
/// ways, so that nothing past the first word completes. The labels are spelt
/// as the tracking spells them (nothing to do once fixed upstream).
fn bash_branches_fixed(script: &str, bin: &str) -> String {
    let label = |hyphen: &str| format!("{}__subcmd__", bin.replace('-', hyphen));
    script.replace(&label("__subcmd__"), &label("__"))
}

/// lp-consumer(1).
pub(crate) fn man(out: &mut dyn Write) -> io::Result<()> {
    let command = documented_command();
    let sections = [
        ManSection {
            title: "EXIT STATUS",
            blocks: exit::table()
                .map(|(code, meaning)| ManBlock::Item(code.to_string(), meaning.to_owned()))
                .collect(),
        },
        environment(&command),
        files(),
        examples(),
        ManSection {
            title: "SEE ALSO",
            blocks: vec![ManBlock::Paragraph("lp-mock(1), jq(1)".to_owned())],
        },
    ];
    write_man_page(command, &sections, out)
}

/// The variables behind flags, from the definition, then the ones read
/// without a flag of their own. Every flag with a variable is global (the
/// subcommands hold hidden copies), so the root's arguments name them all.
fn environment(command: &clap::Command) -> ManSection {
    let mut blocks = Vec::new();
    for arg in command.get_arguments() {
        if let (Some(name), Some(long)) = (arg.get_env(), arg.get_long()) {
            let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
            blocks.push(ManBlock::Item(
                name.to_string_lossy().into_owned(),
                format!("Used when --{long} is not given. {help}"),
            ));
        }
    }
    let others = [
        (
            "https_proxy, HTTPS_PROXY",
            "HTTP proxy for wss:// endpoints when --proxy is not given.",
        ),
        (
            "http_proxy",
            "HTTP proxy for ws:// endpoints (lower case only, as curl reads it).",
        ),
        (
            "ALL_PROXY, all_proxy",
            "HTTP proxy for either scheme when the above are unset.",
        ),
        (
            "NO_PROXY, no_proxy",
            "Hosts and domains (comma-separated, * = all) reached without the environment's \
             proxy.",
        ),
        (
            "SSL_CERT_FILE, SSL_CERT_DIR",
            "Trusted root certificates, read by OpenSSL, besides the system's and --cacert.",
        ),
        (
            "XDG_CACHE_HOME",
            "The cache folder's parent (see FILES); ~/.cache when unset.",
        ),
        (
            "NO_COLOR",
            "When set and not empty, --format text uses no colour.",
        ),
    ];
    blocks.extend(
        others
            .iter()
            .map(|(name, text)| ManBlock::Item((*name).to_owned(), (*text).to_owned())),
    );
    ManSection {
        title: "ENVIRONMENT",
        blocks,
    }
}

fn files() -> ManSection {
    let items = [
        (
            "PATH (subscribe --state-file PATH)",
            "The cursor, {\"conversationId\":\"...\",\"sequence\":N}: the highest sequence \
             handled. A run resumes after it. It is replaced atomically once the lines of a \
             burst of frames are flushed (at most every 0.1 s, and before a wait or the end), \
             through a temporary file PATH.<random>.tmp in the same folder, created \
             new (never through a link) and 0600. A PATH that is a symbolic link is refused \
             unless --state-file-symlink is given.",
        ),
        (
            "PATH.lock",
            "Locked for the whole run, so that one run at a time uses PATH; a second run exits \
             75. It stays after the run, unlocked. A PATH.lock that is a symbolic link is \
             refused (65).",
        ),
        (
            "$XDG_CACHE_HOME/lp-consumer/csds-ACCOUNT@HOST.json",
            "The domain API's answer for an account, kept --csds-ttl seconds (default 600) and \
             used stale when the domain API is down. Safe to delete.",
        ),
    ];
    ManSection {
        title: "FILES",
        blocks: items
            .iter()
            .map(|(term, text)| ManBlock::Item((*term).to_owned(), (*text).to_owned()))
            .collect(),
    }
}

fn examples() -> ManSection {
    let blocks = [
        (
            "With LP_JWT, LP_ACCOUNT and LP_ASYNCMESSAGINGENT in the environment:",
            "lp-consumer jwt-sub | jq -r .sub\n\
          CONV=$(lp-consumer create | jq -r .conversationId)\n\
          lp-consumer send \"$CONV\" \"hello\"\n\
          lp-consumer subscribe \"$CONV\" --idle-timeout 2\n\
          lp-consumer close \"$CONV\"",
        ),
        (
            "What the agent said, as text:",
            "lp-consumer subscribe \"$CONV\" --from agent --type ContentEvent --idle-timeout 2 \\\n\
          \x20 | jq -r .event.message",
        ),
        (
            "Every agent message once, from cron; the state file remembers where the last run \
          stopped:",
            "*/5 * * * * set -a; . $HOME/lp.env; set +a; lp-consumer subscribe \"$CONV\" --from agent \
          --state-file $HOME/.lp-cursor --idle-timeout 5 --reconnect --max-retries 5 \
          >> $HOME/agent.ndjson",
        ),
        (
            "Install the bash completion and this page for the current user (after cargo install; \
             the Debian package and the release archive have both):",
            "mkdir -p ~/.local/share/bash-completion/completions ~/.local/share/man/man1\n\
          lp-consumer completion bash > ~/.local/share/bash-completion/completions/lp-consumer\n\
          lp-consumer man > ~/.local/share/man/man1/lp-consumer.1",
        ),
    ];
    ManSection {
        title: "EXAMPLES",
        blocks: blocks
            .iter()
            .flat_map(|(text, code)| {
                [
                    ManBlock::Paragraph((*text).to_owned()),
                    ManBlock::Code((*code).to_owned()),
                ]
            })
            .collect(),
    }
}

/// A man page for `command`: name, a synopsis with option values,
/// description (then the after-help text), options, a section per
/// subcommand, then `sections`, then the version.
pub fn write_man_page(
    command: clap::Command,
    sections: &[ManSection],
    out: &mut dyn Write,
) -> io::Result<()> {
    // The release's number alone: the page is kept in the repository, the
    // commit it would name is the one before it.
    let command = command.version(env!("CARGO_PKG_VERSION"));
    let man = Man::new(command.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    writeln!(
        out,
        ".SH SYNOPSIS\n{}",
        synopsis(&command, command.get_name())
    )?;
    man.render_description_section(out)?;
    if let Some(after) = command.get_after_help() {
        writeln!(out, ".PP\n{}", roff(&after.to_string()))?;
    }
    man.render_options_section(out)?;
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        let name = format!("{} {}", command.get_name(), sub.get_name());
        writeln!(out, ".SH \"{}\"", roff(&name.to_uppercase()))?;
        let sub_man = Man::new(sub.clone().bin_name(&name));
        out.write_all(&without_heading(&sub_man, Man::render_description_section)?)?;
        writeln!(out, ".SS Synopsis\n{}", synopsis(sub, &name))?;
        if sub.get_arguments().any(|arg| !arg.is_hide_set()) {
            writeln!(out, ".SS Options")?;
            out.write_all(&without_heading(&sub_man, Man::render_options_section)?)?;
        }
    }
    for section in sections {
        writeln!(out, ".SH \"{}\"", section.title)?;
        for block in &section.blocks {
            match block {
                ManBlock::Paragraph(text) => writeln!(out, ".PP\n{}", roff(text))?,
                ManBlock::Item(term, text) => {
                    writeln!(out, ".TP\n\\fB{}\\fR\n{}", roff(term), roff(text))?
                }
                ManBlock::Code(code) => writeln!(out, ".PP\n.RS 4\n.nf\n{}\n.fi\n.RE", roff(code))?,
            }
        }
    }
    man.render_version_section(out)
}

/// `name [--flag VALUE]... ARG [OPTIONAL] COMMAND`, values included (clap_mangen
/// leaves them out); help and version flags are in OPTIONS.
fn synopsis(command: &clap::Command, name: &str) -> String {
    let mut words = vec![format!("\\fB{}\\fR", roff(name))];
    // Options first, then positionals, as clap's usage line has them.
    let (positionals, options): (Vec<&Arg>, Vec<&Arg>) = command
        .get_arguments()
        .filter(|arg| !arg.is_hide_set())
        .partition(|arg| arg.is_positional());
    for arg in options.into_iter().chain(positionals) {
        let action = arg.get_action();
        if matches!(
            action,
            ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong | ArgAction::Version
        ) {
            continue;
        }
        let value = if arg.is_positional() {
            value_name(arg)
        } else {
            let flag = flag_spellings(arg)
                .map(|flag| format!("\\fB{}\\fR", roff(&flag)))
                .collect::<Vec<_>>()
                .join("|");
            if action.takes_values() {
                format!("{flag} {}", value_name(arg))
            } else {
                flag
            }
        };
        let repeat = if matches!(action, ArgAction::Append | ArgAction::Count) {
            "..."
        } else {
            ""
        };
        words.push(if arg.is_required_set() {
            format!("{value}{repeat}")
        } else {
            format!("[{value}]{repeat}")
        });
    }
    if command.has_subcommands() {
        let subcommand = "\\fICOMMAND\\fR".to_owned();
        words.push(if command.is_subcommand_required_set() {
            subcommand
        } else {
            format!("[{subcommand}]")
        });
    }
    words.join(" ")
}

fn value_name(arg: &Arg) -> String {
    let name = match arg.get_value_names() {
        Some(names) => names
            .iter()
            .map(|name| name.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        None => arg.get_id().as_str().to_uppercase(),
    };
    format!("\\fI{}\\fR", roff(&name))
}

/// Plain text made safe for roff: backslashes and hyphens escaped, and no
/// line taken for a request.
fn roff(text: &str) -> String {
    text.replace('\\', "\\e")
        .replace('-', "\\-")
        .lines()
        .map(|line| {
            if line.starts_with(['.', '\'']) {
                format!("\\&{line}")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A rendered section without its `.SH` line, to nest it under another.
fn without_heading(
    man: &Man,
    render: fn(&Man, &mut dyn Write) -> io::Result<()>,
) -> io::Result<Vec<u8>> {
    let mut section = Vec::new();
    render(man, &mut section)?;
    let text = String::from_utf8_lossy(&section);
    let body: Vec<&str> = text
        .lines()
        .filter(|line| !line.starts_with(".SH "))
        .collect();
    Ok(format!("{}\n", body.join("\n")).into_bytes())
}
