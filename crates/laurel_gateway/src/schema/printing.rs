//! Printing in GraphQL: print jobs (a decision's certificates rendered in the background with
//! a progress figure), and an issuer's calibration of its pre-printed blanks (phôi) for each
//! certificate form. Thin: each field parses its input and calls one operation.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject, Upload};
use laurel_certificates::{BlankField, BlankLayout, BlankQr};
use laurel_domain::ids::{DecisionId, UnitId};
use laurel_store::{PrintJobRecord, Read, TemplateRecord};
use time::OffsetDateTime;

use super::types::DecisionNode;
use super::{actor, now, ops, parse_id};
use crate::ops::BlankLayoutView;

/// Which certificate a form of award is printed on (its paper and layout).
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::award::CertificateForm")]
pub enum CertificateForm {
    /// Giấy khen: A4.
    GiayKhen,
    /// Bằng khen of a ministry or province: 400 × 300 mm.
    BangKhen,
    /// Bằng khen of the Prime Minister: 450 × 350 mm.
    BangKhenThuTuong,
    /// A grassroots title (LĐTT, CSTT, CSTĐCS, TTLĐTT, ĐVTT): A4.
    DanhHieuCoSo,
    /// A higher title (CSTĐ bộ/tỉnh, CSTĐTQ, TTLĐXS, ĐVQT): A3.
    DanhHieu,
    /// The certificate handed over with a Cờ thi đua: A3.
    CoThiDua,
}

/// A printable field of a certificate.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_certificates::Field")]
pub enum BlankFieldName {
    /// "GIÁM ĐỐC CÔNG AN TỈNH GIA LAI".
    IssuerTitle,
    /// "GIẤY KHEN" (most blanks carry it already).
    AwardTitle,
    /// "Năm 2024", for titles and flags.
    PeriodLine,
    /// The recipient.
    RecipientName,
    /// Position and unit.
    RecipientDetail,
    /// The achievement (give it a height: it wraps and shrinks to fit).
    Achievement,
    /// "Quyết định số … ngày …".
    DecisionLine,
    /// "Số sổ vàng: …".
    GoldenBookLine,
    /// "Gia Lai, ngày … tháng … năm …".
    PlaceDateLine,
    /// "KT. GIÁM ĐỐC".
    SignerCapacityLine,
    /// "PHÓ GIÁM ĐỐC".
    SignerTitle,
    /// The signer's name.
    SignerName,
    /// The code printed under the QR code.
    VerificationCode,
}

/// Alignment of a field in its box.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_certificates::Align")]
pub enum BlankAlign {
    /// Left.
    Left,
    /// Centre.
    Center,
    /// Right.
    Right,
}

/// Ink of a field.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_certificates::Ink")]
pub enum BlankInk {
    /// Black.
    Black,
    /// The certificates' red.
    Red,
}

/// One field's box on a blank, in millimetres from the sheet's top-left corner.
#[derive(SimpleObject, InputObject, Debug, Clone)]
#[graphql(name = "BlankField", input_name = "BlankFieldInput")]
pub struct BlankFieldBox {
    /// Which field.
    pub field: BlankFieldName,
    /// From the sheet's left edge to the box's.
    pub x_mm: f64,
    /// From the sheet's top edge to the box's.
    pub y_mm: f64,
    /// The box's width: the text is aligned in it and shrinks to stay inside.
    pub width_mm: f64,
    /// For the achievement: the box's height (the text wraps and shrinks to fit). Absent: one
    /// line.
    pub height_mm: Option<f64>,
    /// Text size in points.
    pub size_pt: f64,
    /// Bold.
    #[graphql(default)]
    pub bold: bool,
    /// Italic.
    #[graphql(default)]
    pub italic: bool,
    /// Alignment in the box.
    #[graphql(default_with = "BlankAlign::Center")]
    pub align: BlankAlign,
    /// Ink.
    #[graphql(default_with = "BlankInk::Black")]
    pub color: BlankInk,
}

/// The QR code's square on a blank.
#[derive(SimpleObject, InputObject, Debug, Clone)]
#[graphql(name = "BlankQr", input_name = "BlankQrInput")]
pub struct BlankQrBox {
    /// From the sheet's left edge.
    pub x_mm: f64,
    /// From the sheet's top edge.
    pub y_mm: f64,
    /// Side of the square (15 mm and more scan well).
    pub size_mm: f64,
}

/// An issuer's calibration of one certificate form's pre-printed blank: where each field of
/// the certificate goes. Fields not listed are not printed (the blank carries them).
#[derive(Debug, Clone)]
pub struct BlankLayoutNode(pub BlankLayoutView);

#[Object(name = "BlankLayout")]
impl BlankLayoutNode {
    /// The issuing unit whose blanks these are.
    async fn issuer_unit_id(&self) -> ID {
        ID(self.0.issuer.to_string())
    }
    /// The certificate form.
    async fn form(&self) -> CertificateForm {
        self.0.form.into()
    }
    /// The sheet's width, mm.
    async fn width_mm(&self) -> f64 {
        self.0.layout.width_mm
    }
    /// The sheet's height, mm.
    async fn height_mm(&self) -> f64 {
        self.0.layout.height_mm
    }
    /// Each field's box.
    async fn fields(&self) -> Vec<BlankFieldBox> {
        self.0.layout.fields.iter().map(field_box).collect()
    }
    /// The QR code's square, when printed.
    async fn qr(&self) -> Option<BlankQrBox> {
        self.0.layout.qr.as_ref().map(|q| BlankQrBox {
            x_mm: q.x_mm,
            y_mm: q.y_mm,
            size_mm: q.size_mm,
        })
    }
    /// 0 while the issuer uses Laurel's standard layout; one more at each change. Send it back
    /// as `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When it was last set.
    async fn updated_at(&self) -> Option<OffsetDateTime> {
        self.0.updated_at
    }
    /// The calibration sheet to print on a blank and measure (send the same bearer token).
    async fn calibration_url(&self) -> String {
        format!(
            "/units/{}/blanks/{}/calibration.pdf",
            self.0.issuer,
            self.0.form.code()
        )
    }
}

fn field_box(f: &BlankField) -> BlankFieldBox {
    BlankFieldBox {
        field: f.field.into(),
        x_mm: f.x_mm,
        y_mm: f.y_mm,
        width_mm: f.width_mm,
        height_mm: f.height_mm,
        size_pt: f.size_pt,
        bold: f.bold,
        italic: f.italic,
        align: f.align.into(),
        color: f.color.into(),
    }
}

/// An issuer's calibration of a form's blank.
#[derive(InputObject, Debug)]
pub struct SetBlankLayoutInput {
    /// The issuing unit.
    pub issuer_unit_id: ID,
    /// The certificate form.
    pub form: CertificateForm,
    /// The sheet's width, mm (50–1200).
    pub width_mm: f64,
    /// The sheet's height, mm (50–1200).
    pub height_mm: f64,
    /// Each field's box; each field at most once.
    pub fields: Vec<BlankFieldBox>,
    /// The QR code's square; absent: no QR code printed.
    pub qr: Option<BlankQrBox>,
    /// The `version` read (0 when none was set yet).
    pub expected_version: i32,
}

/// Where a print job stands.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_store::PrintJobState")]
pub enum PrintJobState {
    /// Accepted, not yet started.
    Queued,
    /// Being laid out: see `done` of `total`.
    Running,
    /// The PDF is ready at `downloadUrl`.
    Done,
    /// It failed: see `error`.
    Failed,
}

/// A decision's certificates being printed as one PDF in the background.
#[derive(Debug, Clone)]
pub struct PrintJobNode(pub PrintJobRecord);

#[Object(name = "PrintJob")]
impl PrintJobNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The decision whose certificates are printed.
    async fn decision(&self, ctx: &Context<'_>) -> Result<DecisionNode> {
        let decision = ops(ctx)?
            .store()
            .decision(self.0.decision)
            .await
            .map_err(crate::error::OpsError::from)?
            .ok_or_else(|| async_graphql::Error::new("decision not found"))?;
        Ok(DecisionNode(decision))
    }
    /// Only the data, on the issuer's pre-printed blanks.
    async fn blank(&self) -> bool {
        self.0.on_blanks
    }
    async fn state(&self) -> PrintJobState {
        self.0.state.into()
    }
    /// Certificates to lay out.
    async fn total(&self) -> i32 {
        self.0.total
    }
    /// Certificates laid out so far.
    async fn done(&self) -> i32 {
        self.0.done
    }
    /// `done` of `total`, 0–100.
    async fn percent(&self) -> f64 {
        if self.0.total == 0 {
            100.0
        } else {
            (f64::from(self.0.done) * 1000.0 / f64::from(self.0.total)).round() / 10.0
        }
    }
    /// Why it failed.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    /// Where to download the PDF once done (send the same bearer token; kept a day).
    async fn download_url(&self) -> Option<String> {
        (self.0.state == laurel_store::PrintJobState::Done && self.0.has_pdf)
            .then(|| format!("/print-jobs/{}.pdf", self.0.id))
    }
    async fn created_at(&self) -> OffsetDateTime {
        self.0.created_at
    }
    async fn finished_at(&self) -> Option<OffsetDateTime> {
        self.0.finished_at
    }
}

/// An issuer's own certificate template for a form (typst), used instead of Laurel's.
#[derive(Debug, Clone)]
pub struct CertificateTemplateNode(pub TemplateRecord);

#[Object(name = "CertificateTemplate")]
impl CertificateTemplateNode {
    async fn issuer_unit_id(&self) -> ID {
        ID(self.0.issuer.to_string())
    }
    async fn form(&self) -> CertificateForm {
        self.0.form.into()
    }
    /// SHA-256 of the source.
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }
    /// Send it back as `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn updated_at(&self) -> OffsetDateTime {
        self.0.updated_at
    }
    /// The typst source.
    async fn source(&self) -> &str {
        &self.0.source
    }
}

/// An issuer's own template for a form (ADMIN).
#[derive(InputObject)]
pub struct SetCertificateTemplateInput {
    /// The issuing unit.
    pub issuer_unit_id: ID,
    /// The certificate form.
    pub form: CertificateForm,
    /// The typst file (GraphQL multipart upload, UTF-8, at most 256 KiB). It reads the
    /// certificate's fields with `json("data.json")` and its QR code with `image("qr.svg")`,
    /// and may `#import "fit.typ"`; see `crates/laurel_certificates/templates/certificate.typ`.
    pub file: Upload,
    /// The template's `version` read (0: none yet).
    pub expected_version: i32,
}

/// An issuer's own template to remove (ADMIN).
#[derive(InputObject, Debug)]
pub struct RemoveCertificateTemplateInput {
    /// The issuing unit.
    pub issuer_unit_id: ID,
    /// The certificate form.
    pub form: CertificateForm,
    /// The template's `version` read.
    pub expected_version: i32,
}

/// A decision's certificates to print.
#[derive(InputObject, Debug)]
pub struct PrintCertificatesInput {
    /// The signed decision.
    pub decision_id: ID,
    /// Only the data, placed on the issuer's pre-printed blanks.
    #[graphql(default)]
    pub blank: bool,
}

/// Printing and blank calibrations, read.
#[derive(Debug, Default)]
pub struct PrintQuery;

#[Object]
impl PrintQuery {
    /// An issuer's own certificate templates, for whoever may read at the issuer.
    async fn certificate_templates(
        &self,
        ctx: &Context<'_>,
        issuer_unit_id: ID,
    ) -> Result<Vec<CertificateTemplateNode>> {
        let issuer = parse_id::<UnitId>("issuerUnitId", &issuer_unit_id)?;
        Ok(ops(ctx)?
            .certificate_templates(actor(ctx)?, issuer)
            .await?
            .into_iter()
            .map(CertificateTemplateNode)
            .collect())
    }

    /// A print job you started (administrators: any), with its progress. Poll it until
    /// `state` is DONE, then download `downloadUrl`.
    async fn print_job(&self, ctx: &Context<'_>, id: ID) -> Result<Option<PrintJobNode>> {
        let Ok(id) = id.parse::<uuid::Uuid>() else {
            return Ok(None);
        };
        Ok(ops(ctx)?
            .print_job(actor(ctx)?, id, now(ctx)?)
            .await?
            .map(PrintJobNode))
    }

    /// An issuer's calibration of a form's blank, or Laurel's standard layout (version 0)
    /// while it has none; for whoever may read at the issuer.
    async fn blank_layout(
        &self,
        ctx: &Context<'_>,
        issuer_unit_id: ID,
        form: CertificateForm,
    ) -> Result<BlankLayoutNode> {
        let issuer = parse_id::<UnitId>("issuerUnitId", &issuer_unit_id)?;
        Ok(BlankLayoutNode(
            ops(ctx)?
                .blank_layout(actor(ctx)?, issuer, form.into())
                .await?,
        ))
    }
}

/// Printing and blank calibrations, set.
#[derive(Debug, Default)]
pub struct PrintMutation;

#[Object]
impl PrintMutation {
    /// Sets an issuer's own template for a certificate form (ADMIN). Laurel first renders a
    /// sample certificate of that form with every field filled (a 300-character citation, a
    /// long name); a template that fails or gives other than one page is refused with typst's
    /// own message (VALIDATION). Audited (CERTIFICATE_TEMPLATE_SET, with its SHA-256).
    async fn set_certificate_template(
        &self,
        ctx: &Context<'_>,
        input: SetCertificateTemplateInput,
    ) -> Result<CertificateTemplateNode> {
        let issuer = parse_id::<UnitId>("issuerUnitId", &input.issuer_unit_id)?;
        let upload = super::uploaded(ctx, &input.file)?;
        let set = ops(ctx)?
            .set_certificate_template(
                actor(ctx)?,
                issuer,
                input.form.into(),
                Some(upload.content.to_vec()),
                input.expected_version,
                now(ctx)?,
            )
            .await?
            .ok_or_else(|| async_graphql::Error::new("template not set"))?;
        Ok(CertificateTemplateNode(set))
    }

    /// Removes an issuer's own template for a form (ADMIN): Laurel's prints again. Audited
    /// (CERTIFICATE_TEMPLATE_REMOVED).
    async fn remove_certificate_template(
        &self,
        ctx: &Context<'_>,
        input: RemoveCertificateTemplateInput,
    ) -> Result<bool> {
        let issuer = parse_id::<UnitId>("issuerUnitId", &input.issuer_unit_id)?;
        ops(ctx)?
            .set_certificate_template(
                actor(ctx)?,
                issuer,
                input.form.into(),
                None,
                input.expected_version,
                now(ctx)?,
            )
            .await?;
        Ok(true)
    }

    /// Prints every valid certificate of a decision you may read as one PDF, in the
    /// background (what `Decision.certificatesPdfUrl` gives at once, for decisions too big to
    /// wait for): poll `printJob(id)` for its progress, then download its `downloadUrl`.
    async fn print_certificates(
        &self,
        ctx: &Context<'_>,
        input: PrintCertificatesInput,
    ) -> Result<PrintJobNode> {
        let decision = parse_id::<DecisionId>("decisionId", &input.decision_id)?;
        Ok(PrintJobNode(
            ops(ctx)?
                .start_print_job(actor(ctx)?, decision, input.blank, now(ctx)?)
                .await?,
        ))
    }

    /// Sets an issuer's calibration of a form's pre-printed blank (whoever issues its
    /// certificates): print the calibration sheet on a blank, measure, correct, set. Every
    /// box must lie on the sheet; the change is audited (BLANK_LAYOUT_SET). Then print with
    /// `?blank=true` on a certificate's or a decision's PDF address.
    async fn set_blank_layout(
        &self,
        ctx: &Context<'_>,
        input: SetBlankLayoutInput,
    ) -> Result<BlankLayoutNode> {
        let issuer = parse_id::<UnitId>("issuerUnitId", &input.issuer_unit_id)?;
        let layout = BlankLayout {
            width_mm: input.width_mm,
            height_mm: input.height_mm,
            fields: input
                .fields
                .into_iter()
                .map(|f| BlankField {
                    field: f.field.into(),
                    x_mm: f.x_mm,
                    y_mm: f.y_mm,
                    width_mm: f.width_mm,
                    height_mm: f.height_mm,
                    size_pt: f.size_pt,
                    bold: f.bold,
                    italic: f.italic,
                    align: f.align.into(),
                    color: f.color.into(),
                })
                .collect(),
            qr: input.qr.map(|q| BlankQr {
                x_mm: q.x_mm,
                y_mm: q.y_mm,
                size_mm: q.size_mm,
            }),
        };
        Ok(BlankLayoutNode(
            ops(ctx)?
                .set_blank_layout(
                    actor(ctx)?,
                    issuer,
                    input.form.into(),
                    layout,
                    input.expected_version,
                    now(ctx)?,
                )
                .await?,
        ))
    }
}
