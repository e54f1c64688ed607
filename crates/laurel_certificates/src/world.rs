//! The minimal in-memory typst [`World`] for one render.
//!
//! It knows exactly four files: the template (main source: the certificate's, the blank's, the
//! calibration sheet's, the decision's or the minutes'), the helpers it may import (`fit.typ`),
//! `data.json` and `qr.svg`, and the
//! embedded fonts. Everything else is refused: no filesystem, no network, no packages, no clock.

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};

use crate::Renderer;

/// One certificate's world: the shared [`Renderer`] plus this certificate's two data files.
pub(crate) struct CertificateWorld<'a> {
    pub(crate) renderer: &'a Renderer,
    /// The template compiled: the certificate's or the minutes'.
    pub(crate) main: &'a Source,
    /// `CertificateData` as JSON, read by the template with `json("data.json")`.
    pub(crate) data: Bytes,
    /// The verification QR code, read by the template with `image("qr.svg")`.
    pub(crate) qr: Bytes,
}

impl World for CertificateWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.renderer.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.renderer.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else if id == self.renderer.fit.id() {
            Ok(self.renderer.fit.clone())
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.renderer.data_id {
            Ok(self.data.clone())
        } else if id == self.renderer.qr_id {
            Ok(self.qr.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else if id == self.renderer.fit.id() {
            Ok(Bytes::from_string(self.renderer.fit.clone()))
        } else {
            Err(not_found(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.renderer.fonts.get(index).cloned()
    }

    /// No clock: a certificate's dates come from its data, never from the time of rendering.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_without_slash().into())
}
