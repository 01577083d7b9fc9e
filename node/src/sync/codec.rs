//! The libp2p request/response codec for the sync and blob protocols:
//! length-prefixed frames of [`convene_protocol::wire`] messages, bounded
//! before reading.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use std::marker::PhantomData;

use convene_protocol::wire::{
    BlobRequest, BlobResponse, MAX_MESSAGE_BYTES, MAX_REQUEST_BYTES, Request, Response, WireError,
};
use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use libp2p::StreamProtocol;

/// A stream on which no byte moves for this long fails as timed out: the
/// clock follows the link's progress, so a slow transfer that keeps moving
/// never times out, and a stalled one is asked again (smaller) soon. The
/// clock is tokio's: the codec runs on the swarm's tokio executor.
pub const STALL: Duration = Duration::from_secs(30);
/// Bytes read or written per step, each step under the [`STALL`] clock.
const STEP: usize = 16 * 1024;

/// Bytes of request frames being read at once, from every peer together.
pub const REQUEST_BUDGET: usize = 32 * 1024 * 1024;
/// Bytes of reply frames being read at once, from every peer together.
pub const RESPONSE_BUDGET: usize = 64 * 1024 * 1024;

/// A message of one of the protocols, with the most bytes it may take.
pub trait Message: Sized + Send + 'static {
    /// The largest frame of this message a reader accepts.
    const MAX_BYTES: usize;
    /// The encoded message (without the frame length).
    fn encode(&self) -> Vec<u8>;
    /// Decodes a message, enforcing every limit.
    fn decode(bytes: &[u8]) -> Result<Self, WireError>;
}

macro_rules! message {
    ($type:ty, $max:expr) => {
        impl Message for $type {
            const MAX_BYTES: usize = $max;
            fn encode(&self) -> Vec<u8> {
                <$type>::encode(self)
            }
            fn decode(bytes: &[u8]) -> Result<Self, WireError> {
                <$type>::decode(bytes)
            }
        }
    };
}

message!(Request, MAX_REQUEST_BYTES);
message!(Response, MAX_MESSAGE_BYTES);
// A blob request is a hash, a size and at most 64 indices.
message!(BlobRequest, 1024);
message!(BlobResponse, MAX_MESSAGE_BYTES);

/// Reads and writes the messages of one protocol (`Req`, `Resp`). Every
/// clone (one per connection) shares the two budgets: a frame's declared
/// length is taken from its budget before it is read and given back once
/// read, so peers that open many streams and send frames slowly (or never
/// finish them) hold at most the budget, and a frame that does not fit is
/// refused, not waited for.
#[derive(Debug)]
pub struct SyncCodec<Req = Request, Resp = Response> {
    requests: Arc<AtomicUsize>,
    responses: Arc<AtomicUsize>,
    messages: PhantomData<fn() -> (Req, Resp)>,
}

impl<Req, Resp> Clone for SyncCodec<Req, Resp> {
    fn clone(&self) -> Self {
        Self { requests: self.requests.clone(), responses: self.responses.clone(), messages: PhantomData }
    }
}

impl<Req, Resp> Default for SyncCodec<Req, Resp> {
    fn default() -> Self {
        Self {
            requests: Arc::new(AtomicUsize::new(REQUEST_BUDGET)),
            responses: Arc::new(AtomicUsize::new(RESPONSE_BUDGET)),
            messages: PhantomData,
        }
    }
}

/// A part of a budget, given back when dropped.
struct Taken<'a> {
    budget: &'a AtomicUsize,
    bytes: usize,
}

impl Drop for Taken<'_> {
    fn drop(&mut self) {
        self.budget.fetch_add(self.bytes, Ordering::AcqRel);
    }
}

fn take(budget: &AtomicUsize, bytes: usize) -> io::Result<Taken<'_>> {
    budget
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |left| left.checked_sub(bytes))
        .map(|_| Taken { budget, bytes })
        .map_err(|_| io::Error::other("too many sync messages are being received at once; try again later"))
}

/// A request as read from a peer: libp2p does not report a request that
/// fails to read, so a malformed one is read as what it is, for the engine
/// to refuse and count against its sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming<R = Request> {
    /// A well-formed request.
    Request(R),
    /// A frame that is no request (too long, or not decodable), and why.
    Malformed(String),
}

impl<R> From<R> for Incoming<R> {
    fn from(request: R) -> Self {
        Self::Request(request)
    }
}

/// Why a frame's declared length is refused, if it is.
fn too_long(length: usize, limit: usize) -> Option<String> {
    (length > limit).then(|| format!("frame of {length} bytes exceeds the limit of {limit}"))
}

/// Reads one frame of at most `limit` bytes. Memory grows with the bytes
/// that arrive, not with the length a peer declares.
async fn read_frame<T: AsyncRead + Unpin + Send>(
    io: &mut T,
    limit: usize,
    budget: &AtomicUsize,
) -> io::Result<Vec<u8>> {
    let mut length = [0u8; 4];
    let mut got = 0;
    while got < length.len() {
        got += read_step(io, &mut length[got..]).await?;
    }
    let length = u32::from_be_bytes(length) as usize;
    if let Some(reason) = too_long(length, limit) {
        return Err(io::Error::new(io::ErrorKind::InvalidData, reason));
    }
    let _taken = take(budget, length)?;
    let mut bytes = Vec::with_capacity(length.min(64 * 1024));
    let mut step = vec![0u8; STEP.min(length)];
    while bytes.len() < length {
        let want = (length - bytes.len()).min(step.len());
        let read = read_step(io, &mut step[..want]).await?;
        bytes.extend_from_slice(&step[..read]);
    }
    Ok(bytes)
}

/// One read of at least a byte, unless none comes for [`STALL`].
async fn read_step<T: AsyncRead + Unpin + Send>(io: &mut T, buf: &mut [u8]) -> io::Result<usize> {
    match tokio::time::timeout(STALL, io.read(buf)).await {
        Err(_) => Err(stalled()),
        Ok(Ok(0)) => Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the frame ended early")),
        Ok(result) => result,
    }
}

fn stalled() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, format!("nothing moved on the stream for {} s", STALL.as_secs()))
}

async fn write_frame<T: AsyncWrite + Unpin + Send>(io: &mut T, bytes: &[u8]) -> io::Result<()> {
    if bytes.len() > MAX_MESSAGE_BYTES {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "message exceeds the frame limit"));
    }
    let watched =
        |result: Result<io::Result<()>, tokio::time::error::Elapsed>| result.unwrap_or_else(|_| Err(stalled()));
    watched(tokio::time::timeout(STALL, io.write_all(&(bytes.len() as u32).to_be_bytes())).await)?;
    for step in bytes.chunks(STEP) {
        watched(tokio::time::timeout(STALL, io.write_all(step)).await)?;
    }
    watched(tokio::time::timeout(STALL, io.close()).await)
}

fn invalid(error: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, error.to_string())
}

impl<Req: Message, Resp: Message> libp2p::request_response::Codec for SyncCodec<Req, Resp> {
    type Protocol = StreamProtocol;
    type Request = Incoming<Req>;
    type Response = Resp;

    async fn read_request<T: AsyncRead + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
    ) -> io::Result<Incoming<Req>> {
        let frame = match read_frame(io, Req::MAX_BYTES, &self.requests).await {
            Err(error) if error.kind() == io::ErrorKind::InvalidData => {
                return Ok(Incoming::Malformed(error.to_string()));
            }
            other => other?,
        };
        Ok(match Req::decode(&frame) {
            Ok(request) => Incoming::Request(request),
            Err(error) => Incoming::Malformed(error.to_string()),
        })
    }

    async fn read_response<T: AsyncRead + Unpin + Send>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Resp> {
        Resp::decode(&read_frame(io, Resp::MAX_BYTES, &self.responses).await?).map_err(invalid)
    }

    async fn write_request<T: AsyncWrite + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        request: Incoming<Req>,
    ) -> io::Result<()> {
        match request {
            Incoming::Request(request) => write_frame(io, &request.encode()).await,
            Incoming::Malformed(_) => {
                Err(io::Error::new(io::ErrorKind::InvalidInput, "a malformed request is not sent"))
            }
        }
    }

    async fn write_response<T: AsyncWrite + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        response: Resp,
    ) -> io::Result<()> {
        write_frame(io, &response.encode()).await
    }
}
