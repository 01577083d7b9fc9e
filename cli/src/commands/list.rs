//! `convene list` and `convene show`.

use clap::Args;
use convene_node::api::Shown;
use convene_node::query::{Filter, Page};
use convene_protocol::attachment::Attachment;
use convene_protocol::keys::PublicKey;
use convene_protocol::kinds::SubmissionKind;
use serde_json::Value;

use super::Context;
use crate::exit::Failure;
use crate::output::{format_ms, print_json, shown, truncate};

/// Arguments of `convene list`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  convene list --kind case_study --country KE\n  \
    convene list --principle F1 --language fr --json\n  convene list --search \"payment switch\" --limit 0")]
pub struct ListArgs {
    /// Only this kind: convening_report, case_study or convening_announcement.
    #[arg(long, value_parser = parse_kind)]
    kind: Option<SubmissionKind>,
    /// Only this country (ISO 3166-1 alpha-2, e.g. KE).
    #[arg(long)]
    country: Option<String>,
    /// Only those tagged with this principle (e.g. F1, O3).
    #[arg(long)]
    principle: Option<String>,
    /// Only those tagged with this risk (e.g. RS1).
    #[arg(long)]
    risk: Option<String>,
    /// Only those tagged with this life cycle stage (e.g. L2).
    #[arg(long)]
    stage: Option<String>,
    /// Only this language (e.g. fr; `es` also matches `es-419`).
    #[arg(long)]
    language: Option<String>,
    /// Only those dated on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Only those dated on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// Only those with words beginning with each of these in their public
    /// text (title, summary, insights, lessons, ...).
    #[arg(long, value_name = "WORDS")]
    search: Option<String>,
    /// How many to show; 0 for all.
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// Skip this many first.
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// Only those the secretariat has not acknowledged yet (the other filters do not apply).
    #[arg(long)]
    not_received: bool,
    /// Print JSON: `{"total": N, "rows": [...]}`; each row's `desk` says
    /// when the secretariat received it, its status and tags.
    #[arg(long)]
    json: bool,
}

fn parse_kind(text: &str) -> Result<SubmissionKind, String> {
    SubmissionKind::parse(text)
        .ok_or_else(|| "expected convening_report, case_study or convening_announcement".to_owned())
}

/// Arguments of `convene show`.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  convene show 3f9a1c\n  convene show 3f9a1c --json\n  \
    convene show 3f9a1c --reveal     # contact details, on the secretariat's node only")]
pub struct ShowArgs {
    /// The submission's id, or a unique prefix of it (at least 4 hex digits).
    id: String,
    /// Also show the sealed contact details (only the secretariat's node can).
    #[arg(long)]
    reveal: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `convene list`.
pub fn list(context: &Context, args: ListArgs) -> Result<(), Failure> {
    let filter = Filter {
        kind: args.kind,
        country: args.country,
        principle: args.principle,
        risk: args.risk,
        stage: args.stage,
        language: args.language,
        from: args.from,
        to: args.to,
        text: args.search,
    };
    let limit = if args.limit == 0 { usize::MAX } else { args.limit };
    let page = if args.not_received {
        let rows = context.access()?.not_received()?;
        Page { total: rows.len(), rows: rows.into_iter().skip(args.offset).take(limit).collect() }
    } else {
        context.access()?.list(&filter, args.offset, limit)?
    };
    if args.json {
        return print_json(&page);
    }
    if page.rows.is_empty() {
        println!("no submissions match");
        return Ok(());
    }
    let mut out = String::new();
    for row in &page.rows {
        let summary = &row.summary;
        out.push_str(&format!(
            "{}  {:<22}  {:<10}  {:<2}  {:<5}  {}\n",
            row.id.short(),
            summary.kind.as_str(),
            summary.date.as_deref().unwrap_or("-"),
            shown(summary.country.as_deref().unwrap_or("-")),
            shown(&summary.language),
            truncate(&shown(&summary.title), 70)
        ));
    }
    print!("{out}");
    if page.rows.len() < page.total {
        println!("({} of {} shown; use --limit 0 for all, or --offset)", page.rows.len(), page.total);
    }
    Ok(())
}

/// Runs `convene show`.
pub fn show(context: &Context, args: ShowArgs) -> Result<(), Failure> {
    let Shown { view, contact, notes } = context.access()?.show(&args.id, args.reveal)?;
    if args.json {
        return print_json(&Shown { view, contact, notes });
    }
    let row = &view.row;
    let identities = context.data_dir.identities().unwrap_or_default();
    // "you (Amina)" for this node's own identities.
    let author = |key: &PublicKey| match identities.iter().find(|info| info.public_key == *key) {
        Some(info) => format!("you ({}), {key}", shown(&info.name)),
        None => key.to_string(),
    };
    let title = row.fields.get("title").and_then(Value::as_str).unwrap_or("");
    println!("{}", shown(title));
    println!("  id:        {}", row.id);
    println!("  kind:      {}", row.kind.as_str());
    println!("  author:    {}", author(&row.creator));
    println!("  created:   {}", format_ms(row.created_ms));
    if row.updated_ms != row.created_ms {
        println!("  updated:   {}", format_ms(row.updated_ms));
    }
    println!("  signature: {}", if view.signatures_verified { "verified ✓" } else { "FAILED" });
    let desk = &view.desk;
    match desk.received_ms {
        Some(at) => println!("  secretariat: received {}", format_ms(at)),
        None => match view.custody.last() {
            Some(last) => println!(
                "  secretariat: not received yet; last seen at {} [{}] on {} (custody receipts)",
                shown(&last.hub),
                convene_node::sync::hub::short_id(&last.hub_peer),
                format_ms(last.held_ms)
            ),
            None => println!("  secretariat: not received yet (it travels with the next sync toward it)"),
        },
    }
    if desk.received_ms.is_some() && desk.unacknowledged > 0 {
        println!("               {} later change(s) not received yet", desk.unacknowledged);
    }
    if let Some(status) = desk.status {
        println!("  status:    {}", status.as_str());
    }
    if !desk.tags.is_empty() {
        println!("  tags:      {}", desk.tags.iter().map(|tag| shown(tag)).collect::<Vec<_>>().join(", "));
    }
    if let Some(moderation) = &desk.moderation {
        let text = if moderation.text.is_empty() { String::new() } else { format!(": {}", shown(&moderation.text)) };
        println!(
            "  HIDDEN by the secretariat on {} ({}){text}",
            format_ms(moderation.at_ms),
            moderation.reason.as_str()
        );
    }
    for note in &notes {
        println!("  note {}: {}", format_ms(note.at_ms), shown(&note.text));
    }
    if !view.custody.is_empty() {
        println!("  custody:");
    }
    for custody in &view.custody {
        let from = match (custody.from.as_str(), &custody.from_peer) {
            ("here", _) => "written there".to_owned(),
            ("bundle", _) => "from a bundle".to_owned(),
            (_, Some(peer)) => format!("from {}", shown(peer)),
            (other, None) => other.to_owned(),
        };
        let this = if custody.this_node { " (this node)" } else { "" };
        let peer = convene_node::sync::hub::short_id(&custody.hub_peer);
        println!("    {}  {} [{peer}]{this}, {from}", format_ms(custody.held_ms), shown(&custody.hub));
    }
    if view.custody_more > 0 {
        println!("    and {} more hubs, later", view.custody_more);
    }
    if let Some(contact) = contact {
        println!("  contact:   {} <{}>", shown(&contact.name), shown(&contact.email));
    } else {
        println!("  contact:   sealed to the secretariat");
    }
    println!();
    for (key, value) in &row.fields {
        if matches!(key.as_str(), "title" | "kind" | "sealed_contact") {
            continue;
        }
        println!("{}: {}", shown(key), shown(&render(value)));
    }
    println!("\nhistory:");
    if view.history_total > view.history.len() {
        println!("  ({} earlier entries not listed)", view.history_total - view.history.len());
    }
    for item in &view.history {
        let fields = if item.fields.is_empty() { String::new() } else { format!(" {}", item.fields.join(", ")) };
        println!("  {}  {:?}{fields}  by {}", format_ms(item.timestamp_ms), item.kind, author(&item.author));
    }
    Ok(())
}

fn render(value: &Value) -> String {
    if let Ok(attachments) = serde_json::from_value::<Vec<Attachment>>(value.clone())
        && !attachments.is_empty()
    {
        let files: Vec<String> = attachments
            .iter()
            .map(|file| format!("{} ({}, {} bytes, {})", file.name, file.media_type.as_str(), file.size, file.hash))
            .collect();
        return files.join("; ");
    }
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) if items.iter().all(|item| !item.is_object()) => {
            items.iter().map(render).collect::<Vec<_>>().join(", ")
        }
        other => other.to_string(),
    }
}
