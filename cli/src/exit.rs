//! Exit codes and how failures are printed. The codes are part of the CLI's
//! contract (listed in `convene --help` and the README).

use std::process::ExitCode;

use convene_node::{ErrorClass, NodeError};

/// A failed command: what to print and which code to exit with.
#[derive(Debug)]
pub struct Failure {
    code: u8,
    message: String,
    /// Set when a request to the running node went wrong in transit.
    undelivered: Option<Undelivered>,
}

/// How a request to the running node went wrong in transit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undelivered {
    /// Nothing reached the node (it is gone or stopping): nothing was done.
    NotSent,
    /// The node received the request but its answer was lost: it may have
    /// been carried out.
    AnswerLost,
}

/// Success.
#[allow(dead_code)]
pub const OK: u8 = 0;
/// Something failed that is not the input's fault (disk, store).
pub const FAILED: u8 = 1;
/// The command line was wrong.
pub const USAGE: u8 = 2;
/// The input was not valid (bad JSON, bad fields, bad lines in an import).
pub const INVALID: u8 = 3;
/// No such submission or identity.
pub const NOT_FOUND: u8 = 4;
/// Refused by a rule: withdrawn, not the author, not the secretariat.
pub const REFUSED: u8 = 5;
/// `verify` found entries that fail verification.
pub const VERIFY_FAILED: u8 = 6;
/// The disk is full: the write was refused, nothing stored is lost; free
/// space and run it again.
pub const DISK_FULL: u8 = 7;

impl Failure {
    /// A failure with an explicit code.
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), undelivered: None }
    }

    /// A request to the running node that went wrong in transit.
    pub fn undelivered(how: Undelivered, message: impl Into<String>) -> Self {
        Self { code: FAILED, message: message.into(), undelivered: Some(how) }
    }

    /// How a request to the running node went wrong in transit, if it did.
    pub fn how_undelivered(&self) -> Option<Undelivered> {
        self.undelivered
    }

    /// Whether the running node received the request but its answer was
    /// lost (it may have been carried out).
    pub fn is_answer_lost(&self) -> bool {
        self.undelivered == Some(Undelivered::AnswerLost)
    }

    /// A failure about the input (a bad file or field), not the node or the disk.
    pub fn is_invalid_input(&self) -> bool {
        self.code == INVALID
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// A usage error.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(USAGE, message)
    }

    /// Adds a note after the message.
    pub fn with_note(mut self, note: &str) -> Self {
        self.message = format!("{}; {note}", self.message);
        self
    }

    /// Prints the message and gives the exit code.
    pub fn report(self) -> ExitCode {
        if !self.message.is_empty() {
            eprintln!("error: {}", self.message);
        }
        ExitCode::from(self.code)
    }
}

/// The exit code that fits a node error.
pub fn code_for(error: &NodeError) -> u8 {
    match error.class() {
        ErrorClass::Invalid => INVALID,
        ErrorClass::NotFound => NOT_FOUND,
        ErrorClass::Refused | ErrorClass::NotSecretariat => REFUSED,
        ErrorClass::Usage => USAGE,
        ErrorClass::DiskFull => DISK_FULL,
        ErrorClass::Storage | ErrorClass::Failed => FAILED,
    }
}

impl From<NodeError> for Failure {
    fn from(error: NodeError) -> Self {
        Self::new(code_for(&error), error.to_string())
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        Self::new(FAILED, error.to_string())
    }
}
