//! The man page and shell completions, generated from the clap definition
//! (`--generate`), and checked in under man/ and completions/.

use std::io::{self, Write};

use clap_complete::Shell;
use clap_mangen::Man;

use crate::cli::{Generate, documented_command};

pub(crate) fn write(kind: Generate, out: &mut dyn Write) -> io::Result<()> {
    let mut command = documented_command();
    let shell = match kind {
        Generate::Man => return man_page(command, out),
        Generate::CompleteBash => Shell::Bash,
        Generate::CompleteZsh => Shell::Zsh,
        Generate::CompleteFish => Shell::Fish,
        Generate::CompletePowershell => Shell::PowerShell,
        Generate::CompleteElvish => Shell::Elvish,
    };
    clap_complete::generate(shell, &mut command, "lp-consumer", out);
    Ok(())
}

/// One page for the whole tool: the usual sections, then a section per
/// subcommand with its synopsis and options, so that every flag is documented.
fn man_page(command: clap::Command, out: &mut dyn Write) -> io::Result<()> {
    let man = Man::new(command.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    for sub in command.get_subcommands() {
        let name = format!("lp-consumer {}", sub.get_name());
        writeln!(out, ".SH \"{}\"", name.to_uppercase())?;
        let sub_man = Man::new(sub.clone().bin_name(&name));
        out.write_all(&without_heading(&sub_man, Man::render_description_section)?)?;
        writeln!(out, ".SS Synopsis")?;
        out.write_all(&without_heading(&sub_man, Man::render_synopsis_section)?)?;
        if sub.get_arguments().any(|arg| !arg.is_hide_set()) {
            writeln!(out, ".SS Options")?;
            out.write_all(&without_heading(&sub_man, Man::render_options_section)?)?;
        }
    }
    writeln!(out, ".SH \"EXIT STATUS\"")?;
    out.write_all(&without_heading(&man, Man::render_extra_section)?)?;
    man.render_version_section(out)
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
