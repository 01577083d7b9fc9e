//! The harness for Convene's end-to-end tests: real `convene` processes on
//! temporary data directories, with everything they printed shown when an
//! expectation fails.

pub mod browser;
pub mod corpus;
pub mod field;
pub mod floods;
pub mod nat;
pub mod peer;
pub mod photos;
pub mod proxy;
pub mod tmpfs;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use serde_json::Value;
use tempfile::TempDir;

/// The `convene` binary built next to this test binary.
pub fn convene_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().expect("test binary path");
        let candidates = exe.ancestors().skip(1).take(3).map(|dir| dir.join("convene")).collect::<Vec<_>>();
        candidates.iter().find(|path| path.is_file()).cloned().unwrap_or_else(|| {
            panic!(
                "no `convene` binary near {}; build it first: cargo build --workspace (scripts/test does)",
                exe.display()
            )
        })
    })
}

/// The repository's root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is inside the repository").to_owned()
}

/// Writes `n` generated submissions (seeded) as JSON Lines and returns the path.
pub fn generate_corpus(dir: &Path, n: usize, seed: u64) -> PathBuf {
    let out = dir.join(format!("corpus-{n}-{seed}.jsonl"));
    corpus::write(&out, n, seed).expect("the corpus is written");
    out
}

/// What a finished command printed.
#[derive(Debug)]
pub struct Run {
    /// The command line, for messages.
    pub command: String,
    /// Exit code (-1 when killed).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    fn from_output(command: String, output: Output) -> Self {
        Self {
            command,
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Panics, showing everything, unless the exit code is `code`.
    pub fn expect_code(self, code: i32) -> Self {
        assert_eq!(self.code, code, "unexpected exit code\n{self}");
        self
    }

    /// Panics unless it succeeded.
    pub fn ok(self) -> Self {
        self.expect_code(0)
    }

    /// Standard output parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|error| panic!("stdout is not JSON ({error})\n{self}"))
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "$ {}\nexit: {}\n--- stdout\n{}\n--- stderr\n{}", self.command, self.code, self.stdout, self.stderr)
    }
}

/// A demo network: its genesis and the secretariat's secret file.
#[derive(Debug)]
pub struct Network {
    dir: TempDir,
}

impl Network {
    /// Creates a network with the real binary.
    pub fn create(name: &str) -> Self {
        Self::create_with(name, &[])
    }

    /// A new network made with more `network create` arguments (such as
    /// its attachment limits).
    pub fn create_with(name: &str, more: &[&str]) -> Self {
        let dir = TempDir::new().expect("temporary directory");
        let out = dir.path().join("net");
        let mut args = vec!["network", "create", "--name", name, "--out", path_str(&out)];
        args.extend_from_slice(more);
        run_convene(None, &args, None).ok();
        Self { dir }
    }

    /// The genesis file.
    pub fn genesis(&self) -> PathBuf {
        self.dir.path().join("net/genesis.json")
    }

    /// The secretariat's secret keys.
    pub fn secretariat_key(&self) -> PathBuf {
        self.dir.path().join("net/secretariat-secret.json")
    }
}

/// A node's data directory, with helpers to run `convene` against it.
#[derive(Debug)]
pub struct TestNode {
    dir: TempDir,
}

impl TestNode {
    /// A node initialised for `network`; the secretariat's when `secretariat`.
    pub fn init(network: &Network, secretariat: bool) -> Self {
        let node = Self::uninitialised();
        let genesis = network.genesis();
        let secret = network.secretariat_key();
        let mut args = vec!["init", "--network", path_str(&genesis)];
        if secretariat {
            args.extend(["--secretariat-key", path_str(&secret)]);
        }
        node.run(&args).ok();
        node
    }

    /// An empty data directory.
    pub fn uninitialised() -> Self {
        Self { dir: TempDir::new().expect("temporary directory") }
    }

    /// The data directory.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Runs `convene ARGS` on this node.
    pub fn run(&self, args: &[&str]) -> Run {
        run_convene(Some(&self.data_dir()), args, None)
    }

    /// Runs `convene ARGS` with `stdin`.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Run {
        run_convene(Some(&self.data_dir()), args, Some(stdin))
    }

    /// Creates an identity called `name` on this node; returns its `did:key`.
    pub fn new_identity(&self, name: &str) -> String {
        self.run(&["identity", "new", "--name", name]).ok();
        let identities = self.run(&["identity", "list", "--json"]).ok().json();
        let found = identities.as_array().and_then(|all| all.iter().find(|identity| identity["name"] == name));
        found.and_then(|identity| identity["public_key"].as_str()).expect("the identity just made").to_owned()
    }

    /// A `Command` for `convene ARGS` on this node, to spawn and control.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(convene_bin());
        command.arg("--data-dir").arg(self.data_dir()).args(args).env_remove("CONVENE_DATA_DIR");
        command
    }

    /// A scratch directory that lives as long as the node.
    pub fn scratch(&self) -> PathBuf {
        let path = self.dir.path().join("scratch");
        std::fs::create_dir_all(&path).expect("scratch directory");
        path
    }
}

/// `path` as UTF-8 (temporary paths always are here).
pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// Runs `convene args…` on `data_dir` (none: a command that needs no
/// node, such as `network create`), with `stdin` if given.
pub fn run_convene(data_dir: Option<&Path>, args: &[&str], stdin: Option<&str>) -> Run {
    let mut command = Command::new(convene_bin());
    command.env_remove("CONVENE_DATA_DIR").env_remove("CONVENE_IDENTITY");
    if let Some(dir) = data_dir {
        command.arg("--data-dir").arg(dir);
    }
    command.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    command.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = command.spawn().expect("convene starts");
    if let Some(text) = stdin {
        use std::io::Write;
        child.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("write stdin");
    }
    let output = child.wait_with_output().expect("convene finishes");
    let shown = format!("convene {}", args.join(" "));
    Run::from_output(shown, output)
}

/// A field of `/proc/PID/status` in kB (`VmRSS:`, `VmHWM:`); 0 if unreadable.
pub fn resident_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Polls `condition` until it holds or `timeout` passes; panics with
/// `what` (and whatever `describe` says about the state) on time-out.
pub fn wait_until(what: &str, timeout: std::time::Duration, condition: impl FnMut() -> bool) {
    wait_until_or(what, timeout, condition, String::new);
}

/// Like [`wait_until`]; on time-out the panic also shows `describe()`.
pub fn wait_until_or(
    what: &str,
    timeout: std::time::Duration,
    mut condition: impl FnMut() -> bool,
    describe: impl Fn() -> String,
) {
    let deadline = std::time::Instant::now() + timeout;
    let mut pause = std::time::Duration::from_millis(20);
    while !condition() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out after {timeout:?} waiting for: {what}\n{}",
            describe()
        );
        // A short backoff between polls of a condition, not a synchronisation sleep.
        std::thread::sleep(pause);
        pause = (pause * 2).min(std::time::Duration::from_millis(250));
    }
}

/// A `convene node run` process on 127.0.0.1 with random ports.
#[derive(Debug)]
pub struct RunningNode {
    child: Option<std::process::Child>,
    log: PathBuf,
}

impl TestNode {
    /// Starts `convene node run` on loopback (mDNS stays off), dialing `peers`,
    /// and waits until it answers.
    pub fn start(&self, peers: &[String]) -> RunningNode {
        self.start_with(peers, &[])
    }

    /// Like [`TestNode::start`], with extra arguments.
    pub fn start_with(&self, peers: &[String], extra: &[&str]) -> RunningNode {
        let log = self.scratch().join(format!(
            "node-{}.log",
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
        ));
        let file = std::fs::File::create(&log).expect("log file");
        // A node killed earlier leaves its node.json behind; the new one writes its own.
        let node_file = self.data_dir().join("node.json");
        let _ = std::fs::remove_file(&node_file);
        let mut args =
            vec!["node", "run", "--listen", "/ip4/127.0.0.1/tcp/0", "--http", "127.0.0.1:0", "--sync-interval", "2"];
        for peer in peers {
            args.extend(["--peer", peer.as_str()]);
        }
        args.extend_from_slice(extra);
        let child = self
            .command(&args)
            .env("CONVENE_LOG", "info,convene_node=debug")
            .stdin(Stdio::null())
            .stdout(file.try_clone().expect("log file"))
            .stderr(file)
            .spawn()
            .expect("convene node run starts");
        let running = RunningNode { child: Some(child), log };
        wait_until("the node to answer", std::time::Duration::from_secs(30), || {
            node_file.exists()
                && serde_json::from_str::<Value>(&self.run(&["status", "--json"]).stdout)
                    .is_ok_and(|status| status.get("sync").is_some_and(|sync| !sync.is_null()))
        });
        running
    }

    /// The running node's sync status (`convene status --json`'s `sync`).
    pub fn sync_status(&self) -> Value {
        self.run(&["status", "--json"]).ok().json()["sync"].clone()
    }

    /// The running node's first listen address, with its peer id.
    pub fn p2p_addr(&self) -> String {
        let sync = self.sync_status();
        let peer = sync["peer_id"].as_str().expect("peer id").to_owned();
        let addr = sync["listen_addrs"][0].as_str().expect("a listen address").to_owned();
        format!("{addr}/p2p/{peer}")
    }

    /// Ids of every listed submission.
    pub fn ids(&self) -> std::collections::BTreeSet<String> {
        let listed = self.run(&["list", "--json", "--limit", "0"]).ok().json();
        listed["rows"].as_array().expect("rows").iter().map(|row| row["id"].as_str().expect("id").to_owned()).collect()
    }
}

impl RunningNode {
    /// Everything the node logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// Stops it with SIGTERM and waits: a clean shutdown.
    pub fn stop(mut self) -> String {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
            let status = child.wait().expect("node exits");
            assert!(status.success(), "node did not shut down cleanly ({status})\n{}", self.log());
        }
        self.log()
    }

    /// Kills it with SIGKILL: a crash or power cut.
    pub fn kill9(mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL");
            let _ = child.wait();
        }
    }
}

impl Drop for RunningNode {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A small deterministic generator for tests that kill or cut at random
/// moments, so a failing run can be replayed from its seed.
#[derive(Debug)]
pub struct XorShift(pub u64);

impl XorShift {
    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `bound`.
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }
}
