//! How `convene node run` serves the web UI: HTTPS when bound beyond
//! loopback (the node's own certificate, made the first time it is needed,
//! or the operator's), plain HTTP there only when asked for by name.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use convene_node::DataDir;
use convene_web::tls;

use crate::exit::{self, Failure};

/// The web UI's transport flags of `convene node run`.
#[derive(Debug, Args)]
pub struct WebArgs {
    /// Another name this node is reached by (repeatable), e.g. hub.lan: the
    /// web UI answers only to its own address and these names.
    #[arg(long = "http-name", value_name = "NAME")]
    pub names: Vec<String>,
    /// Serve HTTPS with this certificate chain (PEM) [default beyond
    /// loopback: DATA_DIR/tls/cert.pem, made when first needed].
    #[arg(long, value_name = "PATH", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, value_name = "PATH", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Serve plain HTTP even beyond loopback. Everything then crosses the
    /// network in clear: the operator token typed at login, the session
    /// cookie, drafts and revealed contact details; anyone on the network
    /// can read them and act as the operator.
    #[arg(long)]
    pub insecure_http: bool,
}

/// The decided transport.
#[derive(Debug)]
pub struct Web {
    /// TLS settings when serving HTTPS.
    pub tls: Option<Arc<tls::ServerConfig>>,
    lines: Vec<String>,
}

impl Web {
    /// `https` or `http`.
    pub fn scheme(&self) -> &'static str {
        if self.tls.is_some() { "https" } else { "http" }
    }

    /// Prints what the operator must know (the fingerprint, or what plain
    /// HTTP exposes).
    pub fn announce(&self) {
        for line in &self.lines {
            println!("{line}");
        }
    }
}

/// Decides how to serve on `local`; makes the node's certificate if needed.
pub fn prepare(data_dir: &DataDir, local: SocketAddr, args: &WebArgs) -> Result<Web, Failure> {
    let wide = !local.ip().is_loopback();
    let https = args.tls_cert.is_some() || (wide && !args.insecure_http);
    let mut lines = Vec::new();
    if !https {
        if wide {
            let warning = "WARNING: plain HTTP beyond this computer (--insecure-http): the operator token, \
                           session cookies, drafts and revealed contacts cross the network in clear";
            eprintln!("{warning}");
            lines.push(warning.to_owned());
        }
        return Ok(Web { tls: None, lines });
    }
    let failed = |error: String| Failure::new(exit::FAILED, format!("HTTPS: {error}"));
    let (cert, key) = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => (cert.clone(), key.clone()),
        _ => {
            let (cert, key) = tls::default_paths(data_dir.root());
            let mut names = args.names.clone();
            if !local.ip().is_unspecified() {
                names.push(local.ip().to_string());
            }
            if tls::ensure_certificate(&cert, &key, &names).map_err(failed)? {
                lines.push(format!("made a certificate for HTTPS: {}", cert.display()));
            }
            (cert, key)
        }
    };
    let config = tls::server_config(&cert, &key).map_err(failed)?;
    let fingerprint = tls::fingerprint(&cert).map_err(failed)?;
    lines.push(format!("TLS certificate SHA-256 fingerprint: {fingerprint}"));
    lines.push("  (check that your browser shows this fingerprint before you log in)".to_owned());
    Ok(Web { tls: Some(config), lines })
}
