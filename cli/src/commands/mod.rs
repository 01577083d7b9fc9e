//! One file per command (or small family of commands).

pub mod attach;
pub mod bundle;
pub mod desk;
pub mod export;
pub mod identity;
pub mod list;
pub mod network;
pub mod node;
pub mod peers;
pub mod publications;
pub mod release;
pub mod showcase;
pub mod status;
pub mod submit;
pub mod verify;
pub mod withdraw;

use convene_node::{DataDir, Node};

use crate::access::Access;
use crate::exit::Failure;

/// Shown at the end of `convene --help`.
pub const EXIT_CODES: &str = "\
Exit codes: 0 success; 1 failure (disk, store); 2 usage (bad arguments, node not set up, \
no identity chosen); 3 invalid input (bad JSON or fields; for import: some lines were bad, \
the good ones are stored); 4 not found; 5 refused (withdrawn, not the author, not the \
secretariat, already exists); 6 verification failed; 7 the disk is full (nothing stored is lost; free space and run it again).

Data directory: --data-dir, else CONVENE_DATA_DIR, else the platform's data directory.";

/// What every command may need.
#[derive(Debug)]
pub struct Context {
    /// The node's data directory.
    pub data_dir: DataDir,
    /// The identity chosen with `--as`.
    pub identity: Option<String>,
}

impl Context {
    /// Opens the node's store here (for commands that need it to themselves):
    /// waits, bounded, for another command or a stopping node to let go.
    pub fn node(&self) -> Result<Node, Failure> {
        crate::access::open_store(&self.data_dir)
    }

    /// The running node if there is one, else the store opened here.
    pub fn access(&self) -> Result<Access, Failure> {
        Access::connect(&self.data_dir)
    }
}
