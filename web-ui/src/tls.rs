//! HTTPS for a node bound beyond loopback: the node's own certificate
//! (`DATA_DIR/tls/cert.pem` and `key.pem`, the key readable by its owner
//! only, made the first time it is needed) or one the operator gives; its
//! SHA-256 fingerprint, which the operator compares with what the browser
//! shows; and the accept loop that serves the router over TLS (rustls with
//! ring, TLS 1.2 and 1.3, HTTP/1.1).

use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
pub use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Where a node keeps its own certificate and key.
pub fn default_paths(data_dir: &Path) -> (PathBuf, PathBuf) {
    let dir = data_dir.join("tls");
    (dir.join("cert.pem"), dir.join("key.pem"))
}

/// Makes a self-signed certificate for `names` (host names or IP
/// addresses, besides `localhost` and the loopback addresses) at
/// `cert`/`key` unless the certificate is there; the key file is 0600.
/// Returns whether it made one.
pub fn ensure_certificate(cert: &Path, key: &Path, names: &[String]) -> Result<bool, String> {
    if cert.exists() {
        return Ok(false);
    }
    let mut alt_names = vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()];
    alt_names.extend(names.iter().filter(|name| !alt_names.contains(name)).cloned().collect::<Vec<_>>());
    let made =
        rcgen::generate_simple_self_signed(alt_names).map_err(|error| format!("making a certificate: {error}"))?;
    if let Some(dir) = key.parent() {
        std::fs::create_dir_all(dir).map_err(|error| format!("{}: {error}", dir.display()))?;
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    // The key first: a certificate is only ever next to its key.
    convene_node::data_dir::write_private(key, made.key_pair.serialize_pem().as_bytes())
        .map_err(|error| error.to_string())?;
    convene_node::data_dir::write_atomic(cert, made.cert.pem().as_bytes(), 0o644).map_err(|error| error.to_string())?;
    Ok(true)
}

/// The SHA-256 fingerprint of the first certificate in the PEM file at
/// `cert`, as browsers show it (`AB:CD:…`).
pub fn fingerprint(cert: &Path) -> Result<String, String> {
    let der = CertificateDer::from_pem_file(cert).map_err(|error| format!("{}: {error}", cert.display()))?;
    Ok(fingerprint_der(&der))
}

/// The SHA-256 fingerprint of a DER certificate (`AB:CD:…`).
pub fn fingerprint_der(der: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    digest.as_ref().iter().map(|byte| format!("{byte:02X}")).collect::<Vec<_>>().join(":")
}

/// The TLS settings for the certificate chain at `cert` and its key.
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>, String> {
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|error| format!("{}: {error}", cert.display()))?;
    if chain.is_empty() {
        return Err(format!("{}: no certificate", cert.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|error| format!("{}: {error}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| error.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|error| format!("the certificate and key do not fit: {error}"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Serves `router` over TLS on `listener` until `shutdown` completes; then
/// takes no new connections (those open are dropped with the runtime).
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    config: Arc<ServerConfig>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let acceptor = tokio_rustls::TlsAcceptor::from(config);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            () = &mut shutdown => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait, go on.
                    tracing::warn!("accepting a connection: {error}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let acceptor = acceptor.clone();
        let router = router.clone();
        tokio::spawn(async move {
            // A client that never finishes its handshake is dropped.
            let tls = match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream)).await {
                Ok(Ok(tls)) => tls,
                Ok(Err(error)) => {
                    tracing::debug!("TLS handshake: {error}");
                    return;
                }
                Err(_) => return,
            };
            let service = TowerToHyperService::new(router);
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(30))
                .serve_connection(TokioIo::new(tls), service);
            if let Err(error) = connection.await {
                tracing::debug!("HTTPS connection: {error}");
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_once_private_and_fingerprinted() {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = default_paths(dir.path());
        assert!(ensure_certificate(&cert, &key, &["hub.lan".into(), "192.168.1.5".into()]).unwrap());
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
        let first = fingerprint(&cert).unwrap();
        assert_eq!(first.len(), 32 * 3 - 1);
        assert!(!ensure_certificate(&cert, &key, &[]).unwrap(), "kept");
        assert_eq!(fingerprint(&cert).unwrap(), first);
        server_config(&cert, &key).unwrap();
        let (other_cert, other_key) = default_paths(&dir.path().join("other"));
        ensure_certificate(&other_cert, &other_key, &[]).unwrap();
        assert!(server_config(&cert, &other_key).is_err(), "a key that is not the certificate's");
        assert_ne!(fingerprint(&other_cert).unwrap(), first);
    }
}
