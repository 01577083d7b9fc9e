//! The body of an HTTP/1.1 answer sent with `Transfer-Encoding: chunked`,
//! read as it arrives: what the running node streams (an export) is never
//! held whole in memory. A body that ends before its last chunk is an error
//! (`UnexpectedEof`), never a shorter body.

use std::io::{BufRead, ErrorKind, Read};

/// Reads the chunks of a body from `inner`, which starts at the body.
#[derive(Debug)]
pub struct Chunked<R> {
    inner: R,
    /// Bytes left in the current chunk.
    left: usize,
    /// The last chunk (of size 0) was read.
    done: bool,
}

impl<R: BufRead> Chunked<R> {
    /// A body starting at `inner`'s next byte.
    pub fn new(inner: R) -> Self {
        Self { inner, left: 0, done: false }
    }

    /// One line of the chunked framing, without its `\r\n`.
    fn framing_line(&mut self) -> std::io::Result<String> {
        let mut line = Vec::new();
        self.inner.read_until(b'\n', &mut line)?;
        let Some(line) = line.strip_suffix(b"\r\n") else { return Err(cut_short()) };
        String::from_utf8(line.to_vec()).map_err(|_| bad("a chunk size that is not text"))
    }
}

impl<R: BufRead> Read for Chunked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            let line = self.framing_line()?;
            let size = line.split(';').next().unwrap_or_default().trim();
            self.left = usize::from_str_radix(size, 16).map_err(|_| bad("a chunk size that is not hexadecimal"))?;
            if self.left == 0 {
                // Trailers, if any, end with an empty line.
                while !self.framing_line()?.is_empty() {}
                self.done = true;
                return Ok(0);
            }
        }
        let wanted = buf.len().min(self.left);
        let read = self.inner.read(&mut buf[..wanted])?;
        if read == 0 {
            return Err(cut_short());
        }
        self.left -= read;
        if self.left == 0 && !self.framing_line()?.is_empty() {
            return Err(bad("a chunk longer than its size"));
        }
        Ok(read)
    }
}

fn cut_short() -> std::io::Error {
    std::io::Error::new(ErrorKind::UnexpectedEof, "the answer was cut short")
}

fn bad(what: &str) -> std::io::Error {
    std::io::Error::new(ErrorKind::InvalidData, format!("a malformed answer: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
        let mut body = Vec::new();
        Chunked::new(bytes).read_to_end(&mut body)?;
        Ok(body)
    }

    #[test]
    fn chunks_are_joined_and_the_last_one_ends_the_body() {
        assert_eq!(read(b"5\r\nhello\r\n7;x=y\r\n, world\r\n0\r\n\r\nnot the body").unwrap(), b"hello, world");
        assert_eq!(read(b"0\r\nTrailer: x\r\n\r\n").unwrap(), b"");
    }

    #[test]
    fn a_body_cut_short_or_malformed_is_an_error() {
        for cut in [&b"5\r\nhel"[..], b"5\r\nhello\r\n", b"5\r\nhello\r\n0\r\n", b"", b"5\r\nhello"] {
            assert_eq!(read(cut).unwrap_err().kind(), ErrorKind::UnexpectedEof, "{:?}", String::from_utf8_lossy(cut));
        }
        for bad in [&b"zz\r\nhello\r\n0\r\n\r\n"[..], b"2\r\nhello\r\n0\r\n\r\n"] {
            assert_eq!(read(bad).unwrap_err().kind(), ErrorKind::InvalidData, "{:?}", String::from_utf8_lossy(bad));
        }
    }
}
