//! A decision as the document people sign and file: the Quyết định khen thưởng (or the one
//! annulling awards) in the Decree 30/2020 layout, with its recipients as an appendix.
//!
//! Everything printed comes from the signed decision and what it decided; the legal bases are
//! those of the rulesets the nominations were judged by and the cash was computed by.
//! Rendering happens off the async executor.

use std::collections::{BTreeMap, BTreeSet};

use laurel_certificates::{DecisionArticle, DecisionDocument, DecisionRow};
use laurel_domain::award::AwardKind;
use laurel_domain::decision::{Decision, DecisionKind};
use laurel_domain::ids::{DecisionId, NominationId};
use laurel_domain::nomination::Nominee;
use laurel_domain::org::Unit;
use laurel_store::{NominationRecord, Read, ReadFacts, ReadReview, Store};

use super::Ops;
use crate::error::OpsError;

pub use laurel_domain::report::vnd;

/// "2 tập thể và 5 cá nhân", "1 cá nhân".
fn counted(collectives: usize, people: usize) -> String {
    match (collectives, people) {
        (0, p) => format!("{p} cá nhân"),
        (c, 0) => format!("{c} tập thể"),
        (c, p) => format!("{c} tập thể và {p} cá nhân"),
    }
}

/// One recipient of a decision, as its appendix and its exports list them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientLine {
    /// 1, 2, …
    pub number: usize,
    /// The recipient.
    pub name: String,
    /// Position and unit (a person), or the unit above (a collective).
    pub detail: String,
    /// "cá nhân" or "tập thể".
    pub kind: &'static str,
    /// The award's name.
    pub award: String,
    /// The cash, VND.
    pub amount_vnd: Option<i64>,
}

impl Ops {
    /// The decision's PDF, for whoever may read the decision; `None` when there is none.
    pub async fn decision_pdf(
        &self,
        actor: &laurel_domain::authz::Actor,
        id: DecisionId,
    ) -> Result<Option<Vec<u8>>, OpsError> {
        let Some(decision) = self.readable_decision(actor, id).await? else {
            return Ok(None);
        };
        let document = self.decision_document(&decision).await?;
        let renderer = self.renderer.clone();
        let pdf = tokio::task::spawn_blocking(move || renderer.render_decision(&document))
            .await
            .map_err(|e| OpsError::internal(format!("render task: {e}")))?
            .map_err(|e| OpsError::internal(format!("render: {e}")))?;
        Ok(Some(pdf))
    }

    /// What a decision's document says.
    pub async fn decision_document(
        &self,
        decision: &Decision,
    ) -> Result<DecisionDocument, OpsError> {
        let issuer = self.store.require_unit(decision.issuer).await?;
        let parent = match issuer.parent {
            Some(p) => self.store.unit(p).await?,
            None => None,
        };
        let Decided {
            nominations,
            annulled,
            amounts,
            cash_rulesets,
        } = decision_nominations(&self.store, decision).await?;
        let awards: BTreeSet<AwardKind> = nominations.iter().map(|r| r.nomination.award).collect();
        let award_names = awards
            .iter()
            .map(|a| a.name_conferred_by(&issuer.head_title, &issuer.name))
            .collect::<Vec<_>>()
            .join(", ");
        let rows = recipient_lines(&self.store, &issuer, &nominations, &amounts)
            .await?
            .into_iter()
            .map(|line| DecisionRow {
                number: line.number.to_string(),
                name: line.name,
                detail: line.detail,
                award: line.award,
                amount: line.amount_vnd.map(vnd).unwrap_or_default(),
            })
            .collect();
        let total: i64 = nominations
            .iter()
            .filter_map(|r| amounts.get(&r.nomination.id))
            .sum();
        let people = nominations
            .iter()
            .filter(|r| matches!(r.nomination.nominee, Nominee::Person(_)))
            .count();
        let who = counted(nominations.len() - people, people);

        // The legal bases of every ruleset the nominations were judged by, then those of the
        // rulesets the cash follows (in force on the decision date) that are not cited yet: a
        // 2024 achievement decided after 1/7/2025 is judged under Decree 98/2023 and paid
        // under Decree 152/2025, and the decision cites both.
        let mut rulesets = Vec::new();
        for r in &nominations {
            let judged =
                self.ruleset(r.nomination.ruleset.as_deref(), r.nomination.period.year())?;
            if !rulesets
                .iter()
                .any(|known: &&laurel_domain::rules::Ruleset| known.id == judged.id)
            {
                rulesets.push(judged);
            }
        }
        for id in &cash_rulesets {
            let paid = self.rulesets.get(id).ok_or_else(|| {
                OpsError::internal(format!("a reward names unknown ruleset {id}"))
            })?;
            if !rulesets.iter().any(|known| known.id == paid.id) {
                rulesets.push(paid);
            }
        }
        let mut bases: Vec<String> = Vec::new();
        for basis in rulesets.iter().flat_map(|r| r.legal_bases.iter()) {
            let line = format!("Căn cứ {basis};");
            if !bases.contains(&line) {
                bases.push(line);
            }
        }
        // By legal force, as decisions cite them: laws, then decrees, then circulars (the
        // order within each kept).
        bases.sort_by_key(|line| {
            ["Căn cứ Luật", "Căn cứ Nghị định", "Căn cứ Thông tư"]
                .iter()
                .position(|kind| line.starts_with(kind))
                .unwrap_or(3)
        });
        bases.push(format!(
            "Căn cứ chức năng, nhiệm vụ, quyền hạn của {};",
            issuer.name
        ));
        match &annulled {
            // An annulment rests on the decision it annuls; the proposals and the council's
            // vote were that decision's grounds, not its own (its ground is in its Điều 1).
            Some(original) => bases.push(format!(
                "Căn cứ {} của {} về việc khen thưởng;",
                original.reference_line(),
                original.issuer_title
            )),
            None => {
                let ids: Vec<_> = nominations.iter().map(|r| r.nomination.id).collect();
                if self.store.council_voted_on_any(&ids).await? {
                    bases.push(format!(
                        "Căn cứ kết quả họp Hội đồng Thi đua - Khen thưởng {};",
                        issuer.name
                    ));
                }
                bases.push(self.proposals_line(&nominations).await?);
            }
        }

        let place_date_line = decision.place_date_line(issuer.place.as_deref());
        let authority = decision.issuer_title.clone();
        let (subject, articles, appendix_title) = match (&decision.kind, &annulled) {
            (DecisionKind::Annulment { ground, reason, .. }, annulled) => {
                let reference = annulled
                    .as_ref()
                    .map(Decision::reference_line)
                    .unwrap_or_default();
                (
                    "Về việc hủy bỏ quyết định khen thưởng".to_owned(),
                    vec![
                        DecisionArticle {
                            label: "Điều 1.".into(),
                            text: format!(
                                "Hủy bỏ hình thức {award_names} đã tặng cho {who} tại {reference} (có danh sách kèm theo), \
                                 vì: {} (điểm {} khoản 2 Điều 93 Luật Thi đua, khen thưởng). {reason}",
                                ground.text_vi(),
                                ground.code().to_lowercase(),
                            ),
                        },
                        DecisionArticle {
                            label: "Điều 2.".into(),
                            text: format!(
                                "Các tập thể, cá nhân có tên tại Điều 1 nộp lại hiện vật khen thưởng và số tiền thưởng đã nhận, tổng cộng {} đồng, \
                                 về Quỹ thi đua, khen thưởng của {}.",
                                vnd(total),
                                issuer.name
                            ),
                        },
                        execution_article(),
                    ],
                    "DANH SÁCH TẬP THỂ, CÁ NHÂN BỊ HỦY BỎ HÌNH THỨC KHEN THƯỞNG".to_owned(),
                )
            }
            (DecisionKind::Award, _) => {
                let subject = if awards.len() == 1 {
                    format!("Về việc tặng {award_names}")
                } else {
                    "Về việc khen thưởng".to_owned()
                };
                let achievements: BTreeSet<&str> = nominations
                    .iter()
                    .map(|r| r.nomination.achievement.as_str())
                    .collect();
                let because = match (achievements.len(), achievements.first()) {
                    (1, Some(a)) => because_of(a),
                    _ => "vì đã có thành tích như nêu trong danh sách kèm theo".to_owned(),
                };
                let cash = if total > 0 {
                    format!(
                        "Tiền thưởng kèm theo thực hiện theo quy định hiện hành: tổng cộng {} đồng (có danh sách kèm theo), chi từ Quỹ thi đua, khen thưởng của {}.",
                        vnd(total),
                        issuer.name
                    )
                } else {
                    format!(
                        "Kinh phí khen thưởng chi từ Quỹ thi đua, khen thưởng của {}.",
                        issuer.name
                    )
                };
                (
                    subject,
                    vec![
                        DecisionArticle {
                            label: "Điều 1.".into(),
                            text: format!(
                                "Tặng {award_names} cho {who} (có danh sách kèm theo), {because}."
                            ),
                        },
                        DecisionArticle {
                            label: "Điều 2.".into(),
                            text: cash,
                        },
                        execution_article(),
                    ],
                    format!(
                        "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC TẶNG {}",
                        award_names.to_uppercase()
                    ),
                )
            }
        };
        Ok(DecisionDocument {
            parent_line: parent.map(|p| p.name),
            issuer_line: issuer.name.clone(),
            number_line: format!("Số: {}", decision.number),
            place_date_line,
            subject,
            authority,
            bases,
            articles,
            recipients_of_copies: vec![
                "Như Điều 3;".into(),
                format!("Lưu: VT, {}.", issuer.code.as_str()),
            ],
            capacity_line: decision.signature.capacity_line.clone(),
            title_line: decision.signature.title_line.clone(),
            signer_name: decision.signature.name.clone(),
            appendix_title,
            appendix_subtitle: format!("(Kèm theo {})", decision.reference_line()),
            total_line: (total > 0).then(|| format!("Tổng cộng: {} đồng", vnd(total))),
            rows,
        })
    }

    /// A decision's recipients, as its appendix lists them, for whoever may read the decision;
    /// `None` when there is none.
    pub async fn decision_recipient_lines(
        &self,
        actor: &laurel_domain::authz::Actor,
        id: DecisionId,
    ) -> Result<Option<(Decision, Vec<RecipientLine>)>, OpsError> {
        let Some(decision) = self.readable_decision(actor, id).await? else {
            return Ok(None);
        };
        let decided = decision_nominations(&self.store, &decision).await?;
        let issuer = self.store.require_unit(decision.issuer).await?;
        let lines =
            recipient_lines(&self.store, &issuer, &decided.nominations, &decided.amounts).await?;
        Ok(Some((decision, lines)))
    }

    /// A decision's recipients as a spreadsheet's data.
    pub fn recipients_sheet(
        decision: &Decision,
        lines: Vec<RecipientLine>,
    ) -> laurel_sheets::RecipientsSheet {
        laurel_sheets::RecipientsSheet {
            title: format!(
                "Quyết định số {} ngày {}",
                decision.number,
                laurel_domain::calendar::format_date(decision.signed_on)
            ),
            rows: lines
                .into_iter()
                .map(|l| laurel_sheets::RecipientRow {
                    number: l.number,
                    name: l.name,
                    detail: l.detail,
                    kind: l.kind.to_owned(),
                    award: l.award,
                    amount_vnd: l.amount_vnd,
                })
                .collect(),
        }
    }

    /// "Xét đề nghị của Trưởng phòng … tại Tờ trình số …": the proposing units and their
    /// proposals' numbers, as far as they were recorded.
    async fn proposals_line(&self, nominations: &[NominationRecord]) -> Result<String, OpsError> {
        let unit_ids: BTreeSet<_> = nominations
            .iter()
            .map(|r| r.nomination.proposing_unit)
            .collect();
        let units: Vec<String> = self
            .store
            .units_by_ids(&unit_ids.into_iter().collect::<Vec<_>>())
            .await?
            .into_iter()
            .map(|u| u.name)
            .collect();
        let proposals: BTreeSet<_> = nominations
            .iter()
            .filter_map(|r| r.nomination.proposal)
            .collect();
        let numbers: BTreeSet<String> = self
            .store
            .proposals_by_ids(&proposals.into_iter().collect::<Vec<_>>())
            .await?
            .into_iter()
            .filter_map(|p| p.number)
            .collect();
        let numbers: Vec<String> = numbers.into_iter().collect();
        Ok(if numbers.is_empty() {
            format!("Xét đề nghị của {}.", units.join(", "))
        } else {
            format!(
                "Xét đề nghị của {} tại Tờ trình số {}.",
                units.join(", "),
                numbers.join(", ")
            )
        })
    }
}

/// What a decision awards (or, for an annulment, the awards it annuls), the decision it
/// annuls if it does, and the cash of each award.
struct Decided {
    nominations: Vec<NominationRecord>,
    annulled: Option<Decision>,
    amounts: BTreeMap<NominationId, i64>,
    /// The rulesets the cash was computed by (those in force on the decision date), which
    /// may differ from the ones the nominations were judged by.
    cash_rulesets: BTreeSet<String>,
}

async fn decision_nominations(store: &Store, decision: &Decision) -> Result<Decided, OpsError> {
    let (nominations, annulled): (Vec<NominationRecord>, Option<Decision>) = match &decision.kind {
        DecisionKind::Award => (store.nominations_of_decision(decision.id).await?, None),
        DecisionKind::Annulment { annuls, .. } => {
            let ids: Vec<NominationId> = store
                .annulments_by_decision(decision.id)
                .await?
                .into_iter()
                .map(|a| a.nomination)
                .collect();
            (
                store.nominations_by_ids(&ids).await?,
                store.decision(*annuls).await?,
            )
        }
    };
    let cash_decision = annulled.as_ref().map_or(decision.id, |d| d.id);
    let listed: BTreeSet<NominationId> = nominations.iter().map(|r| r.nomination.id).collect();
    let (mut amounts, mut cash_rulesets) = (BTreeMap::new(), BTreeSet::new());
    for r in store.decision_recipients(cash_decision).await? {
        if listed.contains(&r.nomination) {
            amounts.insert(r.nomination, r.amount_vnd);
            if r.amount_vnd > 0 {
                cash_rulesets.insert(r.ruleset);
            }
        }
    }
    Ok(Decided {
        nominations,
        annulled,
        amounts,
        cash_rulesets,
    })
}

/// One line per nomination of a decision of `issuer`: the recipient, position and unit,
/// award (as the issuer confers it) and cash.
async fn recipient_lines(
    store: &Store,
    issuer: &Unit,
    nominations: &[NominationRecord],
    amounts: &BTreeMap<NominationId, i64>,
) -> Result<Vec<RecipientLine>, OpsError> {
    let people: Vec<_> = nominations
        .iter()
        .filter_map(|r| match r.nomination.nominee {
            Nominee::Person(p) => Some(p),
            Nominee::Collective(_) => None,
        })
        .collect();
    let people: BTreeMap<_, _> = store
        .persons_by_ids(&people)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut unit_ids: Vec<_> = people.values().map(|p| p.unit).collect();
    for r in nominations {
        if let Nominee::Collective(u) = r.nomination.nominee {
            unit_ids.push(u);
        }
        unit_ids.push(r.nomination.proposing_unit);
    }
    let mut units: BTreeMap<_, Unit> = store
        .units_by_ids(&unit_ids)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let parents: Vec<_> = units.values().filter_map(|u| u.parent).collect();
    for u in store.units_by_ids(&parents).await? {
        units.insert(u.id, u);
    }
    let name_of = |id| {
        units
            .get(&id)
            .map(|u: &Unit| u.name.clone())
            .unwrap_or_default()
    };
    Ok(nominations
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let n = &r.nomination;
            let (name, detail) = match n.nominee {
                Nominee::Person(p) => match people.get(&p) {
                    Some(person) => {
                        let mut parts: Vec<String> = person.position.iter().cloned().collect();
                        parts.push(name_of(person.unit));
                        (person.display_name(), parts.join(", "))
                    }
                    None => (String::new(), String::new()),
                },
                Nominee::Collective(u) => {
                    let parent = units.get(&u).and_then(|unit| unit.parent);
                    (name_of(u), parent.map(name_of).unwrap_or_default())
                }
            };
            RecipientLine {
                number: i + 1,
                name,
                detail,
                kind: match n.nominee {
                    Nominee::Person(_) => "cá nhân",
                    Nominee::Collective(_) => "tập thể",
                },
                award: n.award.name_conferred_by(&issuer.head_title, &issuer.name),
                amount_vnd: amounts.get(&n.id).copied(),
            }
        })
        .collect())
}

/// A decision's recipients, read straight from the database (`laurel export`).
pub async fn decision_recipients_offline(
    store: &Store,
    id: DecisionId,
) -> Result<Option<(Decision, Vec<RecipientLine>)>, OpsError> {
    let Some(decision) = store.decision(id).await? else {
        return Ok(None);
    };
    let decided = decision_nominations(store, &decision).await?;
    let issuer = store.require_unit(decision.issuer).await?;
    let lines = recipient_lines(store, &issuer, &decided.nominations, &decided.amounts).await?;
    Ok(Some((decision, lines)))
}

/// "vì đã có thành tích: …", without saying "thành tích" twice when the citation already
/// begins with it ("Đã có thành tích xuất sắc …").
fn because_of(achievement: &str) -> String {
    let trimmed = achievement.trim_end_matches('.');
    let lower = trimmed.to_lowercase();
    if ["đã có thành tích", "có thành tích"]
        .iter()
        .any(|lead| lower.starts_with(lead))
    {
        return format!("vì {}", lower_first(trimmed));
    }
    format!("vì đã có thành tích: {trimmed}")
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn execution_article() -> DecisionArticle {
    DecisionArticle {
        label: "Điều 3.".into(),
        text: "Quyết định có hiệu lực kể từ ngày ký. Thủ trưởng các đơn vị có liên quan và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_grouped_by_thousands_with_dots() {
        let cases = [
            (0, "0"),
            (702_000, "702.000"),
            (12_340_000, "12.340.000"),
            (-5_000, "-5.000"),
        ];
        for (amount, printed) in cases {
            assert_eq!(vnd(amount), printed);
        }
        assert_eq!(counted(2, 5), "2 tập thể và 5 cá nhân");
        assert_eq!(
            because_of("Đã có thành tích xuất sắc trong phong trào."),
            "vì đã có thành tích xuất sắc trong phong trào"
        );
        assert_eq!(
            because_of("Hoàn thành xuất sắc nhiệm vụ năm 2026"),
            "vì đã có thành tích: Hoàn thành xuất sắc nhiệm vụ năm 2026"
        );
        assert_eq!(counted(0, 1), "1 cá nhân");
    }
}
