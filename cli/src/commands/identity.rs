//! `convene identity new|list`.

use clap::Subcommand;

use super::Context;
use crate::exit::Failure;
use crate::output::print_json;

/// Identity subcommands.
#[derive(Debug, Subcommand)]
pub enum IdentityCommand {
    /// Create a new ed25519 identity; its secret stays in a file only you can read.
    #[command(
        after_help = "Examples:\n  convene identity new --name \"Amina Okafor\"\n  convene identity new --name أمينة"
    )]
    New {
        /// Its name: a person's name in any script, spaces allowed (1 to 64
        /// characters). `--as` takes it in any letter case, or the did:key.
        #[arg(long)]
        name: String,
    },
    /// List identities with their public keys as did:key.
    #[command(after_help = "Example:\n  convene identity list --json")]
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs an identity subcommand.
pub fn run(context: &Context, command: IdentityCommand) -> Result<(), Failure> {
    match command {
        IdentityCommand::New { name } => {
            let info = context.data_dir.create_identity(&name)?;
            println!("created identity `{}`\n  {}", info.name, info.public_key);
        }
        IdentityCommand::List { json } => {
            let identities = context.data_dir.identities()?;
            if json {
                return print_json(&identities);
            }
            if identities.is_empty() {
                println!("no identities yet; create one with `convene identity new --name NAME`");
            }
            for info in identities {
                println!("{}\t{}", info.name, info.public_key);
            }
        }
    }
    Ok(())
}
