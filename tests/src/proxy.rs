//! An in-process TCP relay that plays a bad link: a rate limit, and a cut of
//! every connection after a number of bytes. Used by tests and benchmarks.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A running relay to `target`.
#[derive(Debug)]
pub struct Proxy {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    cuts: Arc<AtomicU64>,
    bytes: Arc<AtomicU64>,
}

/// How the link behaves.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    /// Bytes per second in each direction.
    pub bytes_per_second: u64,
    /// Cut each connection after this many bytes (both directions together).
    pub cut_after_bytes: Option<u64>,
}

impl Proxy {
    /// Listens on 127.0.0.1 and relays every connection to `target`.
    pub fn start(target: SocketAddr, link: Link) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("proxy listens");
        listener.set_nonblocking(true).expect("nonblocking listener");
        let addr = listener.local_addr().expect("proxy address");
        let stop = Arc::new(AtomicBool::new(false));
        let cuts = Arc::new(AtomicU64::new(0));
        let bytes = Arc::new(AtomicU64::new(0));
        let (stop_flag, cut_count, byte_count) = (stop.clone(), cuts.clone(), bytes.clone());
        std::thread::spawn(move || {
            while !stop_flag.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let Ok(server) = TcpStream::connect(target) else { continue };
                        relay(client, server, link, stop_flag.clone(), cut_count.clone(), byte_count.clone());
                    }
                    Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    Err(_) => break,
                }
            }
        });
        Self { addr, stop, cuts, bytes }
    }

    /// Where to connect instead of the target.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many connections it has cut.
    pub fn cuts(&self) -> u64 {
        self.cuts.load(Ordering::SeqCst)
    }

    /// Bytes relayed, both directions.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::SeqCst)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn relay(
    client: TcpStream,
    server: TcpStream,
    link: Link,
    stop: Arc<AtomicBool>,
    cuts: Arc<AtomicU64>,
    bytes: Arc<AtomicU64>,
) {
    let connection_bytes = Arc::new(AtomicU64::new(0));
    let cut = Arc::new(AtomicBool::new(false));
    for (from, to) in [(client.try_clone(), server.try_clone()), (server.try_clone(), client.try_clone())] {
        let (Ok(mut from), Ok(mut to)) = (from, to) else { return };
        let (stop, cuts, bytes, connection_bytes, cut) =
            (stop.clone(), cuts.clone(), bytes.clone(), connection_bytes.clone(), cut.clone());
        std::thread::spawn(move || {
            let started = Instant::now();
            let mut sent = 0u64;
            let mut buffer = [0u8; 1024];
            loop {
                if stop.load(Ordering::SeqCst) || cut.load(Ordering::SeqCst) {
                    break;
                }
                let read = match from.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(read) => read,
                };
                // The link's rate: wait until this chunk fits the budget so far.
                sent += read as u64;
                let due = Duration::from_secs_f64(sent as f64 / link.bytes_per_second as f64);
                if let Some(wait) = due.checked_sub(started.elapsed()) {
                    std::thread::sleep(wait);
                }
                if to.write_all(&buffer[..read]).is_err() {
                    break;
                }
                bytes.fetch_add(read as u64, Ordering::SeqCst);
                let total = connection_bytes.fetch_add(read as u64, Ordering::SeqCst) + read as u64;
                if link.cut_after_bytes.is_some_and(|limit| total >= limit) && !cut.swap(true, Ordering::SeqCst) {
                    cuts.fetch_add(1, Ordering::SeqCst);
                    break;
                }
            }
            let _ = from.shutdown(Shutdown::Both);
            let _ = to.shutdown(Shutdown::Both);
        });
    }
}
