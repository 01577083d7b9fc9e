//! `convene status`.

use clap::Args;

use super::Context;
use crate::exit::Failure;
use convene_node::disk::{self as space, DiskSpace};
use convene_node::sync::{NatStatus, PeerStatus, Reach, SyncStatus};

use crate::output::{format_ms, print_json, shown};

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
    let full = context.access()?.status()?;
    if args.json {
        return print_json(&full);
    }
    let status = &full.node;
    println!("network:     {} ({})", shown(&status.network_name), status.network_id);
    println!("data dir:    {}", status.data_dir);
    // The node's own HTTPS certificate, made when it was first bound beyond
    // loopback: compare with what the browser shows.
    let (cert, _) = convene_web::tls::default_paths(context.data_dir.root());
    if let Ok(fingerprint) = convene_web::tls::fingerprint(&cert) {
        println!("https cert:  SHA-256 {fingerprint}");
    }
    println!("secretariat: {}", if status.secretariat { "yes, this node holds the secretariat's keys" } else { "no" });
    println!("entries:     {}", status.store.entries);
    for (kind, count) in &status.store.documents {
        println!("  {kind}: {count}");
    }
    println!("withdrawn:   {}", status.store.withdrawn);
    if let Some(disk) = &status.disk {
        print_disk(disk);
    }
    println!("on disk:     {:.1} MB", status.store.bytes_on_disk as f64 / 1e6);
    if status.store.damaged_waiting > 0 {
        println!(
            "damaged:     {} entries were damaged on disk and set aside; they are fetched again from the next peer that has them",
            status.store.damaged_waiting
        );
    }
    if status.store.deferred > 0 {
        println!(
            "waiting:     {} changes arrived before what they build on; each is checked and stored once that arrives",
            status.store.deferred
        );
    }
    for repair in &status.repairs {
        println!("repaired:    {}: {}", format_ms(repair.at_ms), repair.note);
    }
    println!("identities:");
    for identity in &status.identities {
        println!("  {}\t{}", identity.name, identity.public_key);
    }
    match &full.sync {
        None => println!("node:        not running (start it with `convene node run`)"),
        Some(sync) => {
            match &sync.hub_name {
                Some(name) => println!("node:        running as hub `{}`, peer id {}", shown(name), sync.peer_id),
                None => println!(
                    "node:        running, peer id {} (no hub name: set one with `convene hub-name NAME`)",
                    sync.peer_id
                ),
            }
            for addr in &sync.listen_addrs {
                println!("  listening on {addr}");
            }
            print_reachability(sync);
            let last = sync.last_sync_ms.map_or("never".to_owned(), format_ms);
            println!(
                "peers:       {} connected; last sync {last}; {} entries waiting",
                sync.connected(),
                sync.entries_waiting
            );
            if sync.blobs_waiting > 0 {
                println!(
                    "files:       {} photos and files waiting to arrive ({:.1} MB)",
                    sync.blobs_waiting,
                    sync.blob_bytes_waiting as f64 / 1e6
                );
            }
            if sync.text_only {
                println!(
                    "files:       text and previews only (--text-only): original photos and files are neither fetched nor sent"
                );
            }
            if sync.paused_disk_full {
                println!(
                    "sync:        PAUSED: the disk is nearly full; fetching from peers waits until there is room (the rest is kept for this node's own submissions) and resumes by itself"
                );
            }
            if sync.hub_records_refused > 0 {
                println!("hub names:   {} refused (forged, oversized or malformed): ignored", sync.hub_records_refused);
            }
            for peer in &sync.peers {
                print_peer(peer);
            }
        }
    }
    Ok(())
}

/// The disk's line: free space, the sync reserve, and whether writes are refused.
fn print_disk(disk: &DiskSpace) {
    let free = space::mb(disk.free_bytes);
    let total = space::mb(disk.total_bytes);
    let reserve = space::mb(disk.sync_reserve_bytes);
    if disk.full() {
        println!(
            "disk:        FULL: {free} MB free of {total} MB; reading works, writing is refused until space is freed on this disk"
        );
    } else {
        println!(
            "disk:        {free} MB free of {total} MB; sync pauses below {reserve} MB, kept for local submissions"
        );
    }
}

/// Whether peers can reach this node, its relays, and whether it relays.
fn print_reachability(sync: &SyncStatus) {
    let words = match sync.nat {
        NatStatus::Public => "public: peers can connect to this node directly",
        NatStatus::Private if sync.relays.is_empty() => {
            "behind NAT: peers cannot connect to this node, only it to them; give it a relay with --relay"
        }
        NatStatus::Private => "behind NAT: peers reach this node through its relay",
        NatStatus::Unknown => "not known yet (peers are asked to dial this node back)",
    };
    println!("reachable:   {words}");
    for relay in &sync.relays {
        if relay.reserved {
            println!("  relay {}: holds a slot; peers add this node as {}", relay.addr, relay.circuit_addr);
        } else {
            println!("  relay {}: no slot yet (connecting, or the relay refused)", relay.addr);
        }
    }
    if sync.relay_server {
        println!("relay:       this node relays for hubs of its network behind NAT");
    }
}

/// How a connected peer is reached, in words.
fn reach_words(peer: &PeerStatus) -> String {
    match (peer.reached, &peer.relay) {
        (Some(Reach::Direct), _) => ", direct".to_owned(),
        (Some(Reach::HolePunched), _) => ", direct (hole punched through NAT)".to_owned(),
        (Some(Reach::Relayed), Some(relay)) => {
            format!(", through relay …{}", &relay[relay.len().saturating_sub(8)..])
        }
        (Some(Reach::Relayed), None) => ", through a relay".to_owned(),
        (None, _) => String::new(),
    }
}

/// One peer's line and counters.
pub fn print_peer(peer: &PeerStatus) {
    let secretariat = if peer.secretariat { " (the secretariat's node)" } else { "" };
    let id = match (&peer.hub_name, &peer.peer_id) {
        (Some(name), Some(id)) => format!("{}{secretariat}  {id}", shown(name)),
        (None, Some(id)) => id.clone(),
        (_, None) => "(not yet reached)".to_owned(),
    };
    let reach = reach_words(peer);
    let state = match (peer.connected, peer.rtt_ms, peer.next_attempt_ms) {
        (true, Some(rtt), _) => format!("connected{reach} (round trip {rtt} ms)"),
        (true, None, _) => format!("connected{reach}"),
        (false, _, Some(at)) => format!("not connected: reconnecting, next try {}", format_ms(at)),
        (false, _, None) => "not connected".to_owned(),
    };
    println!("  {id}  {state}  {}", peer.addrs.join(" "));
    if let (Some(rate), Some(eta)) = (peer.receiving_bytes_per_s, peer.eta_s) {
        println!(
            "    receiving {:.1} KB/s; {} entries waiting to arrive, about {eta} s left",
            rate as f64 / 1000.0,
            peer.waiting
        );
    } else if peer.waiting > 0 {
        println!("    {} entries it has are waiting to arrive here", peer.waiting);
    }
    let last = peer.last_sync_ms.map_or("never".to_owned(), format_ms);
    let awaiting =
        if peer.unconfirmed > 0 { format!(" ({} awaiting its receipt)", peer.unconfirmed) } else { String::new() };
    println!(
        "    last sync {last}; entries received {} sent {}{awaiting}; bytes in {} out {}; invalid {}; errors {}",
        peer.entries_received, peer.entries_sent, peer.bytes_in, peer.bytes_out, peer.invalid_entries, peer.errors
    );
    if peer.blob_bytes_received + peer.blob_bytes_sent > 0 {
        println!(
            "    photos and files: {} KB received, {} KB sent",
            peer.blob_bytes_received / 1000,
            peer.blob_bytes_sent / 1000
        );
    }
    if let Some(error) = &peer.last_error {
        println!("    last error: {}", shown(error));
    }
}
