//! What a node shows and to whom, from outside: bidi controls in user text
//! are shown escaped by the CLI; a node bound beyond loopback serves HTTPS
//! with the certificate whose fingerprint it printed.

use convene_tests::{Network, TestNode, generate_corpus};
use serde_json::Value;

#[test]
fn the_cli_shows_bidi_controls_escaped() {
    let network = Network::create("Demo");
    let hub = TestNode::init(&network, false);
    hub.run(&["identity", "new", "--name", "amina"]).ok();
    let corpus = generate_corpus(&hub.scratch(), 1, 7);
    let line = std::fs::read_to_string(&corpus).unwrap().lines().next().unwrap().to_owned();
    let mut input: Value = serde_json::from_str(&line).unwrap();
    input["title"] = Value::from("Budget \u{202E}lanoitan\u{2066} review");
    let submitted = hub.run_with_stdin(&["submit", "-", "--json"], &input.to_string()).ok().json();
    let id = submitted["id"].as_str().unwrap().to_owned();
    for args in [vec!["list"], vec!["show", id.as_str()]] {
        let run = hub.run(&args).ok();
        assert!(run.stdout.contains("Budget \\u{202E}lanoitan\\u{2066} review"), "{args:?}:\n{}", run.stdout);
        assert!(!run.stdout.contains('\u{202E}') && !run.stdout.contains('\u{2066}'), "{args:?}");
    }
    // JSON keeps the text as it is: a program reads it, not a person.
    let json = hub.run(&["show", &id, "--json"]).ok().json();
    assert_eq!(json["fields"]["title"], input["title"], "{json}");
}

/// A `convene node run` on every address, stopped when dropped.
struct WideNode {
    child: std::process::Child,
    log: std::path::PathBuf,
}

impl WideNode {
    fn start(hub: &TestNode, extra: &[&str]) -> (WideNode, Value) {
        let log = hub.scratch().join(format!("wide-{}.log", extra.len()));
        let file = std::fs::File::create(&log).unwrap();
        let node_file = hub.data_dir().join("node.json");
        let _ = std::fs::remove_file(&node_file);
        let mut args = vec!["node", "run", "--listen", "/ip4/127.0.0.1/tcp/0", "--http", "0.0.0.0:0"];
        args.extend_from_slice(extra);
        let child = hub
            .command(&args)
            .stdin(std::process::Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .unwrap();
        let node = WideNode { child, log };
        convene_tests::wait_until_or(
            "the node to serve",
            std::time::Duration::from_secs(30),
            || node.log().contains("web UI:") && node_file.exists(),
            || node.log(),
        );
        let running: Value = serde_json::from_str(&std::fs::read_to_string(&node_file).unwrap()).unwrap();
        (node, running)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for WideNode {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port of a `node.json` URL.
fn port_of(running: &Value) -> u16 {
    running["url"].as_str().unwrap().rsplit(':').next().unwrap().parse().unwrap()
}

/// Accepts exactly the certificate whose SHA-256 fingerprint is `pinned`.
#[derive(Debug)]
struct Pinned {
    pinned: String,
    provider: std::sync::Arc<rustls::crypto::CryptoProvider>,
}

fn fingerprint(der: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    digest.as_ref().iter().map(|byte| format!("{byte:02X}")).collect::<Vec<_>>().join(":")
}

impl rustls::client::danger::ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        if fingerprint(end_entity) == self.pinned {
            Ok(rustls::client::danger::ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(format!("fingerprint {} is not the printed one", fingerprint(end_entity))))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// One HTTPS request to 127.0.0.1:`port`, pinning `pinned`; the whole answer.
async fn https_get(port: u16, pinned: &str, host: &str, path: &str, token: Option<&str>) -> Result<String, String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(std::sync::Arc::new(Pinned { pinned: pinned.to_owned(), provider }))
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.map_err(|e| e.to_string())?;
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let mut tls = connector.connect(name, tcp).await.map_err(|e| e.to_string())?;
    let auth = token.map(|token| format!("Authorization: Bearer {token}\r\n")).unwrap_or_default();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{auth}Connection: close\r\n\r\n");
    tls.write_all(request.as_bytes()).await.map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    let _ = tls.read_to_end(&mut answer).await;
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bound_wide_the_node_serves_https_with_the_printed_certificate() {
    let network = Network::create("Demo");
    let hub = TestNode::init(&network, false);
    let (node, running) = tokio::task::block_in_place(|| WideNode::start(&hub, &[]));
    let log = node.log();
    let printed = log
        .lines()
        .find_map(|line| line.strip_prefix("TLS certificate SHA-256 fingerprint: "))
        .unwrap_or_else(|| panic!("no fingerprint printed:\n{log}"))
        .trim()
        .to_owned();
    assert!(log.contains("made a certificate for HTTPS"), "{log}");
    assert!(running["url"].as_str().unwrap().starts_with("https://"), "{running}");
    let port = port_of(&running);
    let host = format!("127.0.0.1:{port}");
    let token = running["token"].as_str().map(str::to_owned);

    // The certificate served is the one printed and kept in the data directory.
    let health = https_get(port, &printed, &host, "/api/v1/health", None).await.unwrap();
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let key = hub.data_dir().join("tls/key.pem");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    // Another fingerprint is refused by the pinning client: the check means something.
    let wrong = https_get(port, &"00:".repeat(31).to_string(), &host, "/", None).await;
    assert!(wrong.is_err(), "{wrong:?}");
    // Bound wide: the status needs the token; a foreign Host is refused.
    let status = https_get(port, &printed, &host, "/api/v1/status", None).await.unwrap();
    assert!(status.starts_with("HTTP/1.1 401"), "{status}");
    if let Some(token) = token.as_deref() {
        let status = https_get(port, &printed, &host, "/api/v1/status", Some(token)).await.unwrap();
        assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    }
    let rebound = https_get(port, &printed, &format!("evil.example:{port}"), "/", None).await.unwrap();
    assert!(rebound.starts_with("HTTP/1.1 421"), "{rebound}");
    // Plain HTTP gets no page.
    let plain = tokio::task::block_in_place(|| {
        reqwest::blocking::Client::new()
            .get(format!("http://{host}/"))
            .timeout(std::time::Duration::from_secs(5))
            .send()
    });
    assert!(plain.is_err() || !plain.unwrap().status().is_success());
    // `convene status` shows the same fingerprint.
    let shown = tokio::task::block_in_place(|| hub.run(&["status"]).ok());
    assert!(shown.stdout.contains(&format!("https cert:  SHA-256 {printed}")), "{shown}");
    drop(node);

    // Started again: the same certificate, printed again; no new one made.
    let (node, running) = tokio::task::block_in_place(|| WideNode::start(&hub, &["--http-name", "hub.lan"]));
    let log = node.log();
    assert!(log.contains(&format!("TLS certificate SHA-256 fingerprint: {printed}")), "{log}");
    assert!(!log.contains("made a certificate"), "{log}");
    let port = port_of(&running);
    let named = https_get(port, &printed, &format!("hub.lan:{port}"), "/", None).await.unwrap();
    assert!(named.starts_with("HTTP/1.1 200"), "{named}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_beyond_loopback_only_when_asked_and_said_so() {
    let network = Network::create("Demo");
    let hub = TestNode::init(&network, false);
    let (node, running) = tokio::task::block_in_place(|| WideNode::start(&hub, &["--insecure-http"]));
    let log = node.log();
    assert!(log.contains("WARNING: plain HTTP beyond this computer") && log.contains("in clear"), "{log}");
    assert!(!log.contains("fingerprint"), "{log}");
    let url = format!("http://127.0.0.1:{}/api/v1/health", port_of(&running));
    let answer = tokio::task::block_in_place(|| reqwest::blocking::get(&url).unwrap());
    assert!(answer.status().is_success());
    assert!(!hub.data_dir().join("tls").exists(), "no certificate made");
}
