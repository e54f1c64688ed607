//! Renders real certificates and inspects them with poppler-utils (`pdftotext`, `pdfinfo`,
//! `pdffonts`, `pdftoppm`). Missing tools make the tests fail, never skip.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use super::*;

/// The 134 precomposed (non-ASCII) Vietnamese letters plus the toneless ASCII vowels, lower
/// then upper case: a ă â e ê i o ô ơ u ư y × (no tone, huyền, sắc, hỏi, ngã, nặng), and đ.
const VIETNAMESE_LOWER: &str =
    "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ";
const VIETNAMESE_UPPER: &str =
    "AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬEÈÉẺẼẸÊỀẾỂỄỆIÌÍỈĨỊOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢUÙÚỦŨỤƯỪỨỬỮỰYỲÝỶỸỴĐ";

fn renderer() -> &'static Renderer {
    static RENDERER: OnceLock<Renderer> = OnceLock::new();
    RENDERER.get_or_init(|| Renderer::new().expect("renderer builds"))
}

fn sample() -> CertificateData {
    CertificateData {
        issuer_title: "GIÁM ĐỐC CÔNG AN TỈNH GIA LAI".into(),
        award_title: "GIẤY KHEN".into(),
        recipient_name: "Đại úy Nguyễn Thị Ngọc Huyền".into(),
        recipient_detail: Some("Phó Trưởng phòng, Phòng Tham mưu, Công an tỉnh Gia Lai".into()),
        achievement: "Đã có thành tích xuất sắc trong phong trào Toàn dân bảo vệ an ninh Tổ quốc \
                      năm 2024"
            .into(),
        decision_line: "Quyết định số 12/QĐ-CAT ngày 05/01/2025".into(),
        golden_book_line: "Số sổ vàng: 12".into(),
        place_date_line: "Gia Lai, ngày 05 tháng 01 năm 2025".into(),
        signer_capacity_line: Some("KT. GIÁM ĐỐC".into()),
        signer_title: "PHÓ GIÁM ĐỐC".into(),
        signer_name: "Nguyễn Văn Bình".into(),
        verification_code: "7KQ2-M9XD-4TPA-WJ3C".into(),
        verification_url: "http://127.0.0.1:8080/verify/7KQ2M9XD4TPAWJ3C".into(),
        form: CertificateForm::GiayKhen,
        period_line: None,
    }
}

/// Every printed field (the URL is only in the QR code).
fn printed_fields(data: &CertificateData) -> Vec<(&'static str, &str)> {
    let mut fields = vec![
        ("issuer_title", data.issuer_title.as_str()),
        ("award_title", data.award_title.as_str()),
        ("recipient_name", data.recipient_name.as_str()),
        ("achievement", data.achievement.as_str()),
        ("decision_line", data.decision_line.as_str()),
        ("golden_book_line", data.golden_book_line.as_str()),
        ("place_date_line", data.place_date_line.as_str()),
        ("signer_title", data.signer_title.as_str()),
        ("signer_name", data.signer_name.as_str()),
        ("verification_code", data.verification_code.as_str()),
    ];
    if let Some(detail) = &data.recipient_detail {
        fields.push(("recipient_detail", detail));
    }
    if let Some(capacity) = &data.signer_capacity_line {
        fields.push(("signer_capacity_line", capacity));
    }
    if let Some(period) = &data.period_line {
        fields.push(("period_line", period));
    }
    fields
}

fn render(data: &CertificateData) -> Vec<u8> {
    let (pdf, warnings) = renderer()
        .render_with_warnings(data, None)
        .expect("certificate renders");
    assert!(warnings.is_empty(), "typst warnings: {warnings:#?}");
    pdf
}

/// A PDF written to a fresh directory under the system temp dir, removed again on drop.
struct PdfFile {
    dir: PathBuf,
    path: PathBuf,
}

impl PdfFile {
    fn new(pdf: &[u8], name: &str) -> PdfFile {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "laurel-certificates-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        let path = dir.join(format!("{name}.pdf"));
        std::fs::write(&path, pdf).expect("write pdf");
        PdfFile { dir, path }
    }
}

impl Drop for PdfFile {
    fn drop(&mut self) {
        // Best effort: a leftover file in the temp dir is harmless.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs a poppler-utils tool and returns its stdout; panics (fails the test) if the tool is
/// missing or fails.
fn poppler(tool: &str, args: &[&str], file: &Path) -> String {
    let output = Command::new(tool)
        .args(args)
        .arg(file)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|err| {
            panic!(
                "cannot run `{tool}` ({err}); these tests need poppler-utils: \
                 apt-get install -y poppler-utils"
            )
        });
    assert!(
        output.status.success(),
        "`{tool}` failed on {}: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("poppler output is UTF-8")
}

fn pdftotext(pdf: &[u8], name: &str) -> String {
    let file = PdfFile::new(pdf, name);
    poppler("pdftotext", &["-enc", "UTF-8", "-layout"], &file.path)
}

fn pdfinfo(pdf: &[u8], name: &str) -> String {
    let file = PdfFile::new(pdf, name);
    poppler("pdfinfo", &[], &file.path)
}

fn info_field<'a>(info: &'a str, key: &str) -> &'a str {
    info.lines()
        .find_map(|line| line.strip_prefix(key))
        .unwrap_or_else(|| panic!("pdfinfo has no `{key}` line:\n{info}"))
        .trim()
}

fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Vietnamese NFC text has no combining marks: every letter is precomposed.
fn has_combining_marks(text: &str) -> bool {
    text.chars().any(|c| ('\u{0300}'..='\u{036F}').contains(&c))
}

fn assert_fields_extracted(data: &CertificateData, text: &str) {
    assert!(
        !has_combining_marks(text),
        "extracted text is not NFC (combining marks found):\n{text}"
    );
    let squashed = squash(text);
    for (field, value) in printed_fields(data) {
        assert!(
            !has_combining_marks(value),
            "test input {field} should be NFC"
        );
        assert!(
            squashed.contains(&squash(value)),
            "{field} {value:?} missing from the extracted text:\n{text}"
        );
    }
}

fn assert_one_a4_landscape_page(pdf: &[u8], name: &str) {
    let info = pdfinfo(pdf, name);
    assert_eq!(info_field(&info, "Pages:"), "1", "{info}");
    assert!(
        info_field(&info, "Page size:").starts_with("841.89 x 595.276 pts"),
        "not A4 landscape:\n{info}"
    );
}

#[test]
fn certificate_is_a_one_page_a4_landscape_pdf_with_every_field_in_its_text() {
    let data = sample();
    let pdf = render(&data);
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    assert_one_a4_landscape_page(&pdf, "sample");

    let text = pdftotext(&pdf, "sample");
    assert_fields_extracted(&data, &text);
    for fixed in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "TẶNG",
    ] {
        assert!(text.contains(fixed), "{fixed:?} missing:\n{text}");
    }
}

#[test]
fn certificate_without_optional_lines_renders() {
    let data = CertificateData {
        recipient_detail: None,
        signer_capacity_line: None,
        signer_title: "GIÁM ĐỐC".into(),
        ..sample()
    };
    let pdf = render(&data);
    assert_one_a4_landscape_page(&pdf, "no-optionals");
    let text = pdftotext(&pdf, "no-optionals");
    assert_fields_extracted(&data, &text);
    assert!(
        !text.contains("KT."),
        "capacity line printed although absent"
    );
    assert!(
        !text.contains("Phòng Tham mưu"),
        "detail printed although absent"
    );
}

#[test]
fn all_134_precomposed_vietnamese_letters_survive_in_every_face() {
    let letters: Vec<char> = VIETNAMESE_LOWER
        .chars()
        .chain(VIETNAMESE_UPPER.chars())
        .collect();
    assert_eq!(letters.len(), 146);
    assert_eq!(letters.iter().filter(|c| !c.is_ascii()).count(), 134);

    let spaced = |s: &str| s.chars().map(String::from).collect::<Vec<_>>().join(" ");
    let all = format!("{} {}", spaced(VIETNAMESE_LOWER), spaced(VIETNAMESE_UPPER));
    // Printed italic (achievement), bold (name, signer) and regular (detail).
    let data = CertificateData {
        achievement: all.clone(),
        recipient_name: VIETNAMESE_UPPER.into(),
        recipient_detail: Some(VIETNAMESE_LOWER.into()),
        signer_name: VIETNAMESE_LOWER.into(),
        ..sample()
    };
    // Every letter has a real glyph in all four embedded faces (a missing glyph would be drawn
    // as a box yet still be extracted as text, so extraction alone cannot prove this)...
    renderer()
        .check_coverage(&data)
        .expect("all four faces cover Vietnamese");
    // ...and each comes back out of the text layer.
    let pdf = render(&data);
    let text = pdftotext(&pdf, "letters");
    assert_fields_extracted(&data, &text);
    let squashed = squash(&text);
    for letter in letters {
        assert!(squashed.contains(letter), "{letter} missing:\n{text}");
    }
}

#[test]
fn only_the_embedded_liberation_serif_faces_are_used() {
    let file = PdfFile::new(&render(&sample()), "fonts");
    let fonts = poppler("pdffonts", &[], &file.path);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(
        rows.len() >= 3,
        "expected regular, bold and italic:\n{fonts}"
    );
    for row in rows {
        let name = row.split_whitespace().next().unwrap_or_default();
        assert!(
            name.contains("+LiberationSerif"),
            "unexpected font {name}:\n{fonts}"
        );
        assert!(
            row.contains("yes yes yes"),
            "not embedded/subset/unicode: {row}"
        );
    }
}

#[test]
fn rendering_is_deterministic() {
    let data = sample();
    let first = render(&data);
    let second = render(&data);
    assert!(first == second, "two renders differ");

    let fresh = Renderer::new().expect("second renderer builds");
    assert!(
        fresh.render(&data).expect("renders") == first,
        "a fresh renderer gives different bytes"
    );

    let other = CertificateData {
        recipient_name: "Thiếu tá Trần Văn An".into(),
        ..sample()
    };
    assert!(render(&other) != first, "different data, same bytes");
}

/// A kept PDF is served again only under the key of its render: every input that changes the
/// bytes changes the key, and two renderers of the same build agree on it.
#[test]
fn a_render_key_names_every_input_of_the_render() {
    let data = sample();
    let key = |data: &CertificateData, layout: Layout<'_>, keyword: Option<&str>| {
        renderer().render_key(data, layout, keyword)
    };
    let standard = key(&data, Layout::Standard, Some("proof"));
    assert_eq!(standard.len(), 64);
    assert!(standard.bytes().all(|b| b.is_ascii_hexdigit()));
    let fresh = Renderer::new().expect("second renderer builds");
    assert_eq!(fresh.fingerprint(), renderer().fingerprint());
    assert_eq!(
        fresh.render_key(&data, Layout::Standard, Some("proof")),
        standard
    );

    let blank = BlankLayout::standard(data.form);
    let mut moved = blank.clone();
    moved.fields[0].x_mm += 1.0;
    let template = renderer()
        .stored_template("#let d = json(\"data.json\")\n#d.recipient_name\n")
        .expect("stored template");
    let other_template = renderer()
        .stored_template("#let d = json(\"data.json\")\n= #d.recipient_name\n")
        .expect("stored template");
    let renamed = CertificateData {
        recipient_name: "Thiếu tá Trần Văn An".into(),
        ..sample()
    };
    let changed = [
        (
            "another recipient",
            key(&renamed, Layout::Standard, Some("proof")),
        ),
        (
            "another proof",
            key(&data, Layout::Standard, Some("proof2")),
        ),
        ("no proof", key(&data, Layout::Standard, None)),
        (
            "on the blank",
            key(&data, Layout::Blank(&blank), Some("proof")),
        ),
        (
            "the blank recalibrated",
            key(&data, Layout::Blank(&moved), Some("proof")),
        ),
        (
            "the issuer's template",
            key(&data, Layout::Custom(&template), Some("proof")),
        ),
        (
            "another template",
            key(&data, Layout::Custom(&other_template), Some("proof")),
        ),
    ];
    let mut seen = std::collections::HashSet::from([standard.clone()]);
    for (what, changed) in changed {
        assert!(seen.insert(changed), "{what}: the key did not change");
    }
}

#[test]
fn concurrent_renders_agree() {
    let data = sample();
    let expected = render(&data);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..3)
            .map(|_| scope.spawn(|| renderer().render(&data).expect("renders")))
            .collect();
        for handle in handles {
            assert!(
                handle.join().expect("thread") == expected,
                "concurrent render differs"
            );
        }
    });
}

/// Word boxes from `pdftotext -bbox`: (word, yMin, yMax) in points from the top.
fn word_boxes(pdf: &[u8], name: &str) -> Vec<(String, f64, f64)> {
    let file = PdfFile::new(pdf, name);
    let html = poppler("pdftotext", &["-enc", "UTF-8", "-bbox"], &file.path);
    let attr = |tag: &str, key: &str| -> f64 {
        let start = tag.find(&format!("{key}=\"")).expect("bbox attribute") + key.len() + 2;
        let len = tag[start..].find('"').expect("attribute end");
        tag[start..start + len].parse().expect("number")
    };
    html.split("<word ")
        .skip(1)
        .map(|chunk| {
            let (tag, rest) = chunk.split_once('>').expect("word tag");
            let word = rest.split("</word>").next().expect("word text");
            (word.to_owned(), attr(tag, "yMin"), attr(tag, "yMax"))
        })
        .collect()
}

#[test]
fn long_achievement_and_long_name_still_fit_on_one_page() {
    let sentence = "Đã có thành tích xuất sắc trong phong trào Toàn dân bảo vệ an ninh Tổ quốc, \
                    góp phần giữ vững ổn định chính trị, trật tự an toàn xã hội trên địa bàn. ";
    let mut achievement = String::from("MỞĐẦU ");
    while achievement.chars().count() < 1990 {
        achievement.push_str(sentence);
    }
    let achievement: String = achievement.chars().take(1990).collect();
    let achievement = format!("{} KẾTTHÚC", achievement.trim_end());
    assert!(achievement.chars().count() <= 2000);
    let mut name = String::from("Đại úy ");
    while name.chars().count() < 120 {
        name.push_str("Nguyễn Thị Ngọc Huyền ");
    }
    let name: String = name.chars().take(120).collect();

    let data = CertificateData {
        achievement,
        recipient_name: name.trim_end().to_owned(),
        recipient_detail: Some(
            "Phó Trưởng phòng, Phòng Tham mưu, Công an tỉnh Gia Lai; Ủy viên Ban Chấp hành \
             Đoàn Thanh niên Công an tỉnh, Bí thư Chi đoàn Phòng Tham mưu"
                .into(),
        ),
        ..sample()
    };
    let pdf = render(&data);
    assert_one_a4_landscape_page(&pdf, "long");
    assert_fields_extracted(&data, &pdftotext(&pdf, "long"));

    // The achievement sits between the recipient and the footer, overlapping neither.
    let boxes = word_boxes(&pdf, "long-bbox");
    let find = |word: &str| {
        boxes
            .iter()
            .find(|(w, _, _)| w == word)
            .unwrap_or_else(|| panic!("{word} not found in bbox output"))
    };
    let (_, first_top, _) = find("MỞĐẦU");
    let (_, _, last_bottom) = find("KẾTTHÚC");
    let (_, footer_top, _) = find("Quyết");
    let name_bottom = boxes
        .iter()
        .filter(|(w, _, _)| w == "Huyền")
        .map(|(_, _, bottom)| *bottom)
        .fold(0.0, f64::max);
    assert!(
        first_top > &name_bottom,
        "achievement starts at {first_top}pt, above the name's end at {name_bottom}pt"
    );
    assert!(
        last_bottom < footer_top,
        "achievement ends at {last_bottom}pt, below the footer's top at {footer_top}pt"
    );
}

#[test]
fn typst_syntax_in_data_is_printed_literally() {
    let nasty = r#"#set text(fill: red) $x^2$ *đậm* _nghiêng_ [nhãn] \ "trích" <nhãn> @tham-chiếu #include "/etc/passwd""#;
    let data = CertificateData {
        recipient_name: format!("Nguyễn Văn #A {nasty}"),
        achievement: format!("Thành tích: {nasty}"),
        decision_line: "Quyết định số 12/QĐ-CAT #1 [a] $b$".into(),
        signer_name: r"Nguyễn\Văn*Bình_".into(),
        ..sample()
    };
    let pdf = render(&data);
    let text = pdftotext(&pdf, "escaping");
    assert_fields_extracted(&data, &text);
    for literal in ["#", "$", "*", "_", "[", "]", "\\", "\"", "<", "@"] {
        assert!(text.contains(literal), "{literal} missing:\n{text}");
    }
}

#[test]
fn unencodable_verification_url_is_a_qr_error() {
    let data = CertificateData {
        verification_url: "x".repeat(8000),
        ..sample()
    };
    let err = renderer()
        .render(&data)
        .expect_err("URL too long for a QR code");
    assert!(matches!(err, RenderError::Qr(_)), "{err:?}");
}

#[test]
fn certificate_data_json_field_names_are_stable() {
    let json = serde_json::to_value(sample()).expect("serialises");
    let keys: Vec<&str> = json
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = vec![
        "issuer_title",
        "award_title",
        "recipient_name",
        "recipient_detail",
        "achievement",
        "decision_line",
        "golden_book_line",
        "place_date_line",
        "signer_capacity_line",
        "signer_title",
        "signer_name",
        "verification_code",
        "verification_url",
        "form",
        "period_line",
    ];
    expected.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, expected);
    let back: CertificateData = serde_json::from_value(json).expect("deserialises");
    assert_eq!(back, sample());
}

/// Writes a sample and its 50 dpi rasterisation to `$TMPDIR/laurel-certificates-sample/`
/// (overwritten on every run, path printed with `--nocapture`) so a human can look at it;
/// checks the raster is A4 landscape.
#[test]
fn sample_rasterises_to_an_a4_landscape_png() {
    let started = Instant::now();
    let pdf = render(&sample());
    println!("render took {:?}", started.elapsed());
    let started = Instant::now();
    for n in 0..5 {
        let data = CertificateData {
            golden_book_line: format!("Số sổ vàng: {n}"),
            ..sample()
        };
        render(&data);
    }
    println!("5 more renders took {:?}", started.elapsed());

    let dir = std::env::temp_dir().join("laurel-certificates-sample");
    std::fs::create_dir_all(&dir).expect("create sample dir");
    let path = dir.join("sample.pdf");
    std::fs::write(&path, &pdf).expect("write pdf");
    let prefix = dir.join("sample");
    let png = rasterise(&path, &prefix, &["-r", "50"]);
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let width = u32::from_be_bytes(png[16..20].try_into().expect("4 bytes"));
    let height = u32::from_be_bytes(png[20..24].try_into().expect("4 bytes"));
    assert_eq!(
        (width, height),
        (585, 414),
        "50 dpi A4 landscape (pdftoppm rounds up)"
    );
    println!("sample PNG: {}", prefix.with_extension("png").display());
}

fn with_template(text: &str) -> Renderer {
    let renderer = Renderer::new().expect("renderer builds");
    Renderer {
        template: Source::new(renderer.template.id(), text.to_owned()),
        ..renderer
    }
}

#[test]
fn template_errors_are_reported_with_their_location() {
    let err = with_template("= Title\n#let x = (")
        .render(&sample())
        .expect_err("broken template");
    match err {
        RenderError::Template { diagnostics } => {
            assert!(
                diagnostics.starts_with("certificate.typ:2:"),
                "{diagnostics}"
            );
        }
        other => panic!("expected a template error, got {other:?}"),
    }
}

#[test]
fn the_template_world_has_no_filesystem_and_no_clock() {
    for probe in [
        "#read(\"/etc/hostname\")",
        "#read(\"../../Cargo.toml\")",
        "#image(\"/usr/share/pixmaps/debian-logo.png\")",
        "#datetime.today()",
    ] {
        let err = with_template(probe)
            .render(&sample())
            .expect_err("must be refused");
        assert!(
            matches!(err, RenderError::Template { .. }),
            "{probe}: {err:?}"
        );
    }
    // The served files are all there is.
    with_template(
        "#read(\"data.json\") #read(\"widths.json\") #image(\"qr.svg\") \
         #read(\"qr.gray\", encoding: none)",
    )
    .render(&sample())
    .expect("data.json, widths.json, qr.svg and qr.gray are served");
}

/// The first page of the PDF at `pdf` as a PNG (`pdftoppm -png -singlefile` with `options`),
/// written to `prefix`.png and returned.
fn rasterise(pdf: &Path, prefix: &Path, options: &[&str]) -> Vec<u8> {
    let status = Command::new("pdftoppm")
        .arg("-png")
        .args(options)
        .arg("-singlefile")
        .arg(pdf)
        .arg(prefix)
        .status()
        .unwrap_or_else(|err| panic!("cannot run `pdftoppm` ({err}); install poppler-utils"));
    assert!(status.success(), "pdftoppm failed on {}", pdf.display());
    std::fs::read(prefix.with_extension("png")).expect("png written")
}

/// What the QR codes on a PDF's first page say, read by a decoder independent of the encoder
/// from the page rasterised at 300 dpi (as a phone's camera would read the print).
fn qr_codes_read(pdf: &[u8], name: &str) -> Vec<String> {
    let file = PdfFile::new(pdf, name);
    let png = rasterise(&file.path, &file.dir.join("page"), &["-gray", "-r", "300"]);
    let mut reader = png::Decoder::new(std::io::Cursor::new(png))
        .read_info()
        .expect("valid PNG");
    let mut buffer = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buffer).expect("PNG frame");
    // Grey, or RGB of equal channels: the first channel of each pixel is its grey.
    let channels = info.color_type.samples();
    let (width, height) = (info.width as usize, info.height as usize);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
        buffer[y * info.line_size + x * channels]
    });
    image
        .detect_grids()
        .into_iter()
        .map(|grid| grid.decode().expect("a QR code found decodes").1)
        .collect()
}

/// The QR code printed on every form, on a blank and by an issuer's own template reading
/// `qr.svg` reads back as exactly the certificate's verification URL: the printed code leads to
/// the page that proves the certificate genuine.
#[test]
fn the_printed_qr_code_reads_back_as_the_verification_url() {
    for form in CertificateForm::ALL {
        let data = CertificateData {
            verification_url: format!(
                "https://thiduakhenthuong.gialai.gov.vn/verify/7KQ2M9XD4TPA{:04}",
                form as usize
            ),
            ..sample_of(form)
        };
        let read = qr_codes_read(&render(&data), "qr");
        assert_eq!(read, [data.verification_url.as_str()], "{form:?}");
        let on_blank = renderer()
            .render_on_blank(&data, &BlankLayout::standard(form), None)
            .expect("renders on a blank");
        let read = qr_codes_read(&on_blank, "qr-blank");
        assert_eq!(
            read,
            [data.verification_url.as_str()],
            "{form:?} on a blank"
        );
    }
    let data = sample();
    let svg = with_template("#image(\"qr.svg\", width: 30mm)")
        .render(&data)
        .expect("an issuer's template may draw qr.svg");
    assert_eq!(qr_codes_read(&svg, "qr-svg"), [data.verification_url]);
}

#[test]
fn a_template_that_spills_onto_a_second_page_is_rejected() {
    let err = with_template("a #pagebreak() b")
        .render(&sample())
        .expect_err("two pages");
    assert!(
        matches!(err, RenderError::PageCount { pages: 2 }),
        "{err:?}"
    );
}

#[test]
fn characters_missing_from_the_fonts_are_rejected_not_drawn_as_boxes() {
    let data = CertificateData {
        achievement: "Thành tích 漢字 🏅".into(),
        ..sample()
    };
    let err = renderer().render(&data).expect_err("no glyphs for these");
    match err {
        RenderError::UnsupportedCharacters { field, characters } => {
            assert_eq!(field, "achievement");
            assert_eq!(characters, "漢字🏅");
        }
        other => panic!("expected UnsupportedCharacters, got {other:?}"),
    }
}

#[test]
fn empty_and_multi_line_fields_still_render() {
    let data = CertificateData {
        achievement: "Dòng thứ nhất\nDòng thứ hai\r\n\nDòng thứ ba".into(),
        recipient_detail: Some(String::new()),
        signer_capacity_line: Some(String::new()),
        golden_book_line: String::new(),
        ..sample()
    };
    let pdf = render(&data);
    assert_one_a4_landscape_page(&pdf, "empty");
    let text = pdftotext(&pdf, "empty");
    for line in ["Dòng thứ nhất", "Dòng thứ hai", "Dòng thứ ba"] {
        assert!(text.contains(line), "{line} missing:\n{text}");
    }
}

fn minutes_sample(items: usize) -> crate::MinutesData {
    use crate::{MinutesData, MinutesItem, MinutesMember};
    let member = |name: &str, position: &str, note: Option<&str>| MinutesMember {
        name: name.into(),
        position: position.into(),
        note: note.map(Into::into),
    };
    MinutesData {
        issuer_line: "Công an tỉnh Gia Lai".into(),
        council_name: "Hội đồng Thi đua - Khen thưởng".into(),
        place_date_line: "Gia Lai, ngày 21 tháng 12 năm 2026".into(),
        title: "BIÊN BẢN".into(),
        subtitle: "Họp Hội đồng Thi đua - Khen thưởng".into(),
        opening: "Hôm nay, ngày 21/12/2026, tại Hội trường Công an tỉnh Gia Lai, Hội đồng Thi đua - Khen thưởng họp xét đề nghị khen thưởng phong trào toàn dân bảo vệ an ninh Tổ quốc, do đồng chí Đại tá Nguyễn Ngọc Sơn chủ trì.".into(),
        members_present: vec![
            member("Đại tá Nguyễn Ngọc Sơn", "Chủ tịch Hội đồng", None),
            member("Thượng tá Lê Thị Thu Trang", "Ủy viên thường trực", None),
            member("Trung tá Ksor Y Blương", "Ủy viên", None),
        ],
        members_absent: vec![member(
            "Thiếu tá Hoàng Thị Lan",
            "Ủy viên",
            Some("có ý kiến bằng văn bản"),
        )],
        quorum_line: "Có mặt 3/4 thành viên; đủ số lượng theo quy chế (từ 2/3 trở lên).".into(),
        items: (1..=items)
            .map(|i| MinutesItem {
                number: i.to_string(),
                nominee: format!("Công an xã Nghĩa Hưng số {i}"),
                award: "Cờ thi đua của bộ, ban, ngành, tỉnh".into(),
                rule: "Từ 90% tổng số thành viên Hội đồng trở lên, bỏ phiếu kín".into(),
                figures: "Đồng ý 3, không đồng ý 0; ý kiến bằng văn bản đồng ý 1; tỷ lệ 4/4 (100,0%).".into(),
                recusals: (i == 1).then(|| "Đồng chí Trần Văn Hải không tham gia (trưởng đơn vị được đề nghị).".into()),
                result: "ĐẠT".into(),
            })
            .collect(),
        closing: "Phiên họp kết thúc lúc 11 giờ cùng ngày. Biên bản được thông qua tại phiên họp.".into(),
        chair_title: "Chủ tịch Hội đồng".into(),
        chair_name: "Đại tá Nguyễn Ngọc Sơn".into(),
        secretary_title: "Thư ký".into(),
        secretary_name: "Thiếu tá Vũ Đức Anh".into(),
    }
}

#[test]
fn minutes_print_every_diacritic_and_run_to_as_many_pages_as_needed() {
    let data = minutes_sample(2);
    let pdf = renderer().render_minutes(&data).expect("minutes render");
    let text = squash(&pdftotext(&pdf, "minutes"));
    for expected in [
        "BIÊN BẢN",
        "Họp Hội đồng Thi đua - Khen thưởng",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Đại tá Nguyễn Ngọc Sơn",
        "Thiếu tá Hoàng Thị Lan",
        "có ý kiến bằng văn bản",
        "Công an xã Nghĩa Hưng số 2",
        "Từ 90% tổng số thành viên Hội đồng trở lên, bỏ phiếu kín",
        "Thiếu tá Vũ Đức Anh",
    ] {
        assert!(
            text.contains(&squash(expected)),
            "missing {expected:?} in {text}"
        );
    }
    assert!(!has_combining_marks(&text), "the text layer is NFC");
    assert_eq!(
        renderer().render_minutes(&data).expect("again"),
        pdf,
        "deterministic"
    );
    // A long session runs over several pages, A4 portrait.
    let long = renderer()
        .render_minutes(&minutes_sample(60))
        .expect("long minutes render");
    let info = pdfinfo(&long, "long-minutes");
    let pages: usize = info_field(&info, "Pages:").parse().expect("page count");
    assert!(pages > 1, "{info}");
    assert!(
        info_field(&info, "Page size:").starts_with("595.2"),
        "{info}"
    );
    // Text the fonts cannot draw is refused, naming where it is.
    let mut bad = minutes_sample(1);
    bad.items[0].nominee = "Đơn vị 漢字".into();
    assert!(matches!(
        renderer().render_minutes(&bad),
        Err(RenderError::UnsupportedCharacters {
            field: "items.nominee",
            ..
        })
    ));
}

/// Leaves the first page of sample minutes as a PNG under the temp dir (path printed with
/// `--nocapture`) for a human to look at; checks it is A4 portrait.
#[test]
fn sample_minutes_rasterise_to_an_a4_portrait_png() {
    let pdf = renderer()
        .render_minutes(&minutes_sample(3))
        .expect("minutes render");
    let dir = std::env::temp_dir().join("laurel-certificates-sample");
    std::fs::create_dir_all(&dir).expect("create sample dir");
    let path = dir.join("minutes.pdf");
    std::fs::write(&path, &pdf).expect("write pdf");
    let prefix = dir.join("minutes");
    let png = rasterise(&path, &prefix, &["-r", "60"]);
    let width = u32::from_be_bytes(png[16..20].try_into().expect("4 bytes"));
    let height = u32::from_be_bytes(png[20..24].try_into().expect("4 bytes"));
    assert_eq!((width, height), (497, 702), "60 dpi A4 portrait");
    println!("minutes PNG: {}", prefix.with_extension("png").display());
}

#[test]
fn a_keyword_is_carried_in_the_pdf_as_plain_ascii() {
    let keyword = "LAUREL-PROOF:v1:eyJjb2RlIjoiQUJDRCJ9_-0123456789";
    let pdf = renderer()
        .render_with_keyword(&sample(), Some(keyword))
        .expect("renders");
    assert!(
        pdf.windows(keyword.len()).any(|w| w == keyword.as_bytes()),
        "the keyword is readable in the PDF's bytes"
    );
    // Without it, the same bytes as before.
    assert_eq!(
        renderer()
            .render_with_keyword(&sample(), None)
            .expect("renders"),
        renderer().render(&sample()).expect("renders")
    );
}

/// A certificate of each form as an office would issue it.
fn sample_of(form: CertificateForm) -> CertificateData {
    let base = sample();
    let (issuer, award, period) = match form {
        CertificateForm::GiayKhen => (base.issuer_title.as_str(), "GIẤY KHEN", None),
        CertificateForm::BangKhen => ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH GIA LAI", "BẰNG KHEN", None),
        CertificateForm::BangKhenThuTuong => ("THỦ TƯỚNG CHÍNH PHỦ", "BẰNG KHEN", None),
        CertificateForm::DanhHieuCoSo => (
            base.issuer_title.as_str(),
            "CHIẾN SĨ THI ĐUA CƠ SỞ",
            Some("Năm 2024"),
        ),
        CertificateForm::DanhHieu => ("BỘ TRƯỞNG BỘ CÔNG AN", "CHIẾN SĨ THI ĐUA", Some("Năm 2024")),
        CertificateForm::CoThiDua => ("BỘ TRƯỞNG BỘ CÔNG AN", "CỜ THI ĐUA", Some("Năm 2024")),
    };
    CertificateData {
        issuer_title: issuer.into(),
        award_title: award.into(),
        period_line: period.map(Into::into),
        form,
        ..base
    }
}

/// What each form prints besides its data.
fn fixed_words(form: CertificateForm) -> &'static [&'static str] {
    match form {
        CertificateForm::GiayKhen | CertificateForm::BangKhen | CertificateForm::CoThiDua => {
            &["TẶNG"]
        }
        CertificateForm::BangKhenThuTuong => &["TẶNG", "NƯỚC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        CertificateForm::DanhHieuCoSo | CertificateForm::DanhHieu => &["TẶNG DANH HIỆU"],
    }
}

fn nfd(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd().collect()
}

/// A pdfinfo page size ("1133.86 x 850.394 pts") in whole millimetres.
fn page_mm(size: &str) -> (u32, u32) {
    let points: Vec<f64> = size
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let mm = |pt: f64| (pt * 25.4 / 72.0).round() as u32;
    (mm(points[0]), mm(points[1]))
}

/// The issue's names with stacked diacritics.
const NAMES: [&str; 4] = [
    "Nguyễn Thị Ngọc Huyền",
    "Đặng Quốc Bảo",
    "Lê Thị Vệ",
    "Công an phường Diên Hồng",
];

/// `domain-vn.md` §4.6 (Decree 50/2006 Art 28): every form prints quốc hiệu, the issuer, "Tặng",
/// the award and the recipient, the decision and golden-book numbers, place and date and the
/// signer, on its own paper; names typed in NFD read back from the PDF in NFC.
#[test]
fn every_form_prints_every_field_in_nfc_on_its_own_paper() {
    for form in CertificateForm::ALL {
        let (width_mm, height_mm) = form.paper_mm();
        for name in NAMES {
            for given in [name.to_owned(), nfd(name)] {
                let data = CertificateData {
                    recipient_name: given.clone(),
                    achievement: format!("{name} đã có thành tích xuất sắc"),
                    ..sample_of(form)
                };
                let pdf = render(&data);
                let info = pdfinfo(&pdf, "form");
                assert_eq!(info_field(&info, "Pages:"), "1", "{form:?}: {info}");
                let size = info_field(&info, "Page size:");
                assert_eq!(
                    page_mm(size),
                    (width_mm, height_mm),
                    "{form:?} paper: {size}"
                );
                let text = pdftotext(&pdf, "form");
                let expected = CertificateData {
                    recipient_name: name.into(),
                    ..data
                };
                assert_fields_extracted(&expected, &text);
                for word in fixed_words(form) {
                    assert!(text.contains(word), "{form:?}: {word:?} missing:\n{text}");
                }
            }
        }
    }
}

#[test]
fn a_300_character_citation_and_a_long_collective_name_fit_every_form() {
    let citation: String = "Đã có thành tích xuất sắc trong phong trào thi đua Toàn dân bảo vệ an \
        ninh Tổ quốc, góp phần giữ vững an ninh chính trị, bảo đảm trật tự, an toàn xã hội trên \
        địa bàn; tích cực tham gia xây dựng, nhân rộng mô hình tự quản về an ninh, trật tự ở khu \
        dân cư, phát hiện, tố giác tội phạm và vận động quần chúng chấp hành pháp luật năm 2024"
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        citation.chars().count() >= 300,
        "{}",
        citation.chars().count()
    );
    for form in CertificateForm::ALL {
        let data = CertificateData {
            recipient_name: "Tổ dân phố số 7, phường Diên Hồng, thành phố Pleiku, tỉnh Gia Lai \
                             (Tổ tự quản về an ninh, trật tự)"
                .into(),
            achievement: citation.clone(),
            ..sample_of(form)
        };
        let pdf = render(&data);
        let text = pdftotext(&pdf, "long");
        assert_fields_extracted(&data, &text);
        // Every word lies inside the page.
        let (_, height_mm) = form.paper_mm();
        let height_pt = f64::from(height_mm) * 72.0 / 25.4;
        for (word, top, bottom) in word_boxes(&pdf, "long") {
            assert!(
                top >= 0.0 && bottom <= height_pt,
                "{form:?}: {word} at {top}..{bottom} of {height_pt}"
            );
        }
    }
}

/// The first page of each form, rasterised at 20 dpi, against the PNG checked in under
/// `snapshots/`: a change to the layout fails here until a person has looked at the new image
/// (written beside the old one as `*.new.png`) and accepted it with `LAUREL_UPDATE_SNAPSHOTS=1`.
#[test]
fn each_form_looks_as_reviewed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots");
    let update = std::env::var_os("LAUREL_UPDATE_SNAPSHOTS").is_some();
    let mut changed = Vec::new();
    for form in CertificateForm::ALL {
        let pdf = render(&sample_of(form));
        let file = PdfFile::new(&pdf, "snapshot");
        let png = rasterise(&file.path, &file.dir.join("page"), &["-r", "20"]);
        let name = format!("certificate-{}", serde_json::to_value(form).expect("code"))
            .replace('"', "")
            .to_lowercase();
        let reviewed = dir.join(format!("{name}.png"));
        let new = dir.join(format!("{name}.new.png"));
        std::fs::create_dir_all(&dir).expect("snapshots dir");
        if update {
            std::fs::write(&reviewed, &png).expect("write snapshot");
            let _ = std::fs::remove_file(&new);
            continue;
        }
        let same = std::fs::read(&reviewed)
            .map(|old| differing_pixels(&old, &png) == Some(0))
            .unwrap_or(false);
        if same {
            let _ = std::fs::remove_file(&new);
        } else {
            std::fs::write(&new, &png).expect("write new snapshot");
            changed.push(new.display().to_string());
        }
    }
    assert!(
        changed.is_empty(),
        "the layout changed; look at {changed:#?} and, if right, accept with \
         LAUREL_UPDATE_SNAPSHOTS=1 cargo test -p laurel_certificates each_form_looks_as_reviewed"
    );
}

/// How many pixels differ noticeably (any channel by more than 16 of 255) between two PNGs of
/// the same size; `None` when the sizes differ.
fn differing_pixels(a: &[u8], b: &[u8]) -> Option<usize> {
    let decode = |bytes: &[u8]| {
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .expect("valid PNG");
        let mut buffer = vec![0; reader.output_buffer_size().expect("size")];
        let info = reader.next_frame(&mut buffer).expect("PNG frame");
        buffer.truncate(info.buffer_size());
        (info.width, info.height, info.color_type, buffer)
    };
    let (a, b) = (decode(a), decode(b));
    if (a.0, a.1, a.2) != (b.0, b.1, b.2) {
        return None;
    }
    let channels = a.2.samples();
    Some(
        a.3.chunks(channels)
            .zip(b.3.chunks(channels))
            .filter(|(p, q)| p.iter().zip(q.iter()).any(|(x, y)| x.abs_diff(*y) > 16))
            .count(),
    )
}

/// A decision's certificates print as one PDF: one page each, in order, each on its own paper,
/// the same bytes every time; progress counts up to the total.
#[test]
fn a_batch_prints_every_certificate_on_its_own_page_in_order() {
    let batch: Vec<CertificateData> = CertificateForm::ALL
        .iter()
        .zip(NAMES.iter().cycle())
        .enumerate()
        .map(|(i, (form, name))| CertificateData {
            recipient_name: nfd(name),
            golden_book_line: format!("Số sổ vàng: {}", i + 1),
            ..sample_of(*form)
        })
        .collect();
    let seen = AtomicUsize::new(0);
    let pdf = renderer()
        .render_batch(&batch, &|done| {
            seen.fetch_max(done, Ordering::Relaxed);
        })
        .expect("batch renders");
    assert_eq!(seen.load(Ordering::Relaxed), batch.len());
    // It is laid out on the batch's own threads (where typst's parallel layout then runs too),
    // which on Linux are in the idle scheduling class; the caller's class does not change.
    #[cfg(target_os = "linux")]
    let policy = || thread_priority::thread_schedule_policy().expect("scheduling policy");
    #[cfg(target_os = "linux")]
    let caller = policy();
    let elsewhere = std::sync::Mutex::new(Vec::<String>::new());
    let again = renderer()
        .render_batch(&batch, &|_| {
            let thread = std::thread::current();
            let name = thread.name().unwrap_or("unnamed");
            let mut wrong =
                !name.starts_with("laurel-batch-") || rayon::current_thread_index().is_none();
            #[cfg(target_os = "linux")]
            {
                use thread_priority::{NormalThreadSchedulePolicy, ThreadSchedulePolicy};
                wrong |= policy() != ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
            }
            if wrong {
                elsewhere
                    .lock()
                    .expect("not poisoned")
                    .push(name.to_owned());
            }
        })
        .expect("batch renders");
    assert!(pdf == again, "same batch, different bytes");
    assert_eq!(
        elsewhere.into_inner().expect("not poisoned"),
        Vec::<String>::new()
    );
    #[cfg(target_os = "linux")]
    assert_eq!(policy(), caller, "the caller's scheduling changed");

    let file = PdfFile::new(&pdf, "batch");
    let info = poppler("pdfinfo", &["-f", "1", "-l", "99"], &file.path);
    assert_eq!(
        info_field(&info, "Pages:"),
        batch.len().to_string(),
        "{info}"
    );
    for (page, data) in batch.iter().enumerate() {
        let n = (page + 1).to_string();
        let size = info_field(&info, &format!("Page {n:>4} size:"));
        assert_eq!(page_mm(size), data.form.paper_mm(), "page {n}: {size}");
        let text = poppler(
            "pdftotext",
            &["-enc", "UTF-8", "-layout", "-f", &n, "-l", &n],
            &file.path,
        );
        let expected = CertificateData {
            recipient_name: NAMES[page % NAMES.len()].into(),
            ..data.clone()
        };
        assert_fields_extracted(&expected, &text);
    }
}

#[test]
fn a_batch_names_the_certificate_it_cannot_print() {
    let mut batch = vec![sample(), sample(), sample()];
    batch[1].recipient_name = "Nguyễn 🏅".into();
    let err = renderer()
        .render_batch(&batch, &|_| {})
        .expect_err("an emoji cannot be printed");
    assert!(
        matches!(&err, RenderError::InBatch { index: 1, source }
            if matches!(**source, RenderError::UnsupportedCharacters { field: "recipient_name", .. })),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with("certificate 2 of the batch"),
        "{err}"
    );
    assert!(matches!(
        renderer().render_batch(&[], &|_| {}),
        Err(RenderError::PageCount { pages: 0 })
    ));
}

/// Word rectangles from `pdftotext -bbox`, in millimetres from the top-left corner:
/// (word, xMin, yMin, xMax, yMax).
fn word_rects_mm(pdf: &[u8]) -> Vec<(String, f64, f64, f64, f64)> {
    let file = PdfFile::new(pdf, "rects");
    let html = poppler("pdftotext", &["-enc", "UTF-8", "-bbox"], &file.path);
    let attr = |tag: &str, key: &str| -> f64 {
        let start = tag.find(&format!("{key}=\"")).expect("bbox attribute") + key.len() + 2;
        let len = tag[start..].find('"').expect("attribute end");
        tag[start..start + len].parse::<f64>().expect("number") * 25.4 / 72.0
    };
    html.split("<word ")
        .skip(1)
        .map(|chunk| {
            let (tag, rest) = chunk.split_once('>').expect("word tag");
            let word = rest.split("</word>").next().expect("word text");
            (
                word.to_owned(),
                attr(tag, "xMin"),
                attr(tag, "yMin"),
                attr(tag, "xMax"),
                attr(tag, "yMax"),
            )
        })
        .collect()
}

/// The value a blank field prints.
fn field_value(data: &CertificateData, field: Field) -> Option<&str> {
    match field {
        Field::IssuerTitle => Some(&data.issuer_title),
        Field::AwardTitle => Some(&data.award_title),
        Field::PeriodLine => data.period_line.as_deref(),
        Field::RecipientName => Some(&data.recipient_name),
        Field::RecipientDetail => data.recipient_detail.as_deref(),
        Field::Achievement => Some(&data.achievement),
        Field::DecisionLine => Some(&data.decision_line),
        Field::GoldenBookLine => Some(&data.golden_book_line),
        Field::PlaceDateLine => Some(&data.place_date_line),
        Field::SignerCapacityLine => data.signer_capacity_line.as_deref(),
        Field::SignerTitle => Some(&data.signer_title),
        Field::SignerName => Some(&data.signer_name),
        Field::VerificationCode => Some(&data.verification_code),
    }
}

/// On a blank, each field prints inside the box its layout gives it, on a page of the blank's
/// size, and nothing the blank already carries (the award's name, quốc hiệu, "TẶNG").
#[test]
fn on_a_blank_every_field_prints_inside_its_box() {
    for form in CertificateForm::ALL {
        let layout = BlankLayout::standard(form);
        assert_eq!(layout.problems(), vec![], "{form:?}");
        let data = CertificateData {
            recipient_name: nfd("Nguyễn Thị Ngọc Huyền"),
            ..sample_of(form)
        };
        let pdf = renderer()
            .render_on_blank(&data, &layout, None)
            .expect("renders on a blank");
        let info = pdfinfo(&pdf, "blank");
        assert_eq!(
            page_mm(info_field(&info, "Page size:")),
            form.paper_mm(),
            "{form:?}"
        );
        let text = pdftotext(&pdf, "blank");
        assert!(!has_combining_marks(&text), "{text}");
        for absent in ["CỘNG HÒA", "TẶNG", &data.award_title] {
            assert!(
                !text.contains(absent),
                "{form:?}: {absent} printed:\n{text}"
            );
        }
        let rects = word_rects_mm(&pdf);
        for placed in &layout.fields {
            let Some(value) = field_value(&data, placed.field) else {
                continue;
            };
            let value = if placed.field == Field::RecipientName {
                "Nguyễn Thị Ngọc Huyền"
            } else {
                value
            };
            let bottom = placed.y_mm + placed.height_mm.unwrap_or(placed.size_pt * 0.353 * 1.6);
            for word in value.split_whitespace() {
                let found = rects.iter().any(|(w, x0, y0, x1, y1)| {
                    w == word
                        && *x0 >= placed.x_mm - 0.5
                        && *x1 <= placed.x_mm + placed.width_mm + 0.5
                        && *y0 >= placed.y_mm - 0.5
                        && *y1 <= bottom + 0.5
                });
                assert!(
                    found,
                    "{form:?}: {word:?} of {:?} not inside its box {placed:?}",
                    placed.field
                );
            }
        }
    }
}

/// A calibration moves what it places: shifting a field moves its words by as much.
#[test]
fn a_calibration_moves_its_fields() {
    let form = CertificateForm::BangKhen;
    let standard = BlankLayout::standard(form);
    let mut moved = standard.clone();
    for f in &mut moved.fields {
        if f.field == Field::SignerName {
            f.x_mm -= 12.0;
            f.y_mm += 7.5;
        }
    }
    let data = sample_of(form);
    let at = |layout: &BlankLayout| {
        let pdf = renderer()
            .render_on_blank(&data, layout, None)
            .expect("renders");
        let rects = word_rects_mm(&pdf);
        let (_, x, y, _, _) = rects
            .into_iter()
            .find(|(w, ..)| w == "Bình")
            .expect("the signer's name");
        (x, y)
    };
    let (x0, y0) = at(&standard);
    let (x1, y1) = at(&moved);
    assert!(((x0 - x1) - 12.0).abs() < 0.2, "{x0} → {x1}");
    assert!(((y1 - y0) - 7.5).abs() < 0.2, "{y0} → {y1}");
    // Batches use the calibration of each certificate's form, the standard one otherwise.
    let layouts = std::collections::HashMap::from([(form, moved.clone())]);
    let batch = renderer()
        .render_batch_on_blanks(&[data.clone(), sample()], &layouts, &|_| {})
        .expect("batch on blanks");
    let file = PdfFile::new(&batch, "blanks");
    let info = poppler("pdfinfo", &["-f", "1", "-l", "2"], &file.path);
    assert_eq!(page_mm(info_field(&info, "Page    1 size:")), (400, 300));
    assert_eq!(page_mm(info_field(&info, "Page    2 size:")), (297, 210));
}

/// The calibration sheet: the blank's size, a numbered millimetre grid, every box named.
#[test]
fn a_calibration_sheet_names_every_box_on_a_numbered_grid() {
    for form in CertificateForm::ALL {
        let layout = BlankLayout::standard(form);
        let lines = vec![
            "In tờ này lên một phôi trống và đo độ lệch.".to_owned(),
            "Print this on an empty blank and measure the offsets.".to_owned(),
        ];
        let pdf = renderer()
            .render_calibration_sheet(&layout, "Tờ căn chỉnh phôi Bằng khen", &lines)
            .expect("renders");
        let info = pdfinfo(&pdf, "calibration");
        assert_eq!(info_field(&info, "Pages:"), "1");
        assert_eq!(page_mm(info_field(&info, "Page size:")), form.paper_mm());
        let text = pdftotext(&pdf, "calibration");
        for f in &layout.fields {
            let name = serde_json::to_value(f.field).expect("name");
            let name = name.as_str().expect("string");
            assert!(text.contains(name), "{form:?}: {name} missing:\n{text}");
        }
        let numbers: Vec<&str> = text.split_whitespace().collect();
        for mark in ["10", "100", "200"] {
            assert!(
                numbers.contains(&mark),
                "{form:?}: grid mark {mark} missing"
            );
        }
        assert!(text.contains("Tờ căn chỉnh phôi Bằng khen"), "{text}");
        assert!(squash(&text).contains(&squash(&lines[1])), "{text}");
    }
}

/// A layout that cannot print says why, field by field.
#[test]
fn a_layout_off_the_sheet_or_out_of_range_is_refused_with_its_reasons() {
    let standard = BlankLayout::standard(CertificateForm::GiayKhen);
    let with = |change: &dyn Fn(&mut BlankLayout)| {
        let mut layout = standard.clone();
        change(&mut layout);
        layout.problems()
    };
    let name = |layout: &mut BlankLayout| -> usize {
        layout
            .fields
            .iter()
            .position(|f| f.field == Field::RecipientName)
            .expect("name placed")
    };
    type Change<'a> = &'a dyn Fn(&mut BlankLayout);
    let cases: [(&str, Change, Vec<LayoutProblem>); 6] = [
        ("as standard", &|_| {}, vec![]),
        (
            "sheet too small",
            &|l| l.width_mm = 20.0,
            vec![LayoutProblem::Sheet],
        ),
        (
            "box past the right edge",
            &|l| {
                let i = name(l);
                l.fields[i].x_mm = 250.0;
            },
            vec![LayoutProblem::OffTheSheet(Field::RecipientName)],
        ),
        (
            "text too large",
            &|l| {
                let i = name(l);
                l.fields[i].size_pt = 300.0;
            },
            vec![LayoutProblem::Size(Field::RecipientName)],
        ),
        (
            "a field twice",
            &|l| {
                let i = name(l);
                let copy = l.fields[i].clone();
                l.fields.push(copy);
            },
            vec![LayoutProblem::Twice(Field::RecipientName)],
        ),
        (
            "QR off the sheet",
            &|l| l.qr.as_mut().expect("qr").y_mm = 200.0,
            vec![LayoutProblem::Qr],
        ),
    ];
    for (case, change, expected) in cases {
        let got = with(change);
        // Each expected reason is named (300 pt also runs off the bottom, say).
        assert_eq!(got.is_empty(), expected.is_empty(), "{case}: {got:?}");
        for problem in expected {
            assert!(got.contains(&problem), "{case}: {problem:?} not in {got:?}");
        }
    }
}

/// What `fit.typ` does without `widths.json`'s bounds: it measures every line.
fn measuring_every_line() -> Renderer {
    let renderer = Renderer::new().expect("renderer builds");
    let fit = FIT_MODULE.replace("json(\"widths.json\")", "(:)");
    assert_ne!(fit, FIT_MODULE, "fit.typ reads widths.json");
    Renderer {
        fit: Source::new(renderer.fit.id(), fit),
        ..renderer
    }
}

#[test]
fn a_line_known_to_fit_is_set_as_measuring_it_would_set_it() {
    // The bounds only skip measuring lines that fit: every form's sample, with long fields,
    // and the short fields of `sample()`, give the same bytes either way, on the full
    // certificate and on a blank.
    let measuring = measuring_every_line();
    let mut cases: Vec<CertificateData> = CertificateForm::ALL
        .into_iter()
        .map(CertificateData::sample)
        .collect();
    cases.push(sample());
    for data in cases {
        assert_eq!(
            renderer().render(&data).expect("renders"),
            measuring.render(&data).expect("renders"),
            "{:?}",
            data.form
        );
        let blank = BlankLayout::standard(data.form);
        assert_eq!(
            renderer()
                .render_on_blank(&data, &blank, None)
                .expect("renders"),
            measuring
                .render_on_blank(&data, &blank, None)
                .expect("renders"),
            "{:?} on a blank",
            data.form
        );
    }
}

#[test]
fn a_lines_width_bound_is_never_below_what_typst_measures_in_any_face() {
    // Every Vietnamese letter, kerning pairs, ligatures, digits and punctuation, each string
    // measured by typst in the four faces at the template's settings against its bound.
    let data = CertificateData {
        issuer_title: VIETNAMESE_UPPER.into(),
        recipient_name: VIETNAMESE_LOWER.into(),
        recipient_detail: Some(
            "AV AW AY AT LT LV LW LY PA TA VA WA YA Te To Tr Ty Va Ve Vo Wa We Wo Ya Ye Yo \
             ff fi fl ffi ffl “Tổ” ‘Vĩ’ F. P. T. V. W. Y. r. y, 7. 1/1"
                .into(),
        ),
        decision_line: "0123456789 /.,;:-–—()[]%&@#*+=<>?!'\"_".into(),
        golden_book_line: "WWWWWWWWWW MMMMMMMMMM ẾẾẾẾẾ ỪỪỪỪỪ".into(),
        place_date_line: "i i i l l l . . . , , ,".into(),
        ..sample()
    };
    let template = r#"
#import "fit.typ": widths
#let data = json("data.json")
#set text(font: "Liberation Serif", fallback: false, lang: "vi", hyphenate: false,
  top-edge: "ascender", bottom-edge: "descender")
#context for (key, value) in data {
  if type(value) == str and value != "" {
    for (weight, style) in (("regular", "normal"), ("bold", "normal"), ("regular", "italic"),
        ("bold", "italic")) {
      let natural = measure(text(size: 100pt, weight: weight, style: style, value)).width
      let bound = widths.at(value) * 100pt
      assert(natural <= bound, message: key + ", " + weight + " " + style + ": measured "
        + repr(natural) + ", bound " + repr(bound))
    }
  }
}
Every bound holds.
"#;
    let pdf = with_template(template)
        .render(&data)
        .unwrap_or_else(|e| panic!("a bound is too small: {e}"));
    assert!(pdftotext(&pdf, "width-bounds").contains("Every bound holds."));
}
