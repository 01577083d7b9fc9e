//! `convene`: the command line of a Convene node.
//!
//! Thin over [`convene_node::Node`]: each subcommand lives in its own file
//! under `commands/`, parses its arguments, calls the node and prints.

mod access;
mod chunked;
mod commands;
mod exit;
mod output;
mod provenance;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use convene_node::DataDir;

use crate::exit::Failure;

/// automerge allocates and frees ~400 KB per document it builds or loads;
/// with glibc's allocator that fragments into hundreds of MB of resident
/// memory over an import or a sync (measured in BENCHMARKS.md). mimalloc
/// returns it. Its version 2 (the crate's `v2` feature): version 3 keeps
/// freed pages for a second before returning them, which cost a syncing
/// node 30 MB more and made `import` slower.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Convene: federated, signed convening reports and case studies on
/// safeguards for digital public infrastructure.
#[derive(Debug, Parser)]
#[command(name = "convene", version, propagate_version = true, after_help = commands::EXIT_CODES)]
struct Cli {
    /// The node's data directory [default: the platform's data directory, e.g. ~/.local/share/convene].
    #[arg(long, global = true, env = "CONVENE_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// Which identity signs: its name (any letter case) or its did:key (see
    /// `convene identity list`); optional when there is only one.
    #[arg(long = "as", global = true, env = "CONVENE_IDENTITY", value_name = "NAME")]
    identity: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create and list author identities.
    #[command(subcommand)]
    Identity(commands::identity::IdentityCommand),
    /// Create a new network (for a secretariat).
    #[command(subcommand)]
    Network(commands::network::NetworkCommand),
    /// Set up this node's data directory for a network.
    Init(commands::network::InitArgs),
    /// Show or set this node's hub name, which its peers see.
    HubName(commands::network::HubNameArgs),
    /// Show or set whether this hub signs custody receipts for what it stores.
    Custody(commands::network::CustodyArgs),
    /// Sign and store one submission given as JSON.
    Submit(commands::submit::SubmitArgs),
    /// Sign and store every submission of a JSON Lines file.
    Import(commands::submit::ImportArgs),
    /// List submissions, with filters.
    List(commands::list::ListArgs),
    /// Show one submission.
    Show(commands::list::ShowArgs),
    /// Attach photos (JPEG, PNG, WebP) or PDFs to a submission; location and camera data are removed.
    Attach(commands::attach::AttachArgs),
    /// Withdraw one of your submissions: its content is purged.
    Withdraw(commands::withdraw::WithdrawArgs),
    /// Curate submissions for the secretariat: status, tags, sealed notes.
    Curate(commands::desk::CurateArgs),
    /// Hide a submission, or every submission of an author, on every node (the secretariat).
    Hide(commands::desk::HideArgs),
    /// Show again what `hide` hid.
    Unhide(commands::desk::UnhideArgs),
    /// Grant, revoke and list curators (the secretariat's node).
    #[command(subcommand)]
    Curator(commands::desk::CuratorCommand),
    /// The secretariat's tags: list, add, remove.
    #[command(subcommand)]
    Tags(commands::desk::TagsCommand),
    /// Publish a page of the guide (Markdown) to every node, or retract it (the secretariat or a curator).
    Publish(commands::publications::PublishArgs),
    /// The taxonomy: publish a new version's titles to every node, show the version in use.
    #[command(subcommand)]
    Taxonomy(commands::publications::TaxonomyCommand),
    /// Re-check the signature and id of every stored entry.
    Verify(commands::verify::VerifyArgs),
    /// Carry entries on a USB stick: what a node lacks, written to a file and imported there.
    #[command(subcommand)]
    Bundle(commands::bundle::BundleCommand),
    /// Export the corpus for analysis: JSON Lines, CSV or an XLSX workbook; anonymised unless --attributed.
    Export(commands::export::ExportArgs),
    /// Write the public showcase: a static website of what is published with consent, unattributed, small counts suppressed.
    Showcase(commands::showcase::ShowcaseArgs),
    /// Sign a release of a showcase or an export (secretariat), or check one without any network.
    #[command(subcommand)]
    Release(commands::release::ReleaseCommand),
    /// Show the node's network, store, identities, and peers when it runs.
    Status(commands::status::StatusArgs),
    /// Run the node: sync with peers, serve the web UI and API.
    #[command(subcommand)]
    Node(commands::node::NodeCommand),
    /// Add, list and remove the peers the node keeps connected to.
    #[command(subcommand)]
    Peers(commands::peers::PeersCommand),
}

fn main() -> ExitCode {
    // mimalloc commits its arenas eagerly, and where the kernel backs them
    // with transparent huge pages every touched 2 MiB becomes resident: an
    // idle, empty node measured 54 MB resident with them, 17 MB without.
    // Failing to opt out only costs memory.
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    let cli = Cli::parse();
    // A running node tells its operator what happens; one-shot commands stay quiet.
    let default_level = if matches!(cli.command, Command::Node(_)) { "info" } else { "warn" };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CONVENE_LOG").unwrap_or_else(|_| default_level.into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    let data_dir = match cli.data_dir {
        Some(dir) => DataDir::new(dir),
        None => DataDir::new(DataDir::platform_default().ok_or_else(|| {
            Failure::usage("no platform data directory is known here; pass --data-dir DIR or set CONVENE_DATA_DIR")
        })?),
    };
    let context = commands::Context { data_dir, identity: cli.identity };
    match cli.command {
        Command::Identity(command) => commands::identity::run(&context, command),
        Command::Network(command) => commands::network::run(command),
        Command::Init(args) => commands::network::init(&context, args),
        Command::HubName(args) => commands::network::hub_name(&context, args),
        Command::Custody(args) => commands::network::custody(&context, args),
        Command::Submit(args) => commands::submit::submit(&context, args),
        Command::Import(args) => commands::submit::import(&context, args),
        Command::List(args) => commands::list::list(&context, args),
        Command::Show(args) => commands::list::show(&context, args),
        Command::Attach(args) => commands::attach::run(&context, args),
        Command::Withdraw(args) => commands::withdraw::run(&context, args),
        Command::Curate(args) => commands::desk::curate(&context, args),
        Command::Hide(args) => commands::desk::hide(&context, args),
        Command::Unhide(args) => commands::desk::unhide(&context, args),
        Command::Curator(command) => commands::desk::curator(&context, command),
        Command::Tags(command) => commands::desk::tags(&context, command),
        Command::Publish(args) => commands::publications::publish(&context, args),
        Command::Taxonomy(command) => commands::publications::taxonomy(&context, command),
        Command::Verify(args) => commands::verify::run(&context, args),
        Command::Bundle(command) => commands::bundle::run(&context, command),
        Command::Export(args) => commands::export::run(&context, args),
        Command::Showcase(args) => commands::showcase::run(&context, args),
        Command::Release(command) => commands::release::run(&context, command),
        Command::Status(args) => commands::status::run(&context, args),
        Command::Node(command) => commands::node::run(&context, command),
        Command::Peers(command) => commands::peers::run(&context, command),
    }
}
