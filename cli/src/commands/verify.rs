//! `convene verify`.

use clap::Args;

use super::Context;
use crate::exit::{self, Failure};
use crate::output::print_json;

/// Arguments of `convene verify`.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  convene verify\n\nExits with 6 when any entry fails.")]
pub struct VerifyArgs {
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `convene verify`.
pub fn run(context: &Context, args: VerifyArgs) -> Result<(), Failure> {
    let report = context.backend()?.verify()?;
    if args.json {
        print_json(&report)?;
    } else {
        for (id, reason) in &report.failures {
            println!("FAILED {id}: {reason}");
        }
        println!("{} entries checked, {} failed", report.checked, report.failures.len());
    }
    if report.failures.is_empty() {
        Ok(())
    } else {
        Err(Failure::new(exit::VERIFY_FAILED, format!("{} entries fail verification", report.failures.len())))
    }
}
