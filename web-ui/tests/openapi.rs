//! The OpenAPI document at `/api/v1/openapi.json` describes every `/api/v1`
//! endpoint, and every endpoint answers as documented: each documented
//! status is produced by a case here, each case's status is documented, and
//! JSON bodies carry the documented required properties.

mod common;

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use common::{TOKEN, app};
use serde_json::{Value, json};

struct Case {
    method: Method,
    /// The documented path template, e.g. `/submissions/{id}`.
    template: &'static str,
    /// The concrete URI.
    uri: String,
    body: Option<Value>,
    auth: bool,
    expect: u16,
}

fn case(
    method: Method,
    template: &'static str,
    uri: impl Into<String>,
    body: Option<Value>,
    auth: bool,
    expect: u16,
) -> Case {
    Case { method, template, uri: uri.into(), body, auth, expect }
}

fn submission(title: &str) -> Value {
    let values = convene_web::pages::form::Values(
        common::report_pairs("x").into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect(),
    );
    let mut json = convene_web::pages::form::to_submission(
        convene_protocol::kinds::SubmissionKind::ConveningReport.spec(),
        &values,
    );
    json["title"] = json!(title);
    json
}

/// Resolves a `$ref` in the document.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let path = reference.trim_start_matches("#/").split('/').collect::<Vec<_>>();
            path.iter().fold(doc, |node, key| &node[*key])
        }
        None => schema,
    }
}

fn check_schema(doc: &Value, schema: &Value, value: &Value, context: &str) {
    let schema = resolve(doc, schema);
    if let Some(required) = schema.get("required").and_then(Value::as_array) {
        for key in required {
            let key = key.as_str().unwrap();
            assert!(value.get(key).is_some(), "{context}: missing `{key}` in {value}");
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for item in array {
            check_schema(doc, items, item, context);
        }
    }
}

#[tokio::test]
async fn every_documented_endpoint_answers_as_documented() {
    // Two nodes: an author's node, and the secretariat's.
    let app = app(false, false);
    let secretariat = common::app(true, false);
    for node in [&app, &secretariat] {
        node.state.node.data_dir().create_identity("ama").unwrap();
    }
    let mut client = app.client();
    let doc: Value = serde_json::from_str(&client.get("/api/v1/openapi.json").await.body).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");

    let (_, secret) = app.state.node.data_dir().identity(None).unwrap();
    let stored = app.state.node.submit(&secret, &submission("Stored")).unwrap().id.to_string();
    let to_withdraw = app.state.node.submit(&secret, &submission("To withdraw")).unwrap().id.to_string();
    app.state.node.data_dir().create_identity("bob").unwrap();
    let (_, secret_s) = secretariat.state.node.data_dir().identity(None).unwrap();
    let on_secretariat =
        secretariat.state.node.submit(&secret_s, &submission("At the secretariat")).unwrap().id.to_string();
    let missing = "f".repeat(64);
    let too_many: Vec<Value> = (0..1001).map(|_| json!({})).collect();

    use Method as M;
    let cases = vec![
        case(M::GET, "/health", "/health", None, false, 200),
        case(M::GET, "/status", "/status", None, false, 200),
        case(M::GET, "/identities", "/identities", None, false, 200),
        case(M::GET, "/submissions", "/submissions?kind=convening_report&principle=F1&limit=5", None, false, 200),
        case(M::GET, "/submissions", "/submissions?kind=poem", None, false, 400),
        case(M::POST, "/submissions", "/submissions?as=ama", Some(submission("New")), true, 201),
        case(M::POST, "/submissions", "/submissions?as=ama", Some(submission("New")), true, 200),
        case(M::POST, "/submissions", "/submissions?as=ama", Some(submission("New")), false, 401),
        case(M::POST, "/submissions", "/submissions", Some(submission("Which")), true, 400),
        case(M::POST, "/submissions", "/submissions?as=nobody", Some(submission("Who")), true, 404),
        case(
            M::POST,
            "/submissions",
            "/submissions?as=ama",
            Some(json!({"kind": "convening_report", "title": ""})),
            true,
            422,
        ),
        case(
            M::POST,
            "/import",
            "/import?as=ama",
            Some(json!([submission("Batch 1"), {"kind": "case_study"}])),
            true,
            200,
        ),
        case(M::POST, "/import", "/import?as=ama", Some(json!(too_many)), true, 400),
        case(M::POST, "/import", "/import?as=ama", Some(json!([])), false, 401),
        case(M::POST, "/import", "/import?as=ama", Some(json!({"not": "a list"})), true, 422),
        case(M::GET, "/submissions/{id}", format!("/submissions/{stored}"), None, false, 200),
        case(M::GET, "/submissions/{id}", format!("/submissions/{}", &stored[..12]), None, false, 200),
        case(M::GET, "/submissions/{id}", format!("/submissions/{missing}"), None, false, 404),
        case(M::GET, "/submissions/{id}", format!("/submissions/{stored}?reveal=true"), None, false, 401),
        case(M::GET, "/submissions/{id}", format!("/submissions/{stored}?reveal=true"), None, true, 403),
        case(
            M::POST,
            "/submissions/{id}/withdraw",
            format!("/submissions/{to_withdraw}/withdraw?as=bob"),
            Some(json!({})),
            true,
            409,
        ),
        case(
            M::POST,
            "/submissions/{id}/withdraw",
            format!("/submissions/{to_withdraw}/withdraw?as=ama"),
            Some(json!({"reason": "test"})),
            true,
            200,
        ),
        case(
            M::POST,
            "/submissions/{id}/withdraw",
            format!("/submissions/{to_withdraw}/withdraw?as=ama"),
            Some(json!({})),
            false,
            401,
        ),
        case(M::GET, "/submissions/{id}", format!("/submissions/{to_withdraw}"), None, false, 409),
        case(
            M::POST,
            "/submissions/{id}/withdraw",
            format!("/submissions/{missing}/withdraw?as=ama"),
            Some(json!({})),
            true,
            404,
        ),
        case(M::GET, "/peers", "/peers", None, false, 503),
        case(M::POST, "/peers", "/peers", Some(json!({"addr": "/ip4/127.0.0.1/tcp/9"})), true, 503),
        case(M::POST, "/peers", "/peers", Some(json!({"addr": "/ip4/127.0.0.1/tcp/9"})), false, 401),
        case(M::DELETE, "/peers", "/peers", Some(json!({"addr": "/ip4/127.0.0.1/tcp/9"})), true, 503),
        case(M::DELETE, "/peers", "/peers", Some(json!({"addr": "x"})), false, 401),
        case(M::POST, "/verify", "/verify", None, true, 200),
        case(M::POST, "/verify", "/verify", None, false, 401),
        case(M::GET, "/export", "/export", None, true, 200),
        case(M::GET, "/export", "/export", None, false, 401),
        case(M::GET, "/export", "/export?attributed=maybe", None, true, 400),
        case(M::GET, "/export", "/export?attributed=true", None, true, 403),
        case(M::GET, "/openapi.json", "/openapi.json", None, false, 200),
        case(M::GET, "/desk", "/desk", None, false, 200),
        case(M::GET, "/desk/not-received", "/desk/not-received", None, false, 200),
        case(M::GET, "/taxonomy", "/taxonomy", None, false, 200),
        case(
            M::POST,
            "/desk",
            "/desk",
            Some(json!({"do": "publish", "slug": "Guiding Questions", "lang": "en", "title": "Q", "body": "x"})),
            true,
            400,
        ),
        case(
            M::POST,
            "/desk",
            "/desk",
            Some(json!({"do": "curate", "ids": [stored], "status": "in_review"})),
            true,
            403,
        ),
        case(M::POST, "/desk", "/desk", Some(json!({"do": "curate", "ids": [stored]})), true, 400),
        case(
            M::POST,
            "/desk",
            "/desk",
            Some(json!({"do": "curate", "ids": [stored], "status": "published"})),
            false,
            401,
        ),
    ];
    // Cases that need the secretariat's node, a peer address parse, or a
    // non-JSON body.
    let mut covered = BTreeSet::new();
    for case in &cases {
        let mut client = app.client();
        if case.auth {
            client.headers.push(("authorization".into(), format!("Bearer {TOKEN}")));
        }
        let body = case.body.as_ref().map(Value::to_string).unwrap_or_default();
        let content_type = case.body.as_ref().map(|_| "application/json");
        let answer = client.request(case.method.clone(), &format!("/api/v1{}", case.uri), content_type, body).await;
        check(&doc, case.template, &case.method, case.expect, &answer, &case.uri);
        covered.insert((case.template.to_owned(), case.method.as_str().to_lowercase(), case.expect));
    }
    // Files: stored raw (type by the first bytes), then attached.
    let client_as = |auth: bool| {
        let mut client = app.client();
        if auth {
            client.headers.push(("authorization".into(), format!("Bearer {TOKEN}")));
        }
        client
    };
    let mut blob_client = client_as(true);
    let octets = Some("application/octet-stream");
    let pdf = "%PDF-1.4\n%%EOF\n".to_owned();
    let answer = blob_client.request(Method::POST, "/api/v1/blobs?name=minutes.pdf", octets, pdf.clone()).await;
    check(&doc, "/blobs", &Method::POST, 201, &answer, "a PDF");
    let stored_file: Value = serde_json::from_str(&answer.body).unwrap();
    let blobs = [
        (true, "/blobs", "GIF89a".to_owned(), 400),
        (true, "/blobs?name=x.gif", "GIF89a".to_owned(), 422),
        (true, "/blobs?name=big.pdf", "x".repeat(12 * 1024 * 1024), 413),
        (false, "/blobs?name=minutes.pdf", pdf.clone(), 401),
    ];
    for (auth, uri, body, expect) in blobs {
        let answer = client_as(auth).request(Method::POST, &format!("/api/v1{uri}"), octets, body).await;
        check(&doc, "/blobs", &Method::POST, expect, &answer, uri);
        covered.insert(("/blobs".to_owned(), "post".to_owned(), expect));
    }
    covered.insert(("/blobs".to_owned(), "post".to_owned(), 201));
    let attach = json!({ "attachments": [stored_file["attachment"]] });
    let not_here =
        json!({ "attachments": [{"hash": "0".repeat(64), "size": 10, "type": "application/pdf", "name": "x.pdf"}] });
    let attach_cases = [
        (format!("/submissions/{stored}/attachments?as=ama"), true, 200),
        (format!("/submissions/{stored}/attachments?as=ama"), false, 401),
        (format!("/submissions/{missing}/attachments?as=ama"), true, 404),
        (format!("/submissions/{to_withdraw}/attachments?as=ama"), true, 409),
        (format!("/submissions/{stored}/attachments?as=ama"), true, 409),
        (format!("/submissions/{stored}/attachments"), true, 400),
    ];
    for (uri, auth, expect) in attach_cases {
        let body = if expect == 409 && uri.contains(&stored) { not_here.to_string() } else { attach.to_string() };
        let answer =
            client_as(auth).request(Method::POST, &format!("/api/v1{uri}"), Some("application/json"), body).await;
        check(&doc, "/submissions/{id}/attachments", &Method::POST, expect, &answer, &uri);
        covered.insert(("/submissions/{id}/attachments".to_owned(), "post".to_owned(), expect));
    }
    let shown = blob_client.get(&format!("/api/v1/submissions/{stored}")).await;
    assert!(shown.body.contains("minutes.pdf"), "{}", shown.body);

    // The secretariat's node reveals (with the token).
    let mut client = secretariat.client();
    client.headers.push(("authorization".into(), format!("Bearer {TOKEN}")));
    let uri = format!("/submissions/{on_secretariat}?reveal=true");
    let answer = client.get(&format!("/api/v1{uri}")).await;
    check(&doc, "/submissions/{id}", &Method::GET, 200, &answer, &uri);
    let shown: Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(shown["contact"]["email"], "ama@example.org");
    // It alone exports attributed: one JSON object a line, with its author.
    let answer = client.get("/api/v1/export?attributed=true").await;
    check(&doc, "/export", &Method::GET, 200, &answer, "an attributed export");
    let lines: Vec<Value> = answer.body.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(lines.len(), 1, "{}", answer.body);
    assert_eq!(lines[0]["title"], "At the secretariat");
    assert!(lines[0]["author"].as_str().unwrap().starts_with("did:key:"), "{}", answer.body);
    assert!(!answer.body.contains("ama@example.org"), "contacts never leave: {}", answer.body);
    // Bodies that are not JSON, or not sent as JSON.
    let answer = client.request(Method::POST, "/api/v1/submissions?as=ama", Some("text/plain"), "{}".into()).await;
    check(&doc, "/submissions", &Method::POST, 415, &answer, "text/plain body");
    covered.insert(("/submissions".into(), "post".into(), 415));
    let answer = client.request(Method::POST, "/api/v1/import?as=ama", Some("application/json"), "[".into()).await;
    check(&doc, "/import", &Method::POST, 400, &answer, "broken JSON");
    // The secretariat's desk: a curation signed by its key; an unknown submission.
    for (body, expect) in [
        (json!({"do": "curate", "ids": [on_secretariat], "status": "in_review"}), 200),
        (json!({"do": "curate", "ids": [missing], "status": "in_review"}), 404),
        (json!({"do": "curate", "ids": [on_secretariat], "add_tags": ["unlisted"]}), 409),
    ] {
        let answer = client.request(Method::POST, "/api/v1/desk", Some("application/json"), body.to_string()).await;
        check(&doc, "/desk", &Method::POST, expect, &answer, "a curation");
        covered.insert(("/desk".into(), "post".into(), expect));
    }
    let shown: Value =
        serde_json::from_str(&client.get(&format!("/api/v1/submissions/{on_secretariat}")).await.body).unwrap();
    assert_eq!(shown["desk"]["status"], "in_review", "{shown}");

    // The peer endpoints of a node that runs sync.
    let mut synced = common::app(false, false);
    synced.start_sync().await;
    let peer = json!({"addr": "/ip4/127.0.0.1/tcp/9"});
    let peer_cases = vec![
        case(M::GET, "/peers", "/peers", None, false, 200),
        case(M::POST, "/peers", "/peers", Some(json!({"addr": "not an address"})), true, 400),
        case(M::POST, "/peers", "/peers", Some(json!({"addr": ""})), true, 400),
        case(M::POST, "/peers", "/peers", Some(json!({"addr": "192.168.1.20:4701"})), true, 400),
        case(M::POST, "/peers", "/peers", Some(json!({"addr": "/ip4/192.168.1.20"})), true, 400),
        case(M::POST, "/peers", "/peers", Some(peer.clone()), true, 200),
        case(M::DELETE, "/peers", "/peers", Some(json!({"addr": "/nope"})), true, 400),
        case(M::DELETE, "/peers", "/peers", Some(peer), true, 200),
    ];
    for case in &peer_cases {
        let mut client = synced.client();
        if case.auth {
            client.headers.push(("authorization".into(), format!("Bearer {TOKEN}")));
        }
        let body = case.body.as_ref().map(Value::to_string).unwrap_or_default();
        let content_type = case.body.as_ref().map(|_| "application/json");
        let answer = client.request(case.method.clone(), &format!("/api/v1{}", case.uri), content_type, body).await;
        check(&doc, case.template, &case.method, case.expect, &answer, &case.uri);
        covered.insert((case.template.to_owned(), case.method.as_str().to_lowercase(), case.expect));
    }

    // A bare IP:PORT is refused with the multiaddr it means; nothing bad is saved.
    let mut client = synced.client();
    client.headers.push(("authorization".into(), format!("Bearer {TOKEN}")));
    let body = json!({"addr": "192.168.1.20:4701"}).to_string();
    let answer = client.request(Method::POST, "/api/v1/peers", Some("application/json"), body).await;
    assert!(answer.body.contains("did you mean /ip4/192.168.1.20/tcp/4701?"), "{}", answer.body);
    let saved = convene_node::sync::peers::saved_peers(synced.state.node.data_dir()).unwrap();
    assert!(saved.is_empty(), "{saved:?}");

    // What axum itself refuses is the documented JSON error too: a body not
    // sent as JSON, not JSON, of the wrong shape, or too large.
    let large = format!("[\"{}\"]", "x".repeat(8 * 1024 * 1024));
    let body_operations = [
        (Method::POST, "/submissions", "/submissions?as=ama".to_owned(), "[1]"),
        (Method::POST, "/import", "/import?as=ama".to_owned(), "[1, \"x\"]"),
        (
            Method::POST,
            "/submissions/{id}/withdraw",
            format!("/submissions/{stored}/withdraw?as=ama"),
            "{\"reason\": 7}",
        ),
        (
            Method::POST,
            "/submissions/{id}/attachments",
            format!("/submissions/{stored}/attachments?as=ama"),
            "{\"attachments\": 7}",
        ),
        (Method::POST, "/peers", "/peers".to_owned(), "{\"address\": 7}"),
        (Method::DELETE, "/peers", "/peers".to_owned(), "{\"addr\": 7}"),
        (Method::POST, "/bundle/want", "/bundle/want".to_owned(), "{\"file\": 7}"),
        (Method::POST, "/bundle/export", "/bundle/export".to_owned(), "{\"since_ms\": 1}"),
        (Method::POST, "/bundle/import", "/bundle/import".to_owned(), "{\"files\": \"x\"}"),
        (Method::POST, "/desk", "/desk".to_owned(), "{\"do\": 7}"),
    ];
    for (method, template, uri, wrong_shape) in body_operations {
        let mut client = synced.client();
        client.headers.push(("authorization".into(), format!("Bearer {TOKEN}")));
        let sent: [(Option<&str>, String, u16); 4] = [
            (Some("text/plain"), "{}".into(), 415),
            (Some("application/json"), "nope".into(), 400),
            (Some("application/json"), wrong_shape.into(), 422),
            (Some("application/json"), large.clone(), 413),
        ];
        for (content_type, body, expect) in sent {
            let answer = client.request(method.clone(), &format!("/api/v1{uri}"), content_type, body).await;
            check(&doc, template, &method, expect, &answer, &format!("{uri} ({expect})"));
            let error: Value = serde_json::from_str(&answer.body).unwrap();
            assert!(error["error"].is_string() && error["code"].is_string(), "{uri}: {}", answer.body);
            covered.insert((template.to_owned(), method.as_str().to_lowercase(), expect));
        }
    }
    // A malformed query, an unknown signer, a submission withdrawn before, an unknown path.
    let mut client = app.client();
    client.headers.push(("authorization".into(), format!("Bearer {TOKEN}")));
    let more = [
        (Method::GET, "/submissions/{id}", format!("/submissions/{stored}?reveal=maybe"), None, 400),
        (Method::GET, "/submissions", "/submissions?limit=-1".to_owned(), None, 400),
        (Method::POST, "/import", "/import?as=nobody".to_owned(), Some(json!([submission("Nobody")])), 404),
        (Method::POST, "/submissions/{id}/withdraw", format!("/submissions/{stored}/withdraw"), Some(json!({})), 400),
        (Method::POST, "/submissions", "/submissions?as=ama".to_owned(), Some(submission("To withdraw")), 409),
    ];
    for (method, template, uri, body, expect) in more {
        let content_type = body.as_ref().map(|_| "application/json");
        let body = body.map(|body| body.to_string()).unwrap_or_default();
        let answer = client.request(method.clone(), &format!("/api/v1{uri}"), content_type, body).await;
        check(&doc, template, &method, expect, &answer, &uri);
        covered.insert((template.to_owned(), method.as_str().to_lowercase(), expect));
    }
    // Bundles name files: over the node's own socket (a trusted guard) only.
    let socket = common::app_with(false, convene_web::Guard::trusted());
    socket.state.node.submit(&secret, &submission("Carried")).unwrap();
    let dir = socket.dir.path().to_str().unwrap().to_owned();
    std::fs::write(format!("{dir}/garbage.want"), "not a want file").unwrap();
    let bundle_cases = vec![
        case(M::POST, "/bundle/want", "/bundle/want", Some(json!({"file": format!("{dir}/b.want")})), true, 200),
        case(M::POST, "/bundle/want", "/bundle/want", Some(json!({"file": "b.want"})), true, 400),
        case(M::POST, "/bundle/want", "/bundle/want", Some(json!({"file": format!("{dir}/b.want")})), false, 401),
        case(M::POST, "/bundle/want", "/bundle/want", Some(json!({"file": "/no/such/dir/b.want"})), true, 507),
        case(
            M::POST,
            "/bundle/export",
            "/bundle/export",
            Some(json!({"file": format!("{dir}/a.bundle"), "part_size": 1_048_576})),
            true,
            200,
        ),
        case(M::POST, "/bundle/export", "/bundle/export", Some(json!({"file": "a.bundle"})), true, 400),
        case(M::POST, "/bundle/export", "/bundle/export", Some(json!({"file": format!("{dir}/x")})), false, 401),
        case(
            M::POST,
            "/bundle/export",
            "/bundle/export",
            Some(json!({"file": format!("{dir}/x"), "want": format!("{dir}/garbage.want")})),
            true,
            422,
        ),
        case(M::POST, "/bundle/export", "/bundle/export", Some(json!({"file": "/no/such/dir/x"})), true, 507),
        case(
            M::POST,
            "/bundle/import",
            "/bundle/import",
            Some(json!({"files": [format!("{dir}/a.bundle.001")]})),
            true,
            200,
        ),
        case(M::POST, "/bundle/import", "/bundle/import", Some(json!({"files": ["a.bundle"]})), true, 400),
        case(M::POST, "/bundle/import", "/bundle/import", Some(json!({"files": []})), false, 401),
    ];
    for case in &bundle_cases {
        let mut client = socket.client();
        if case.auth {
            client.headers.push(("authorization".into(), format!("Bearer {TOKEN}")));
        }
        let body = case.body.as_ref().map(Value::to_string).unwrap_or_default();
        let answer =
            client.request(case.method.clone(), &format!("/api/v1{}", case.uri), Some("application/json"), body).await;
        check(&doc, case.template, &case.method, case.expect, &answer, &case.uri);
        covered.insert((case.template.to_owned(), case.method.as_str().to_lowercase(), case.expect));
    }
    // Over TCP the same requests are refused: they name files.
    let mut client = app.client();
    client.headers.push(("authorization".into(), format!("Bearer {TOKEN}")));
    let body = json!({"file": format!("{dir}/b.want")}).to_string();
    let answer = client.request(Method::POST, "/api/v1/bundle/want", Some("application/json"), body).await;
    check(&doc, "/bundle/want", &Method::POST, 403, &answer, "/bundle/want over TCP");
    assert!(answer.body.contains("socket"), "{}", answer.body);
    // A full disk while importing: the store refuses as for /import
    // (tests/tests/full_disk.rs).
    covered.insert(("/bundle/import".into(), "post".into(), 507));
    // The request guard answers for every operation, before any handler:
    // a foreign Host (421), a write from another site (403), and, bound
    // beyond loopback, the token-only reads without it (401).
    let wide = common::app(false, true);
    for (path, operations) in doc["paths"].as_object().unwrap().clone() {
        let uri = path.replace("{id}", &stored);
        for method in operations.as_object().unwrap().keys() {
            let method: Method = method.to_uppercase().parse().unwrap();
            let mut foreign = synced.client();
            foreign.headers.push(("host".into(), "rebound.example:4700".into()));
            let answer = foreign.request(method.clone(), &format!("/api/v1{uri}"), None, String::new()).await;
            check(&doc, &path, &method, 421, &answer, &format!("{uri} (foreign Host)"));
            covered.insert((path.clone(), method.as_str().to_lowercase(), 421));
            if method != Method::GET {
                let mut cross = synced.client();
                cross.headers.push(("authorization".into(), format!("Bearer {TOKEN}")));
                cross.headers.push(("origin".into(), "https://evil.example".into()));
                let answer = cross.request(method.clone(), &format!("/api/v1{uri}"), None, String::new()).await;
                check(&doc, &path, &method, 403, &answer, &format!("{uri} (foreign Origin)"));
                covered.insert((path.clone(), method.as_str().to_lowercase(), 403));
            }
        }
    }
    for path in ["/status", "/identities", "/peers"] {
        let answer = wide.client().get(&format!("/api/v1{path}")).await;
        check(&doc, path, &Method::GET, 401, &answer, &format!("{path} (bound wide, no token)"));
        covered.insert((path.to_owned(), "get".to_owned(), 401));
    }

    let answer = client.get("/api/v1/no/such/thing").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(serde_json::from_str::<Value>(&answer.body).unwrap()["code"], "not_found", "{}", answer.body);

    // Every documented (path, method, status) is exercised.
    let mut documented = BTreeSet::new();
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            for status in operation["responses"].as_object().unwrap().keys() {
                documented.insert((path.clone(), method.clone(), status.parse::<u16>().unwrap()));
            }
        }
    }
    covered.insert(("/submissions/{id}".into(), "get".into(), 200));
    covered.insert(("/import".into(), "post".into(), 400));
    // A full disk: exercised on a real small filesystem in tests/tests/full_disk.rs.
    for path in ["/submissions", "/import", "/submissions/{id}/withdraw", "/submissions/{id}/attachments", "/blobs"] {
        covered.insert((path.into(), "post".into(), 507));
    }
    let untested: Vec<_> = documented.difference(&covered).collect();
    assert!(untested.is_empty(), "documented but not exercised: {untested:?}");
}

fn check(doc: &Value, template: &str, method: &Method, expect: u16, answer: &common::Answer, what: &str) {
    assert_eq!(answer.status.as_u16(), expect, "{method} {what}: {}", answer.body);
    let operation = &doc["paths"][template][method.as_str().to_lowercase()];
    assert!(operation.is_object(), "{method} {template} is not documented");
    let response = &operation["responses"][expect.to_string()];
    assert!(response.is_object(), "{method} {template} answered {expect}, which is not documented");
    let content_type = answer.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("");
    let media = content_type.split(';').next().unwrap_or("").trim();
    if response.get("content").is_some() {
        let documented = response["content"].get(media);
        assert!(documented.is_some(), "{method} {what}: {expect} answered as {media}, which is not documented");
    }
    if media != "application/json" {
        return;
    }
    if let Some(schema) = response.pointer("/content/application~1json/schema") {
        let value: Value = serde_json::from_str(&answer.body)
            .unwrap_or_else(|error| panic!("{method} {what}: not JSON ({error}): {}", answer.body));
        check_schema(doc, schema, &value, &format!("{method} {what}"));
    }
}

#[tokio::test]
async fn every_api_route_is_documented() {
    // The routes in api.rs, as registered; a new route must be documented.
    let doc: Value = serde_json::from_str(include_str!("../openapi.json")).unwrap();
    let routes = [
        ("/health", "get"),
        ("/status", "get"),
        ("/identities", "get"),
        ("/submissions", "get"),
        ("/submissions", "post"),
        ("/import", "post"),
        ("/submissions/{id}", "get"),
        ("/submissions/{id}/withdraw", "post"),
        ("/submissions/{id}/attachments", "post"),
        ("/blobs", "post"),
        ("/peers", "get"),
        ("/peers", "post"),
        ("/peers", "delete"),
        ("/verify", "post"),
        ("/bundle/want", "post"),
        ("/bundle/export", "post"),
        ("/bundle/import", "post"),
        ("/export", "get"),
        ("/openapi.json", "get"),
        ("/desk", "get"),
        ("/desk", "post"),
        ("/desk/not-received", "get"),
        ("/taxonomy", "get"),
    ];
    let mut documented = 0;
    for (path, operations) in doc["paths"].as_object().unwrap() {
        documented += operations.as_object().unwrap().len();
        for method in operations.as_object().unwrap().keys() {
            assert!(routes.contains(&(path.as_str(), method.as_str())), "{method} {path} is documented but not routed");
        }
    }
    assert_eq!(documented, routes.len());
    let mut client = app(false, false).client();
    for (path, method) in routes {
        let method: Method = method.to_uppercase().parse().unwrap();
        let answer = client
            .request(method.clone(), &format!("/api/v1{}", path.replace("{id}", "ab")), None, String::new())
            .await;
        if answer.status == StatusCode::NOT_FOUND {
            assert!(answer.body.contains("\"code\""), "{method} {path} is not routed");
        }
        assert_ne!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path} is not routed");
    }
}

/// Every `$ref` in `value`.
fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                out.push(reference.to_owned());
            }
            map.values().for_each(|value| references(value, out));
        }
        Value::Array(items) => items.iter().for_each(|value| references(value, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_served_submission_schema_is_the_tables_and_every_reference_resolves() {
    use convene_protocol::attachment::Limits;
    use convene_protocol::kinds::{self, SubmissionKind};
    let doc: Value = serde_json::from_str(&app(false, false).client().get("/api/v1/openapi.json").await.body).unwrap();
    let schemas = &doc["components"]["schemas"];
    let generated = convene_protocol::json_schema::submission_schemas(&SubmissionKind::specs(), &Limits::DEFAULT);
    for (name, schema) in &generated {
        assert_eq!(&schemas[name], schema, "{name}");
    }
    let mut found = Vec::new();
    references(&doc, &mut found);
    for reference in found {
        assert!(!resolve(&doc, &json!({ "$ref": reference })).is_null(), "{reference} resolves to nothing");
    }
    let strings = |value: &Value| -> Vec<String> {
        value.as_array().unwrap().iter().map(|item| item.as_str().unwrap().to_owned()).collect()
    };
    let countries: Vec<String> = convene_protocol::text_rules::country_codes().map(str::to_owned).collect();
    assert_eq!(strings(&schemas["Country"]["enum"]), countries);
    assert!(!countries.contains(&"XX".to_owned()) && !countries.contains(&"UK".to_owned()));
    for (name, kind) in [
        ("ConveningReport", SubmissionKind::ConveningReport),
        ("CaseStudy", SubmissionKind::CaseStudy),
        ("ConveningAnnouncement", SubmissionKind::ConveningAnnouncement),
    ] {
        let object = &schemas[name];
        assert_eq!(object["additionalProperties"], false, "{name}");
        assert_eq!(object["properties"]["kind"]["const"], kind.as_str());
        let properties: BTreeSet<&str> = object["properties"].as_object().unwrap().keys().map(String::as_str).collect();
        let fields: BTreeSet<&str> =
            std::iter::once("kind").chain(kind.spec().fields.iter().map(|field| field.name)).collect();
        assert_eq!(properties, fields, "{name}: exactly the fields of the kind");
        assert_eq!(object["properties"]["title"]["maxLength"], kinds::MAX_TITLE_CHARS);
    }
    let report = &schemas["ConveningReport"]["properties"];
    assert_eq!(report["participants"]["properties"]["count"]["maximum"], kinds::MAX_PARTICIPANTS);
    assert_eq!(report["quotes"]["maxItems"], 3);
    let announcement = &schemas["ConveningAnnouncement"]["properties"];
    assert_eq!(strings(&announcement["participation"]["enum"]), kinds::PARTICIPATION.map(str::to_owned).to_vec());
    assert_eq!(schemas["Contact"]["properties"]["email"]["maxLength"], kinds::MAX_EMAIL_BYTES);
}
