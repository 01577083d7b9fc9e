//! `convene verify`.

use clap::Args;

use super::Context;
use crate::exit::{self, Failure};
use crate::output::print_json;

/// Arguments of `convene verify`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  convene verify\n\nChecks every stored entry's signature and bytes. A damaged entry is set aside: the node\n\
    fetches it again from the next peer that has it, and serves the others meanwhile.\nExits with 6 when any entry fails."
)]
pub struct VerifyArgs {
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `convene verify`.
pub fn run(context: &Context, args: VerifyArgs) -> Result<(), Failure> {
    let report = context.access()?.verify()?;
    if args.json {
        print_json(&report)?;
    } else {
        for repair in &report.repairs {
            println!("REPAIRED {}: {}", crate::output::format_ms(repair.at_ms), repair.note);
        }
        for (id, reason) in &report.failures {
            println!("FAILED {id}: {reason}");
        }
        println!("{} entries checked, {} failed", report.checked, report.failures.len());
        if report.set_aside > 0 {
            println!(
                "{} damaged entries set aside: the node fetches them again from the next peer that has them",
                report.set_aside
            );
        }
        if report.damaged_waiting > 0 {
            println!("{} damaged entries are waiting to be fetched again from a peer", report.damaged_waiting);
        }
    }
    if report.failures.is_empty() {
        Ok(())
    } else {
        Err(Failure::new(exit::VERIFY_FAILED, format!("{} entries fail verification", report.failures.len())))
    }
}
