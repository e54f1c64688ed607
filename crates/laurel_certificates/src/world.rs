//! The minimal in-memory typst [`World`] for one render.
//!
//! It knows exactly six files: the template (main source: the certificate's, the blank's, the
//! calibration sheet's, the decision's or the minutes'), the helpers it may import (`fit.typ`),
//! `data.json`, the bounds of its strings' widths (`widths.json`, read by `fit.typ`), the QR
//! code as `qr.svg` or `qr.gray` (made when a template reads it), and the embedded fonts.
//! Everything else is refused: no filesystem, no network, no packages, no clock.

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
    /// `data.json`'s strings with an upper bound of each one's natural width in em, read by
    /// `fit.typ` with `json("widths.json")` ([`Renderer::width_bounds`]).
    pub(crate) widths: Bytes,
    /// The verification QR code, if the document has one.
    pub(crate) qr: Option<&'a fast_qr::QRCode>,
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
        } else if id == self.renderer.widths_id {
            Ok(self.widths.clone())
        } else if id == self.renderer.qr_id {
            Ok(Bytes::from_string(self.qr.map(qr_svg).unwrap_or_default()))
        } else if id == self.renderer.qr_pixels_id {
            Ok(Bytes::new(self.qr.map(qr_pixels).unwrap_or_default()))
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

/// The QR code as a standalone SVG document (black on white, with its 4-module quiet zone),
/// for `image("qr.svg")`: what issuers' own templates have always read.
fn qr_svg(code: &fast_qr::QRCode) -> String {
    use fast_qr::convert::Builder;
    fast_qr::convert::svg::SvgBuilder::default()
        .margin(QUIET_ZONE)
        .to_str(code)
}

/// The QR code as raw 8-bit grey pixels, one per module, black on white, with the 4-module
/// quiet zone: a square of `side` × `side` bytes, row by row, for `qr-image` in `fit.typ`
/// (`image(.., format: (encoding: "luma8", ..), scaling: "pixelated")`). Drawn unsmoothed, a
/// pixel per module is the code exactly at any size; and it costs the PDF one small image where
/// an SVG costs a path of every dark module (parsed, drawn and compressed on every certificate).
fn qr_pixels(code: &fast_qr::QRCode) -> Vec<u8> {
    let side = code.size + 2 * QUIET_ZONE;
    let mut pixels = vec![0xff; side * side];
    for row in 0..code.size {
        for (column, module) in code[row].iter().enumerate() {
            if module.value() {
                pixels[(row + QUIET_ZONE) * side + column + QUIET_ZONE] = 0;
            }
        }
    }
    pixels
}

/// The light border every QR code needs around it, in modules (ISO/IEC 18004).
const QUIET_ZONE: usize = 4;

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_without_slash().into())
}
