//! Lists to take away: the nominations in a filter, with where each stands (stage, who holds
//! it, its deadline, its decision), as a table for XLSX or CSV (`laurel_sheets::TableSheet`),
//! for whoever reads them in Laurel or, offline, for `laurel export`.

use std::collections::BTreeMap;

use laurel_domain::authz::Actor;
use laurel_domain::calendar::{format_date, local_date};
use laurel_domain::ids::{DecisionId, PersonId, UnitId};
use laurel_domain::nomination::{NominationState, Nominee};
use laurel_domain::workflow::{self, Route};
use laurel_sheets::TableSheet;
use laurel_store::{NominationFilter, NominationRecord, PageRequest, Read};
use time::OffsetDateTime;

use super::Ops;
use crate::error::OpsError;

/// Most nominations one export lists; a wider one is refused with a hint to filter.
pub const EXPORT_MAX: usize = 100_000;

/// The headings of a nominations export, in order.
pub const NOMINATION_COLUMNS: [&str; 14] = [
    "STT",
    "Cá nhân, tập thể được đề nghị",
    "Cá nhân / tập thể",
    "Đơn vị",
    "Hình thức khen thưởng",
    "Cấp quyết định",
    "Năm",
    "Trạng thái",
    "Bước xét duyệt",
    "Đơn vị đang xử lý",
    "Hạn xử lý",
    "Quá hạn",
    "Quyết định",
    "Mã đề nghị",
];

impl Ops {
    /// The nominations the actor reads within `filter`, as a table.
    pub async fn nominations_sheet(
        &self,
        actor: &Actor,
        mut filter: NominationFilter,
        now: OffsetDateTime,
    ) -> Result<TableSheet, OpsError> {
        filter.within = actor.readable_roots();
        self.nominations_sheet_offline(&filter, now).await
    }

    /// Every nomination within `filter`, as a table (for `laurel export`, straight from the
    /// database): read a thousand at a time, with one statement per thousand for their people,
    /// units and decisions.
    pub async fn nominations_sheet_offline(
        &self,
        filter: &NominationFilter,
        now: OffsetDateTime,
    ) -> Result<TableSheet, OpsError> {
        let today = local_date(now);
        let mut records: Vec<NominationRecord> = Vec::new();
        let mut after = None;
        loop {
            let page = self
                .store
                .nominations(filter, PageRequest { after, limit: 1000 })
                .await?;
            let last = page.last().map(|r| r.nomination.id.0);
            let done = page.len() < 1000;
            records.extend(page);
            if records.len() > EXPORT_MAX {
                return Err(OpsError::invalid(
                    laurel_domain::text::InvalidInput::OutOfRange {
                        field: "filter",
                        min: 0,
                        max: EXPORT_MAX as i64,
                        actual: records.len() as i64,
                    },
                ));
            }
            match (done, last) {
                (false, Some(last)) => after = Some(last),
                _ => break,
            }
        }
        let mut rows = Vec::with_capacity(records.len());
        for chunk in records.chunks(1000) {
            let people: Vec<PersonId> = chunk
                .iter()
                .filter_map(|r| match r.nomination.nominee {
                    Nominee::Person(p) => Some(p),
                    Nominee::Collective(_) => None,
                })
                .collect();
            let people: BTreeMap<PersonId, laurel_domain::org::Person> = self
                .store
                .persons_by_ids(&people)
                .await?
                .into_iter()
                .map(|p| (p.id, p))
                .collect();
            let mut units: Vec<UnitId> = chunk
                .iter()
                .flat_map(|r| {
                    let n = &r.nomination;
                    let nominee_unit = match n.nominee {
                        Nominee::Collective(u) => Some(u),
                        Nominee::Person(p) => people.get(&p).map(|p| p.unit),
                    };
                    [Some(n.issuer), Some(n.proposing_unit), nominee_unit]
                        .into_iter()
                        .flatten()
                        .chain(r.proposing_path.ids().iter().copied())
                })
                .collect();
            units.sort_unstable();
            units.dedup();
            let units: BTreeMap<UnitId, laurel_domain::org::Unit> = self
                .store
                .units_by_ids(&units)
                .await?
                .into_iter()
                .map(|u| (u.id, u))
                .collect();
            let decisions: Vec<DecisionId> =
                chunk.iter().filter_map(|r| r.nomination.decision).collect();
            let decisions: BTreeMap<DecisionId, laurel_domain::decision::Decision> = self
                .store
                .decisions_by_ids(&decisions)
                .await?
                .into_iter()
                .map(|d| (d.id, d))
                .collect();
            for r in chunk {
                let n = &r.nomination;
                let (name, kind, unit) = match n.nominee {
                    Nominee::Person(p) => {
                        let person = people.get(&p);
                        (
                            person.map(|p| p.full_name.clone()).unwrap_or_default(),
                            "cá nhân",
                            person.and_then(|p| units.get(&p.unit)),
                        )
                    }
                    Nominee::Collective(u) => {
                        let unit = units.get(&u);
                        (
                            unit.map(|u| u.name.clone()).unwrap_or_default(),
                            "tập thể",
                            unit.and_then(|u| u.parent).and_then(|p| units.get(&p)),
                        )
                    }
                };
                let issuer = units.get(&n.issuer);
                // Who holds it: the stage's party while submitted, the proposing unit while a
                // draft or returned (waiting_for says both); nobody once it has its outcome.
                let submitted = n.state() == NominationState::Submitted;
                let (stage, holder) = match (self.workflows.get(&n.workflow), issuer) {
                    (Some(wf), Some(issuer)) => {
                        let stage = if submitted {
                            wf.stage(n.progress().position.stage).kind.name_vi()
                        } else {
                            ""
                        };
                        let holder = Route::new(r.proposing_path.clone(), issuer.path.clone())
                            .ok()
                            .and_then(|route| workflow::waiting_for(wf, n, &route))
                            .and_then(|(_, _, path)| path.unit())
                            .and_then(|u| units.get(&u))
                            .map(|u| u.name.clone())
                            .unwrap_or_default();
                        (stage.to_owned(), holder)
                    }
                    _ => (String::new(), String::new()),
                };
                // The clock is paused while a nomination is returned: only a submitted one
                // has a deadline that runs.
                let due = n.progress().due_on.filter(|_| submitted);
                rows.push(vec![
                    (rows.len() + 1).to_string(),
                    name,
                    kind.to_owned(),
                    unit.map(|u| u.name.clone()).unwrap_or_default(),
                    n.award.name_vi().to_owned(),
                    issuer
                        .map(laurel_domain::org::Unit::issuer_title)
                        .unwrap_or_default(),
                    n.period.year().to_string(),
                    n.state().name_vi().to_owned(),
                    stage,
                    holder,
                    due.map(format_date).unwrap_or_default(),
                    match due {
                        Some(due) if due < today => "quá hạn".to_owned(),
                        _ => String::new(),
                    },
                    n.decision
                        .and_then(|d| decisions.get(&d))
                        .map(|d| format!("{} ngày {}", d.number, format_date(d.signed_on)))
                        .unwrap_or_default(),
                    n.id.to_string(),
                ]);
            }
        }
        Ok(TableSheet {
            title: format!(
                "Danh sách đề nghị khen thưởng (xuất ngày {})",
                format_date(today)
            ),
            sheet_name: "Danh sách đề nghị".into(),
            columns: NOMINATION_COLUMNS.iter().map(|c| (*c).to_owned()).collect(),
            rows,
        })
    }
}
