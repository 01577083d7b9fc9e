//! Hubs behind NAT, in network namespaces: a relay R on the "internet",
//! hub A behind NAT-A and hub B behind NAT-B, each NAT a namespace that
//! routes its hub's private network out with nftables masquerade (and lets
//! nothing in that the hub did not start, dropping it unanswered). R routes between the two NATs'
//! public addresses, as the internet would.
//!
//! ```text
//!  A 192.168.1.2 ── NAT-A ── 172.32.1.2 ┐         ┌ 172.32.2.2 ── NAT-B ── B 192.168.2.2
//!                                       └─ R ─────┘
//!                           (R: 172.32.1.1 and 172.32.2.1, relays)
//! ```
//!
//! Two kinds of NAT: one that keeps a connection's source port where it
//! can (Linux's plain `masquerade`, like most home routers), through which
//! hole punching can work, and one that picks a random port for every
//! connection (`masquerade random`, a "symmetric" NAT), through which it
//! cannot: the hubs then sync through the relay.
//!
//! The "public" addresses lie outside the private ranges so that AutoNAT,
//! which ignores private addresses, judges as it would on the internet;
//! the namespaces have no route anywhere else.
//!
//! Used by `tests/tests/nat.rs`; needs what [`crate::field::missing`] checks.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::field::{FieldNode, Netns, must, tail, typed_reports, veth};
use crate::{Network, TestNode, path_str};

const R_IP_A: &str = "172.32.1.1";
const R_IP_B: &str = "172.32.2.1";
const NAT_A_PUBLIC: &str = "172.32.1.2";
const NAT_B_PUBLIC: &str = "172.32.2.2";
const NAT_A_PRIVATE: &str = "192.168.1.1";
const NAT_B_PRIVATE: &str = "192.168.2.1";
const A_IP: &str = "192.168.1.2";
const B_IP: &str = "192.168.2.2";

/// How the NATs map a private address and port to a public one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mapping {
    /// The source port is kept where it can be (`masquerade`).
    PortPreserving,
    /// A random source port for every connection (`masquerade random`).
    Random,
}

/// What the run saw.
#[derive(Debug)]
pub struct Outcome {
    /// AutoNAT's verdict at R, A and B (`sync.nat`).
    pub nat: [String; 3],
    /// B's address through R, as its status gives it.
    pub b_circuit: String,
    /// A's log says it connected to B through the relay.
    pub met_through_relay: bool,
    /// How A reached B when B first showed as connected, and at the end
    /// (`reached`: relayed or hole-punched), with the relay's id if relayed.
    pub first_reach: (String, Option<String>),
    pub last_reach: (String, Option<String>),
    /// R's peer id.
    pub relay_id: String,
    /// A report submitted at A reached B, and one submitted at B reached A.
    pub a_to_b: Duration,
    pub b_to_a: Duration,
    /// A's row for B and B's rows at the end.
    pub a_sees_b: Value,
    pub b_peers: Value,
    /// What `convene status` printed at A and at R at the end.
    pub a_status: String,
    pub r_status: String,
}

/// The namespaces and the NATs between them; removed when dropped.
struct Topology {
    r: String,
    nat_a: String,
    nat_b: String,
    a: String,
    b: String,
    _netns: Netns,
}

impl Topology {
    fn build(mapping: Mapping) -> Result<Self, String> {
        let tag = std::process::id() % 100_000;
        let kind = if mapping == Mapping::Random { "x" } else { "p" };
        let name = |role: &str| format!("cvn{tag}{kind}{role}");
        let (r, nat_a, nat_b, a, b) = (name("r"), name("na"), name("nb"), name("a"), name("b"));
        let netns = Netns::new(&[r.clone(), nat_a.clone(), nat_b.clone(), a.clone(), b.clone()])?;
        let made = Self { r, nat_a, nat_b, a, b, _netns: netns };
        let (r, nat_a, nat_b, a, b) = (&made.r, &made.nat_a, &made.nat_b, &made.a, &made.b);
        veth((r, &name("ra"), &format!("{R_IP_A}/24")), (nat_a, &name("ar"), &format!("{NAT_A_PUBLIC}/24")))?;
        veth((r, &name("rb"), &format!("{R_IP_B}/24")), (nat_b, &name("br"), &format!("{NAT_B_PUBLIC}/24")))?;
        veth((nat_a, &name("ah"), &format!("{NAT_A_PRIVATE}/24")), (a, &name("ha"), &format!("{A_IP}/24")))?;
        veth((nat_b, &name("bh"), &format!("{NAT_B_PRIVATE}/24")), (b, &name("hb"), &format!("{B_IP}/24")))?;
        for router in [r, nat_a, nat_b] {
            must("ip", &["netns", "exec", router, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"])?;
        }
        must("ip", &["-n", nat_a, "route", "add", "default", "via", R_IP_A])?;
        must("ip", &["-n", nat_b, "route", "add", "default", "via", R_IP_B])?;
        must("ip", &["-n", a, "route", "add", "default", "via", NAT_A_PRIVATE])?;
        must("ip", &["-n", b, "route", "add", "default", "via", NAT_B_PRIVATE])?;
        for (nat, public_if, private_if) in [(nat_a, name("ar"), name("ah")), (nat_b, name("br"), name("bh"))] {
            let nft = |args: &[&str]| must("ip", &[&["netns", "exec", nat, "nft"][..], args].concat());
            nft(&["add", "table", "ip", "nat"])?;
            nft(&["add", "chain", "ip", "nat", "post", "{ type nat hook postrouting priority 100; policy accept; }"])?;
            let masquerade: &[&str] = match mapping {
                Mapping::PortPreserving => &["masquerade"],
                Mapping::Random => &["masquerade", "random"],
            };
            nft(&[&["add", "rule", "ip", "nat", "post", "oifname", &public_if][..], masquerade].concat())?;
            // Nothing enters the private network that its hub did not start,
            // and what else knocks is dropped without an answer, as home
            // routers do.
            nft(&["add", "table", "ip", "guard"])?;
            nft(&["add", "chain", "ip", "guard", "input", "{ type filter hook input priority 0; policy accept; }"])?;
            nft(&["add", "rule", "ip", "guard", "input", "iifname", &public_if, "ct", "state", "new", "drop"])?;
            nft(&["add", "chain", "ip", "guard", "forward", "{ type filter hook forward priority 0; policy drop; }"])?;
            nft(&["add", "rule", "ip", "guard", "forward", "iifname", &private_if, "accept"])?;
            nft(&["add", "rule", "ip", "guard", "forward", "ct", "state", "established,related", "accept"])?;
        }
        Ok(made)
    }
}

/// A's or B's row for the peer `id`.
fn row(sync: &Value, id: &str) -> Value {
    sync["peers"]
        .as_array()
        .and_then(|peers| peers.iter().find(|peer| peer["peer_id"] == id))
        .cloned()
        .unwrap_or_default()
}

fn reach(row: &Value) -> (String, Option<String>) {
    (row["reached"].as_str().unwrap_or("").to_owned(), row["relay"].as_str().map(str::to_owned))
}

/// Polls `done` every 200 ms until it holds, or fails after `timeout` with
/// `what` and the logs.
fn wait(what: &str, timeout: Duration, nodes: &[&FieldNode], mut done: impl FnMut() -> bool) -> Result<(), String> {
    let deadline = Instant::now() + timeout;
    while !done() {
        if Instant::now() > deadline {
            let logs: Vec<String> = nodes.iter().map(|node| tail(&node.log(), 40)).collect();
            let statuses: Vec<String> =
                nodes.iter().map(|node| node.sync().map(|sync| sync.to_string()).unwrap_or_default()).collect();
            return Err(format!(
                "timed out after {timeout:?} waiting for {what}\nstatus:\n{}\nlogs:\n{}",
                statuses.join("\n"),
                logs.join("\n-----\n")
            ));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(())
}

/// Runs the scenario once, behind NATs that map as `mapping` says.
pub fn run(mapping: Mapping) -> Result<Outcome, String> {
    let network = Network::create("Behind NAT");
    let [r, a, b] = [TestNode::init(&network, true), TestNode::init(&network, false), TestNode::init(&network, false)];
    a.run(&["identity", "new", "--name", "hub-a"]).ok();
    b.run(&["identity", "new", "--name", "hub-b"]).ok();
    let reports_a = typed_reports(&a.scratch(), 7, 1)?;
    let reports_b = typed_reports(&b.scratch(), 8, 1)?;

    let spaces = Topology::build(mapping)?;
    let listen = |ip: &str| vec!["--listen".to_owned(), format!("/ip4/{ip}/tcp/4701")];
    let mut args = vec!["--listen".to_owned(), "/ip4/0.0.0.0/tcp/4701".to_owned(), "--relay-server".to_owned()];
    args.extend(["--sync-interval".to_owned(), "5".to_owned()]);
    let r = FieldNode::start_with(r, &spaces.r, &args)?;
    let relay_id = r.sync().and_then(|sync| sync["peer_id"].as_str().map(str::to_owned)).ok_or("no peer id from R")?;
    let hub = |ip: &str, relay_ip: &str| {
        let mut args = listen(ip);
        args.extend(["--relay".to_owned(), format!("/ip4/{relay_ip}/tcp/4701/p2p/{relay_id}")]);
        args.extend(["--sync-interval".to_owned(), "5".to_owned()]);
        args
    };
    let a = FieldNode::start_with(a, &spaces.a, &hub(A_IP, R_IP_A))?;
    let b = FieldNode::start_with(b, &spaces.b, &hub(B_IP, R_IP_B))?;
    let all = [&r, &a, &b];
    let id_of = |node: &FieldNode| node.sync().and_then(|sync| sync["peer_id"].as_str().map(str::to_owned));
    let b_id = id_of(&b).ok_or("no peer id from B")?;
    let a_id = id_of(&a).ok_or("no peer id from A")?;

    // B holds a slot on R, and says where peers reach it.
    let circuit = || {
        b.sync().and_then(|sync| {
            let relay = &sync["relays"][0];
            (relay["reserved"] == true).then(|| relay["circuit_addr"].as_str().unwrap_or_default().to_owned())
        })
    };
    wait("B to hold a slot on R", Duration::from_secs(60), &all, || circuit().is_some())?;
    let b_circuit = circuit().unwrap_or_default();
    if !b_circuit.contains("/p2p-circuit/") {
        return Err(format!("B's address through R is no circuit address: {b_circuit}"));
    }

    // A adds B by that address, as an operator would.
    let added = a.node.run(&["peers", "add", &b_circuit]);
    if added.code != 0 {
        return Err(format!("adding B's circuit address at A failed: {added}"));
    }
    wait("A to connect to B", Duration::from_secs(60), &all, || {
        a.sync().is_some_and(|sync| row(&sync, &b_id)["connected"] == true)
    })?;
    let first_reach = reach(&row(&a.sync().unwrap_or_default(), &b_id));

    // A report each way.
    let submit = |node: &FieldNode, file: &std::path::Path, who: &str| {
        let out = node.node.run(&["submit", path_str(file), "--as", who]);
        (out.code == 0).then(|| out.stdout.trim().to_owned()).ok_or(format!("submitting failed: {out}"))
    };
    let from_a = submit(&a, &reports_a[0], "hub-a")?;
    let sent = Instant::now();
    wait("A's report to reach B", Duration::from_secs(120), &all, || b.holds(&from_a))?;
    let a_to_b = sent.elapsed();
    let from_b = submit(&b, &reports_b[0], "hub-b")?;
    let sent = Instant::now();
    wait("B's report to reach A", Duration::from_secs(120), &all, || a.holds(&from_b))?;
    let b_to_a = sent.elapsed();

    // AutoNAT's verdicts: the hubs learn they are behind NAT, R that it is not.
    let nat_of = |node: &FieldNode| node.sync().map(|sync| sync["nat"].as_str().unwrap_or("").to_owned());
    wait("AutoNAT to judge all three", Duration::from_secs(120), &all, || {
        all.iter().all(|node| nat_of(node).is_some_and(|nat| nat != "unknown"))
    })?;
    let nat = [nat_of(&r), nat_of(&a), nat_of(&b)].map(Option::unwrap_or_default);

    // Hole punching is tried at once on a relayed connection; either hub
    // logs how it ended, and A's row of B then says how B is reached.
    wait("hole punching to succeed or fail, and A's status to say so", Duration::from_secs(60), &all, || {
        let logs = [a.log(), b.log()];
        let punched = logs.iter().any(|log| log.contains("hole punched: a direct connection"));
        let not = logs.iter().any(|log| log.contains("no hole punched"));
        let (reached, _) = reach(&row(&a.sync().unwrap_or_default(), &b_id));
        (punched && reached == "hole-punched") || (not && !punched && reached == "relayed")
    })?;
    let a_sync = a.sync().unwrap_or_default();
    let a_sees_b = row(&a_sync, &b_id);
    let b_peers = b.sync().map(|sync| sync["peers"].clone()).unwrap_or_default();
    if row(&b.sync().unwrap_or_default(), &a_id).is_null() {
        return Err(format!("B does not list A: {b_peers}"));
    }
    let met_through_relay = a
        .log()
        .lines()
        .any(|line| line.contains(" connected") && line.contains(&format!("{relay_id}/p2p-circuit/p2p/{b_id}")));
    let a_status = a.node.run(&["status"]).stdout;
    let r_status = r.node.run(&["status"]).stdout;
    Ok(Outcome {
        a_status,
        r_status,
        nat,
        met_through_relay,
        b_circuit,
        first_reach,
        last_reach: reach(&a_sees_b),
        relay_id,
        a_to_b,
        b_to_a,
        a_sees_b,
        b_peers,
    })
}
