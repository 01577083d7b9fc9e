//! Reading a JSON Lines import (`convene import`): one submission per line,
//! each line bounded before it is parsed.

use std::io::{self, BufRead, Read};

use serde_json::Value;

/// Longest line an import accepts.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// What one line of an import holds.
#[derive(Debug)]
pub enum Line {
    /// A JSON value (whether it is a valid submission is the store's to say).
    Json(Value),
    /// Nothing but white space.
    Blank,
    /// Not a submission: too long, or not JSON; the reason.
    Invalid(String),
}

/// One line read: its number (from 1), its length in bytes (with the
/// newline) and what it holds.
#[derive(Debug)]
pub struct ReadLine {
    /// The line's number, from 1.
    pub number: usize,
    /// Bytes read for it, its newline included.
    pub bytes: usize,
    /// What it holds.
    pub line: Line,
}

/// Splits an input into lines of at most [`MAX_LINE_BYTES`] and reads
/// each as JSON. A longer line is reported invalid and skipped without
/// being held in memory.
#[derive(Debug)]
pub struct Lines<R> {
    reader: R,
    buffer: Vec<u8>,
    number: usize,
    limit: usize,
}

impl<R: BufRead> Lines<R> {
    /// Lines of `reader`.
    pub fn new(reader: R) -> Self {
        Self::with_limit(reader, MAX_LINE_BYTES)
    }

    /// Lines of `reader`, with another line limit (tests).
    pub fn with_limit(reader: R, limit: usize) -> Self {
        Self { reader, buffer: Vec::new(), number: 0, limit }
    }

    /// The next line, `None` at the end of the input.
    pub fn next_line(&mut self) -> io::Result<Option<ReadLine>> {
        self.buffer.clear();
        let read = (&mut self.reader).take(self.limit as u64 + 1).read_until(b'\n', &mut self.buffer)?;
        if read == 0 {
            return Ok(None);
        }
        self.number += 1;
        let line = if self.buffer.len() > self.limit && !self.buffer.ends_with(b"\n") {
            let skipped = skip_rest_of_line(&mut self.reader)?;
            return Ok(Some(ReadLine {
                number: self.number,
                bytes: read + skipped,
                line: Line::Invalid(format!("line is longer than {}", describe(self.limit))),
            }));
        } else {
            let text = String::from_utf8_lossy(&self.buffer);
            if text.trim().is_empty() {
                Line::Blank
            } else {
                match serde_json::from_str::<Value>(&text) {
                    Ok(value) => Line::Json(value),
                    Err(error) => Line::Invalid(format!("not valid JSON: {error}")),
                }
            }
        };
        Ok(Some(ReadLine { number: self.number, bytes: read, line }))
    }
}

fn describe(limit: usize) -> String {
    if limit.is_multiple_of(1024 * 1024) { format!("{} MiB", limit / (1024 * 1024)) } else { format!("{limit} bytes") }
}

/// Skips to just past the next newline; the bytes skipped.
fn skip_rest_of_line(reader: &mut impl BufRead) -> io::Result<usize> {
    let mut skipped = 0;
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(skipped);
        }
        if let Some(position) = buffer.iter().position(|byte| *byte == b'\n') {
            reader.consume(position + 1);
            return Ok(skipped + position + 1);
        }
        let length = buffer.len();
        skipped += length;
        reader.consume(length);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], limit: usize) -> Vec<(usize, usize, String)> {
        let mut lines = Lines::with_limit(input, limit);
        let mut out = Vec::new();
        while let Some(read) = lines.next_line().unwrap() {
            let what = match read.line {
                Line::Json(value) => value.to_string(),
                Line::Blank => "blank".into(),
                Line::Invalid(reason) => reason,
            };
            out.push((read.number, read.bytes, what));
        }
        out
    }

    #[test]
    fn lines_are_numbered_bounded_and_read_as_json() {
        let input = b"{\"a\":1}\n  \n[1,2\n0123456789abc\n{\"b\":2}";
        let read = lines(input, 12);
        assert_eq!(read[0], (1, 8, r#"{"a":1}"#.to_owned()));
        assert_eq!(read[1], (2, 3, "blank".to_owned()));
        assert!(read[2].2.starts_with("not valid JSON"), "{:?}", read[2]);
        assert_eq!(read[3], (4, 14, "line is longer than 12 bytes".to_owned()));
        assert_eq!(read[4], (5, 7, r#"{"b":2}"#.to_owned()));
        assert_eq!(read.len(), 5);
        assert_eq!(read.iter().map(|line| line.1).sum::<usize>(), input.len(), "every byte counted");
    }
}
