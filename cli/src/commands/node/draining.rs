//! The CLI socket's listener, which stops without dropping a client.
//!
//! When the node stops, the socket file is removed first, so no new client
//! can connect; a client that connected just before sits in the kernel's
//! queue, or is accepted and about to send its request. Closing then would
//! reset it (a `convene submit` would not know whether it was stored). So
//! once told to drain, this listener hands over every connection still
//! queued (asking the kernel without waiting) and takes no more, and
//! [`Drained::finished`] waits until every connection it handed over has
//! ended: each CLI command is one request on its own connection.

use std::io;
use std::os::fd::AsFd;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::UnixStream;
use tokio::net::unix::SocketAddr;
use tokio::sync::{Notify, oneshot};

/// See the module documentation.
#[derive(Debug)]
pub struct Draining {
    listener: tokio::net::UnixListener,
    /// The same socket, for accepts that must not wait (it is non-blocking).
    queued: std::os::unix::net::UnixListener,
    drain: Option<oneshot::Receiver<()>>,
    drained: Option<oneshot::Sender<()>>,
    live: Arc<Live>,
}

/// Connections handed over and not yet ended.
#[derive(Debug, Default)]
struct Live {
    count: AtomicUsize,
    ended: Notify,
}

/// Resolves once the listener is drained and its connections have ended.
#[derive(Debug)]
pub struct Drained {
    drained: oneshot::Receiver<()>,
    live: Arc<Live>,
}

impl Drained {
    /// Waits until the queue is drained and every connection has ended, or
    /// `limit` has passed since the queue was drained (a client that sends
    /// nothing does not hold the node for ever); says whether all ended.
    pub async fn finished(self, limit: Duration) -> bool {
        let _ = self.drained.await;
        let all_ended = async {
            loop {
                let ended = self.live.ended.notified();
                if self.live.count.load(Ordering::Acquire) == 0 {
                    return;
                }
                ended.await;
            }
        };
        tokio::time::timeout(limit, all_ended).await.is_ok()
    }
}

impl Draining {
    /// Wraps `listener`; it drains once `drain` fires (or its sender is
    /// dropped).
    pub fn new(listener: tokio::net::UnixListener, drain: oneshot::Receiver<()>) -> io::Result<(Self, Drained)> {
        let queued = std::os::unix::net::UnixListener::from(listener.as_fd().try_clone_to_owned()?);
        let (drained, on_drained) = oneshot::channel();
        let live = Arc::new(Live::default());
        let this = Self { listener, queued, drain: Some(drain), drained: Some(drained), live: live.clone() };
        Ok((this, Drained { drained: on_drained, live }))
    }

    /// A connection the kernel holds now, if any.
    fn take_queued(&self) -> Option<UnixStream> {
        let (stream, _) = self.queued.accept().ok()?;
        stream.set_nonblocking(true).ok()?;
        UnixStream::from_std(stream).ok()
    }

    fn handed_over(&self, stream: UnixStream, addr: SocketAddr) -> (Tracked, SocketAddr) {
        self.live.count.fetch_add(1, Ordering::AcqRel);
        (Tracked { stream, live: self.live.clone() }, addr)
    }
}

impl axum::serve::Listener for Draining {
    type Io = Tracked;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        while let Some(drain) = self.drain.as_mut() {
            tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, addr)) => return self.handed_over(stream, addr),
                    Err(error) => {
                        // Out of file descriptors and the like: waiting lets some close.
                        tracing::warn!("accepting a CLI connection: {error}");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                },
                _ = drain => self.drain = None,
            }
        }
        if let Some(stream) = self.take_queued()
            && let Ok(addr) = stream.peer_addr()
        {
            return self.handed_over(stream, addr);
        }
        if let Some(drained) = self.drained.take() {
            let _ = drained.send(());
        }
        std::future::pending().await
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.listener.local_addr()
    }
}

/// A connection handed over, counted until it is dropped.
#[derive(Debug)]
pub struct Tracked {
    stream: UnixStream,
    live: Arc<Live>,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        if self.live.count.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.live.ended.notify_waiters();
        }
    }
}

impl AsyncRead for Tracked {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
