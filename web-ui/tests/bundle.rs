//! The network page's bundles: a download from one node uploads into
//! another of the same network (multipart, no script), the CSRF token is
//! checked first, and a bundle of another network is refused in words.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{Answer, App, Client, TOKEN, app};
use convene_node::{DataDir, Node};
use convene_protocol::keys::SecretKey;
use convene_web::WebState;
use serde_json::json;
use tower::ServiceExt;

fn case_study(title: &str) -> serde_json::Value {
    json!({
        "kind": "case_study", "title": title, "language": "en", "country": "KE",
        "implementer": "Civic Tech Lab", "responsible_authority": "R1",
        "dpi_types": ["digital_id"], "lifecycle_stages": ["L1"], "principles": ["F1"], "risks": ["RS1"],
        "context": "c", "challenges": "c", "successes": "s", "lessons": ["l"], "consent_to_publish": true,
        "contact": {"name": "Amina Okafor", "email": "amina@example.org"}
    })
}

/// A second node of `app`'s network.
fn sibling(app: &App) -> App {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = DataDir::new(dir.path().join("node"));
    data_dir.init(app.state.node.genesis(), None).unwrap();
    let node = Node::open(data_dir).unwrap();
    let guard = convene_web::Guard::for_addr(common::HOST.parse().unwrap(), false, &[]);
    App { dir, state: WebState::new(node, None, TOKEN.into(), guard) }
}

/// The CSRF token the upload form carries in its action.
fn upload_csrf(page: &Answer) -> String {
    let marker = "/network/bundle?csrf=";
    let start = page.body.find(marker).unwrap_or_else(|| panic!("no upload form in:\n{}", page.body)) + marker.len();
    page.body[start..].split('"').next().unwrap().to_owned()
}

/// Uploads `bundle` as a browser sends a file input.
async fn upload(app: &App, client: &Client, csrf: &str, bundle: &[u8]) -> (StatusCode, String) {
    let boundary = "----formdata7MA4YWxkTrZu0gW";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"bundle\"; filename=\"stick.bundle\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bundle);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let cookies = client.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/network/bundle?csrf={csrf}"))
        .header(header::HOST, common::HOST)
        .header(header::COOKIE, cookies)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    let response = app.router().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 24).await.unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn a_downloaded_bundle_uploads_into_another_node() {
    let a = app(false, false);
    let author = SecretKey::generate();
    for title in ["One", "Two", "Three"] {
        a.state.node.submit(&author, &case_study(title)).unwrap();
    }
    let mut at_a = a.client();
    let page = at_a.get("/network").await;
    assert!(page.body.contains("convene bundle export"), "the USB advice names the commands");
    let download = at_a.get("/network/bundle").await;
    assert_eq!(download.status, StatusCode::OK);
    let disposition = download.headers.get(header::CONTENT_DISPOSITION).unwrap().to_str().unwrap();
    assert!(disposition.starts_with("attachment; filename=\"convene-"), "{disposition}");
    assert!(disposition.ends_with(".bundle\"") && !disposition.contains("text-only"), "{disposition}");
    assert!(download.raw.starts_with(b"convene-bundle"));
    let text_only = at_a.get("/network/bundle?since=2020-01-01").await;
    let disposition = text_only.headers.get(header::CONTENT_DISPOSITION).unwrap().to_str().unwrap();
    assert!(disposition.ends_with("-since-2020-01-01-text-only.bundle\""), "says it carries no files: {disposition}");
    let bad_date = at_a.get("/network/bundle?since=yesterday").await;
    assert_eq!(bad_date.status, StatusCode::BAD_REQUEST);

    let b = sibling(&a);
    // An upload a killed node left behind is removed by the next one.
    let abandoned = b.state.node.data_dir().root().join("upload-1-0011223344556677.bundle");
    std::fs::write(&abandoned, &download.raw).unwrap();
    let mut at_b = b.client();
    let page = at_b.get("/network").await;
    let csrf = upload_csrf(&page);
    let (status, _) = upload(&b, &at_b, "wrong", &download.raw).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the CSRF token is checked first");
    let (status, body) = upload(&b, &at_b, &csrf, &download.raw).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("Bundle imported: 3 new"), "{body}");
    assert_eq!(b.state.node.entry_ids().unwrap(), a.state.node.entry_ids().unwrap());
    let leftovers: Vec<_> = std::fs::read_dir(b.state.node.data_dir().root())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().starts_with("upload-"))
        .collect();
    assert!(leftovers.is_empty(), "the upload's file is removed");

    // A bundle of another network: refused, in words.
    let elsewhere = app(false, false);
    let mut at_elsewhere = elsewhere.client();
    let page = at_elsewhere.get("/network").await;
    let csrf = upload_csrf(&page);
    let (status, body) = upload(&elsewhere, &at_elsewhere, &csrf, &download.raw).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("this bundle is for another network"), "{body}");
    assert!(elsewhere.state.node.entry_ids().unwrap().is_empty());
}

#[tokio::test]
async fn attached_files_go_in_a_download_unless_unticked_and_an_upload_stores_them() {
    let a = app(false, false);
    let author = SecretKey::generate();
    let submitted = a.state.node.submit(&author, &case_study("With minutes")).unwrap();
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.extend((0..100_000u32).map(|i| (i * 31 % 251) as u8));
    let stored = a.state.node.store_file("minutes.pdf", &pdf).unwrap();
    a.state.node.attach(&author, &submitted.id, std::slice::from_ref(&stored.attachment)).unwrap();
    let hash = convene_protocol::attachment::BlobHash::parse(&stored.attachment.hash).unwrap();

    let mut at_a = a.client();
    let page = at_a.get("/network").await;
    assert!(page.body.contains(r#"name="blobs" value="1" checked"#), "ticked by default:\n{}", page.body);
    // The form sends `since` always, `blobs` when ticked; a bare link carries files.
    let text_only = at_a.get("/network/bundle?since=").await;
    let with_files = at_a.get("/network/bundle?since=&blobs=1").await;
    let bare = at_a.get("/network/bundle").await;
    assert_eq!(text_only.status, StatusCode::OK);
    assert!(with_files.raw.len() > text_only.raw.len() + pdf.len(), "{} {}", with_files.raw.len(), text_only.raw.len());
    assert_eq!(bare.raw.len(), with_files.raw.len());

    let b = sibling(&a);
    let mut at_b = b.client();
    let csrf = upload_csrf(&at_b.get("/network").await);
    let (status, body) = upload(&b, &at_b, &csrf, &with_files.raw).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("Bundle imported: 2 new"), "{body}");
    assert!(body.contains("Photos and files: 1 completed; pieces: 7 stored, 0 refused"), "{body}");
    assert_eq!(b.state.node.blob(&hash).unwrap(), pdf);
}
