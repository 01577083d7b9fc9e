//! `convene peers add|list|remove`.

use clap::Subcommand;
use convene_node::sync::{Multiaddr, peers};
use serde_json::{Value, json};

use super::Context;
use crate::access::Access;
use crate::exit::Failure;
use crate::output::print_json;

/// Peer subcommands.
#[derive(Debug, Subcommand)]
pub enum PeersCommand {
    /// Save a peer: the node keeps a connection to it from now on.
    #[command(after_help = "Example:\n  convene peers add /ip4/192.0.2.7/tcp/4701/p2p/12D3KooW...")]
    Add {
        /// The peer's multiaddr (as its `convene node run` prints): /ip4|/ip6|/dns…, then /tcp/PORT.
        #[arg(value_parser = parse_peer_addr)]
        addr: Multiaddr,
    },
    /// Saved peers, and with a running node, every known peer with its sync counters.
    #[command(after_help = "Example:\n  convene peers list --json")]
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Forget a saved peer.
    #[command(after_help = "Example:\n  convene peers remove /ip4/192.0.2.7/tcp/4701")]
    Remove {
        /// The multiaddr as it was added.
        #[arg(value_parser = parse_peer_addr)]
        addr: Multiaddr,
    },
}

/// A peer address to save: it must name a transport (see `peers::parse_peer_addr`).
fn parse_peer_addr(text: &str) -> Result<Multiaddr, String> {
    peers::parse_peer_addr(text).map_err(|error| error.to_string())
}

/// Runs a peers subcommand.
pub fn run(context: &Context, command: PeersCommand) -> Result<(), Failure> {
    let access = context.access()?;
    match command {
        PeersCommand::Add { addr } => {
            let added = match &access {
                Access::Remote(remote) => {
                    remote.post::<Value>("/peers", &[], &json!({ "addr": addr.to_string() }))?["added"] == true
                }
                Access::Local(node) => peers::add_peer(node.data_dir(), &addr)?,
            };
            println!("{} {addr}", if added { "saved" } else { "already saved:" });
        }
        PeersCommand::Remove { addr } => {
            let removed = match &access {
                Access::Remote(remote) => {
                    remote.delete::<Value>("/peers", &json!({ "addr": addr.to_string() }))?["removed"] == true
                }
                Access::Local(node) => peers::remove_peer(node.data_dir(), &addr)?,
            };
            println!("{} {addr}", if removed { "removed" } else { "was not saved:" });
        }
        PeersCommand::List { json } => match &access {
            Access::Remote(_) => {
                let list = access.peers()?;
                if json {
                    return print_json(&list);
                }
                if list.is_empty() {
                    println!("no peers yet; add one with `convene peers add MULTIADDR`");
                }
                for peer in &list {
                    super::status::print_peer(peer);
                }
            }
            Access::Local(node) => {
                let saved = peers::saved_peers(node.data_dir())?;
                if json {
                    let list: Vec<String> = saved.iter().map(ToString::to_string).collect();
                    return print_json(&json!({ "saved": list }));
                }
                for addr in &saved {
                    println!("{addr}");
                }
                println!("(saved peers; the node is not running, so no connection state)");
            }
        },
    }
    Ok(())
}
