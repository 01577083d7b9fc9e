//! HTTP-level tests of every page route, through the router with `oneshot`.

mod common;

use axum::http::{Method, StatusCode};
use common::{App, Client, TOKEN, app, report_pairs};

const PAGES: [&str; 9] = [
    "/",
    "/new",
    "/new/convening_report",
    "/new/case_study",
    "/new/convening_announcement",
    "/drafts",
    "/identities",
    "/network",
    "/login",
];

async fn with_identity(app: &App, name: &str) -> Client {
    let mut client = app.client();
    let answer = client.submit_form("/identities", "/identities", &[("name", name)]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    client
}

/// Submits a report through the form and returns the submission's path.
async fn submit_report(client: &mut Client, text: &'static str) -> String {
    let answer = client.submit_form("/new/convening_report", "/new/convening_report", &report_pairs(text)).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let location = answer.location();
    assert!(location.starts_with("/s/") && location.ends_with("?saved=true"), "{location}");
    location.trim_end_matches("?saved=true").to_owned()
}

#[tokio::test]
async fn every_page_renders_light_with_strict_headers() {
    let app = app(false, false);
    let mut client = app.client();
    let css = client.get("/assets/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    let js = client.get("/assets/app.js").await;
    assert_eq!(js.status, StatusCode::OK);
    for path in PAGES {
        let answer = client.get(path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
        let csp = answer.headers.get("content-security-policy").unwrap().to_str().unwrap();
        assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"), "{path}: {csp}");
        assert_eq!(answer.headers.get("x-content-type-options").unwrap(), "nosniff");
        assert!(answer.body.starts_with("<!DOCTYPE html>"), "{path}");
        assert!(answer.body.contains(r#"<html lang="en" dir="ltr">"#), "{path}");
        assert!(answer.body.contains(r#"role="status""#), "{path}: the sync status is on every page");
        // No inline script or style, nothing from elsewhere.
        assert!(!answer.body.contains("<script>") && !answer.body.contains("style="), "{path}");
        assert!(!answer.body.contains("http://") && !answer.body.contains("https://"), "{path}");
        let weight = answer.body.len() + css.body.len() + js.body.len();
        assert!(weight < 100 * 1024, "{path} weighs {weight} bytes");
    }
    assert_eq!(client.get("/s/0000").await.status, StatusCode::NOT_FOUND);
    assert_eq!(client.get("/new/poem").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn pages_styles_and_scripts_go_gzipped_to_a_browser_that_takes_it() {
    use std::io::Read;
    let app = app(false, false);
    let mut plain = app.client();
    let mut client = app.client();
    client.headers.push(("accept-encoding".into(), "gzip".into()));
    let forms = ["/new/convening_report", "/new/case_study", "/new/convening_announcement"];
    for path in ["/", "/assets/style.css", "/assets/app.js"].into_iter().chain(forms) {
        let full = plain.get(path).await;
        assert!(full.headers.get("content-encoding").is_none(), "{path}: not compressed unless asked");
        let answer = client.get(path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(answer.headers.get("content-encoding").unwrap(), "gzip", "{path}");
        let mut text = String::new();
        flate2::read::GzDecoder::new(&answer.raw[..]).read_to_string(&mut text).unwrap();
        assert_eq!(text.len(), full.body.len(), "{path}: the same page");
        if !path.starts_with("/assets") {
            assert!(answer.raw.len() < 10 * 1024, "{path}: {} bytes sent ({} plain)", answer.raw.len(), text.len());
        }
    }
}

#[tokio::test]
async fn languages_from_accept_language_and_the_switcher() {
    let app = app(false, false);
    let mut client = app.client();
    client.headers.push(("accept-language".into(), "ar, en;q=0.5".into()));
    let answer = client.get("/").await;
    assert!(answer.body.contains(r#"<html lang="ar" dir="rtl">"#));
    assert!(answer.body.contains("ما تحمله الشبكة"));
    let switched = client.get("/lang/fr?back=/network").await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    assert_eq!(switched.location(), "/network");
    let answer = client.get("/network").await;
    assert!(answer.body.contains(r#"<html lang="fr" dir="ltr">"#), "the cookie wins over Accept-Language");
    assert!(answer.body.contains("Réseau"));
    assert_eq!(client.get("/lang/es?back=//evil.example").await.location(), "/");
    for lang in ["es", "ar"] {
        client.get(&format!("/lang/{lang}?back=/")).await;
        for path in PAGES {
            let answer = client.get(path).await;
            assert!(!answer.body.contains(">?<"), "{lang} {path}: a missing string");
        }
    }
}

#[tokio::test]
async fn identities_show_did_key_never_the_secret() {
    let app = app(false, false);
    let mut client = with_identity(&app, "hub-kisumu").await;
    let page = client.get("/identities").await;
    assert!(page.body.contains("hub-kisumu") && page.body.contains("did:key:z"), "{}", page.body);
    let (hub, secret) = app.state.node.data_dir().identity(Some("hub-kisumu")).unwrap();
    assert!(!page.body.contains(&secret.to_seed_hex().to_string()));
    let bad = client.submit_form("/identities", "/identities", &[("name", "two\nlines")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(r#"id="e-name""#) && bad.body.contains("on one line"), "{}", bad.body);
    let taken = client.submit_form("/identities", "/identities", &[("name", "HUB-KISUMU")]).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY, "names are the same in any letter case");
    // A person's name, in any script, with spaces.
    let again = client.submit_form("/identities", "/identities", &[("name", "أمينة أوكافور")]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let (second, _) = app.state.node.data_dir().identity(Some("أمينة أوكافور")).unwrap();
    assert_eq!(client.cookies.get("signer"), Some(&second.public_key.to_did_key()), "chosen by its key");
    let chosen = client.submit_form("/identities", "/identities/choose", &[("name", "hub-kisumu")]).await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER);
    assert_eq!(client.cookies.get("signer"), Some(&hub.public_key.to_did_key()));
    let form = client.get("/new/case_study").await;
    assert!(form.body.contains(r#"<option value="hub-kisumu" selected>"#), "the chosen identity is preselected");
}

#[tokio::test]
async fn a_report_submitted_by_form_is_stored_listed_and_shown() {
    let app = app(false, false);
    let mut client = with_identity(&app, "ama").await;
    let path = submit_report(&mut client, "Village hall convening on digital ID").await;
    let page = client.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Village hall convening on digital ID"));
    assert!(page.body.contains("did:key:z"));
    assert!(page.body.contains("<strong>you (\u{2068}ama\u{2069})</strong>"), "the node's own identity, by name");
    assert!(page.body.contains("Signatures verified"));
    assert!(page.body.contains("F1 Do no harm"), "codes with titles");
    assert!(page.body.contains("Sealed: only the secretariat"), "the contact is sealed");
    assert!(!page.body.contains("ama@example.org"));
    let list = client.get("/").await;
    assert!(list.body.contains("Village hall convening on digital ID") && list.body.contains(&path));
    for (query, found) in [
        ("?kind=convening_report", true),
        ("?kind=case_study", false),
        ("?principle=F1&risk=RS1&stage=L4", true),
        ("?principle=F2", false),
        ("?country=ke&language=en", true),
        ("?from=2025-03-01&to=2025-03-31", true),
        ("?from=2025-04-01", false),
        ("?text=village+digital", true),
        ("?text=absent", false),
    ] {
        let answer = client.get(&format!("/{query}")).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.body.contains(&path), found, "{query}");
    }
}

#[tokio::test]
async fn paging() {
    let app = app(false, false);
    let mut client = with_identity(&app, "ama").await;
    let (_, secret) = app.state.node.data_dir().identity(None).unwrap();
    let base = report_pairs("x");
    for n in 0..30 {
        let mut pairs: Vec<(String, String)> = base.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        pairs[0].1 = format!("Report number {n:02}");
        let values = convene_web::pages::form::Values(pairs);
        let json = convene_web::pages::form::to_submission(
            convene_protocol::kinds::SubmissionKind::ConveningReport.spec(),
            &values,
        );
        app.state.node.submit(&secret, &json).unwrap();
    }
    let first = client.get("/").await;
    assert!(first.body.contains("30 submissions match"));
    assert!(first.body.contains(r#"rel="next" href="/?offset=25""#), "{}", first.body);
    let second = client.get("/?offset=25").await;
    assert_eq!(second.body.matches("/s/").count(), 5);
    assert!(second.body.contains(r#"rel="prev""#));
    assert!(first.body.contains("Page 1 of 2") && second.body.contains("Page 2 of 2"));
    // Past the last page: the count, that the page is past the end, and the
    // way to the last page; never "Nothing matches" beside the count.
    let past = client.get("/?offset=75&text=report").await;
    assert!(past.body.contains("30 submissions match"), "{}", past.body);
    assert!(past.body.contains("This page is past the end: the results fill 2 pages."), "{}", past.body);
    assert!(past.body.contains(r#"href="/?offset=25&amp;text=report""#), "{}", past.body);
    assert!(!past.body.contains("Nothing matches") && !past.body.contains("Page 4"), "{}", past.body);
    let one = client.get("/?text=number+07").await;
    assert!(one.body.contains("1 submission matches"), "{}", one.body);
    let none = client.get("/?text=nowhere").await;
    assert!(none.body.contains("Nothing matches") && !none.body.contains("0 submissions"), "{}", none.body);
}

#[tokio::test]
async fn validation_messages_sit_next_to_their_fields_and_values_are_kept() {
    let app = app(false, false);
    let mut client = with_identity(&app, "ama").await;
    let mut pairs = report_pairs("Kept title");
    pairs.retain(|(name, _)| !matches!(*name, "convened_on" | "purposes" | "consent_to_publish"));
    pairs.push(("participants_count", "many"));
    pairs.retain(|pair| *pair != ("participants_count", "12"));
    pairs.push(("contact_email", "not-an-email"));
    pairs.retain(|pair| *pair != ("contact_email", "ama@example.org"));
    let answer = client.submit_form("/new/convening_report", "/new/convening_report", &pairs).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["convened_on", "purposes", "consent_to_publish", "participants_count", "contact_email"] {
        assert!(answer.body.contains(&format!(r#"id="e-{field}""#)), "no message next to {field}:\n{}", answer.body);
        assert!(answer.body.contains(&format!(r##"href="#f-{field}""##)), "no summary link to {field}");
    }
    assert!(answer.body.contains(r#"role="alert""#));
    assert!(answer.body.contains(r#"value="Kept title""#), "values are kept");
    assert!(answer.body.contains(r#"value="many""#));
    assert!(answer.body.contains(r#"value="F1" checked"#));
    // What was typed is also kept as a draft.
    assert_eq!(convene_node::drafts::list(app.state.node.data_dir()).unwrap().len(), 1);
    // Without any identity: a message, not a crash.
    let bare = app_without_identity_post().await;
    assert_eq!(bare, StatusCode::UNPROCESSABLE_ENTITY);
}

/// The text of the element with `id` (its first text, up to the next tag).
fn text_of<'a>(body: &'a str, id: &str) -> &'a str {
    let marker = format!(r#"id="{id}""#);
    let start = body.find(&marker).unwrap_or_else(|| panic!("no #{id} in:\n{body}"));
    let rest = &body[start..];
    let text = &rest[rest.find('>').unwrap() + 1..];
    &text[..text.find('<').unwrap()]
}

#[tokio::test]
async fn validation_messages_are_in_the_visitors_language() {
    let app = app(false, false);
    let mut client = with_identity(&app, "ama").await;
    client.headers.push(("accept-language".into(), "fr-CH, fr;q=0.9, en;q=0.5".into()));
    let mut pairs = report_pairs("Titre gardé");
    pairs.retain(|(name, _)| !matches!(*name, "convened_on" | "participants_count" | "contact_email" | "country"));
    pairs.extend([("participants_count", "beaucoup"), ("contact_email", "ama.example.org"), ("country", "KEN")]);
    let long_quote: &'static str = "x".repeat(2_001).leak();
    pairs.retain(|pair| pair.0 != "quotes");
    pairs.extend([("quotes", "Une"), ("quotes", long_quote), ("quotes", "")]);
    let answer = client.submit_form("/new/convening_report", "/new/convening_report", &pairs).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", answer.body);
    assert!(answer.body.contains(r#"<html lang="fr" dir="ltr">"#));
    for (id, french) in [
        ("e-convened_on", "Ce champ est obligatoire\u{a0}: veuillez le remplir."),
        ("e-participants_count", "Doit être un nombre, pas du texte."),
        ("e-contact_email", "Cette adresse électronique n'a pas de @."),
        (
            "e-country",
            "«\u{a0}KEN\u{a0}» n'est pas un pays\u{a0}: choisissez-en un par son nom, ou indiquez son code à deux lettres (ex. KE).",
        ),
        ("e-quotes", "Citation 2\u{a0}: Trop long\u{a0}: 2001 caractères, au plus 2000 autorisés."),
    ] {
        assert_eq!(text_of(&answer.body, id), french, "#{id}");
    }
    // Each input points at its message; the summary names fields by their French labels.
    assert!(answer.body.contains(r#"aria-describedby="e-participants_count""#));
    assert!(
        answer.body.contains("<a href=\"#f-participants_count\">Nombre de participants</a>\u{a0}: Doit être un nombre")
    );
    assert!(answer.body.contains("Veuillez corriger ces champs"));
    for english in ["must be", "is missing", "is not", "allowed", "characters"] {
        assert!(!answer.body.contains(english), "English {english:?} on a French page");
    }
}

async fn app_without_identity_post() -> StatusCode {
    let app = app(false, false);
    let mut client = app.client();
    let answer = client.submit_form("/new/convening_report", "/new/convening_report", &report_pairs("T")).await;
    assert!(answer.body.contains("identity"), "{}", answer.body);
    answer.status
}

#[tokio::test]
async fn hostile_text_is_escaped_everywhere() {
    const HOSTILE: &str = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>";
    let app = app(true, false);
    let mut client = with_identity(&app, "ama").await;
    let path = submit_report(&mut client, HOSTILE).await;
    let revealed = format!("{path}?reveal=true");
    for page in [path.as_str(), "/", revealed.as_str(), &format!("{path}/edit"), "/?text=%3Cscript%3E"] {
        let answer = client.get(page).await;
        assert_eq!(answer.status, StatusCode::OK, "{page}");
        assert!(!answer.body.contains("<script>alert"), "{page} holds raw hostile text");
        assert!(!answer.body.contains("<img src=x"), "{page}");
    }
    let shown = client.get(&revealed).await;
    assert!(shown.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{}", shown.body);
    assert!(shown.body.contains("ama@example.org"), "the secretariat sees the contact");
    // A draft and an invalid form echo hostile text escaped too.
    let answer =
        client.submit_form("/new/case_study", "/new/case_study", &[("title", HOSTILE), ("action", "save_draft")]).await;
    let draft_page = client.get(&answer.location()).await;
    assert!(!draft_page.body.contains("<script>alert") && draft_page.body.contains("&lt;script&gt;"));
    let drafts = client.get("/drafts").await;
    assert!(!drafts.body.contains("<script>alert") && drafts.body.contains("&lt;script&gt;"));
    let invalid =
        client.submit_form("/new/case_study", "/new/case_study", &[("title", HOSTILE), ("country", HOSTILE)]).await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!invalid.body.contains("<script>alert") && !invalid.body.contains("<img src=x"));
    let identity = client.submit_form("/identities", "/identities", &[("name", HOSTILE)]).await;
    assert!(!identity.body.contains("<script>alert"));
    let peer = client.submit_form("/login", "/network/peers", &[("addr", HOSTILE)]).await;
    assert!(!peer.body.contains("<script>alert"));
}

#[tokio::test]
async fn every_form_post_needs_its_csrf_token() {
    let app = app(false, false);
    let mut client = with_identity(&app, "ama").await;
    let path = submit_report(&mut client, "Target").await;
    let posts = [
        "/new/convening_report".to_owned(),
        "/drafts/autosave".to_owned(),
        "/drafts/0123456789abcdef/discard".to_owned(),
        "/identities".to_owned(),
        "/identities/choose".to_owned(),
        "/network/peers".to_owned(),
        "/login".to_owned(),
        "/logout".to_owned(),
        format!("{path}/edit"),
        format!("{path}/withdraw"),
    ];
    let good = client.get("/identities").await.csrf();
    for post in &posts {
        let missing = client.post_form(post, &[("name", "x"), ("kind", "case_study")]).await;
        assert_eq!(missing.status, StatusCode::FORBIDDEN, "{post} without a token");
        let wrong = client.post_form(post, &[("csrf", "00"), ("name", "x"), ("kind", "case_study")]).await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN, "{post} with a wrong token");
        // Another visitor's token (another cookie) does not work either.
        let mut other = app.client();
        let stolen = other.post_form(post, &[("csrf", good.as_str()), ("name", "x"), ("kind", "case_study")]).await;
        assert_eq!(stolen.status, StatusCode::FORBIDDEN, "{post} with a token but no cookie");
    }
    // Still there, not withdrawn.
    assert_eq!(client.get(&path).await.status, StatusCode::OK);
}

#[tokio::test]
async fn drafts_save_resume_autosave_and_discard() {
    let app = app(false, false);
    let mut client = with_identity(&app, "ama").await;
    let saved = client
        .submit_form(
            "/new/convening_announcement",
            "/new/convening_announcement",
            &[("title", "Half-written announcement"), ("topics", "digital id\npayments"), ("action", "save_draft")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let resume = saved.location();
    assert!(resume.starts_with("/new/convening_announcement?draft="), "{resume}");
    let page = client.get(&resume).await;
    assert!(page.body.contains("Draft saved"));
    assert!(page.body.contains(r#"value="Half-written announcement""#));
    assert!(page.body.contains("digital id\npayments"));
    let draft_id = resume.split("draft=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let list = client.get("/drafts").await;
    assert!(list.body.contains("Half-written announcement") && list.body.contains(&draft_id));
    // Autosave (what the script sends) updates the same draft.
    let csrf = page.csrf();
    let auto = client
        .post_form(
            "/drafts/autosave",
            &[("csrf", &csrf), ("kind", "convening_announcement"), ("draft", &draft_id), ("title", "Autosaved")],
        )
        .await;
    assert_eq!(auto.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&auto.body).unwrap();
    assert_eq!(json["draft"], draft_id.as_str());
    assert!(client.get(&resume).await.body.contains(r#"value="Autosaved""#));
    // Files are private.
    use std::os::unix::fs::PermissionsExt;
    let file = app.dir.path().join(format!("node/drafts/{draft_id}.json"));
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    // Submitting from the draft consumes it.
    let mut pairs = report_pairs("From a draft");
    pairs.push(("draft", Box::leak(draft_id.clone().into_boxed_str())));
    let done = client.submit_form("/new/convening_report", "/new/convening_report", &pairs).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert!(client.get("/drafts").await.body.contains("No drafts."));
    // An autosave sent as the page was left does not bring the draft back.
    let late = client
        .post_form(
            "/drafts/autosave",
            &[("csrf", &csrf), ("kind", "convening_report"), ("draft", &draft_id), ("title", "From a draft")],
        )
        .await;
    assert_eq!(late.status, StatusCode::GONE, "{}", late.body);
    assert!(client.get("/drafts").await.body.contains("No drafts."));
    // A draft of the same content, saved in another tab, goes with the submit.
    let mut twin: Vec<(&str, &str)> = report_pairs("Twin report");
    twin.push(("action", "save_draft"));
    let saved = client.submit_form("/new/convening_report", "/new/convening_report", &twin).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let done = client.submit_form("/new/convening_report", "/new/convening_report", &report_pairs("Twin report")).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert!(client.get("/drafts").await.body.contains("No drafts."), "the twin draft is erased with the submit");
    // Discard.
    let saved = client
        .submit_form("/new/case_study", "/new/case_study", &[("title", "Bin me"), ("action", "save_draft")])
        .await;
    let id = saved.location().split("draft=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let gone = client.submit_form("/login", &format!("/drafts/{id}/discard"), &[]).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    assert!(!client.get("/drafts").await.body.contains("Bin me"));
    assert_eq!(client.get("/new/case_study?draft=../../x").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn edit_signs_a_change_and_withdraw_confirms_first() {
    let app = app(false, false);
    let mut client = with_identity(&app, "ama").await;
    let path = submit_report(&mut client, "Before the edit").await;
    let page = client.get(&path).await;
    assert!(page.body.contains(&format!(r#"href="{path}/edit""#)), "the author sees edit");
    let form = client.get(&format!("{path}/edit")).await;
    assert!(form.body.contains(r#"value="Before the edit""#));
    assert!(form.body.contains("<h1><bdi>Edit “\u{2068}Before the edit\u{2069}”</bdi></h1>"), "says what is edited");
    assert!(form.body.contains(&format!(r#"<a href="{path}">← Back to the submission, without saving</a>"#)));
    assert!(form.body.contains("Leave these boxes empty to keep it"), "the contact kept unless replaced");
    let id = app.state.node.resolve(path.trim_start_matches("/s/")).unwrap();
    let sealed = |app: &App| app.state.node.show(&id).unwrap().row.fields["sealed_contact"].clone();
    let contact_before = sealed(&app);
    // The sealed contact cannot be shown: left empty, it stays.
    let mut pairs: Vec<_> =
        report_pairs("Before the edit").into_iter().filter(|(name, _)| !name.starts_with("contact_")).collect();
    pairs.push(("kind", "convening_report"));
    pairs.retain(|(name, _)| *name != "summary");
    pairs.push(("summary", "A new summary"));
    let edited = client.submit_form(&format!("{path}/edit"), &format!("{path}/edit"), &pairs).await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    assert_eq!(sealed(&app), contact_before, "the contact on record is kept");
    let page = client.get(&path).await;
    assert!(page.body.contains("changed: Summary of the discussion ·"), "the history says which fields: {}", page.body);
    // Retyped, it is sealed anew.
    let mut pairs = report_pairs("After the edit");
    pairs.push(("kind", "convening_report"));
    let edited = client.submit_form(&format!("{path}/edit"), &format!("{path}/edit"), &pairs).await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    assert_ne!(sealed(&app), contact_before, "a new contact replaces it");
    let page = client.get(&path).await;
    assert!(page.body.contains("After the edit"));
    assert!(page.body.contains("Contact person"), "the history names the contact among the fields changed");
    // An invalid edit shows messages.
    let bad = client
        .submit_form(&format!("{path}/edit"), &format!("{path}/edit"), &[("kind", "convening_report"), ("title", "")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(r#"id="e-title""#));
    // Withdraw: a confirmation that explains the purge, then the signed withdrawal.
    let confirm = client.get(&format!("{path}/withdraw?as=ama")).await;
    assert!(confirm.body.contains("purged from this node and from every node"));
    let done = client
        .submit_form(&format!("{path}/withdraw?as=ama"), &format!("{path}/withdraw"), &[("identity", "ama")])
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("Withdrawn."));
    let gone = client.get(&path).await;
    assert_eq!(gone.status, StatusCode::GONE);
    assert!(!gone.body.contains("After the edit"));
    assert!(!client.get("/").await.body.contains("After the edit"));
}

#[tokio::test]
async fn personal_data_only_on_the_secretariats_node() {
    let app = app(false, false);
    let mut client = with_identity(&app, "ama").await;
    let path = submit_report(&mut client, "Private").await;
    let page = client.get(&path).await;
    assert!(!page.body.contains("?reveal=true"), "no reveal button off the secretariat's node");
    let reveal = client.get(&format!("{path}?reveal=true")).await;
    assert_eq!(reveal.status, StatusCode::FORBIDDEN);
    assert!(!reveal.body.contains("ama@example.org"));
}

#[tokio::test]
async fn bound_wide_every_writing_or_revealing_page_needs_a_login() {
    let app = app(true, true);
    // Prepare a submission directly.
    app.state.node.data_dir().create_identity("ama").unwrap();
    let (_, secret) = app.state.node.data_dir().identity(None).unwrap();
    let values = convene_web::pages::form::Values(
        report_pairs("Wide").into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect(),
    );
    let json = convene_web::pages::form::to_submission(
        convene_protocol::kinds::SubmissionKind::ConveningReport.spec(),
        &values,
    );
    let id = app.state.node.submit(&secret, &json).unwrap().id;
    let mut client = app.client();
    // The public browse pages stay open.
    assert_eq!(client.get("/").await.status, StatusCode::OK);
    assert_eq!(client.get(&format!("/s/{id}")).await.status, StatusCode::OK);
    for page in [
        "/network",
        "/new",
        "/new/case_study",
        "/drafts",
        "/identities",
        &format!("/s/{id}/edit"),
        &format!("/s/{id}/withdraw"),
        &format!("/s/{id}?reveal=true"),
    ] {
        let answer = client.get(page).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{page}");
        assert!(answer.location().starts_with("/login?back="), "{page}");
    }
    // Posting with a valid CSRF token but no login is refused too.
    let denied = client.submit_form("/login", "/identities", &[("name", "mallory")]).await;
    assert_eq!(denied.status, StatusCode::SEE_OTHER);
    assert!(denied.location().starts_with("/login"));
    assert!(app.state.node.data_dir().identity(Some("mallory")).is_err());
    let autosave = client.submit_form("/login", "/drafts/autosave", &[("kind", "case_study"), ("title", "x")]).await;
    assert_eq!(autosave.status, StatusCode::UNAUTHORIZED);
    // Wrong token, then the right one.
    let wrong = client.submit_form("/login", "/login", &[("token", "nope"), ("back", "/drafts")]).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains(r#"id="e-token""#));
    let right = client.submit_form("/login", "/login", &[("token", TOKEN), ("back", "/drafts")]).await;
    assert_eq!(right.status, StatusCode::SEE_OTHER);
    assert_eq!(right.location(), "/drafts");
    assert!(client.cookies.contains_key("session"));
    assert_eq!(client.get("/drafts").await.status, StatusCode::OK);
    let revealed = client.get(&format!("/s/{id}?reveal=true")).await;
    assert!(revealed.body.contains("ama@example.org"));
    // A forged session cookie does not pass.
    let mut forged = app.client();
    forged.cookies.insert("session".into(), "0".repeat(64));
    assert_eq!(forged.get("/drafts").await.status, StatusCode::SEE_OTHER);
    // Logout.
    let out = client.submit_form("/login", "/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(client.get("/drafts").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn network_page_without_sync() {
    let app = app(false, false);
    let mut client = app.client();
    let page = client.get("/network").await;
    assert!(page.body.contains("Test network"));
    assert!(page.body.contains("This node is not running sync."));
    assert!(page.body.contains("sync off"));
    let add = client.submit_form("/login", "/network/peers", &[("addr", "/ip4/127.0.0.1/tcp/1")]).await;
    assert_eq!(add.status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn network_page_with_sync_lists_and_adds_peers() {
    let mut app = app(false, false);
    app.start_sync().await;
    let mut client = app.client();
    let page = client.get("/network").await;
    assert!(page.body.contains(r#"id="node-id""#) && page.body.contains("/ip4/127.0.0.1/tcp/"));
    assert!(page.body.contains("0 peers online"), "the status bar");
    // Whether peers can reach this node, in words: not known before AutoNAT asked anyone.
    assert!(page.body.contains("Reachable from outside") && page.body.contains("Not known yet"), "{}", page.body);
    let bad = client.submit_form("/network", "/network/peers", &[("addr", "not a multiaddr")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(r#"id="e-addr""#) && bad.body.contains(r#"value="not a multiaddr""#));
    let added = client.submit_form("/network", "/network/peers", &[("addr", "/ip4/127.0.0.1/tcp/9")]).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let page = client.get(&added.location()).await;
    assert!(page.body.contains("Peer added"));
    assert!(page.body.contains("/ip4/127.0.0.1/tcp/9"), "the peer is listed");
    // Added without /p2p/, it is named by its address until it is reached.
    let named = r#"<strong class="peer-name"><bdi>/ip4/127.0.0.1/tcp/9</bdi></strong>"#;
    assert!(page.body.contains(named) && !page.body.contains(">?<"), "no bare question mark");

    // A multiaddr of a transport the node does not dial, in the page's words.
    let udp = client.submit_form("/network", "/network/peers", &[("addr", "/ip4/127.0.0.1/udp/9")]).await;
    assert_eq!(udp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(udp.body.contains("This is not a peer address."), "{}", udp.body);

    // `IP:PORT` is refused with the address that was meant.
    let typed = client.submit_form("/network", "/network/peers", &[("addr", "192.168.1.20:4701")]).await;
    assert_eq!(typed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(typed.body.contains("Did you mean /ip4/192.168.1.20/tcp/4701?"), "{}", typed.body);

    // A peer can be removed from the page.
    let page = client.get("/network").await;
    assert!(page.body.contains(r#"action="/network/peers/remove""#));
    let removed = client.submit_form("/network", "/network/peers/remove", &[("addr", "/ip4/127.0.0.1/tcp/9")]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let page = client.get(&removed.location()).await;
    assert!(page.body.contains("Peer removed."));
    assert!(!page.body.contains("/ip4/127.0.0.1/tcp/9<"), "the peer is gone from the list");
}

#[tokio::test]
async fn refusals_by_the_node_are_in_the_visitors_language() {
    let mut app = app(false, false);
    app.start_sync().await;
    let mut client = with_identity(&app, "ama").await;
    client.headers.push(("accept-language".into(), "es".into()));
    let taken = client.submit_form("/identities", "/identities", &[("name", "ama")]).await;
    assert!(
        taken.body.contains("Ya existe una identidad llamada «\u{2068}ama\u{2069}»; elija otro nombre."),
        "{}",
        taken.body
    );
    let long = "x".repeat(65);
    let bad = client.submit_form("/identities", "/identities", &[("name", &long)]).await;
    assert!(
        bad.body.contains(&format!("«\u{2068}{long}\u{2069}» no puede ser un nombre de identidad")),
        "{}",
        bad.body
    );
    let address = client.submit_form("/network", "/network/peers", &[("addr", "not a multiaddr")]).await;
    assert!(address.body.contains("Esta no es una dirección de par."), "{}", address.body);
    for english in ["already exists", "not a valid", "is not a peer"] {
        for page in [&taken.body, &bad.body, &address.body] {
            assert!(!page.contains(english), "English {english:?} on a Spanish page");
        }
    }
}

/// Whether the text at byte `at` of `body` is isolated: directly inside a
/// `<bdi>` or an element with `dir="auto"`, or in an attribute of an
/// element with `dir="auto"` (a form field's value).
fn isolated(body: &str, at: usize) -> bool {
    let open = body[..at].rfind('<').expect("inside the document");
    let closed = body[open..at].contains('>');
    let tag_end = open + body[open..].find('>').expect("a whole tag");
    let tag = &body[open..=tag_end];
    if closed {
        // Text: the element it is in must isolate, with nothing between.
        !body[tag_end + 1..at].contains('<') && (tag.starts_with("<bdi") || tag.contains(r#"dir="auto""#))
    } else {
        tag.contains(r#"dir="auto""#)
    }
}

#[tokio::test]
async fn bidi_overrides_in_user_text_are_isolated() {
    const TEXT: &str = "Hall \u{202E}lanoitan";
    let app = app(false, false);
    let mut client = with_identity(&app, "ama").await;
    let path = submit_report(&mut client, TEXT).await;
    let draft =
        client.submit_form("/new/case_study", "/drafts/autosave", &[("kind", "case_study"), ("title", TEXT)]).await;
    assert_eq!(draft.status, StatusCode::OK, "{}", draft.body);
    for page in [
        "/".to_owned(),
        format!("/?text={}", common::encode("Hall")),
        path.clone(),
        format!("{path}/edit"),
        format!("{path}/withdraw?as=ama"),
        "/drafts".to_owned(),
    ] {
        let answer = client.get(&page).await;
        assert_eq!(answer.status, StatusCode::OK, "{page}");
        let found: Vec<usize> = answer.body.match_indices('\u{202E}').map(|(at, _)| at).collect();
        assert!(!found.is_empty(), "{page} shows the text");
        for at in found {
            let context = &answer.body[answer.body[..at].rfind('<').unwrap()..(at + 20).min(answer.body.len())];
            assert!(isolated(&answer.body, at), "{page}: not isolated: {context}");
        }
        assert!(answer.body.contains(&format!("<bdi>{TEXT}</bdi>")) || page.ends_with("/edit"), "{page}");
    }
    let page = client.get(&path).await;
    let title = &page.body[page.body.find("<title>").unwrap()..page.body.find("</title>").unwrap()];
    assert!(title.contains("Hall lanoitan"), "no control in the window title: {title}");
}

/// A `multipart/form-data` body of `pairs` and one file, with `BOUNDARY`.
fn multipart(pairs: &[(&str, &str)], file: (&str, &str, &str)) -> String {
    let mut body = String::new();
    for (name, value) in pairs {
        body.push_str(&format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"));
    }
    let (name, file_name, content) = file;
    body.push_str(&format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n{content}\r\n--{BOUNDARY}--\r\n"
    ));
    body
}

const BOUNDARY: &str = "convene-test-boundary";

#[tokio::test]
async fn a_file_is_attached_with_the_form_kept_by_an_edit_and_removed_when_ticked() {
    let app = app(false, false);
    let mut client = with_identity(&app, "ama").await;
    let form = client.get("/new/convening_report").await;
    let csrf = form.csrf();
    assert!(form.body.contains(r#"enctype="multipart/form-data""#), "sent as multipart, no script needed");
    assert!(form.body.contains(&format!(r#"action="/new/convening_report?csrf={csrf}""#)));
    assert!(form.body.contains(r#"type="file""#) && form.body.contains("application/pdf"));
    let mut pairs = report_pairs("With minutes");
    pairs.push(("kind", "convening_report"));
    pairs.push(("action", "submit"));
    let body = multipart(&pairs, ("attachments_files", "C:\\Users\\ama\\minutes.pdf", "%PDF-1.4\n%%EOF\n"));
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    // The token must be in the address: it is checked before the body is read.
    let refused = client.request(Method::POST, "/new/convening_report", Some(&content_type), body.clone()).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let uri = format!("/new/convening_report?csrf={csrf}");
    let sent = client.request(Method::POST, &uri, Some(&content_type), body).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let page = client.get(&sent.location()).await;
    assert!(page.body.contains("\u{2068}minutes.pdf\u{2069}: a PDF may carry its author"), "the convener is told");
    let path = sent.location().split('?').next().unwrap().to_owned();
    let id = path.trim_start_matches("/s/").to_owned();
    let fields = app.state.node.show(&app.state.node.resolve(&id).unwrap()).unwrap().row.fields;
    let attachment = fields["attachments"][0].clone();
    assert_eq!(attachment["name"], "minutes.pdf", "the folders are dropped");
    assert_eq!(attachment["type"], "application/pdf");
    let hash = attachment["hash"].as_str().unwrap().to_owned();
    assert!(page.body.contains(&format!(r#"href="/blobs/{hash}""#)), "a link to the original");
    let original = client.get(&format!("/blobs/{hash}")).await;
    assert_eq!(original.status, StatusCode::OK);
    assert_eq!(original.headers["content-type"], "application/pdf");
    assert!(original.headers["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(original.headers["x-content-type-options"], "nosniff");
    assert_eq!(client.get(&format!("/blobs/{}", "0".repeat(64))).await.status, StatusCode::NOT_FOUND);

    // The edit form keeps the file, with a box to remove it.
    let edit = client.get(&format!("{path}/edit")).await;
    assert!(edit.body.contains(&format!(r#"name="attachments_remove" value="{hash}""#)), "{}", edit.body);
    let kept = attachment.to_string();
    let mut pairs = report_pairs("Edited, minutes kept");
    pairs.extend([("kind", "convening_report"), ("attachments", kept.as_str())]);
    let edited = client.submit_form(&format!("{path}/edit"), &format!("{path}/edit"), &pairs).await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let fields = app.state.node.show(&app.state.node.resolve(&id).unwrap()).unwrap().row.fields;
    assert_eq!(fields["attachments"][0]["hash"], hash.as_str());
    pairs.push(("attachments_remove", hash.as_str()));
    let edited = client.submit_form(&format!("{path}/edit"), &format!("{path}/edit"), &pairs).await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let fields = app.state.node.show(&app.state.node.resolve(&id).unwrap()).unwrap().row.fields;
    assert!(fields.get("attachments").is_none(), "removed: {fields:?}");
}

#[tokio::test]
async fn country_and_language_are_chosen_by_name_in_the_pages_language() {
    let app = app(false, false);
    let mut client = with_identity(&app, "ama").await;
    let form = client.get("/new/convening_report").await;
    assert!(form.body.contains(r#"list="countries""#) && form.body.contains(r#"<option value="Nigeria">"#));
    assert!(form.body.contains(r#"<option value="French">"#), "languages by name");
    let mut pairs: Vec<_> =
        report_pairs("Named").into_iter().filter(|(name, _)| !matches!(*name, "country" | "language")).collect();
    pairs.extend([("country", "nigeria"), ("language", "French")]);
    let answer = client.submit_form("/new/convening_report", "/new/convening_report", &pairs).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let path = answer.location().trim_end_matches("?saved=true").to_owned();
    let id = app.state.node.resolve(path.trim_start_matches("/s/")).unwrap();
    let fields = app.state.node.show(&id).unwrap().row.fields;
    assert_eq!(
        (&fields["location"]["country"], &fields["language"]),
        (&serde_json::json!("NG"), &serde_json::json!("fr")),
        "stored as codes"
    );
    // Shown by name, in the page's language; the edit form offers the name back.
    assert!(client.get(&path).await.body.contains("<bdi>Nigeria</bdi>"));
    assert!(client.get(&format!("{path}/edit")).await.body.contains(r#"value="Nigeria""#));
    client.headers.push(("accept-language".into(), "ar".into()));
    let arabic = client.get(&path).await;
    assert!(arabic.body.contains("<bdi>نيجيريا</bdi>") && arabic.body.contains("<bdi>الفرنسية</bdi>"));
    // The filters take names too, in any of the four languages, and show the name.
    for query in [
        "/?country=Nigeria",
        "/?country=ng",
        "/?language=franc%C3%A9s",
        "/?country=%D9%86%D9%8A%D8%AC%D9%8A%D8%B1%D9%8A%D8%A7",
    ] {
        let found = client.get(query).await;
        assert!(found.body.contains("Named"), "{query}: {}", found.body);
    }
    assert!(!client.get("/?country=Kenya").await.body.contains("Named"));
    // A name nobody knows is not cut to two letters: it is refused as typed.
    let mut pairs: Vec<_> = report_pairs("Unknown").into_iter().filter(|(name, _)| *name != "country").collect();
    pairs.push(("country", "Atlantis"));
    let refused = client.submit_form("/new/convening_report", "/new/convening_report", &pairs).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains(r#"value="Atlantis""#), "kept as typed");
}
