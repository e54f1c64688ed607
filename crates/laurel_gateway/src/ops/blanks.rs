//! Printing on an issuer's pre-printed blanks (phôi): its calibration of each certificate
//! form (where each field goes), the calibration sheet to find it out, and the certificates
//! placed by it.

use std::collections::HashMap;

use laurel_certificates::{BlankLayout, CustomTemplate, Layout, LayoutProblem, Renderer};
use laurel_domain::authz::{Action, Actor};
use laurel_domain::award::CertificateForm;
use laurel_domain::events::{Change, Kind, Subject};
use laurel_domain::ids::UnitId;
use laurel_domain::text::InvalidInput;
use laurel_store::Read;
use serde_json::json;
use time::OffsetDateTime;

use super::certificates::layout_form;
use super::{Ops, by, recorded};
use crate::error::OpsError;

/// An issuer's calibration of one form's blank.
#[derive(Debug, Clone)]
pub struct BlankLayoutView {
    /// The issuer.
    pub issuer: UnitId,
    /// The form.
    pub form: CertificateForm,
    /// Where each field goes.
    pub layout: BlankLayout,
    /// 0 while the issuer uses the standard layout; one more at each change.
    pub version: i32,
    /// When it was last set.
    pub updated_at: Option<OffsetDateTime>,
}

impl Ops {
    /// The issuer's calibration of a form, or the standard layout while it has none; for whoever
    /// may read at the issuer.
    pub async fn blank_layout(
        &self,
        actor: &Actor,
        issuer: UnitId,
        form: CertificateForm,
    ) -> Result<BlankLayoutView, OpsError> {
        let unit = self.store.require_unit(issuer).await?;
        actor.authorize(Action::Read, &unit.path)?;
        self.stored_blank_layout(issuer, form).await
    }

    async fn stored_blank_layout(
        &self,
        issuer: UnitId,
        form: CertificateForm,
    ) -> Result<BlankLayoutView, OpsError> {
        Ok(match self.store.blank_layout(issuer, form).await? {
            Some(record) => BlankLayoutView {
                issuer,
                form,
                layout: parse_layout(&record)?,
                version: record.version,
                updated_at: Some(record.updated_at),
            },
            None => BlankLayoutView {
                issuer,
                form,
                layout: BlankLayout::standard(layout_form(form)),
                version: 0,
                updated_at: None,
            },
        })
    }

    /// Sets the issuer's calibration of a form (whoever issues its certificates), at the
    /// version read (0 for the first). A layout that cannot print is refused, each reason
    /// named.
    pub async fn set_blank_layout(
        &self,
        actor: &Actor,
        issuer: UnitId,
        form: CertificateForm,
        layout: BlankLayout,
        expected_version: i32,
        now: OffsetDateTime,
    ) -> Result<BlankLayoutView, OpsError> {
        let unit = self.store.require_unit(issuer).await?;
        actor.authorize(Action::IssueCertificates, &unit.path)?;
        let problems = layout.problems();
        if !problems.is_empty() {
            return Err(OpsError::Invalid(problems.iter().map(explain).collect()));
        }
        let json = serde_json::to_string(&layout)
            .map_err(|e| OpsError::internal(format!("layout JSON: {e}")))?;
        let version = in_tx!(self, |tx| {
            let version = tx
                .put_blank_layout(issuer, form, &json, expected_version, now, actor.account)
                .await?;
            tx.record(&recorded(
                now,
                by(actor),
                unit.path.clone(),
                Change::new(
                    Subject::Unit(issuer),
                    Kind::BlankLayoutSet,
                    json!({ "form": form.code(), "version": version, "layout": layout }),
                ),
            ))
            .await?;
            Ok(version)
        })?;
        Ok(BlankLayoutView {
            issuer,
            form,
            layout,
            version,
            updated_at: Some(now),
        })
    }

    /// The calibration sheet of the issuer's layout of a form (a millimetre grid with each
    /// field's box), for whoever may read at the issuer.
    pub async fn calibration_sheet(
        &self,
        actor: &Actor,
        issuer: UnitId,
        form: CertificateForm,
    ) -> Result<Vec<u8>, OpsError> {
        let view = self.blank_layout(actor, issuer, form).await?;
        let unit = self.store.require_unit(issuer).await?;
        let title = format!("Tờ căn chỉnh phôi {} — {}", form.name_vi(), unit.name);
        let state = if view.version == 0 {
            "Bố cục chuẩn của Laurel (chưa căn chỉnh) / Laurel's standard layout (not calibrated yet)"
                .to_owned()
        } else {
            format!(
                "Bố cục đã căn chỉnh, phiên bản {} / Calibrated layout, version {}",
                view.version, view.version
            )
        };
        let lines = vec![
            state,
            "In tờ này ở cỡ thật (100%, không co giãn) lên một phôi trống, hoặc lên giấy thường rồi \
             đặt chồng lên phôi soi trước ánh sáng. Đo khoảng lệch của mỗi ô so với dòng in sẵn trên \
             phôi theo lưới milimét, rồi sửa toạ độ x, y (mm) của ô đó bằng setBlankLayout."
                .to_owned(),
            "Print this at actual size (100%, no scaling) on an empty blank, or on plain paper laid \
             over a blank against the light. Read each box's offset from the blank's printed lines \
             on the millimetre grid, then correct its x, y (mm) with setBlankLayout."
                .to_owned(),
        ];
        let renderer = self.renderer.clone();
        let layout = view.layout;
        tokio::task::spawn_blocking(move || {
            renderer.render_calibration_sheet(&layout, &title, &lines)
        })
        .await
        .map_err(|e| OpsError::internal(format!("render task: {e}")))?
        .map_err(|e| OpsError::internal(format!("render: {e}")))
    }
}

/// How an issuer's certificates print, form by form: on its blanks by its calibrations (the
/// standard layout where it set none), or else by its own templates where it set them.
#[derive(Debug)]
pub struct IssuerLayouts {
    blanks: Option<HashMap<laurel_certificates::CertificateForm, BlankLayout>>,
    templates: HashMap<laurel_certificates::CertificateForm, CustomTemplate>,
}

impl IssuerLayouts {
    /// Reads what the issuer set.
    pub async fn load(
        store: &laurel_store::Store,
        renderer: &Renderer,
        issuer: UnitId,
        on_blanks: bool,
    ) -> Result<IssuerLayouts, OpsError> {
        if on_blanks {
            let mut layouts: HashMap<_, _> = CertificateForm::ALL
                .into_iter()
                .map(|form| {
                    let form = layout_form(form);
                    (form, BlankLayout::standard(form))
                })
                .collect();
            for record in store.blank_layouts(issuer).await? {
                layouts.insert(layout_form(record.form), parse_layout(&record)?);
            }
            return Ok(IssuerLayouts {
                blanks: Some(layouts),
                templates: HashMap::new(),
            });
        }
        let mut templates = HashMap::new();
        for record in store.certificate_templates(issuer).await? {
            let template = renderer
                .stored_template(&record.source)
                .map_err(|e| OpsError::internal(format!("stored template: {e}")))?;
            templates.insert(layout_form(record.form), template);
        }
        Ok(IssuerLayouts {
            blanks: None,
            templates,
        })
    }

    /// The layout of a form.
    pub fn layout(&self, form: laurel_certificates::CertificateForm) -> Layout<'_> {
        match &self.blanks {
            Some(blanks) => blanks.get(&form).map_or(Layout::Standard, Layout::Blank),
            None => self
                .templates
                .get(&form)
                .map_or(Layout::Standard, Layout::Custom),
        }
    }
}

/// A stored calibration, read back.
fn parse_layout(record: &laurel_store::BlankLayoutRecord) -> Result<BlankLayout, OpsError> {
    serde_json::from_str(&record.layout).map_err(|e| {
        OpsError::internal(format!(
            "blank layout {}/{}: {e}",
            record.issuer,
            record.form.code()
        ))
    })
}

/// A layout problem, in the API's words.
fn explain(problem: &LayoutProblem) -> InvalidInput {
    let (field, expected_vi, expected_en) = match problem {
        LayoutProblem::Sheet => (
            "layout.widthMm",
            "khổ phôi từ 50 đến 1200 mm mỗi chiều",
            "a sheet of 50 to 1200 mm a side",
        ),
        LayoutProblem::Twice(f) => (
            f.name(),
            "mỗi trường chỉ đặt một lần",
            "each field placed at most once",
        ),
        LayoutProblem::OffTheSheet(f) => (
            f.name(),
            "ô nằm trọn trên phôi và rộng ít nhất 5 mm",
            "a box wholly on the sheet, at least 5 mm wide",
        ),
        LayoutProblem::Size(f) => (f.name(), "cỡ chữ từ 4 đến 120 pt", "a size of 4 to 120 pt"),
        LayoutProblem::Qr => (
            "layout.qr",
            "mã QR từ 10 đến 100 mm, nằm trọn trên phôi",
            "a QR code of 10 to 100 mm, wholly on the sheet",
        ),
    };
    InvalidInput::Malformed {
        field,
        expected_vi,
        expected_en,
    }
}
