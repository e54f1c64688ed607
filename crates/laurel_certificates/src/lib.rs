#![doc = include_str!("../README.md")]

mod blank;
mod world;

pub use blank::{Align, BlankField, BlankLayout, BlankQr, Field, Ink, LayoutProblem};

use std::fmt;

use serde::{Deserialize, Serialize};
use typst::diag::SourceDiagnostic;
use typst::foundations::{Bytes, Smart};
use typst::syntax::PathError;
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use crate::world::CertificateWorld;
use sha2::{Digest, Sha256};

/// The threads batches are laid out on: one per core, named `laurel-batch-N`, each on Linux
/// in the `SCHED_IDLE` class, so a server laying out 10,000 certificates on every core still
/// answers its readers first: the kernel runs an idle-class thread only when no other thread
/// wants the core, and takes the core back the moment one wakes (a lower nice value still let a
/// batch thread finish its time slice first, a few milliseconds on every wake-up of a request).
/// typst lays a document's pages out in parallel on the rayon pool it is called from, so a
/// batch run inside this pool (`install`) keeps all its work here, and a request's own render,
/// on rayon's global pool, never queues behind it. `None` when the threads cannot be started:
/// a batch then runs on the global pool at the process's priority.
fn batch_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("laurel-batch-{i}"))
            .start_handler(|_| yield_to_requests())
            .build()
            .ok()
    })
    .as_ref()
}

/// Puts the calling thread (one of [`batch_pool`]'s, which live as long as the process) in
/// Linux's idle scheduling class. Any thread may lower itself so; elsewhere than Linux, or
/// when refused, nothing changes and the batch runs at the process's priority.
fn yield_to_requests() {
    #[cfg(target_os = "linux")]
    {
        use thread_priority::{
            NormalThreadSchedulePolicy, ThreadPriority, ThreadSchedulePolicy,
            set_thread_priority_and_policy, thread_native_id,
        };
        let _ = set_thread_priority_and_policy(
            thread_native_id(),
            ThreadPriority::Min,
            ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle),
        );
    }
}

/// Lower-case hex of a digest.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The version of how this crate turns data into a PDF outside its templates (the PDF options,
/// document ids, how a blank or an issuer's template reaches typst). Part of
/// [`Renderer::fingerprint`]: raise it with any such change that gives other bytes, so PDFs kept
/// under an older key are rendered again.
const RENDER_FORMAT: u32 = 2;

/// The typst template, kept in its own file so a designer can edit it without touching Rust.
const TEMPLATE: &str = include_str!("../templates/certificate.typ");

/// The council minutes' template.
const MINUTES_TEMPLATE: &str = include_str!("../templates/minutes.typ");

/// The decision's template (Quyết định khen thưởng, Decree 30/2020 layout).
const DECISION_TEMPLATE: &str = include_str!("../templates/decision.typ");
const DECISION_PATH: &str = "/decision.typ";

/// Certificates on an office's pre-printed blanks (phôi), and the blanks' calibration sheet.
const BLANK_TEMPLATE: &str = include_str!("../templates/blank.typ");
const BLANK_PATH: &str = "/blank.typ";
const CALIBRATION_TEMPLATE: &str = include_str!("../templates/calibration.typ");
const CALIBRATION_PATH: &str = "/calibration.typ";

/// Where an issuer's own template sits (beside `fit.typ`, which it may import).
const CUSTOM_PATH: &str = "/custom.typ";

/// The text-fitting helpers the certificate and blank templates import.
const FIT_MODULE: &str = include_str!("../templates/fit.typ");
const FIT_PATH: &str = "/fit.typ";

/// Longest minutes accepted, in pages (a session of a few hundred nominations).
pub const MINUTES_MAX_PAGES: usize = 200;

/// Liberation Serif 2.1.5 (SIL OFL 1.1, see `fonts/LICENSE-LiberationSerif.txt`): the only fonts
/// the renderer knows, so typst can never fall back to anything else.
const FONTS: [(&str, &[u8]); 4] = [
    (
        "LiberationSerif-Regular.ttf",
        include_bytes!("../fonts/LiberationSerif-Regular.ttf"),
    ),
    (
        "LiberationSerif-Bold.ttf",
        include_bytes!("../fonts/LiberationSerif-Bold.ttf"),
    ),
    (
        "LiberationSerif-Italic.ttf",
        include_bytes!("../fonts/LiberationSerif-Italic.ttf"),
    ),
    (
        "LiberationSerif-BoldItalic.ttf",
        include_bytes!("../fonts/LiberationSerif-BoldItalic.ttf"),
    ),
];

/// Virtual paths of the in-memory files the template world consists of.
const TEMPLATE_PATH: &str = "/certificate.typ";
const MINUTES_PATH: &str = "/minutes.typ";
const DATA_PATH: &str = "/data.json";
const WIDTHS_PATH: &str = "/widths.json";
const QR_PATH: &str = "/qr.svg";
const QR_PIXELS_PATH: &str = "/qr.gray";

/// Memoised typst results not reused within this many renders are dropped after each render
/// (`comemo::evict`), so a long-running server does not grow without bound. Same value as
/// `typst watch` uses between compilations.
const CACHE_MAX_AGE: usize = 10;

/// Each character any of `faces` maps, with its widest advance in em among them (the widest
/// glyph of them all when one of them lacks it); and that widest glyph's advance.
fn advances(faces: &[ttf_parser::Face<'_>]) -> (std::collections::HashMap<char, f64>, f64) {
    let per_em =
        |face: &ttf_parser::Face<'_>, units: u16| f64::from(units) / f64::from(face.units_per_em());
    let widest_glyph = faces
        .iter()
        .flat_map(|face| {
            (0..face.number_of_glyphs()).filter_map(move |glyph| {
                face.glyph_hor_advance(ttf_parser::GlyphId(glyph))
                    .map(|units| per_em(face, units))
            })
        })
        .fold(0.0, f64::max);
    let mut characters = std::collections::BTreeSet::new();
    for face in faces {
        for table in face.tables().cmap.iter().flat_map(|cmap| cmap.subtables) {
            table.codepoints(|code| {
                characters.extend(char::from_u32(code));
            });
        }
    }
    let advances = characters
        .into_iter()
        .map(|c| {
            let widest = faces
                .iter()
                .map(|face| {
                    face.glyph_index(c)
                        .and_then(|glyph| face.glyph_hor_advance(glyph))
                        .map_or(widest_glyph, |units| per_em(face, units))
                })
                .fold(0.0, f64::max);
            (c, widest)
        })
        .collect();
    (advances, widest_glyph)
}

/// How much wider than the sum of its characters' advances a line's bound in `widths.json` is
/// ([`Renderer::width_bounds`]): room for kerning pairs that push glyphs apart, far more than
/// Liberation Serif's kerning gives (a test measures every face against the bound).
const KERNING_ROOM: f64 = 1.1;

/// Single certificates (the server's first downloads) drop typst's stale memoised results
/// once every this many renders in the process, keeping only what the renders since the last
/// time used: about as much as evicting after each render with [`CACHE_MAX_AGE`] keeps, for a
/// tenth of the evictions. An eviction locks every memo table of the process, so on two cores
/// evicting after each render held the other render up: two threads rendered 282–286
/// certificates a second that way and 316–327 this way, at 82–89 MB resident instead of 68–69.
const RENDERS_PER_EVICTION: usize = 10;

/// Counts single renders in the process and, every [`RENDERS_PER_EVICTION`]th, drops the
/// memoised results no render used since the previous eviction. Cache upkeep, not state.
fn evict_now_and_then() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static RENDERS: AtomicUsize = AtomicUsize::new(0);
    if (RENDERS.fetch_add(1, Ordering::Relaxed) + 1).is_multiple_of(RENDERS_PER_EVICTION) {
        typst::comemo::evict(1);
    }
}

/// Everything printed on one certificate, as already-formatted strings (the caller formats dates
/// as dd/mm/yyyy etc.). This exact JSON is stored as the certificate's frozen content.
///
/// Strings are printed NFC-normalised (the renderer normalises them), so the PDF's text layer reads
/// back precomposed letters whatever the input's form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateData {
    /// Who awards, e.g. "GIÁM ĐỐC CÔNG AN TỈNH GIA LAI" (printed red, as given).
    pub issuer_title: String,
    /// The form or title, e.g. "GIẤY KHEN" (printed large, red).
    pub award_title: String,
    /// e.g. "Đại úy Nguyễn Thị Ngọc Huyền" (bold; shrinks to stay on one line, wraps beyond that).
    pub recipient_name: String,
    /// Position and unit, e.g. "Phó Trưởng phòng, Phòng Tham mưu, Công an tỉnh Gia Lai".
    pub recipient_detail: Option<String>,
    /// e.g. "Đã có thành tích xuất sắc trong phong trào ...". Up to 2000 characters: the text
    /// wraps and its size shrinks so the certificate stays on one page.
    pub achievement: String,
    /// e.g. "Quyết định số 12/QĐ-CAT ngày 05/01/2025" (bottom left).
    pub decision_line: String,
    /// e.g. "Số sổ vàng: 12" (bottom left).
    pub golden_book_line: String,
    /// e.g. "Gia Lai, ngày 05 tháng 01 năm 2025" (bottom right, italic).
    pub place_date_line: String,
    /// e.g. "KT. GIÁM ĐỐC", only when a deputy signs.
    pub signer_capacity_line: Option<String>,
    /// e.g. "PHÓ GIÁM ĐỐC" or "GIÁM ĐỐC".
    pub signer_title: String,
    /// e.g. "Nguyễn Văn Bình", printed under the space for signature and seal.
    pub signer_name: String,
    /// e.g. "7KQ2-M9XD-4TPA-WJ3C", printed small under the QR code.
    pub verification_code: String,
    /// e.g. "http://127.0.0.1:8080/verify/7KQ2M9XD4TPAWJ3C", encoded in the QR code.
    pub verification_url: String,
    /// Which certificate this is: its paper, frame and wording. Content frozen before forms
    /// existed reads as a Giấy khen, which is what it was printed as.
    #[serde(default)]
    pub form: CertificateForm,
    /// e.g. "Năm 2025": the period of a title or a flag, printed under the award.
    #[serde(default)]
    pub period_line: Option<String>,
}

/// The certificates Laurel prints, each one layout of `templates/certificate.typ` (paper size,
/// frame, emblem mark and the word above the award). Codes are stable: they are stored in
/// every certificate's frozen content.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CertificateForm {
    /// Giấy khen: A4 landscape.
    #[default]
    GiayKhen,
    /// Bằng khen of a ministry or province: 400 × 300 mm (Decree 50/2006 Art 28).
    BangKhen,
    /// Bằng khen of the Prime Minister: 450 × 350 mm (Decree 50/2006 Art 28).
    BangKhenThuTuong,
    /// A grassroots title ("TẶNG DANH HIỆU"): A4 landscape.
    DanhHieuCoSo,
    /// A higher title ("TẶNG DANH HIỆU"): A3 landscape.
    DanhHieu,
    /// The certificate handed over with a Cờ thi đua: A3 landscape.
    CoThiDua,
}

impl CertificateForm {
    /// Every form, in the order the tests and the calibration sheets list them.
    pub const ALL: [CertificateForm; 6] = [
        CertificateForm::GiayKhen,
        CertificateForm::BangKhen,
        CertificateForm::BangKhenThuTuong,
        CertificateForm::DanhHieuCoSo,
        CertificateForm::DanhHieu,
        CertificateForm::CoThiDua,
    ];

    /// Paper size in millimetres (width, height), as the template lays it out.
    pub fn paper_mm(self) -> (u32, u32) {
        match self {
            CertificateForm::GiayKhen | CertificateForm::DanhHieuCoSo => (297, 210),
            CertificateForm::BangKhen => (400, 300),
            CertificateForm::BangKhenThuTuong => (450, 350),
            CertificateForm::DanhHieu | CertificateForm::CoThiDua => (420, 297),
        }
    }
}

/// Why a certificate could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// One of the embedded font files could not be parsed (a packaging bug).
    #[error("embedded font {file} could not be parsed")]
    Font {
        /// File name under `fonts/`.
        file: &'static str,
    },
    /// A built-in virtual path was rejected by typst (a programming bug).
    #[error("invalid virtual path {path}")]
    VirtualPath {
        /// The offending path.
        path: &'static str,
        /// Why typst rejected it.
        #[source]
        source: PathError,
    },
    /// The certificate data could not be serialised to JSON for the template.
    #[error("certificate data could not be serialised")]
    Data(#[source] serde_json::Error),
    /// `verification_url` could not be encoded as a QR code (e.g. it is too long).
    #[error("verification URL could not be encoded as a QR code")]
    Qr(#[source] fast_qr::qr::QRCodeError),
    /// A field contains characters the embedded fonts cannot draw (e.g. CJK or emoji); they
    /// would print as empty boxes, so the certificate is refused instead.
    #[error("{field} contains characters the certificate font cannot print: {characters}")]
    UnsupportedCharacters {
        /// The first `CertificateData` field with such characters.
        field: &'static str,
        /// Those characters, each once, in order of appearance.
        characters: String,
    },
    /// Typst reported errors while compiling the template against the data.
    #[error("certificate template failed to compile: {diagnostics}")]
    Template {
        /// The typst diagnostics, one per line.
        diagnostics: String,
    },
    /// The template produced something other than exactly one page.
    #[error("certificate must be exactly one page, the template produced {pages}")]
    PageCount {
        /// Number of pages produced.
        pages: usize,
    },
    /// One certificate of a batch could not be rendered.
    #[error("certificate {} of the batch: {source}", index + 1)]
    InBatch {
        /// Its position in the batch, from 0.
        index: usize,
        /// Why.
        #[source]
        source: Box<RenderError>,
    },
    /// Typst could not export the laid-out certificate to PDF.
    #[error("PDF export failed: {diagnostics}")]
    Pdf {
        /// The typst diagnostics, one per line.
        diagnostics: String,
    },
}

/// Renders certificates to PDF.
///
/// Holds the parsed fonts, the typst standard library and the parsed template. Build it once
/// (about as costly as one render) and share it: it is `Send + Sync`, and [`Renderer::render`]
/// takes `&self`, so several threads may render concurrently.
pub struct Renderer {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    /// For [`Renderer::width_bounds`]: each character's widest advance in em among the faces
    /// (the widest glyph of them all when a face lacks it), and that widest glyph's, for a
    /// character none of them has.
    advances: std::collections::HashMap<char, f64>,
    widest_glyph: f64,
    template: Source,
    minutes: Source,
    decision: Source,
    blank: Source,
    calibration: Source,
    /// `fit.typ`, importable from every template.
    fit: Source,
    data_id: FileId,
    widths_id: FileId,
    qr_id: FileId,
    qr_pixels_id: FileId,
}

impl fmt::Debug for Renderer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Renderer")
            .field("fonts", &self.fonts.len())
            .field("template", &self.template.id())
            .finish_non_exhaustive()
    }
}

// The server renders from `spawn_blocking` on several threads at once.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Renderer>();
};

impl Renderer {
    /// Parses the embedded fonts and the template and builds the typst standard library.
    pub fn new() -> Result<Renderer, RenderError> {
        let mut fonts = Vec::with_capacity(FONTS.len());
        let mut faces = Vec::with_capacity(FONTS.len());
        for (file, bytes) in FONTS {
            let font = Font::new(Bytes::new(bytes), 0).ok_or(RenderError::Font { file })?;
            fonts.push(font);
            faces.push(ttf_parser::Face::parse(bytes, 0).map_err(|_| RenderError::Font { file })?);
        }
        let book = FontBook::from_fonts(&fonts);
        let (advances, widest_glyph) = advances(&faces);
        let template_id = file_id(TEMPLATE_PATH)?;
        Ok(Renderer {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(book),
            fonts,
            advances,
            widest_glyph,
            template: Source::new(template_id, TEMPLATE.to_owned()),
            minutes: Source::new(file_id(MINUTES_PATH)?, MINUTES_TEMPLATE.to_owned()),
            decision: Source::new(file_id(DECISION_PATH)?, DECISION_TEMPLATE.to_owned()),
            blank: Source::new(file_id(BLANK_PATH)?, BLANK_TEMPLATE.to_owned()),
            calibration: Source::new(file_id(CALIBRATION_PATH)?, CALIBRATION_TEMPLATE.to_owned()),
            fit: Source::new(file_id(FIT_PATH)?, FIT_MODULE.to_owned()),
            data_id: file_id(DATA_PATH)?,
            widths_id: file_id(WIDTHS_PATH)?,
            qr_id: file_id(QR_PATH)?,
            qr_pixels_id: file_id(QR_PIXELS_PATH)?,
        })
    }

    /// A digest of everything this renderer's output depends on besides the data: its
    /// templates, its fonts, and a sample certificate rendered by it (so another version of
    /// typst or of its PDF writer, which could give other bytes, gives another fingerprint).
    /// Everything it digests is compiled into the process, so every renderer has the same
    /// one: computed once per process, on first use, which costs two renders (a server asks
    /// for it at start).
    pub fn fingerprint(&self) -> &'static str {
        static FINGERPRINT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        FINGERPRINT.get_or_init(|| {
            let mut digest = Sha256::new();
            for text in [
                TEMPLATE,
                MINUTES_TEMPLATE,
                DECISION_TEMPLATE,
                BLANK_TEMPLATE,
                CALIBRATION_TEMPLATE,
                FIT_MODULE,
            ] {
                digest.update(text.as_bytes());
                digest.update([0]);
            }
            for (_, bytes) in FONTS {
                digest.update(bytes);
            }
            // The Rust side of the render (PDF options, document ids, how a blank or an
            // issuer's template is fed to typst) changes with Laurel's version.
            digest.update(env!("CARGO_PKG_VERSION").as_bytes());
            digest.update([0]);
            digest.update(RENDER_FORMAT.to_be_bytes());
            let sample = CertificateData::sample(CertificateForm::default());
            let blank = BlankLayout::standard(sample.form);
            for pdf in [
                self.render_with_keyword(&sample, Some("laurel-fingerprint")),
                self.render_on_blank(&sample, &blank, Some("laurel-fingerprint")),
            ] {
                match pdf {
                    Ok(pdf) => digest.update(&pdf),
                    // Cannot happen with the shipped templates (a test renders every form's
                    // sample); were it to, the fingerprint still changes with their files.
                    Err(e) => digest.update(e.to_string().as_bytes()),
                }
                digest.update([0]);
            }
            hex(&digest.finalize())
        })
    }

    /// Names a certificate's render by all its inputs: the same key, the same PDF bytes.
    /// A caller may keep a PDF under its key and serve it again instead of rendering it; a
    /// change of data, keyword, layout (a blank's calibration, an issuer's template) or
    /// renderer gives another key. Hex SHA-256, 64 characters.
    pub fn render_key(
        &self,
        data: &CertificateData,
        layout: Layout<'_>,
        keyword: Option<&str>,
    ) -> String {
        let mut digest = Sha256::new();
        digest.update(self.fingerprint().as_bytes());
        match layout {
            Layout::Standard => digest.update(b"\0standard\0"),
            Layout::Blank(blank) => {
                digest.update(b"\0blank\0");
                digest.update(serde_json::to_vec(blank).unwrap_or_default());
            }
            Layout::Custom(template) => {
                digest.update(b"\0custom\0");
                digest.update(template.source.text().as_bytes());
            }
        }
        digest.update(b"\0");
        digest.update(serde_json::to_vec(data).unwrap_or_default());
        match keyword {
            None => digest.update(b"\0none"),
            Some(keyword) => {
                digest.update(b"\0some\0");
                digest.update(keyword.as_bytes());
            }
        }
        hex(&digest.finalize())
    }

    /// Renders one certificate: A4 landscape, exactly one page.
    ///
    /// Pure: the same data always gives the same bytes (no clock is consulted, the PDF carries
    /// no creation date and its document id is derived from the data). No filesystem or
    /// network access.
    pub fn render(&self, data: &CertificateData) -> Result<Vec<u8>, RenderError> {
        self.render_with_warnings(data, None).map(|(pdf, _)| pdf)
    }

    /// [`Renderer::render`] with one ASCII keyword in the PDF's metadata (the certificate's
    /// signed proof, read back by `laurel verify --file`). Pure, like `render`.
    pub fn render_with_keyword(
        &self,
        data: &CertificateData,
        keyword: Option<&str>,
    ) -> Result<Vec<u8>, RenderError> {
        self.render_with_warnings(data, keyword).map(|(pdf, _)| pdf)
    }

    /// [`Renderer::render`], also returning typst's warnings (e.g. an unknown font family).
    pub(crate) fn render_with_warnings(
        &self,
        data: &CertificateData,
        keyword: Option<&str>,
    ) -> Result<(Vec<u8>, Vec<String>), RenderError> {
        let result = self.render_inner(data, keyword);
        evict_now_and_then();
        result
    }

    fn render_inner(
        &self,
        data: &CertificateData,
        keyword: Option<&str>,
    ) -> Result<(Vec<u8>, Vec<String>), RenderError> {
        let compiled = self.compile_certificate(data, keyword, Layout::Standard)?;
        let options = PdfOptions {
            // Stable document id: krilla hashes this string into the PDF's /ID and XMP ids.
            ident: Smart::Custom(format!("laurel-certificate:{}", compiled.json)),
            timestamp: None,
            ..PdfOptions::default()
        };
        let pdf =
            typst_pdf::pdf(&compiled.document, &options).map_err(|errors| RenderError::Pdf {
                diagnostics: errors
                    .iter()
                    .map(|e| e.message.to_string())
                    .collect::<Vec<_>>()
                    .join("\n"),
            })?;
        Ok((pdf, compiled.warnings))
    }

    /// Lays one certificate out (not yet a PDF): refuses text the fonts cannot draw, compiles
    /// the template against the NFC-normalised data, and checks it is exactly one page.
    fn compile_certificate(
        &self,
        data: &CertificateData,
        keyword: Option<&str>,
        layout: Layout<'_>,
    ) -> Result<Compiled, RenderError> {
        self.check_coverage(data)?;
        let mut value = nfc_json(serde_json::to_value(data).map_err(RenderError::Data)?);
        if let Some(object) = value.as_object_mut() {
            if let Some(keyword) = keyword {
                object.insert(
                    "proof".into(),
                    serde_json::Value::String(keyword.to_owned()),
                );
            }
            if let Layout::Blank(layout) = layout {
                object.insert(
                    "blank_layout".into(),
                    serde_json::to_value(layout).map_err(RenderError::Data)?,
                );
            }
        }
        let json = serde_json::to_string(&value).map_err(RenderError::Data)?;
        let qr = fast_qr::QRBuilder::new(data.verification_url.as_bytes())
            .ecl(fast_qr::ECL::M)
            .build()
            .map_err(RenderError::Qr)?;
        let world = CertificateWorld {
            renderer: self,
            main: match layout {
                Layout::Standard => &self.template,
                Layout::Blank(_) => &self.blank,
                Layout::Custom(template) => &template.source,
            },
            data: Bytes::from_string(json.clone()),
            widths: Bytes::from_string(self.width_bounds(&value)),
            qr: Some(&qr),
        };

        let compiled = typst::compile::<PagedDocument>(&world);
        let warnings = compiled
            .warnings
            .iter()
            .map(|diag| describe(&world, diag))
            .collect();
        let document = compiled.output.map_err(|errors| RenderError::Template {
            diagnostics: describe_all(&world, &errors),
        })?;
        let pages = document.pages().len();
        if pages != 1 {
            return Err(RenderError::PageCount { pages });
        }
        // The signed proof is in the metadata whatever the template says, so an issuer's own
        // template cannot lose it (`laurel verify --file` reads it there).
        let mut document = document;
        document.info_mut().keywords = keyword.map(|k| vec![k.into()]).unwrap_or_default();
        Ok(Compiled {
            document,
            warnings,
            json,
        })
    }

    /// Renders many certificates as one print-ready PDF, one page each, in the order given:
    /// what an office prints for a decision. The certificates are laid out in parallel on every
    /// core (`std::thread::scope`), then written as one PDF, so fonts are embedded once.
    /// `progress` is called with the number laid out so far, from the rendering threads.
    ///
    /// Pure, like [`Renderer::render`]: the same list gives the same bytes. The single-
    /// certificate PDFs' signed proofs are not repeated in the batch's metadata: the batch is
    /// for printing; each printed QR code leads to its own verification.
    pub fn render_batch(
        &self,
        certificates: &[CertificateData],
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Vec<u8>, RenderError> {
        let result = self.render_batch_inner(certificates, &|_| Layout::Standard, progress);
        typst::comemo::evict(CACHE_MAX_AGE);
        result
    }

    /// [`Renderer::render_batch`] on pre-printed blanks: each certificate's data placed by the
    /// layout of its form (the form's [`BlankLayout::standard`] when `layouts` has none).
    pub fn render_batch_on_blanks(
        &self,
        certificates: &[CertificateData],
        layouts: &std::collections::HashMap<CertificateForm, BlankLayout>,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Vec<u8>, RenderError> {
        let standard: std::collections::HashMap<CertificateForm, BlankLayout> =
            CertificateForm::ALL
                .into_iter()
                .map(|form| (form, BlankLayout::standard(form)))
                .collect();
        let result = self.render_batch_inner(
            certificates,
            &|form| {
                layouts
                    .get(&form)
                    .or_else(|| standard.get(&form))
                    .map_or(Layout::Standard, Layout::Blank)
            },
            progress,
        );
        typst::comemo::evict(CACHE_MAX_AGE);
        result
    }

    /// One certificate on a pre-printed blank: only its data, where `layout` puts it, on an
    /// empty page of the blank's size. Pure, like [`Renderer::render`]; the keyword carries
    /// the signed proof as in [`Renderer::render_with_keyword`].
    pub fn render_on_blank(
        &self,
        data: &CertificateData,
        layout: &BlankLayout,
        keyword: Option<&str>,
    ) -> Result<Vec<u8>, RenderError> {
        let result = self
            .compile_certificate(data, keyword, Layout::Blank(layout))
            .and_then(|compiled| {
                self.export(
                    &compiled.document,
                    format!("laurel-blank:{}", compiled.json),
                )
            });
        typst::comemo::evict(CACHE_MAX_AGE);
        result
    }

    /// The calibration sheet of a blank layout: a millimetre grid of the sheet's size with
    /// each field's box drawn and named, and `title` and `lines` (the instructions) in the
    /// middle. Pure.
    pub fn render_calibration_sheet(
        &self,
        layout: &BlankLayout,
        title: &str,
        lines: &[String],
    ) -> Result<Vec<u8>, RenderError> {
        let json = nfc_json_string(&serde_json::json!({
            "blank_layout": layout,
            "title": title,
            "lines": lines,
        }))?;
        let fields =
            std::iter::once(("title", title)).chain(lines.iter().map(|l| ("lines", l.as_str())));
        let result = self.render_pages(&self.calibration, fields, json, "laurel-calibration", 1);
        typst::comemo::evict(CACHE_MAX_AGE);
        result
    }

    fn export(&self, document: &PagedDocument, ident: String) -> Result<Vec<u8>, RenderError> {
        let options = PdfOptions {
            ident: Smart::Custom(ident),
            timestamp: None,
            ..PdfOptions::default()
        };
        typst_pdf::pdf(document, &options).map_err(|errors| RenderError::Pdf {
            diagnostics: errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        })
    }

    fn render_batch_inner<'l>(
        &self,
        certificates: &[CertificateData],
        layout_of: &(dyn Fn(CertificateForm) -> Layout<'l> + Sync),
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Vec<u8>, RenderError> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        if certificates.is_empty() {
            return Err(RenderError::PageCount { pages: 0 });
        }
        let done = AtomicUsize::new(0);
        // On the batch's own threads, which typst's parallel page layout then runs on too
        // (`install`): a request's render, on rayon's global pool, never queues behind it.
        let lay_out = || {
            use rayon::prelude::*;
            certificates
                .par_iter()
                .enumerate()
                .map(|(index, data)| {
                    let compiled = self
                        .compile_certificate(data, None, layout_of(data.form))
                        .map_err(|source| RenderError::InBatch {
                            index,
                            source: Box::new(source),
                        })?;
                    let page = compiled.document.pages()[0].clone();
                    let done = done.fetch_add(1, Ordering::Relaxed) + 1;
                    progress(done);
                    if done.is_multiple_of(EVICT_EVERY) {
                        typst::comemo::evict(1);
                    }
                    Ok((page, compiled.json))
                })
                // Stops at the first certificate that cannot be printed.
                .collect::<Result<Vec<(typst_layout::Page, String)>, RenderError>>()
        };
        // The PDF is written (and the laid-out pages dropped) on a batch thread too, so that
        // the whole batch yields to requests, not only its layout: 2-3 s of a 10,000-page
        // batch's end were at the process's priority. Beside a reader paging flat out
        // (04/12/2026): its p99 1.62-1.77 times its quiet value this way, 1.75-1.91 before,
        // two runs each; the batch took as long (50-52 s).
        let print = || {
            let pages = lay_out()?;
            let mut ident = Fnv1a::default();
            for (_, json) in &pages {
                ident.update(json);
            }
            let info = typst::model::DocumentInfo {
                title: Some(format!("{} bằng, giấy khen", pages.len()).into()),
                date: Smart::Custom(None),
                ..Default::default()
            };
            let document =
                PagedDocument::new(pages.into_iter().map(|(page, _)| page).collect(), info);
            self.export(&document, format!("laurel-certificates:{}", ident.finish()))
        };
        match batch_pool() {
            Some(pool) => pool.install(print),
            None => print(),
        }
    }
}

/// Which template lays a certificate out.
#[derive(Debug, Clone, Copy)]
pub enum Layout<'a> {
    /// The full certificate (`templates/certificate.typ`).
    Standard,
    /// Only the data, on a pre-printed blank.
    Blank(&'a BlankLayout),
    /// An issuer's own template.
    Custom(&'a CustomTemplate),
}

/// An issuer's own certificate template (typst source), checked by
/// [`Renderer::custom_template`]: it renders a full sample of its form on exactly one page.
/// It reads the same `data.json` and `qr.svg` as the standard template and may
/// `#import "fit.typ"`; it has no other files, no packages and no clock.
#[derive(Debug, Clone)]
pub struct CustomTemplate {
    source: Source,
}

impl Renderer {
    /// Checks an issuer's template for a form by rendering a sample certificate of that form
    /// with every field filled (a 300-character citation, a long name, a deputy's capacity):
    /// the template must compile and give exactly one page. The error is typst's own message,
    /// with its line and column in the template.
    pub fn custom_template(
        &self,
        text: &str,
        form: CertificateForm,
    ) -> Result<CustomTemplate, RenderError> {
        let template = CustomTemplate {
            source: Source::new(file_id(CUSTOM_PATH)?, text.to_owned()),
        };
        let checked = self
            .compile_certificate(
                &CertificateData::sample(form),
                None,
                Layout::Custom(&template),
            )
            .map(|_| ());
        typst::comemo::evict(CACHE_MAX_AGE);
        checked.map(|()| template)
    }

    /// A template checked when it was stored (by [`Renderer::custom_template`]), read back.
    pub fn stored_template(&self, text: &str) -> Result<CustomTemplate, RenderError> {
        Ok(CustomTemplate {
            source: Source::new(file_id(CUSTOM_PATH)?, text.to_owned()),
        })
    }

    /// [`Renderer::render_batch`] with each certificate laid out as `layout_of` its form says:
    /// the standard template, a blank's layout or an issuer's own template.
    pub fn render_batch_with<'l>(
        &self,
        certificates: &[CertificateData],
        layout_of: &(dyn Fn(CertificateForm) -> Layout<'l> + Sync),
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Vec<u8>, RenderError> {
        let result = self.render_batch_inner(certificates, layout_of, progress);
        typst::comemo::evict(CACHE_MAX_AGE);
        result
    }

    /// A certificate laid out by an issuer's own template. Pure, like [`Renderer::render`].
    pub fn render_custom(
        &self,
        template: &CustomTemplate,
        data: &CertificateData,
        keyword: Option<&str>,
    ) -> Result<Vec<u8>, RenderError> {
        let result = self
            .compile_certificate(data, keyword, Layout::Custom(template))
            .and_then(|compiled| {
                self.export(
                    &compiled.document,
                    format!("laurel-custom:{}", compiled.json),
                )
            });
        typst::comemo::evict(CACHE_MAX_AGE);
        result
    }
}

impl CertificateData {
    /// A certificate of `form` with every field filled and long: what a template must be able
    /// to print (a 300-character citation, a long collective name, a deputy's capacity).
    pub fn sample(form: CertificateForm) -> CertificateData {
        let (issuer, award, period) = match form {
            CertificateForm::GiayKhen => ("GIÁM ĐỐC CÔNG AN TỈNH GIA LAI", "GIẤY KHEN", None),
            CertificateForm::BangKhen => {
                ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH GIA LAI", "BẰNG KHEN", None)
            }
            CertificateForm::BangKhenThuTuong => ("THỦ TƯỚNG CHÍNH PHỦ", "BẰNG KHEN", None),
            CertificateForm::DanhHieuCoSo => (
                "GIÁM ĐỐC CÔNG AN TỈNH GIA LAI",
                "CHIẾN SĨ THI ĐUA CƠ SỞ",
                Some("Năm 2025"),
            ),
            CertificateForm::DanhHieu => {
                ("BỘ TRƯỞNG BỘ CÔNG AN", "CHIẾN SĨ THI ĐUA", Some("Năm 2025"))
            }
            CertificateForm::CoThiDua => ("BỘ TRƯỞNG BỘ CÔNG AN", "CỜ THI ĐUA", Some("Năm 2025")),
        };
        CertificateData {
            issuer_title: issuer.into(),
            award_title: award.into(),
            recipient_name: "Tổ dân phố số 7, phường Diên Hồng, thành phố Pleiku, tỉnh Gia Lai \
                             (Tổ tự quản về an ninh, trật tự)"
                .into(),
            recipient_detail: Some(
                "Công an phường Diên Hồng, Công an thành phố Pleiku, Công an tỉnh Gia Lai".into(),
            ),
            achievement: "Đã có thành tích xuất sắc trong phong trào thi đua Toàn dân bảo vệ an \
                          ninh Tổ quốc, góp phần giữ vững an ninh chính trị, bảo đảm trật tự, an \
                          toàn xã hội trên địa bàn; tích cực tham gia xây dựng, nhân rộng mô hình \
                          tự quản về an ninh, trật tự ở khu dân cư, phát hiện, tố giác tội phạm và \
                          vận động quần chúng chấp hành pháp luật năm 2025"
                .into(),
            decision_line: "Quyết định số 1234/QĐ-UBND ngày 31/12/2025".into(),
            golden_book_line: "Số sổ vàng: 1234".into(),
            place_date_line: "Gia Lai, ngày 31 tháng 12 năm 2025".into(),
            signer_capacity_line: Some("KT. CHỦ TỊCH".into()),
            signer_title: "PHÓ CHỦ TỊCH THƯỜNG TRỰC".into(),
            signer_name: "Nguyễn Thị Ngọc Huyền".into(),
            verification_code: "7KQ2-M9XD-4TPA-WJ3C".into(),
            verification_url: "https://thiduakhenthuong.gialai.gov.vn/verify/7KQ2M9XD4TPAWJ3C"
                .into(),
            form,
            period_line: period.map(Into::into),
        }
    }
}

/// A batch drops the memoised typst results that no certificate used since the previous
/// eviction once every this many certificates laid out (`comemo::evict(1)`), so a 10,000-
/// certificate batch does not hold them all. What every certificate shares (the text and
/// blocks that do not depend on the data, the fonts' tables) is used again before each
/// eviction and stays; what belongs to one certificate goes. An eviction walks every memo
/// table of the process with each locked, so it costs in proportion to what is kept: keeping
/// the results of the last 640 certificates (every 64, up to 10 evictions old) cost about a
/// sixth of the batch's processor time. 3,000 certificates on two cores (04/12/2026), every 64
/// at age 10 against every 16 at age 1: layout 6.9–7.2 s against 5.3–5.6 s, 11.7–12.0 s of
/// processor time against 9.7–10.1 s, 856–876 MB resident against 444 MB; every 4, 8 and 32
/// (age 1) were no better than 16.
const EVICT_EVERY: usize = 16;

/// One certificate laid out.
struct Compiled {
    document: PagedDocument,
    warnings: Vec<String>,
    /// The data as the template read it (NFC, with the proof).
    json: String,
}

/// A deterministic digest of the batch's data, for the PDF's document id (FNV-1a, 64 bits:
/// an id, not a security measure).
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    fn update(&mut self, text: &str) {
        for byte in text.bytes().chain([0]) {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> String {
        format!("{:016x}", self.0)
    }
}

impl Renderer {
    /// Renders a council session's minutes: A4 portrait, as many pages as needed. Pure, like
    /// [`Renderer::render`]: the same data gives the same bytes.
    pub fn render_minutes(&self, data: &MinutesData) -> Result<Vec<u8>, RenderError> {
        let result = self.render_minutes_inner(data);
        typst::comemo::evict(CACHE_MAX_AGE);
        result
    }

    fn render_minutes_inner(&self, data: &MinutesData) -> Result<Vec<u8>, RenderError> {
        let json = nfc_json_string(data)?;
        self.render_pages(
            &self.minutes,
            data.printed_fields(),
            json,
            "laurel-minutes",
            MINUTES_MAX_PAGES,
        )
    }

    /// Renders a many-page document from its template and data: refuses text the fonts cannot
    /// draw, compiles, checks the page count, and writes a PDF whose id derives from the data.
    fn render_pages<'a>(
        &self,
        main: &Source,
        fields: impl Iterator<Item = (&'static str, &'a str)>,
        json: String,
        ident: &str,
        max_pages: usize,
    ) -> Result<Vec<u8>, RenderError> {
        for (field, value) in fields {
            let characters = self.unsupported_characters(value);
            if !characters.is_empty() {
                return Err(RenderError::UnsupportedCharacters { field, characters });
            }
        }
        let world = CertificateWorld {
            renderer: self,
            main,
            data: Bytes::from_string(json.clone()),
            // No line of these documents is fitted by `fit.typ`.
            widths: Bytes::from_string("{}"),
            qr: None,
        };
        let compiled = typst::compile::<PagedDocument>(&world);
        let document = compiled.output.map_err(|errors| RenderError::Template {
            diagnostics: describe_all(&world, &errors),
        })?;
        let pages = document.pages().len();
        if pages == 0 || pages > max_pages {
            return Err(RenderError::PageCount { pages });
        }
        let options = PdfOptions {
            ident: Smart::Custom(format!("{ident}:{json}")),
            timestamp: None,
            ..PdfOptions::default()
        };
        typst_pdf::pdf(&document, &options).map_err(|errors| RenderError::Pdf {
            diagnostics: describe_all(&world, &errors),
        })
    }
}

impl Renderer {
    /// Renders a decision (quyết định khen thưởng, or one annulling awards) with its list of
    /// recipients as an appendix: A4 portrait, as many pages as needed. Pure, like
    /// [`Renderer::render`]; text the fonts cannot draw is refused.
    pub fn render_decision(&self, data: &DecisionDocument) -> Result<Vec<u8>, RenderError> {
        let result = self.render_decision_inner(data);
        typst::comemo::evict(CACHE_MAX_AGE);
        result
    }

    fn render_decision_inner(&self, data: &DecisionDocument) -> Result<Vec<u8>, RenderError> {
        let json = nfc_json_string(data)?;
        self.render_pages(
            &self.decision,
            data.printed_fields(),
            json,
            "laurel-decision",
            DECISION_MAX_PAGES,
        )
    }
}

/// Longest decision accepted, in pages (a decision of a few thousand recipients).
const DECISION_MAX_PAGES: usize = 400;

/// Everything printed in a decision, as already-formatted strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionDocument {
    /// The body above the issuer, if any ("BỘ CÔNG AN").
    pub parent_line: Option<String>,
    /// The issuer ("CÔNG AN TỈNH GIA LAI").
    pub issuer_line: String,
    /// "Số: 12/QĐ-CAT".
    pub number_line: String,
    /// "Gia Lai, ngày 05 tháng 01 năm 2025".
    pub place_date_line: String,
    /// "Về việc tặng Giấy khen".
    pub subject: String,
    /// "GIÁM ĐỐC CÔNG AN TỈNH GIA LAI".
    pub authority: String,
    /// The "Căn cứ …;" and "Xét đề nghị …" lines, in order.
    pub bases: Vec<String>,
    /// The articles: ("Điều 1.", text), …
    pub articles: Vec<DecisionArticle>,
    /// "Nơi nhận:" lines.
    pub recipients_of_copies: Vec<String>,
    /// "KT. GIÁM ĐỐC".
    pub capacity_line: Option<String>,
    /// "PHÓ GIÁM ĐỐC".
    pub title_line: String,
    /// The signer's name.
    pub signer_name: String,
    /// "DANH SÁCH … (Kèm theo Quyết định số …)".
    pub appendix_title: String,
    /// The appendix's subtitle.
    pub appendix_subtitle: String,
    /// One row per recipient.
    pub rows: Vec<DecisionRow>,
    /// "Tổng cộng: 12.340.000 đồng".
    pub total_line: Option<String>,
}

/// One article of a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionArticle {
    /// "Điều 1."
    pub label: String,
    /// Its text.
    pub text: String,
}

/// One recipient in a decision's appendix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRow {
    /// "1".
    pub number: String,
    /// The recipient as printed.
    pub name: String,
    /// Position and unit.
    pub detail: String,
    /// The award.
    pub award: String,
    /// "702.000", or "" for none.
    pub amount: String,
}

impl DecisionDocument {
    fn printed_fields(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let mut fields: Vec<(&'static str, &str)> = vec![
            ("issuer_line", &self.issuer_line),
            ("number_line", &self.number_line),
            ("place_date_line", &self.place_date_line),
            ("subject", &self.subject),
            ("authority", &self.authority),
            ("title_line", &self.title_line),
            ("signer_name", &self.signer_name),
            ("appendix_title", &self.appendix_title),
            ("appendix_subtitle", &self.appendix_subtitle),
        ];
        fields.extend(self.parent_line.as_deref().map(|p| ("parent_line", p)));
        fields.extend(self.capacity_line.as_deref().map(|c| ("capacity_line", c)));
        fields.extend(self.total_line.as_deref().map(|t| ("total_line", t)));
        fields.extend(self.bases.iter().map(|b| ("bases", b.as_str())));
        fields.extend(
            self.recipients_of_copies
                .iter()
                .map(|b| ("recipients_of_copies", b.as_str())),
        );
        for a in &self.articles {
            fields.push(("articles.text", &a.text));
        }
        for r in &self.rows {
            fields.push(("rows.name", &r.name));
            fields.push(("rows.detail", &r.detail));
            fields.push(("rows.award", &r.award));
        }
        fields.into_iter()
    }
}

/// A member as the minutes list them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinutesMember {
    /// "Đại tá Nguyễn Ngọc Sơn".
    pub name: String,
    /// "Chủ tịch Hội đồng".
    pub position: String,
    /// "có ý kiến bằng văn bản".
    pub note: Option<String>,
}

/// One nomination the session voted on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinutesItem {
    /// "1".
    pub number: String,
    /// "Công an xã Nghĩa Hưng".
    pub nominee: String,
    /// "Cờ thi đua của bộ, ban, ngành, tỉnh".
    pub award: String,
    /// The rule: "Từ 90% tổng số thành viên Hội đồng trở lên, bỏ phiếu kín".
    pub rule: String,
    /// The figures, as `council::explain_outcome` words them.
    pub figures: String,
    /// Who stepped out and why, if anyone did.
    pub recusals: Option<String>,
    /// "ĐẠT", "KHÔNG ĐẠT", "CHƯA BIỂU QUYẾT".
    pub result: String,
}

/// Everything printed in a council session's minutes, as already-formatted strings. This exact
/// JSON is stored with the closed session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinutesData {
    /// "Công an tỉnh Gia Lai".
    pub issuer_line: String,
    /// "Hội đồng Thi đua - Khen thưởng".
    pub council_name: String,
    /// "Gia Lai, ngày 21 tháng 12 năm 2026".
    pub place_date_line: String,
    /// "BIÊN BẢN".
    pub title: String,
    /// "Họp Hội đồng Thi đua - Khen thưởng".
    pub subtitle: String,
    /// The opening paragraph: when, where, who chaired, what for.
    pub opening: String,
    /// Members present.
    pub members_present: Vec<MinutesMember>,
    /// Members absent.
    pub members_absent: Vec<MinutesMember>,
    /// "Có mặt 7/9 thành viên; đủ số lượng theo quy chế (từ 2/3 trở lên)."
    pub quorum_line: String,
    /// The items, in agenda order.
    pub items: Vec<MinutesItem>,
    /// The closing paragraph.
    pub closing: String,
    /// "Chủ tịch Hội đồng".
    pub chair_title: String,
    /// "Đại tá Nguyễn Ngọc Sơn".
    pub chair_name: String,
    /// "Thư ký".
    pub secretary_title: String,
    /// The secretary's name.
    pub secretary_name: String,
}

impl MinutesData {
    fn printed_fields(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let mut fields: Vec<(&'static str, &str)> = vec![
            ("issuer_line", &self.issuer_line),
            ("council_name", &self.council_name),
            ("place_date_line", &self.place_date_line),
            ("title", &self.title),
            ("subtitle", &self.subtitle),
            ("opening", &self.opening),
            ("quorum_line", &self.quorum_line),
            ("closing", &self.closing),
            ("chair_title", &self.chair_title),
            ("chair_name", &self.chair_name),
            ("secretary_title", &self.secretary_title),
            ("secretary_name", &self.secretary_name),
        ];
        for m in self.members_present.iter().chain(&self.members_absent) {
            fields.push(("members.name", &m.name));
            fields.push(("members.position", &m.position));
            if let Some(note) = &m.note {
                fields.push(("members.note", note));
            }
        }
        for item in &self.items {
            fields.push(("items.nominee", &item.nominee));
            fields.push(("items.award", &item.award));
            fields.push(("items.rule", &item.rule));
            fields.push(("items.figures", &item.figures));
            fields.push(("items.result", &item.result));
            if let Some(r) = &item.recusals {
                fields.push(("items.recusals", r));
            }
        }
        fields.into_iter()
    }
}

impl Renderer {
    /// The characters of `text` that some embedded face has no glyph for, each once, in order
    /// of appearance; empty when everything prints. Callers use it to refuse such text when it
    /// is typed, long before a certificate is rendered. Whitespace and control characters are
    /// laid out, not drawn, and exempt.
    pub fn unsupported_characters(&self, text: &str) -> String {
        let mut characters = String::new();
        for c in text.chars() {
            let drawable = !c.is_whitespace() && !c.is_control();
            if drawable
                && !characters.contains(c)
                && self
                    .fonts
                    .iter()
                    .any(|font| !font.info().coverage.contains(u32::from(c)))
            {
                characters.push(c);
            }
        }
        characters
    }

    /// For each string at the top level of a document's data, an upper bound of its natural
    /// width in em, whichever embedded face sets it: the sum over its characters of the
    /// widest advance any face gives the character (the widest glyph of every face when a
    /// face lacks it), times [`KERNING_ROOM`]. Served as `widths.json` (`{ string: em }`):
    /// `fit.typ` sets a line whose bound fits its column at once instead of measuring it, so a
    /// bound below the width typst would measure would let a line stick out; a test checks
    /// the bound against typst's measure in every face.
    fn width_bounds(&self, value: &serde_json::Value) -> String {
        let advance = |c: char| self.advances.get(&c).copied().unwrap_or(self.widest_glyph);
        let bounds: serde_json::Map<String, serde_json::Value> = value
            .as_object()
            .into_iter()
            .flat_map(|object| object.values())
            .filter_map(|value| value.as_str())
            .map(|text| {
                let em: f64 = text.chars().map(advance).sum::<f64>() * KERNING_ROOM;
                (text.to_owned(), serde_json::Value::from(em))
            })
            .collect();
        serde_json::Value::Object(bounds).to_string()
    }

    /// Refuses text that some embedded face has no glyph for. (typst would draw the font's
    /// empty box and still put the character in the text layer, so the PDF's text would even
    /// look right.)
    pub fn check_coverage(&self, data: &CertificateData) -> Result<(), RenderError> {
        for (field, value) in data.printed_fields() {
            let characters = self.unsupported_characters(value);
            if !characters.is_empty() {
                return Err(RenderError::UnsupportedCharacters { field, characters });
            }
        }
        Ok(())
    }
}

impl CertificateData {
    /// The fields printed as text, by name (`verification_url` is only in the QR code).
    fn printed_fields(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("issuer_title", Some(&self.issuer_title)),
            ("award_title", Some(&self.award_title)),
            ("recipient_name", Some(&self.recipient_name)),
            ("recipient_detail", self.recipient_detail.as_ref()),
            ("achievement", Some(&self.achievement)),
            ("decision_line", Some(&self.decision_line)),
            ("golden_book_line", Some(&self.golden_book_line)),
            ("place_date_line", Some(&self.place_date_line)),
            ("signer_capacity_line", self.signer_capacity_line.as_ref()),
            ("signer_title", Some(&self.signer_title)),
            ("signer_name", Some(&self.signer_name)),
            ("verification_code", Some(&self.verification_code)),
            ("period_line", self.period_line.as_ref()),
        ]
        .into_iter()
        .filter_map(|(field, value)| Some((field, value?.as_str())))
    }
}

/// Every string in `value`, NFC-normalised: a name typed as "e + combining marks" prints, and
/// reads back from the PDF's text, as the precomposed letter.
fn nfc_json(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    use unicode_normalization::UnicodeNormalization;
    match value {
        Value::String(s) => Value::String(s.nfc().collect()),
        Value::Array(items) => Value::Array(items.into_iter().map(nfc_json).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(key, value)| (key, nfc_json(value)))
                .collect(),
        ),
        other => other,
    }
}

/// `data` as JSON with every string NFC-normalised.
fn nfc_json_string(data: &impl Serialize) -> Result<String, RenderError> {
    let value = nfc_json(serde_json::to_value(data).map_err(RenderError::Data)?);
    serde_json::to_string(&value).map_err(RenderError::Data)
}

fn file_id(path: &'static str) -> Result<FileId, RenderError> {
    let vpath =
        VirtualPath::new(path).map_err(|source| RenderError::VirtualPath { path, source })?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

fn describe_all(world: &CertificateWorld<'_>, diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics
        .iter()
        .map(|diag| describe(world, diag))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `certificate.typ:12:5: message (hint: ...)`.
fn describe(world: &CertificateWorld<'_>, diag: &SourceDiagnostic) -> String {
    let mut out = String::new();
    if let Some(id) = diag.span.id() {
        out.push_str(id.vpath().get_without_slash());
        if let (Some(range), Ok(source)) = (world.range(diag.span), world.source(id))
            && let Some((line, column)) = source.lines().byte_to_line_column(range.start)
        {
            out.push_str(&format!(":{}:{}", line + 1, column + 1));
        }
        out.push_str(": ");
    }
    out.push_str(&diag.message);
    for hint in &diag.hints {
        out.push_str(" (hint: ");
        out.push_str(&hint.v);
        out.push(')');
    }
    out
}

#[cfg(test)]
mod tests;
