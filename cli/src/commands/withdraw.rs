//! `convene withdraw`.

use clap::Args;

use super::Context;
use crate::exit::Failure;

/// Arguments of `convene withdraw`.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  convene withdraw 3f9a1c --reason \"submitted twice\"\n\n\
    Only the author can withdraw. The submission's content is deleted from this node and, as the\n\
    withdrawal travels, from every node of the network; a signed tombstone remains so it never comes back.")]
pub struct WithdrawArgs {
    /// The submission's id or a unique prefix.
    id: String,
    /// Why (kept in the signed withdrawal, visible to every node).
    #[arg(long, default_value = "")]
    reason: String,
}

/// Runs `convene withdraw`.
pub fn run(context: &Context, args: WithdrawArgs) -> Result<(), Failure> {
    let access = context.access()?;
    let (id, entry) = access.withdraw(&context.data_dir, context.identity.as_deref(), &args.id, &args.reason)?;
    println!("withdrew {id}; its content is purged (withdrawal entry {entry})");
    Ok(())
}
