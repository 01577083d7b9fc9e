//! `convene status`.

use clap::Args;

use super::Context;
use crate::exit::Failure;
use crate::output::print_json;

/// Arguments of `convene status`.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  convene status --json")]
pub struct StatusArgs {
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `convene status`.
pub fn run(context: &Context, args: StatusArgs) -> Result<(), Failure> {
    let node = context.node()?;
    let status = node.status()?;
    if args.json {
        return print_json(&status);
    }
    println!(
        "network:     {} ({})",
        status.network_name, status.network_id
    );
    println!("data dir:    {}", status.data_dir);
    println!(
        "secretariat: {}",
        if status.secretariat {
            "yes, this node holds the secretariat's keys"
        } else {
            "no"
        }
    );
    println!("entries:     {}", status.store.entries);
    for (kind, count) in &status.store.documents {
        println!("  {kind}: {count}");
    }
    println!("withdrawn:   {}", status.store.withdrawn);
    println!(
        "on disk:     {:.1} MB",
        status.store.bytes_on_disk as f64 / 1e6
    );
    println!("identities:");
    for identity in &status.identities {
        println!("  {}\t{}", identity.name, identity.public_key);
    }
    Ok(())
}
