//! Where a command's work happens: in this process, on the store directly,
//! or in the running node (`convene node run` holds the store; sled allows
//! one process) through its local HTTP API. Commands are written once
//! against [`Backend`]; the user never has to know which.

use std::path::PathBuf;
use std::time::Duration;

use convene_node::query::{Filter, Page};
use convene_node::sync::PeerStatus;
use convene_node::{DataDir, Node, SubmitReport, VerifyReport};
use convene_web::{FullStatus, Shown};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::exit::{self, Failure};

/// What `convene node run` writes so the CLI can find it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct RunningNode {
    /// The node's process id.
    pub pid: u32,
    /// The HTTP API's base URL.
    pub url: String,
    /// The operator token for writes.
    pub token: String,
}

/// The file the running node describes itself in.
pub fn running_node_path(data_dir: &DataDir) -> PathBuf {
    data_dir.root().join("node.json")
}

/// A node to work with.
#[derive(Debug)]
pub enum Backend {
    /// The store, opened here.
    Local(Node),
    /// The running node's HTTP API.
    Remote(Remote),
}

impl Backend {
    /// The running node if one answers, else the store opened here.
    pub fn connect(data_dir: &DataDir) -> Result<Self, Failure> {
        if let Some(remote) = Remote::discover(data_dir) {
            return Ok(Self::Remote(remote));
        }
        Ok(Self::Local(Node::open(data_dir.clone())?))
    }

    /// Signs and stores submissions as identity `signer`.
    pub fn submit_many(
        &self,
        data_dir: &DataDir,
        signer: Option<&str>,
        values: &[Value],
    ) -> Result<Vec<SubmitReport>, Failure> {
        match self {
            Self::Local(node) => {
                let (_, secret) = data_dir.identity(signer)?;
                let results = node.submit_many(&secret, values)?;
                Ok(results.into_iter().map(SubmitReport::from_result).collect())
            }
            Self::Remote(remote) => {
                let mut reports = Vec::with_capacity(values.len());
                for chunk in values.chunks(convene_web::MAX_IMPORT_BATCH) {
                    reports.extend(remote.post::<Vec<SubmitReport>>(
                        "/import",
                        &signer_query(signer),
                        &json!(chunk),
                    )?);
                }
                Ok(reports)
            }
        }
    }

    /// A page of submissions.
    pub fn list(&self, filter: &Filter, offset: usize, limit: usize) -> Result<Page, Failure> {
        match self {
            Self::Local(node) => Ok(node.list(filter, offset, limit)?),
            Self::Remote(remote) => {
                let mut query = serde_json::to_value(filter).unwrap_or_default();
                if let Some(object) = query.as_object_mut() {
                    object.retain(|_, value| !value.is_null());
                    object.insert("offset".into(), json!(offset));
                    object.insert("limit".into(), json!(limit));
                }
                let pairs: Vec<(String, String)> = query
                    .as_object()
                    .map(|object| {
                        object
                            .iter()
                            .map(|(key, value)| (key.clone(), value.as_str().map_or(value.to_string(), str::to_owned)))
                            .collect()
                    })
                    .unwrap_or_default();
                remote.get("/submissions", &pairs)
            }
        }
    }

    /// One submission; with its contact when `reveal`.
    pub fn show(&self, id: &str, reveal: bool) -> Result<Shown, Failure> {
        match self {
            Self::Local(node) => {
                let id = node.resolve(id)?;
                let view = node.show(&id)?;
                let contact = if reveal { node.reveal(&id)? } else { None };
                Ok(Shown { view, contact })
            }
            Self::Remote(remote) => {
                let query = vec![("reveal".to_owned(), reveal.to_string())];
                remote.get(&format!("/submissions/{}", encode(id)), &query)
            }
        }
    }

    /// Withdraws a submission; returns (document id, withdrawal entry id).
    pub fn withdraw(
        &self,
        data_dir: &DataDir,
        signer: Option<&str>,
        id: &str,
        reason: &str,
    ) -> Result<(String, String), Failure> {
        match self {
            Self::Local(node) => {
                let (_, secret) = data_dir.identity(signer)?;
                let id = node.resolve(id)?;
                let entry = node.withdraw(&secret, &id, reason)?;
                Ok((id.to_string(), entry.to_string()))
            }
            Self::Remote(remote) => {
                let path = format!("/submissions/{}/withdraw", encode(id));
                let answer: Value = remote.post(&path, &signer_query(signer), &json!({ "reason": reason }))?;
                let field = |key: &str| answer[key].as_str().unwrap_or_default().to_owned();
                Ok((field("id"), field("entry")))
            }
        }
    }

    /// Network, store, identities, and peers when the node runs.
    pub fn status(&self) -> Result<FullStatus, Failure> {
        match self {
            Self::Local(node) => Ok(FullStatus { node: node.status()?, sync: None }),
            Self::Remote(remote) => remote.get("/status", &[]),
        }
    }

    /// Re-verifies every stored entry.
    pub fn verify(&self) -> Result<VerifyReport, Failure> {
        match self {
            Self::Local(node) => Ok(node.verify()?),
            Self::Remote(remote) => remote.post("/verify", &[], &json!({})),
        }
    }

    /// The running node's peers.
    pub fn peers(&self) -> Result<Vec<PeerStatus>, Failure> {
        match self {
            Self::Remote(remote) => remote.get("/peers", &[]),
            Self::Local(_) => Ok(Vec::new()),
        }
    }
}

fn signer_query(signer: Option<&str>) -> Vec<(String, String)> {
    signer.map(|name| vec![("as".to_owned(), name.to_owned())]).unwrap_or_default()
}

fn encode(text: &str) -> String {
    text.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// The running node's HTTP API.
#[derive(Debug)]
pub struct Remote {
    running: RunningNode,
    client: reqwest::blocking::Client,
}

impl Remote {
    /// The running node of `data_dir`, if it answers.
    pub fn discover(data_dir: &DataDir) -> Option<Self> {
        let text = std::fs::read_to_string(running_node_path(data_dir)).ok()?;
        let running: RunningNode = serde_json::from_str(&text).ok()?;
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(600))
            .connect_timeout(Duration::from_secs(2))
            .no_proxy()
            .build()
            .ok()?;
        let remote = Self { running, client };
        remote.get::<Value>("/health", &[]).ok().map(|_| remote)
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.running.url)
    }

    /// GETs `path` with `query`.
    pub fn get<T: DeserializeOwned>(&self, path: &str, query: &[(String, String)]) -> Result<T, Failure> {
        answer(self.client.get(self.url(path)).query(query).bearer_auth(&self.running.token).send())
    }

    /// POSTs JSON `body` to `path` with the operator token.
    pub fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(String, String)],
        body: &Value,
    ) -> Result<T, Failure> {
        answer(self.client.post(self.url(path)).query(query).bearer_auth(&self.running.token).json(body).send())
    }

    /// DELETEs with a JSON `body` and the operator token.
    pub fn delete<T: DeserializeOwned>(&self, path: &str, body: &Value) -> Result<T, Failure> {
        answer(self.client.delete(self.url(path)).bearer_auth(&self.running.token).json(body).send())
    }
}

impl std::fmt::Display for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "pid {}, {}", self.running.pid, self.running.url)
    }
}

fn answer<T: DeserializeOwned>(response: reqwest::Result<reqwest::blocking::Response>) -> Result<T, Failure> {
    let response =
        response.map_err(|error| Failure::new(exit::FAILED, format!("the running node did not answer: {error}")))?;
    let status = response.status();
    let body: Value = response
        .json()
        .map_err(|error| Failure::new(exit::FAILED, format!("the running node sent a bad answer: {error}")))?;
    if status.is_success() {
        return serde_json::from_value(body)
            .map_err(|error| Failure::new(exit::FAILED, format!("the running node sent a bad answer: {error}")));
    }
    let message = body["error"].as_str().unwrap_or("the running node refused").to_owned();
    let code = match body["code"].as_str() {
        Some("invalid") => exit::INVALID,
        Some("not_found") => exit::NOT_FOUND,
        Some("refused") | Some("unauthorized") => exit::REFUSED,
        Some("usage") => exit::USAGE,
        _ => exit::FAILED,
    };
    Err(Failure::new(code, message))
}
