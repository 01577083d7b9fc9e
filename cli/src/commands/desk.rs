//! The secretariat's desk: `convene curate`, `hide`, `unhide`, `curator`,
//! `tags`. Signed by the secretariat's key on its node, or by a curator
//! it granted (`--as NAME`).

use clap::{Args, Subcommand};
use convene_node::DeskRequest;
use convene_protocol::keys::PublicKey;
use convene_protocol::statement::{Reason, Status, TagDef};

use super::Context;
use crate::exit::Failure;
use crate::output::shown;

/// Arguments of `convene curate`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  convene curate 3f9a1c --status in_review --tag payments\n  \
    convene curate 3f9a1c 8be02d --status published\n  convene curate 3f9a1c --note \"Ask for the slides\"\n\n\
    Statuses: received, in_review, incorporated, published, declined. Status and tags are public on \
    every node; notes are sealed to the secretariat. Tags come from the secretariat's list (`convene tags`).")]
pub struct CurateArgs {
    /// Submission ids (or unique prefixes).
    #[arg(required = true, value_name = "ID")]
    ids: Vec<String>,
    /// The new status.
    #[arg(long, value_parser = |text: &str| text.parse::<Status>())]
    status: Option<Status>,
    /// A tag to add (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    add_tags: Vec<String>,
    /// A tag to take off (repeatable).
    #[arg(long = "untag", value_name = "TAG")]
    remove_tags: Vec<String>,
    /// A note for the secretariat (sealed: hubs carry it unread).
    #[arg(long)]
    note: Option<String>,
}

/// Arguments of `convene hide`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  convene hide 3f9a1c --reason spam\n  \
    convene hide did:key:z6Mk… --reason abuse --text \"Insults a named person\" --purge\n\n\
    Hidden is gone from every node's lists, pages, exports and dashboard; its author still sees it, and why. \
    `convene unhide` shows it again. With --purge the content is erased on every node, for good; an author \
    purged is blocked: their entries are refused from then on.")]
pub struct HideArgs {
    /// A submission id, or an author's did:key.
    subject: String,
    /// Why: spam, abuse, unlawful or other.
    #[arg(long, value_parser = |text: &str| text.parse::<Reason>())]
    reason: Reason,
    /// Why, in words the author will read.
    #[arg(long, default_value = "")]
    text: String,
    /// Erase for good (the secretariat's key only; cannot be undone).
    #[arg(long)]
    purge: bool,
}

/// Arguments of `convene unhide`.
#[derive(Debug, Args)]
pub struct UnhideArgs {
    /// A submission id, or an author's did:key.
    subject: String,
}

/// `convene curator`.
#[derive(Debug, Subcommand)]
pub enum CuratorCommand {
    /// Let a key curate and moderate for the secretariat.
    Grant {
        /// The curator's did:key (`convene identity list` on their node).
        key: PublicKey,
    },
    /// Take it back: their statements dated after this count for nothing.
    Revoke {
        /// The curator's did:key.
        key: PublicKey,
    },
    /// The curators granted and not revoked.
    List,
}

/// `convene tags`.
#[derive(Debug, Subcommand)]
pub enum TagsCommand {
    /// The secretariat's tags.
    List,
    /// Add a tag, or give one a new title.
    Add {
        /// Its code: lowercase letters, digits, - and _.
        code: String,
        /// Its title.
        #[arg(long)]
        title: String,
    },
    /// Take a tag off the list (submissions keep it until curated again).
    Remove {
        /// Its code.
        code: String,
    },
}

fn done(context: &Context, request: &DeskRequest) -> Result<usize, Failure> {
    let access = context.access()?;
    Ok(access.desk(&context.data_dir, context.identity.as_deref(), request)?.statements.len())
}

/// Runs `convene curate`.
pub fn curate(context: &Context, args: CurateArgs) -> Result<(), Failure> {
    let count = args.ids.len();
    let request = DeskRequest::Curate {
        ids: args.ids,
        status: args.status,
        add_tags: args.add_tags,
        remove_tags: args.remove_tags,
        note: args.note,
    };
    done(context, &request)?;
    println!("curated {count} submission{}; the change travels to every node", if count == 1 { "" } else { "s" });
    Ok(())
}

/// Runs `convene hide`.
pub fn hide(context: &Context, args: HideArgs) -> Result<(), Failure> {
    let request = DeskRequest::Moderate {
        subject: args.subject,
        hide: true,
        purge: args.purge,
        reason: args.reason,
        text: args.text,
    };
    done(context, &request)?;
    println!(
        "{}; every node honours it as it hears of it",
        if args.purge { "purged for good" } else { "hidden (`convene unhide` shows it again)" }
    );
    Ok(())
}

/// Runs `convene unhide`.
pub fn unhide(context: &Context, args: UnhideArgs) -> Result<(), Failure> {
    let request = DeskRequest::Moderate {
        subject: args.subject,
        hide: false,
        purge: false,
        reason: Reason::Other,
        text: String::new(),
    };
    done(context, &request)?;
    println!("shown again; every node follows as it hears of it");
    Ok(())
}

/// Runs `convene curator`.
pub fn curator(context: &Context, command: CuratorCommand) -> Result<(), Failure> {
    let (key, granted) = match command {
        CuratorCommand::Grant { key } => (key, true),
        CuratorCommand::Revoke { key } => (key, false),
        CuratorCommand::List => {
            for key in context.access()?.desk_summary()?.curators {
                println!("{key}");
            }
            return Ok(());
        }
    };
    done(context, &DeskRequest::Curator { key: key.to_did_key(), granted })?;
    println!("{} {key}", if granted { "granted curator:" } else { "revoked curator:" });
    Ok(())
}

/// Runs `convene tags`.
pub fn tags(context: &Context, command: TagsCommand) -> Result<(), Failure> {
    let request = match command {
        TagsCommand::List => {
            let summary = context.access()?.desk_summary()?;
            if summary.tags.is_empty() {
                println!("no tags yet; the secretariat adds them with `convene tags add CODE --title TITLE`");
            }
            for tag in summary.tags {
                println!("{:<24} {}", tag.code, shown(&tag.title));
            }
            return Ok(());
        }
        TagsCommand::Add { code, title } => DeskRequest::Tags { add: vec![TagDef { code, title }], remove: vec![] },
        TagsCommand::Remove { code } => DeskRequest::Tags { add: vec![], remove: vec![code] },
    };
    done(context, &request)?;
    println!("the tag list is changed; it travels to every node");
    Ok(())
}
