//! The CLI and its running node: the Unix socket (no token travels, nothing
//! else can pose as the node), stale files after a crash, and one store
//! shared by a node and one-shot commands (each waits for the other,
//! bounded). Real processes on real data directories; mDNS stays off.

use std::io::Write;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use convene_tests::{Network, Run, TestNode, generate_corpus, wait_until, wait_until_or};
use serde_json::{Value, json};

fn hub_with_identity(network: &Network) -> TestNode {
    let node = TestNode::init(network, false);
    node.run(&["identity", "new", "--name", "amina"]).ok();
    node
}

fn lines(node: &TestNode, n: usize, seed: u64) -> Vec<String> {
    let corpus = generate_corpus(&node.scratch(), n, seed);
    std::fs::read_to_string(corpus).unwrap().lines().map(str::to_owned).collect()
}

fn node_json(node: &TestNode) -> Value {
    serde_json::from_str(&std::fs::read_to_string(node.data_dir().join("node.json")).unwrap()).unwrap()
}

/// A child process killed when the test ends, however it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Whether process `pid` has a file of the store open (it holds the store).
fn holds_store(pid: u32, data_dir: &Path) -> bool {
    let store = data_dir.join("store");
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|fds| fds.flatten().any(|fd| std::fs::read_link(fd.path()).is_ok_and(|target| target.starts_with(&store))))
        .unwrap_or(false)
}

#[test]
fn the_cli_reaches_its_node_over_a_private_socket_without_any_token() {
    let network = Network::create("Demo");
    let hub = hub_with_identity(&network);
    let lines = lines(&hub, 2, 31);
    let running = hub.start(&[]);

    let socket = hub.data_dir().join("node.sock");
    let meta = std::fs::symlink_metadata(&socket).expect("node.sock exists while the node runs");
    assert!(meta.file_type().is_socket(), "node.sock is a Unix socket");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600, "node.sock is its owner's only");

    // The token in node.json is made useless: the CLI must not need it.
    let mut recorded = node_json(&hub);
    let url = recorded["url"].as_str().unwrap().to_owned();
    recorded["token"] = json!("0".repeat(64));
    std::fs::write(hub.data_dir().join("node.json"), recorded.to_string()).unwrap();

    let stored = hub.run_with_stdin(&["submit", "-"], &lines[0]).ok();
    let id = stored.stdout.trim().to_owned();
    assert!(!id.is_empty() && !stored.stdout.contains("already"), "{stored}");
    let again = hub.run_with_stdin(&["submit", "-"], &lines[0]).ok();
    assert!(again.stdout.contains("already stored"), "{again}");
    hub.run_with_stdin(&["import", "-"], &lines[1]).ok();
    hub.run(&["peers", "add", "/ip4/192.0.2.7/tcp/4701"]).ok();
    hub.run(&["verify"]).ok();
    let status = hub.run(&["status", "--json"]).ok().json();
    assert!(!status["sync"].is_null(), "the answer came from the running node: {status}");
    assert_eq!(hub.ids().len(), 2);
    hub.run(&["withdraw", &id, "--reason", "test"]).ok();
    assert_eq!(hub.ids().len(), 1);

    // Over TCP the useless token is refused: the writes above went over the socket.
    let refused = reqwest::blocking::Client::new()
        .post(format!("{url}/api/v1/import"))
        .bearer_auth("0".repeat(64))
        .json(&json!([]))
        .send()
        .unwrap();
    assert_eq!(refused.status(), 401);

    running.stop();
    assert!(!socket.exists(), "a clean stop removes node.sock");
    assert!(!hub.data_dir().join("node.json").exists(), "a clean stop removes node.json");
}

#[test]
fn after_kill_9_the_stale_node_file_and_socket_are_reported_and_the_store_is_used_directly() {
    let network = Network::create("Demo");
    let hub = hub_with_identity(&network);
    let lines = lines(&hub, 2, 32);
    let running = hub.start(&[]);
    hub.run_with_stdin(&["submit", "-"], &lines[0]).ok();
    let pid = node_json(&hub)["pid"].as_u64().unwrap();
    running.kill9();
    let socket = hub.data_dir().join("node.sock");
    assert!(socket.exists() && hub.data_dir().join("node.json").exists(), "kill -9 leaves both behind");

    let status = hub.run(&["status", "--json"]).ok();
    assert!(status.json()["sync"].is_null(), "the store was opened here: {status}");
    assert!(
        status.stderr.contains("no longer running") && status.stderr.contains(&format!("pid {pid}")),
        "the stale files are reported plainly\n{status}"
    );
    assert!(!socket.exists() && !hub.data_dir().join("node.json").exists(), "and removed");
    let quiet = hub.run(&["list", "--json"]).ok();
    assert!(quiet.stderr.is_empty(), "reported once\n{quiet}");
    hub.run_with_stdin(&["submit", "-"], &lines[1]).ok();
    assert_eq!(hub.ids().len(), 2);

    // A new node starts over what the crash left (the harness also removes node.json).
    let running = hub.start(&[]);
    assert_eq!(hub.ids().len(), 2);
    running.stop();
}

#[test]
fn whoever_binds_the_recorded_port_after_a_crash_gets_no_connection_and_no_token() {
    let network = Network::create("Demo");
    let hub = hub_with_identity(&network);
    let lines = lines(&hub, 1, 33);

    // "Someone else" listens on the port a dead node recorded, with a live pid.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let token = "5ec7e7".repeat(10);
    let recorded = json!({ "pid": std::process::id(), "url": format!("http://127.0.0.1:{port}"), "token": token });
    std::fs::write(hub.data_dir().join("node.json"), recorded.to_string()).unwrap();
    // And a socket file nobody answers on.
    drop(std::os::unix::net::UnixListener::bind(hub.data_dir().join("node.sock")).unwrap());

    let first = hub.run_with_stdin(&["submit", "-"], &lines[0]).ok();
    assert!(first.stderr.contains("no longer running"), "{first}");
    for args in [&["status"][..], &["list"], &["peers", "list"], &["verify"]] {
        hub.run(args).ok();
    }
    assert_eq!(hub.ids().len(), 1);
    match listener.accept() {
        Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {}
        Ok((mut stream, from)) => {
            let mut got = Vec::new();
            stream.set_nonblocking(false).unwrap();
            stream.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
            let _ = std::io::Read::read_to_end(&mut stream, &mut got);
            let leaked = String::from_utf8_lossy(&got).contains(&token);
            panic!("the CLI connected to the recorded port from {from} (token sent: {leaked})");
        }
        Err(error) => panic!("accept: {error}"),
    }
}

#[test]
fn node_run_waits_for_a_command_that_holds_the_store() {
    let network = Network::create("Demo");
    let hub = hub_with_identity(&network);
    let lines = lines(&hub, 1, 34);

    // `import -` holds the store while its input stays open.
    let mut import = hub
        .command(&["import", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let import_pid = import.id();
    wait_until("the import to hold the store", Duration::from_secs(20), || holds_store(import_pid, &hub.data_dir()));

    let log = hub.scratch().join("node-busy.log");
    let file = std::fs::File::create(&log).unwrap();
    let node = Killed(
        hub.command(&["node", "run", "--listen", "/ip4/127.0.0.1/tcp/0", "--http", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .unwrap(),
    );
    let node_log = || std::fs::read_to_string(&log).unwrap_or_default();
    wait_until_or(
        "the node to say it waits for the store",
        Duration::from_secs(20),
        || node_log().contains("waiting for the store"),
        node_log,
    );

    let mut stdin = import.stdin.take().unwrap();
    stdin.write_all(lines[0].as_bytes()).unwrap();
    drop(stdin);
    let import = import.wait_with_output().unwrap();
    assert!(import.status.success(), "import: {}", String::from_utf8_lossy(&import.stderr));

    wait_until_or(
        "the node to serve after the import",
        Duration::from_secs(30),
        || hub.data_dir().join("node.sock").exists() && !hub.run(&["status", "--json"]).json()["sync"].is_null(),
        node_log,
    );
    assert_eq!(hub.ids().len(), 1);
    drop(node);
}

#[test]
fn one_shot_commands_during_a_node_start_and_stop_all_succeed() {
    let network = Network::create("Demo");
    let hub = Arc::new(hub_with_identity(&network));
    let lines = lines(&hub, 60, 35);
    hub.run_with_stdin(&["import", "-"], &lines[..10].join("\n")).ok();

    let done = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicUsize::new(0));
    let looping = {
        let (hub, done, count) = (Arc::clone(&hub), Arc::clone(&done), Arc::clone(&count));
        let lines = lines[10..].to_vec();
        std::thread::spawn(move || {
            let mut runs: Vec<Run> = Vec::new();
            let mut next = lines.iter();
            while !done.load(Ordering::Relaxed) {
                runs.push(hub.run(&["list", "--json", "--limit", "1"]));
                if let Some(line) = next.next() {
                    runs.push(hub.run_with_stdin(&["submit", "-"], line));
                }
                runs.push(hub.run(&["status"]));
                count.fetch_add(1, Ordering::Relaxed);
            }
            runs
        })
    };
    // Some rounds of commands with the node up, and some with it down, so
    // that starts and stops land in the middle of commands.
    let rounds = |n: usize| {
        let until = count.load(Ordering::Relaxed) + n;
        wait_until("the loop to go on", Duration::from_secs(60), || count.load(Ordering::Relaxed) >= until);
    };
    for _ in 0..4 {
        rounds(2);
        let running = hub.start(&[]);
        rounds(2);
        running.stop();
    }
    let running = hub.start(&[]);
    rounds(1);
    done.store(true, Ordering::Relaxed);
    let runs = looping.join().unwrap();
    let failed: Vec<String> = runs.iter().filter(|run| run.code != 0).map(ToString::to_string).collect();
    assert!(failed.is_empty(), "{} of {} commands failed:\n{}", failed.len(), runs.len(), failed.join("\n\n"));
    let submitted = runs.iter().filter(|run| run.command.starts_with("convene submit")).count();
    assert_eq!(hub.ids().len(), 10 + submitted);
    running.stop();
}

#[test]
fn a_client_queued_on_the_socket_when_the_node_stops_is_answered_before_it_ends() {
    use std::io::Read;
    let network = Network::create("Demo");
    let hub = hub_with_identity(&network);
    let running = hub.start(&[]);
    let pid = running.pid().to_string();
    let signal = |name: &str| {
        let sent = std::process::Command::new("kill").args([name, &pid]).status().unwrap();
        assert!(sent.success(), "kill {name}");
    };
    // Frozen, the node accepts nothing: this connection and its request
    // wait in the kernel's queue while the node is told to stop.
    signal("-STOP");
    let mut stream = std::os::unix::net::UnixStream::connect(hub.data_dir().join("node.sock")).unwrap();
    stream.write_all(b"GET /api/v1/status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    signal("-TERM");
    signal("-CONT");
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let log = running.stop();
    assert!(log.contains("node stopped"), "{log}");
}

/// Reads one HTTP/1.1 request (headers, then a `Content-Length` body).
fn read_request(stream: &mut std::os::unix::net::UnixStream) -> Vec<u8> {
    use std::io::Read;
    let mut request = Vec::new();
    let mut byte = [0u8; 1];
    while !request.ends_with(b"\r\n\r\n") {
        assert_eq!(stream.read(&mut byte).unwrap(), 1, "the request is cut short");
        request.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&request).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .map_or(0, |value| value.trim().parse::<usize>().unwrap());
    let mut body = vec![0; length];
    stream.read_exact(&mut body).unwrap();
    request.extend(body);
    request
}

#[test]
fn a_submit_whose_answer_is_lost_says_it_may_be_stored_and_running_it_again_is_safe() {
    use std::io::Read;
    use std::os::unix::net::{UnixListener, UnixStream};

    let network = Network::create("Demo");
    let hub = hub_with_identity(&network);
    let lines = lines(&hub, 1, 36);
    let running = hub.start(&[]);

    // Between the CLI and its node: a relay that passes everything on but
    // cuts the connection instead of returning the answer to the submit.
    let socket = hub.data_dir().join("node.sock");
    let real = hub.data_dir().join("real.sock");
    std::fs::rename(&socket, &real).unwrap();
    let relay = UnixListener::bind(&socket).unwrap();
    let relaying = std::thread::spawn(move || {
        for stream in relay.incoming() {
            let mut client = stream.unwrap();
            let request = read_request(&mut client);
            let mut node = UnixStream::connect(&real).unwrap();
            node.write_all(&request).unwrap();
            let mut answer = Vec::new();
            node.read_to_end(&mut answer).unwrap();
            if request.starts_with(b"POST") {
                assert!(answer.starts_with(b"HTTP/1.1 2"), "the node stored it: {}", String::from_utf8_lossy(&answer));
                return real;
            }
            client.write_all(&answer).unwrap();
        }
        unreachable!("the listener ends only with an error")
    });

    let lost = hub.run_with_stdin(&["submit", "-"], &lines[0]).expect_code(1);
    assert!(
        lost.stderr.contains("may be stored") && lost.stderr.contains("running the same command again is safe"),
        "{lost}"
    );
    let real = relaying.join().unwrap();
    std::fs::rename(&real, &socket).unwrap();

    let again = hub.run_with_stdin(&["submit", "-"], &lines[0]).ok();
    assert!(again.stdout.contains("already stored"), "{again}");
    assert_eq!(hub.ids().len(), 1);
    running.stop();
}
