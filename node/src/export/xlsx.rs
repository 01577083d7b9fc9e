//! The XLSX workbook of an export, written with `rust_xlsxwriter`: one
//! sheet per kind (named by the kind's plural in the table), a bold header
//! row that stays in view, an autofilter over every column, texts always
//! written as texts (never run as formulas), counts as numbers, flags as
//! TRUE/FALSE.
//!
//! Each sheet is in "constant memory" mode: a row goes to a temporary file
//! in the output's folder as soon as the next one starts, so memory does not
//! grow with the corpus; the workbook is zipped into the output at the end.
//! The library cannot report a full disk while it writes those temporary
//! files (it stops the process), so the free space of that folder is
//! checked every [`CHECK_EVERY`] rows and the export is refused with
//! [`ROOM`] still free.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, XlsxError};
use serde_json::{Map, Value};

use convene_protocol::kinds::SubmissionKind;
use convene_protocol::taxonomy::Taxonomy;

use super::Attribution;
use super::columns::{Cell, Column, sheet_columns};
use crate::disk::{DiskSpace, mb};

/// The most characters Excel keeps in a cell.
const MAX_CELL_CHARS: usize = 32_767;
/// Free space checked this often (rows).
const CHECK_EVERY: usize = 256;
/// Free space the output's folder keeps: room for the rows written between
/// two checks and for the end of the temporary files.
const ROOM: u64 = 16 << 20;
/// Column widths, in characters.
const WIDE: f64 = 40.0;
const NARROW: f64 = 16.0;

/// A workbook being written.
pub(super) struct Workbook {
    book: rust_xlsxwriter::Workbook,
    file: File,
    dir: PathBuf,
    /// The sheets, in the order of [`SubmissionKind::ALL`].
    sheets: Vec<Sheet>,
    written: usize,
}

struct Sheet {
    columns: Vec<Column>,
    /// Rows written, the header aside.
    rows: u32,
}

impl Workbook {
    /// A workbook with a sheet per kind and its header, to be written to
    /// `file`; its rows wait in temporary files in `dir`.
    pub(super) fn new(file: File, dir: &Path, attribution: Attribution, taxonomy: &Taxonomy) -> std::io::Result<Self> {
        let mut book = rust_xlsxwriter::Workbook::new();
        book.set_tempdir(dir).map_err(io)?;
        let bold = Format::new().set_bold();
        let mut sheets = Vec::new();
        for kind in SubmissionKind::ALL {
            let spec = kind.spec();
            let columns = sheet_columns(spec, attribution, taxonomy);
            let sheet = book.add_worksheet_with_constant_memory().map_err(io)?;
            sheet.set_name(spec.plural).map_err(io)?;
            sheet.set_freeze_panes(1, 0).map_err(io)?;
            for (at, column) in columns.iter().enumerate() {
                let at = column_number(at)?;
                sheet.set_column_width(at, if column.wide { WIDE } else { NARROW }).map_err(io)?;
                sheet.write_string_with_format(0, at, &column.name, &bold).map_err(io)?;
            }
            sheets.push(Sheet { columns, rows: 0 });
        }
        Ok(Self { book, file, dir: dir.to_owned(), sheets, written: 0 })
    }

    /// Writes a row of exported `fields` on its kind's sheet.
    pub(super) fn write(&mut self, fields: &Map<String, Value>) -> std::io::Result<()> {
        let kind = fields.get("kind").and_then(Value::as_str).unwrap_or_default();
        let index = SubmissionKind::ALL.iter().position(|known| known.as_str() == kind).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, format!("a submission of unknown kind `{kind}`"))
        })?;
        if self.written.is_multiple_of(CHECK_EVERY) {
            self.check_room()?;
        }
        let sheet = &mut self.sheets[index];
        sheet.rows += 1;
        let row = sheet.rows;
        let worksheet = self.book.worksheet_from_index(index).map_err(io)?;
        for (at, column) in sheet.columns.iter().enumerate() {
            let at = column_number(at)?;
            match column.cell(fields) {
                Cell::Empty => {}
                Cell::Text(text) => {
                    worksheet.write_string(row, at, within_cell(text)).map_err(io)?;
                }
                Cell::Number(number) => {
                    worksheet.write_number(row, at, number).map_err(io)?;
                }
                Cell::Flag(flag) => {
                    worksheet.write_boolean(row, at, flag).map_err(io)?;
                }
            }
        }
        self.written += 1;
        Ok(())
    }

    /// Sets each sheet's autofilter over its rows and writes the workbook to
    /// its file.
    pub(super) fn finish(mut self) -> std::io::Result<()> {
        for (index, sheet) in self.sheets.iter().enumerate() {
            let last_column = column_number(sheet.columns.len().saturating_sub(1))?;
            self.book.worksheet_from_index(index).map_err(io)?.autofilter(0, 0, sheet.rows, last_column).map_err(io)?;
        }
        self.check_room()?;
        self.book.save_to_writer(BufWriter::new(self.file)).map_err(io)
    }

    /// Refuses to go on when the output's folder is nearly full.
    fn check_room(&self) -> std::io::Result<()> {
        // Not knowing (statvfs failed) is no reason to refuse: a write will say.
        let Ok(space) = DiskSpace::of(&self.dir) else { return Ok(()) };
        if space.free_bytes < ROOM {
            return Err(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                format!("only {} MB free in {}", mb(space.free_bytes), self.dir.display()),
            ));
        }
        Ok(())
    }
}

/// `text`, cut to what a cell holds (marked by an ellipsis).
fn within_cell(text: String) -> String {
    if text.chars().count() <= MAX_CELL_CHARS {
        return text;
    }
    let mut cut: String = text.chars().take(MAX_CELL_CHARS - 1).collect();
    cut.push('…');
    cut
}

fn column_number(at: usize) -> std::io::Result<u16> {
    u16::try_from(at).map_err(|_| std::io::Error::other("more columns than a sheet holds"))
}

/// The library's error as an I/O error (the kind kept when it is one).
fn io(error: XlsxError) -> std::io::Error {
    match error {
        XlsxError::IoError(error) | XlsxError::TempFileError(_, error) => error,
        other => std::io::Error::other(other.to_string()),
    }
}
