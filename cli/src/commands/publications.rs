//! What the secretariat publishes to every node: `convene publish` (a page
//! of the guide, or its retraction) and `convene taxonomy` (publish a new
//! version of the taxonomy, show the one in use). Signed by the
//! secretariat's key on its node; a page also by a curator (`--as NAME`).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use convene_node::DeskRequest;

use super::Context;
use crate::exit::Failure;

/// Arguments of `convene publish`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  convene publish questions.md --slug guiding-questions --lang en \
    --title \"Guiding questions\"\n  convene publish --slug guiding-questions --lang en --retract\n\n\
    Every node shows the page at /guide/SLUG, in the reader's language when published in it, else in English. \
    A page published again for the same slug and language replaces it. Raw HTML shows as text; links keep \
    only http, https, mailto and relative addresses.")]
pub struct PublishArgs {
    /// The page, in Markdown (at most 49,152 characters); none with --retract.
    #[arg(required_unless_present = "retract", conflicts_with = "retract")]
    file: Option<PathBuf>,
    /// Its name in addresses: lowercase letters, digits and `-` (guiding-questions, toolkit-budgets).
    #[arg(long)]
    slug: String,
    /// Its language tag: en, fr, es, ar, or another such as pt-BR.
    #[arg(long)]
    lang: String,
    /// Its title.
    #[arg(long, required_unless_present = "retract")]
    title: Option<String>,
    /// Take the page in this language off every node.
    #[arg(long)]
    retract: bool,
}

/// `convene taxonomy`.
#[derive(Debug, Subcommand)]
pub enum TaxonomyCommand {
    /// Publish a new version of the taxonomy to every node (the secretariat's node).
    #[command(after_help = "The file has the shape of protocol/taxonomy/v1.json, a version above the one in \
        use (1.1, 2.0) and exactly the shipped codes in every list: an update changes titles, translations \
        and groups, never codes. Every node shows the new titles at once, without a software release.")]
    Publish {
        /// The taxonomy document, as JSON (at most 128 KiB).
        file: PathBuf,
    },
    /// The version this node shows titles from, and where it comes from.
    Show,
}

/// Runs `convene publish`.
pub fn publish(context: &Context, args: PublishArgs) -> Result<(), Failure> {
    let body = match &args.file {
        Some(file) => read(file)?,
        None => String::new(),
    };
    let request = DeskRequest::Publish {
        slug: args.slug.clone(),
        lang: args.lang.clone(),
        title: args.title.unwrap_or_default(),
        body,
    };
    context.access()?.desk(&context.data_dir, context.identity.as_deref(), &request)?;
    let verb = if args.retract { "retracted" } else { "published" };
    println!("{verb} /guide/{} ({}); the change travels to every node", args.slug, args.lang);
    Ok(())
}

/// Runs `convene taxonomy`.
pub fn taxonomy(context: &Context, command: TaxonomyCommand) -> Result<(), Failure> {
    match command {
        TaxonomyCommand::Publish { file } => {
            let request = DeskRequest::Taxonomy { json: read(&file)? };
            context.access()?.desk(&context.data_dir, context.identity.as_deref(), &request)?;
            println!("taxonomy published; every node shows its titles once it arrives");
        }
        TaxonomyCommand::Show => {
            let shown = context.access()?.taxonomy()?;
            let version = &shown.taxonomy.version;
            match shown.statement {
                Some(id) => println!("taxonomy {version} (published by the secretariat, statement {id})"),
                None => println!("taxonomy {version} (shipped with this software)"),
            }
        }
    }
    Ok(())
}

fn read(file: &PathBuf) -> Result<String, Failure> {
    std::fs::read_to_string(file)
        .map_err(|error| Failure::usage(format!("cannot read {} as UTF-8 text: {error}", file.display())))
}
