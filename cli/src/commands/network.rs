//! `convene network create`, `convene init`, and a hub's settings:
//! `convene hub-name` and `convene custody`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use convene_node::data_dir::{SecretariatKeys, write_atomic};
use convene_node::sync::hub;
use convene_node::{NodeError, now_ms};
use convene_protocol::attachment::Limits;
use convene_protocol::network::Genesis;

use super::Context;
use crate::exit::{FAILED, Failure, INVALID};
use crate::output::shown;

/// Network subcommands.
#[derive(Debug, Subcommand)]
pub enum NetworkCommand {
    /// Create a network: a signed genesis.json for every node, and the
    /// secretariat's secret keys (secretariat-secret.json, keep it safe).
    #[command(after_help = "Example:\n  convene network create --name \"DPI Safeguards\" --out ./network\n  \
        convene init --network ./network/genesis.json --secretariat-key ./network/secretariat-secret.json\n\n\
        The attachment limits are signed into genesis.json: every node holds every submission to them, and \
        they cannot change without a new network.")]
    Create {
        /// The network's name.
        #[arg(long)]
        name: String,
        /// Directory to write genesis.json and secretariat-secret.json to.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[command(flatten)]
        limits: LimitArgs,
    },
}

/// What a submission may attach in a new network.
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Most files a submission may attach (0: text only; at most 64).
    #[arg(long, value_name = "N", default_value_t = Limits::DEFAULT.files)]
    max_files: u16,
    /// Largest attached file, in MB (at most 100).
    #[arg(long, value_name = "MB", default_value_t = Limits::DEFAULT.file_bytes / MB)]
    max_file_mb: u64,
    /// Largest total of a submission's files, in MB (at most 250).
    #[arg(long, value_name = "MB", default_value_t = Limits::DEFAULT.submission_bytes / MB)]
    max_submission_mb: u64,
}

/// A megabyte, as the limits are given.
const MB: u64 = 1_000_000;

impl LimitArgs {
    fn limits(&self) -> Limits {
        let bytes = |mb: u64| mb.saturating_mul(MB);
        Limits {
            files: self.max_files,
            file_bytes: bytes(self.max_file_mb),
            submission_bytes: bytes(self.max_submission_mb),
        }
    }
}

/// Arguments of `convene init`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  convene init --network genesis.json --hub-name \"Lakeside Hub, Kisumu\"   # a hub\n  \
    convene init --network genesis.json --secretariat-key secretariat-secret.json   # the secretariat"
)]
pub struct InitArgs {
    /// The network's genesis.json (from the secretariat).
    #[arg(long, value_name = "GENESIS")]
    network: PathBuf,
    /// What peers call this node (at most 64 characters, any script);
    /// signed by the node's key. Change it later with `convene hub-name`.
    #[arg(long, value_name = "NAME")]
    hub_name: Option<String>,
    /// The secretariat's secret keys: only on the secretariat's own node.
    #[arg(long, value_name = "FILE")]
    secretariat_key: Option<PathBuf>,
}

/// Runs a network subcommand.
pub fn run(command: NetworkCommand) -> Result<(), Failure> {
    match command {
        NetworkCommand::Create { name, out, limits } => {
            let genesis_path = out.join("genesis.json");
            let secret_path = out.join("secretariat-secret.json");
            if genesis_path.exists() || secret_path.exists() {
                return Err(Failure::new(
                    crate::exit::REFUSED,
                    format!("{} already holds a network; choose another --out directory", out.display()),
                ));
            }
            let keys = SecretariatKeys::generate();
            let limits = limits.limits();
            let genesis = Genesis::create(&name, now_ms(), &keys.signing, keys.encryption.public(), limits)
                .map_err(|error| Failure::new(INVALID, error.to_string()))?;
            keys.write(&secret_path, &genesis.name)?;
            let text = serde_json::to_vec_pretty(&genesis).map_err(|error| Failure::new(FAILED, error.to_string()))?;
            write_atomic(&genesis_path, &text, 0o644)?;
            println!("created network `{}`", shown(&genesis.name));
            println!("  network id:  {}", genesis.network_id());
            println!(
                "  attachments: up to {} files a submission, {} MB each, {} MB in all",
                limits.files,
                limits.file_bytes / MB,
                limits.submission_bytes / MB
            );
            println!("  genesis:     {}  (give this to every hub)", genesis_path.display());
            println!("  secret keys: {}  (secretariat only; readable by you alone)", secret_path.display());
            Ok(())
        }
    }
}

/// Runs `convene init`.
pub fn init(context: &Context, args: InitArgs) -> Result<(), Failure> {
    let text = std::fs::read_to_string(&args.network)
        .map_err(|error| Failure::new(INVALID, format!("{}: {error}", args.network.display())))?;
    let genesis = Genesis::from_json(&text)
        .map_err(|error| Failure::new(INVALID, format!("{}: {error}", args.network.display())))?;
    let secretariat = args.secretariat_key.as_deref().map(SecretariatKeys::read).transpose()?;
    if let Some(name) = &args.hub_name {
        hub::check_name(name).map_err(|error| Failure::new(INVALID, error.to_string()))?;
    }
    match context.data_dir.init(&genesis, secretariat.as_ref()) {
        Err(NodeError::AlreadyInitialised { same_network: true, .. }) => {
            println!("{} is already set up for network `{}`", context.data_dir.root().display(), shown(&genesis.name));
            return Ok(());
        }
        other => other?,
    }
    let node = context.node()?;
    println!(
        "initialised {} for network `{}` ({})",
        context.data_dir.root().display(),
        shown(&genesis.name),
        node.network()
    );
    if secretariat.is_some() {
        println!("this node holds the secretariat's keys: it can reveal sealed contact details");
    }
    if let Some(name) = &args.hub_name {
        println!("hub name: {}", shown(&hub::set_hub_name(&context.data_dir, name)?));
    }
    Ok(())
}

/// Arguments of `convene hub-name`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  convene hub-name \"Lakeside Hub, Kisumu\"\n  convene hub-name          # shows it"
)]
pub struct HubNameArgs {
    /// The new name (at most 64 characters, any script, no line breaks);
    /// without it, the name is shown.
    name: Option<String>,
}

/// Runs `convene hub-name`.
pub fn hub_name(context: &Context, args: HubNameArgs) -> Result<(), Failure> {
    match args.name {
        None => match hub::hub_name(&context.data_dir)? {
            Some(name) => println!("{}", shown(&name)),
            None => {
                println!("no hub name yet: peers see this node's short peer id; set one with `convene hub-name NAME`")
            }
        },
        Some(name) => {
            let name = hub::set_hub_name(&context.data_dir, &name)
                .map_err(|error| Failure::new(INVALID, error.to_string()))?;
            println!("hub name: {}", shown(&name));
            if let Some(kept) = super::node::file_config(&context.data_dir)?.hub_name {
                println!("but {}/config.toml sets hub_name = {kept:?}, which wins", context.data_dir.root().display());
            }
            if context.data_dir.root().join("node.json").exists() {
                println!("the running node signs and sends it to its peers from its next start");
            }
        }
    }
    Ok(())
}

/// Arguments of `convene custody`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  convene custody on     # this hub signs custody receipts\n  \
    convene custody        # shows whether it does\n\n\
    A hub with custody on signs, with its node key and under its hub name, which submissions it \
    stored, when, and from which peer (or that they were written here, or came on a bundle). Every \
    node shows them as a submission's chain of custody, from the convener's hub to the secretariat. \
    It covers what the hub stores from then on: about 41 bytes a submission on the wire.")]
pub struct CustodyArgs {
    /// `on` or `off`; without it, the setting is shown.
    #[arg(value_parser = ["on", "off"])]
    setting: Option<String>,
}

/// Runs `convene custody`.
pub fn custody(context: &Context, args: CustodyArgs) -> Result<(), Failure> {
    let Some(setting) = args.setting else {
        let on = convene_node::custody_enabled(&context.data_dir)?;
        println!("custody receipts: {}", if on { "on (this hub signs for what it stores)" } else { "off" });
        return Ok(());
    };
    let on = setting == "on";
    convene_node::set_custody(&context.data_dir, on)?;
    println!("custody receipts: {setting}");
    if context.data_dir.root().join("node.json").exists() {
        println!("the running node follows it from its next start");
    }
    Ok(())
}
