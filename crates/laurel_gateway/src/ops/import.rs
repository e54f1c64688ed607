//! Importing nominations from a spreadsheet: a dry run that reports every problem of every
//! line and writes nothing, and a commit that lands every line as a draft in proposals of the
//! proposing unit, or nothing at all.
//!
//! The file is read by `laurel_sheets::read` and its lines by `laurel_domain::import`; here the
//! rows are resolved against the database (units and their scope, people, duplicates, the
//! rules a draft must meet), in the same transaction that writes them when committing.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use laurel_domain::authz::{Action, Actor};
use laurel_domain::award::{AwardKind, RecipientKind};
use laurel_domain::calendar::local_date;
use laurel_domain::fact::RecognitionKind;
use laurel_domain::ids::{MovementId, NominationId, PersonId, ProposalId, UnitId};
use laurel_domain::import::{self, Column, Finding, Problem, Row, Sheet};
use laurel_domain::message::Explain;
use laurel_domain::nomination::{CheckedDraft, NominationDraft, NominationState, Nominee};
use laurel_domain::org::{NewPerson, Person, Unit, UnitPath};
use laurel_domain::rules::{CommendationKind, TaskRating};
use laurel_sheets::read::{ReadError, Source, read_grid};
use laurel_store::{
    PageRequest, ProposalRecord, Read, ReadFacts, ReadMovements, RecognitionRecord, WriteTx,
};
use serde_json::json;
use time::OffsetDateTime;

use super::movements::{group_created, nominee_registered, outside_group, outside_record};
use super::nominations::DraftPlace;
use super::proposals::BULK_MAX;
use super::{Ops, by, everywhere, recorded};
use crate::edge;
use crate::error::OpsError;
use laurel_domain::events::{Change, Kind, Recorded, Subject};

/// Input of [`Ops::import_nominations`].
#[derive(Debug, Clone)]
pub struct ImportNominations {
    /// The file: XLSX, XLS, ODS or CSV.
    pub file: Vec<u8>,
    /// The unit that proposes them all; every line's unit lies within it.
    pub proposing_unit: UnitId,
    /// The movement they are made in.
    pub movement: Option<MovementId>,
    /// Write them (when nothing is wrong); otherwise only report.
    pub commit: bool,
}

/// What an import found, and what it wrote.
#[derive(Debug, Clone)]
pub struct ImportReport {
    /// How many lines of nominations the file has.
    pub lines: usize,
    /// Everything found, in file order.
    pub findings: Vec<Finding>,
    /// Whether the nominations were written.
    pub committed: bool,
    /// The nominations written, in file order.
    pub nominations: Vec<NominationId>,
    /// The proposals they were grouped in.
    pub proposals: Vec<ProposalId>,
    /// How many people were new to Laurel and recorded.
    pub people_created: usize,
    /// How many nominees from outside the tree (citizens, groups) were registered for the
    /// movement.
    pub nominees_registered: usize,
}

impl ImportReport {
    /// How many findings stop the import.
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.problem.severity() == import::Severity::Error)
            .count()
    }
}

/// Who a line nominates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Who {
    /// Someone Laurel knows.
    Known(Nominee),
    /// A person new to Laurel: their unit, and the line that first names them.
    New(UnitId, u32),
}

/// A line, resolved and checked, ready to write.
#[derive(Debug, Clone)]
struct Planned {
    row: Row,
    who: Who,
    unit: Unit,
    draft: NominationDraft,
    kind: CommendationKind,
    /// Whether its initiative is new (not on record, not on an earlier line).
    new_initiative: bool,
}

impl Ops {
    /// Reads a file of nominations and reports every problem; when `commit` is asked and
    /// nothing is wrong, writes them all as drafts, in one proposal per issuer (more when an
    /// issuer has more than a proposal holds), recording the people new to Laurel and the
    /// ratings and initiatives the file gives. All or nothing.
    pub async fn import_nominations(
        &self,
        actor: &Actor,
        input: ImportNominations,
        now: OffsetDateTime,
    ) -> Result<ImportReport, OpsError> {
        let ImportNominations {
            file,
            proposing_unit,
            movement,
            commit,
        } = input;
        // The proposing unit is checked first: who may not propose for it learns nothing of
        // the file, and costs no reading.
        let proposing = self.store.require_unit(proposing_unit).await?;
        actor.authorize(Action::DraftNomination, &proposing.path)?;
        Self::require_tree_units(&self.store, &[proposing.id], "proposingUnitId").await?;
        // Reading and judging a big file is CPU work: off the async workers.
        let mut sheet = crate::auth::blocking(move || read(&file)).await?;
        let report = |sheet: Sheet| ImportReport {
            lines: sheet.lines,
            findings: sheet.findings,
            committed: false,
            nominations: Vec::new(),
            proposals: Vec::new(),
            people_created: 0,
            nominees_registered: 0,
        };
        // The lines that read cleanly are resolved too, so that one dry run names every
        // problem; a file whose columns cannot be read has no such lines.
        if !commit || sheet.has_errors() {
            let (_, findings) = self
                .plan(&self.store, actor, &sheet, &proposing, movement, now)
                .await?;
            sheet.findings.extend(findings);
            sort(&mut sheet.findings);
            return Ok(report(sheet));
        }
        in_tx!(self, |tx| {
            let mut sheet = sheet.clone();
            let (planned, findings) = self
                .plan(tx, actor, &sheet, &proposing, movement, now)
                .await?;
            sheet.findings.extend(findings);
            sort(&mut sheet.findings);
            if sheet.has_errors() {
                return Ok(report(sheet));
            }
            let written = self
                .write_import(tx, actor, &proposing, planned, movement, now)
                .await?;
            Ok(ImportReport {
                committed: true,
                ..written.into_report(report(sheet))
            })
        })
    }

    /// The template to fill, as an XLSX workbook: the columns with their notes, the units the
    /// actor may propose for (with the issuers above them), and the award, rating and scope
    /// codes.
    pub async fn import_template(&self, actor: &Actor) -> Result<Vec<u8>, OpsError> {
        let units = self.store.units().await?;
        let in_scope: Vec<&Unit> = units
            .iter()
            .filter(|u| actor.authorize(Action::DraftNomination, &u.path).is_ok())
            .collect();
        let issuers: Vec<&Unit> = units
            .iter()
            .filter(|u| {
                in_scope
                    .iter()
                    .any(|s| s.path.contains(u.id) && s.id != u.id)
            })
            .collect();
        // Collectives registered for a movement from outside the tree are nominated (a line
        // may name one as a collective) but never propose: the list says which they are.
        let registered: std::collections::HashSet<UnitId> = self
            .store
            .external_nominees(&in_scope.iter().map(|u| u.id.0).collect::<Vec<_>>())
            .await?
            .into_iter()
            .map(|e| UnitId(e.id))
            .collect();
        let unit_lines = |list: &[&Unit]| -> Vec<Vec<String>> {
            list.iter()
                .map(|u| {
                    let parent = u
                        .parent
                        .and_then(|p| units.iter().find(|x| x.id == p))
                        .map(|p| p.name.clone())
                        .unwrap_or_default();
                    let note = if registered.contains(&u.id) {
                        "Tập thể ngoài hệ thống, đăng ký theo phong trào: chỉ là đối tượng được khen thưởng, không là đơn vị đề nghị"
                    } else {
                        ""
                    };
                    vec![u.code.as_str().to_owned(), u.name.clone(), parent, note.to_owned()]
                })
                .collect()
        };
        let unit_headings = || {
            vec![
                "Mã đơn vị".to_owned(),
                "Tên đơn vị".to_owned(),
                "Đơn vị cấp trên".to_owned(),
                "Ghi chú".to_owned(),
            ]
        };
        let mut codes: Vec<Vec<String>> = Vec::new();
        for kind in ["cá nhân", "tập thể"] {
            codes.push(vec!["Cá nhân / tập thể".into(), kind.into(), kind.into()]);
        }
        for award in AwardKind::ALL {
            codes.push(vec![
                "Hình thức khen thưởng".into(),
                award.code().into(),
                award.name_vi().into(),
            ]);
        }
        for rating in laurel_domain::rules::TaskRating::ALL {
            codes.push(vec![
                "Xếp loại".into(),
                rating.code().into(),
                rating.name_vi().into(),
            ]);
        }
        for scope in [
            laurel_domain::rules::Scope::CoSo,
            laurel_domain::rules::Scope::BoTinh,
            laurel_domain::rules::Scope::ToanQuoc,
        ] {
            codes.push(vec![
                "Phạm vi sáng kiến".into(),
                scope.code().into(),
                scope.name_vi().into(),
            ]);
        }
        let template = laurel_sheets::ImportTemplate {
            headings: Column::ALL
                .iter()
                .map(|c| (c.heading_vi().to_owned(), c.note_vi().to_owned()))
                .collect(),
            lists: vec![
                ("Đơn vị".into(), unit_headings(), unit_lines(&in_scope)),
                (
                    "Cấp khen thưởng".into(),
                    unit_headings(),
                    unit_lines(&issuers),
                ),
                (
                    "Danh mục".into(),
                    vec!["Cột".into(), "Mã".into(), "Tên".into()],
                    codes,
                ),
            ],
        };
        laurel_sheets::import_template_xlsx(&template)
            .map_err(|e| OpsError::internal(e.to_string()))
    }

    /// Resolves every row against the database; the rows that may be written, and what
    /// stops the others.
    async fn plan(
        &self,
        conn: &(impl Read + ReadMovements + ReadFacts),
        actor: &Actor,
        sheet: &Sheet,
        proposing: &Unit,
        movement: Option<MovementId>,
        now: OffsetDateTime,
    ) -> Result<(Vec<Planned>, Vec<Finding>), OpsError> {
        let today = local_date(now);
        let at =
            |row: &Row, column, problem| Finding::cell(&sheet.layout, row.line, column, problem);
        let units = conn.units().await?;
        // The groups registered from outside the tree: nominees, never issuers or registering
        // units, and found by code only (their names are not the tree's to shadow).
        let mut groups: std::collections::HashSet<UnitId> = std::collections::HashSet::new();
        for chunk in units.iter().map(|u| u.id.0).collect::<Vec<_>>().chunks(500) {
            for record in conn.external_nominees(chunk).await? {
                groups.insert(UnitId(record.id));
            }
        }
        let mut by_code: HashMap<String, &Unit> = HashMap::new();
        let mut by_name: HashMap<String, Vec<&Unit>> = HashMap::new();
        for unit in &units {
            by_code.insert(import::fold(unit.code.as_str()), unit);
            if groups.contains(&unit.id) {
                continue;
            }
            by_name
                .entry(import::fold(&unit.name))
                .or_default()
                .push(unit);
        }
        // By code, else by a name only one unit has.
        let find = |value: &str| -> Result<&Unit, Problem> {
            let key = import::fold(value);
            if let Some(unit) = by_code.get(&key) {
                return Ok(unit);
            }
            match by_name.get(&key).map(Vec::as_slice) {
                Some([one]) => Ok(one),
                Some([_, _, ..]) => Err(Problem::AmbiguousUnit {
                    value: value.to_owned(),
                }),
                _ => Err(Problem::UnknownUnit {
                    value: value.to_owned(),
                }),
            }
        };
        let movement = match movement {
            None => None,
            Some(id) => Some(conn.movement(id).await?.ok_or(OpsError::NotFound {
                entity: "movement",
                id: id.to_string(),
            })?),
        };
        let mut findings = Vec::new();
        let mut people: HashMap<UnitId, HashMap<String, Vec<PersonId>>> = HashMap::new();
        let mut addresses: HashMap<UnitId, HashMap<uuid::Uuid, String>> = HashMap::new();
        let mut planned = Vec::new();
        for row in &sheet.rows {
            let before = findings.len();
            let (unit, issuer) = match (find(&row.unit), find(&row.issuer)) {
                (Ok(unit), Ok(issuer)) => (unit, issuer),
                (unit, issuer) => {
                    if let Err(problem) = unit {
                        findings.push(at(row, Column::Unit, problem));
                    }
                    if let Err(problem) = issuer {
                        findings.push(at(row, Column::Issuer, problem));
                    }
                    continue;
                }
            };
            if groups.contains(&issuer.id) {
                findings.push(at(
                    row,
                    Column::Issuer,
                    Problem::RegisteredGroupIssuer {
                        unit: issuer.name.clone(),
                    },
                ));
                continue;
            }
            if !unit.path.contains(proposing.id) {
                findings.push(at(
                    row,
                    Column::Unit,
                    Problem::OutOfScope {
                        unit: unit.name.clone(),
                    },
                ));
                continue;
            }
            // Who the line nominates, and the unit it is in (a collective is its own).
            let mut nominee_unit = unit;
            if groups.contains(&unit.id) {
                // A registered group is nominated itself, in a movement; its people (with an
                // address) are registered under the participating unit.
                if row.outside.is_some() || row.kind != RecipientKind::Collective {
                    findings.push(at(
                        row,
                        Column::Unit,
                        Problem::RegisteredGroupUnit {
                            unit: unit.name.clone(),
                        },
                    ));
                    continue;
                }
                if movement.is_none() {
                    findings.push(at(row, Column::Unit, Problem::OutsideNeedsMovement));
                    continue;
                }
            }
            let who = match row.kind {
                RecipientKind::Collective if row.outside.is_none() => {
                    if import::fold(&row.name) != import::fold(&unit.name) {
                        findings.push(at(
                            row,
                            Column::Name,
                            Problem::CollectiveNameMismatch {
                                unit: unit.name.clone(),
                            },
                        ));
                        continue;
                    }
                    Who::Known(Nominee::Collective(unit.id))
                }
                kind => {
                    if let Entry::Vacant(e) = people.entry(unit.id) {
                        e.insert(people_of(conn, unit.id).await?);
                    }
                    let known = &people[&unit.id];
                    let same_name = known
                        .get(&import::fold(&row.name))
                        .map(Vec::as_slice)
                        .unwrap_or_default();
                    if let Entry::Vacant(e) = addresses.entry(unit.id) {
                        e.insert(addresses_under(conn, unit, known, &units).await?);
                    }
                    let registered = &addresses[&unit.id];
                    let matches: Vec<Nominee> = match &row.outside {
                        // In the tree: not a citizen registered under the unit.
                        None => same_name
                            .iter()
                            .filter(|p| !registered.contains_key(&p.0))
                            .map(|p| Nominee::Person(*p))
                            .collect(),
                        // Outside the tree: registered under the line's unit, at that address.
                        Some(outside) => {
                            if movement.is_none() {
                                findings.push(at(
                                    row,
                                    Column::Address,
                                    Problem::OutsideNeedsMovement,
                                ));
                                continue;
                            }
                            let address = import::fold(&outside.address);
                            let here = |id: &uuid::Uuid| registered.get(id) == Some(&address);
                            if kind == RecipientKind::Collective {
                                let name = import::fold(&row.name);
                                units
                                    .iter()
                                    .filter(|u| {
                                        u.parent == Some(unit.id)
                                            && import::fold(&u.name) == name
                                            && here(&u.id.0)
                                    })
                                    .map(|u| Nominee::Collective(u.id))
                                    .collect()
                            } else {
                                same_name
                                    .iter()
                                    .filter(|p| here(&p.0))
                                    .map(|p| Nominee::Person(*p))
                                    .collect()
                            }
                        }
                    };
                    match matches.as_slice() {
                        [] => {
                            // Recorded when committing: checked now, so that a dry run says it.
                            let checked = if kind == RecipientKind::Collective {
                                outside_group(
                                    &row.name,
                                    row.position.as_deref(),
                                    unit.id,
                                    uuid::Uuid::nil(),
                                )
                                .map(drop)
                            } else {
                                NewPerson::parse(
                                    &row.name,
                                    row.rank.as_deref(),
                                    row.position.as_deref(),
                                    row.recruited_on,
                                    unit.id,
                                )
                                .map(drop)
                                .map_err(OpsError::Invalid)
                            };
                            match checked {
                                Err(OpsError::Invalid(errors)) => {
                                    for e in errors {
                                        findings.push(at(row, Column::Name, rule(&e)));
                                    }
                                }
                                Err(other) => return Err(other),
                                Ok(()) => {}
                            }
                            if let Err(denied) = actor.authorize(Action::RecordPerson, &unit.path) {
                                findings.push(at(row, Column::Name, ops_rule(&denied.into())));
                            }
                            Who::New(unit.id, row.line)
                        }
                        [Nominee::Collective(group)] => {
                            nominee_unit = units
                                .iter()
                                .find(|u| u.id == *group)
                                .ok_or_else(|| OpsError::internal("a unit listed went missing"))?;
                            Who::Known(Nominee::Collective(*group))
                        }
                        [one] => Who::Known(*one),
                        [_, _, ..] if kind == RecipientKind::Collective => {
                            findings.push(at(
                                row,
                                Column::Name,
                                Problem::AmbiguousUnit {
                                    value: row.name.clone(),
                                },
                            ));
                            continue;
                        }
                        many => {
                            findings.push(at(
                                row,
                                Column::Name,
                                Problem::AmbiguousPerson { count: many.len() },
                            ));
                            continue;
                        }
                    }
                }
            };
            // The draft is judged as if the nominee were known: for a new one, by a stand-in
            // in its place (the rules look at the unit's path and the kind).
            let (stand_in, path) = match who {
                Who::Known(nominee) => (nominee, nominee_unit.path.clone()),
                Who::New(..) if row.kind == RecipientKind::Collective => {
                    let nil = UnitId(uuid::Uuid::nil());
                    (Nominee::Collective(nil), unit.path.child(nil))
                }
                Who::New(..) => (
                    Nominee::Person(PersonId(uuid::Uuid::nil())),
                    unit.path.clone(),
                ),
            };
            let draft = match NominationDraft::parse(
                stand_in,
                row.award,
                issuer.id,
                row.year,
                &row.achievement,
            ) {
                Ok(draft) => draft,
                Err(errors) => {
                    for e in errors {
                        findings.push(at(row, Column::Achievement, rule(&e)));
                    }
                    continue;
                }
            };
            if let Err(violations) = draft.clone().check(&path) {
                for v in violations {
                    findings.push(at(row, Column::Issuer, rule(&v)));
                }
            }
            if (row.rating.is_some() || row.initiative.is_some())
                && let Err(denied) = actor.authorize(Action::RecordFacts, &path)
            {
                findings.push(at(row, Column::Rating, ops_rule(&denied.into())));
            }
            if let Err(e) = self.ruleset_for_period(row.year) {
                findings.push(at(row, Column::Year, ops_rule(&e)));
            }
            let kind = match &movement {
                None => CommendationKind::default(),
                Some(m) => match m.admits(&unit.path, row.award, row.year, None, today) {
                    Ok(kind) => kind,
                    Err(refusal) => {
                        findings.push(at(row, Column::Award, rule(&refusal)));
                        CommendationKind::default()
                    }
                },
            };
            for (column, text) in [
                (Column::Name, Some(&row.name)),
                (Column::Achievement, Some(&row.achievement)),
                (Column::Position, row.position.as_ref()),
                (Column::Rank, row.rank.as_ref()),
                (
                    Column::Initiative,
                    row.initiative.as_ref().map(|i| &i.title),
                ),
                (Column::Address, row.outside.as_ref().map(|o| &o.address)),
                (
                    Column::Organisation,
                    row.outside.as_ref().and_then(|o| o.organisation.as_ref()),
                ),
            ] {
                let characters = text
                    .map(|t| self.renderer.unsupported_characters(t))
                    .unwrap_or_default();
                if !characters.is_empty() {
                    findings.push(at(row, column, Problem::Unprintable { characters }));
                }
            }
            if findings.len() == before {
                planned.push(Planned {
                    row: row.clone(),
                    who,
                    unit: nominee_unit.clone(),
                    draft,
                    kind,
                    new_initiative: true,
                });
            }
        }
        // The same nominee, award and year twice in the file: the later lines are duplicates.
        let mut first: HashMap<(Who, AwardKind, i32), u32> = HashMap::new();
        // The same kind, name and address (none in the tree) in the same unit.
        type Same = (UnitId, &'static str, String, Option<String>);
        // With the first line's organisation: one nominee is registered with one.
        let mut new_people: BTreeMap<Same, (u32, Option<String>)> = BTreeMap::new();
        for p in &mut planned {
            if let Who::New(unit, line) = p.who {
                let same = (
                    unit,
                    p.row.kind.code(),
                    import::fold(&p.row.name),
                    p.row.outside.as_ref().map(|o| import::fold(&o.address)),
                );
                let organisation = p
                    .row
                    .outside
                    .as_ref()
                    .and_then(|o| o.organisation.as_deref())
                    .map(import::fold);
                let (first_line, first_organisation) = new_people
                    .entry(same)
                    .or_insert((line, organisation.clone()))
                    .clone();
                p.who = Who::New(unit, first_line);
                if first_line != line {
                    findings.push(at(&p.row, Column::Name, Problem::SamePerson { first_line }));
                    if organisation != first_organisation {
                        findings.push(at(
                            &p.row,
                            Column::Organisation,
                            Problem::OrganisationDiffers { first_line },
                        ));
                    }
                }
            }
        }
        let mut duplicates = std::collections::HashSet::new();
        for p in &planned {
            let key = (p.who, p.row.award, p.row.year);
            match first.get(&key) {
                Some(&first_line) => {
                    duplicates.insert(p.row.line);
                    findings.push(at(
                        &p.row,
                        Column::Name,
                        Problem::DuplicateInFile { first_line },
                    ));
                }
                None => {
                    first.insert(key, p.row.line);
                }
            }
        }
        // Against the nominations already in Laurel (withdrawn, rejected and annulled ones
        // do not count).
        let known: Vec<Nominee> = planned
            .iter()
            .filter_map(|p| match p.who {
                Who::Known(n) => Some(n),
                Who::New(..) => None,
            })
            .collect();
        let mut taken = std::collections::HashSet::new();
        for chunk in known.chunks(500) {
            for record in conn.nominations_of_nominees(chunk).await? {
                let n = &record.nomination;
                let live = !matches!(
                    n.state(),
                    NominationState::Withdrawn
                        | NominationState::Rejected
                        | NominationState::Annulled
                );
                if live {
                    taken.insert((n.nominee, n.award, n.period.year()));
                }
            }
        }
        for p in &planned {
            if let Who::Known(nominee) = p.who
                && taken.contains(&(nominee, p.row.award, p.row.year))
                && !duplicates.contains(&p.row.line)
            {
                duplicates.insert(p.row.line);
                findings.push(at(&p.row, Column::Name, Problem::AlreadyNominated));
            }
        }
        planned.retain(|p| !duplicates.contains(&p.row.line));
        // A duplicate line says so; that it names the same person goes without saying.
        findings.retain(|f| {
            !(matches!(f.problem, Problem::SamePerson { .. })
                && f.line.is_some_and(|l| duplicates.contains(&l)))
        });
        findings.extend(self.known_facts(conn, &sheet.layout, &mut planned).await?);
        Ok((planned, findings))
    }

    /// Notices about the facts a file gives that Laurel holds already: a rating that replaces
    /// another for the year, an initiative on record (or on an earlier line), not recorded
    /// twice.
    async fn known_facts(
        &self,
        conn: &impl ReadFacts,
        layout: &import::Layout,
        planned: &mut [Planned],
    ) -> Result<Vec<Finding>, OpsError> {
        let known: Vec<Nominee> = planned
            .iter()
            .filter(|p| p.row.rating.is_some() || p.row.initiative.is_some())
            .filter_map(|p| match p.who {
                Who::Known(n) => Some(n),
                Who::New(..) => None,
            })
            .collect();
        let mut ratings = HashMap::new();
        let mut initiatives = std::collections::HashSet::new();
        for chunk in known.chunks(500) {
            for (nominee, fact) in conn.ratings_of_many(chunk).await? {
                ratings.insert((nominee, fact.year), fact.rating);
            }
            for r in conn.recognitions_of_many(chunk).await? {
                initiatives.insert((Who::Known(r.nominee), r.year, import::fold(&r.title)));
            }
        }
        let mut findings = Vec::new();
        for p in planned.iter_mut() {
            let at = |column, problem| Finding::cell(layout, p.row.line, column, problem);
            if let (Who::Known(nominee), Some(to)) = (p.who, p.row.rating)
                && let Some(&from) = ratings.get(&(nominee, p.row.year))
                && from != to
            {
                let year = p.row.year;
                findings.push(at(
                    Column::Rating,
                    Problem::RatingChanged { year, from, to },
                ));
            }
            if let Some(initiative) = &p.row.initiative {
                let key = (p.who, p.row.year, import::fold(&initiative.title));
                if !initiatives.insert(key) {
                    p.new_initiative = false;
                    findings.push(at(Column::Initiative, Problem::InitiativeKnown));
                }
            }
        }
        Ok(findings)
    }

    /// Writes planned rows: new people, their facts, the nominations, their proposals.
    async fn write_import(
        &self,
        tx: &WriteTx,
        actor: &Actor,
        proposing: &Unit,
        planned: Vec<Planned>,
        movement: Option<MovementId>,
        now: OffsetDateTime,
    ) -> Result<Written, OpsError> {
        let mut written = Written::default();
        // One proposal per issuer, in the order issuers first appear, each at most BULK_MAX.
        let mut by_issuer: Vec<(UnitId, Vec<Planned>)> = Vec::new();
        for p in planned {
            match by_issuer.iter_mut().find(|(i, _)| *i == p.draft.issuer) {
                Some((_, rows)) => rows.push(p),
                None => by_issuer.push((p.draft.issuer, vec![p])),
            }
        }
        // Each new nominee (by its unit and first line), and the path of the unit it is in.
        let mut new_people: HashMap<(UnitId, u32), (Nominee, UnitPath)> = HashMap::new();
        // The ratings of the people this import creates, written once every chunk's people
        // are: a person on lines of several proposals is rated once a year, the later line's
        // rating replacing the earlier's (as an upsert would, and audited so).
        let mut ratings = NewRatings::default();
        // Every audit event of the import, recorded at once at the end (a few statements per
        // 500 events instead of three each).
        let mut events: Vec<Recorded> = Vec::new();
        for (issuer, rows) in by_issuer {
            for chunk in rows.chunks(BULK_MAX) {
                let proposal = ProposalRecord {
                    id: ProposalId(edge::new_id()),
                    proposing_unit: proposing.id,
                    proposing_path: proposing.path.clone(),
                    issuer,
                    number: None,
                    proposed_on: Some(local_date(now)),
                    signer_name: None,
                    signer_title: None,
                    created_by: actor.account,
                    created_at: now,
                    version: 1,
                };
                tx.insert_proposal(&proposal).await?;
                // The chunk's new nominees first: the other rows name them. People are
                // written all at once; a group takes its path from its parent, so it is
                // written at once.
                let mut people: Vec<Person> = Vec::new();
                let mut outside = Vec::new();
                let mut nominees: Vec<(Nominee, UnitPath, bool)> = Vec::with_capacity(chunk.len());
                for p in chunk {
                    nominees.push(match p.who {
                        Who::Known(nominee) => (nominee, p.unit.path.clone(), false),
                        Who::New(unit, line) => match new_people.get(&(unit, line)) {
                            Some((nominee, path)) => (*nominee, path.clone(), true),
                            None => {
                                let collective = p.row.kind == RecipientKind::Collective;
                                let (nominee, path) = if collective {
                                    actor.authorize(Action::RecordPerson, &p.unit.path)?;
                                    let id = edge::new_id();
                                    let new = outside_group(
                                        &p.row.name,
                                        p.row.position.as_deref(),
                                        p.unit.id,
                                        id,
                                    )?;
                                    let group = tx.insert_unit(UnitId(id), new, now).await?;
                                    events.push(group_created(
                                        now,
                                        actor,
                                        &p.unit.path,
                                        &group,
                                        true,
                                    ));
                                    (Nominee::Collective(group.id), group.path)
                                } else {
                                    let person = import_person(actor, p)?;
                                    events.push(super::org::person_created(
                                        now, actor, &person, true,
                                    ));
                                    written.people_created += 1;
                                    let nominee = Nominee::Person(person.id);
                                    people.push(person);
                                    (nominee, p.unit.path.clone())
                                };
                                if let (Some(o), Some(movement)) = (&p.row.outside, movement) {
                                    let record = outside_record(
                                        actor,
                                        nominee.uuid(),
                                        collective,
                                        movement,
                                        o.address.clone(),
                                        o.organisation.clone(),
                                        now,
                                    );
                                    events.push(nominee_registered(
                                        now,
                                        actor,
                                        &p.unit,
                                        &record,
                                        &p.row.name,
                                        true,
                                    ));
                                    outside.push(record);
                                    written.nominees_registered += 1;
                                }
                                new_people.insert((unit, line), (nominee, path.clone()));
                                (nominee, path, true)
                            }
                        },
                    });
                }
                tx.insert_people(&people, now).await?;
                tx.insert_external_nominees(&outside).await?;
                // Then their facts and the drafts, the rows of each kind to a few statements.
                let mut drafts = Vec::with_capacity(chunk.len());
                for (p, (nominee, path, created)) in chunk.iter().zip(&nominees) {
                    let batch = created.then_some(&mut ratings);
                    self.import_facts(tx, actor, *nominee, p, batch, now, &mut events)
                        .await?;
                    let draft = NominationDraft {
                        nominee: *nominee,
                        ..p.draft.clone()
                    };
                    let checked: CheckedDraft = draft.check(path)?;
                    drafts.push(self.new_draft(
                        actor,
                        checked,
                        DraftPlace {
                            path,
                            kind: p.kind,
                            movement,
                            proposal: Some(proposal.id),
                        },
                        now,
                    )?);
                }
                let rows: Vec<_> = nominees
                    .iter()
                    .zip(&drafts)
                    .map(|((_, path, _), d)| (&d.nomination, path, Some(d.waiting)))
                    .collect();
                tx.insert_nominations(&rows, now).await?;
                let mut ids: Vec<NominationId> = Vec::with_capacity(drafts.len());
                let mut histories = Vec::with_capacity(drafts.len());
                for draft in drafts {
                    ids.push(draft.nomination.id);
                    histories.push(draft.history);
                    events.push(draft.event);
                }
                tx.append_histories(histories).await?;
                events.push(recorded(
                    now,
                    by(actor),
                    everywhere(),
                    Change::new(
                        Subject::Proposal(proposal.id),
                        Kind::ProposalCreated,
                        json!({
                            "number": proposal.number,
                            "proposingUnit": proposal.proposing_unit.to_string(),
                            "issuer": proposal.issuer.to_string(),
                            "nominations": ids.iter().map(ToString::to_string).collect::<Vec<_>>(),
                            "imported": true,
                        }),
                    ),
                ));
                written.nominations.extend(ids);
                written.proposals.push(proposal.id);
            }
        }
        tx.insert_ratings(&ratings.rows, actor.account, now).await?;
        events.extend(ratings.events);
        tx.record_all(&events).await?;
        Ok(written)
    }

    /// Records a line's rating and initiative. The rating of a person created by this import
    /// goes into `batch`, written with the others at once; anyone else's is upserted now.
    #[allow(clippy::too_many_arguments)]
    async fn import_facts(
        &self,
        tx: &WriteTx,
        actor: &Actor,
        nominee: Nominee,
        p: &Planned,
        batch: Option<&mut NewRatings>,
        now: OffsetDateTime,
        events: &mut Vec<Recorded>,
    ) -> Result<(), OpsError> {
        let row = &p.row;
        if row.rating.is_none() && row.initiative.is_none() {
            return Ok(());
        }
        // The nominee's unit (a person's, or the collective itself) was resolved with the line.
        actor.authorize(Action::RecordFacts, &p.unit.path)?;
        match (row.rating, batch) {
            (Some(rating), Some(batch)) => batch.add(actor, nominee, row.year, rating, now),
            (Some(rating), None) => {
                let previous = tx
                    .upsert_rating(
                        nominee,
                        row.year,
                        rating,
                        actor.account,
                        now,
                        edge::new_id(),
                    )
                    .await?;
                events.push(super::facts::rating_recorded(
                    now,
                    actor,
                    nominee,
                    row.year,
                    (previous, rating),
                    true,
                ));
            }
            (None, _) => {}
        }
        if let Some(initiative) = row.initiative.as_ref().filter(|_| p.new_initiative) {
            let record = RecognitionRecord {
                id: edge::new_id(),
                nominee,
                kind: RecognitionKind::Initiative,
                title: initiative.title.clone(),
                year: row.year,
                scope: initiative.scope,
                recognised_by: initiative.recognised_by.clone(),
                used_by: None,
                prior_use: None,
            };
            tx.insert_recognition(&record, actor.account, now).await?;
            events.push(recorded(
                now,
                by(actor),
                everywhere(),
                Change::new(
                    Subject::Nominee(nominee.uuid()),
                    Kind::RecognitionRecorded,
                    json!({
                        "id": record.id,
                        "kind": record.kind.code(),
                        "scope": record.scope.code(),
                        "year": record.year,
                        "title": record.title,
                        "imported": true,
                    }),
                ),
            ));
        }
        Ok(())
    }
}

/// A new person of an import, from its line (checked and authorized; written by the caller).
fn import_person(actor: &Actor, p: &Planned) -> Result<Person, OpsError> {
    actor.authorize(Action::RecordPerson, &p.unit.path)?;
    let new = NewPerson::parse(
        &p.row.name,
        p.row.rank.as_deref(),
        p.row.position.as_deref(),
        p.row.recruited_on,
        p.unit.id,
    )?;
    Ok(Person::new(PersonId(edge::new_id()), new))
}

/// The ratings of people an import creates, written at once: none can be on record yet, so
/// each is new, and a person rated twice for a year on two lines keeps the later rating (the
/// audit says it replaced the earlier, as an upsert would).
#[derive(Default)]
struct NewRatings {
    rows: Vec<(uuid::Uuid, Nominee, i32, TaskRating)>,
    events: Vec<Recorded>,
}

impl NewRatings {
    fn add(
        &mut self,
        actor: &Actor,
        nominee: Nominee,
        year: i32,
        rating: TaskRating,
        now: OffsetDateTime,
    ) {
        let previous = match self
            .rows
            .iter_mut()
            .find(|(_, n, y, _)| *n == nominee && *y == year)
        {
            Some(row) => Some(std::mem::replace(&mut row.3, rating)),
            None => {
                self.rows.push((edge::new_id(), nominee, year, rating));
                None
            }
        };
        self.events.push(super::facts::rating_recorded(
            now,
            actor,
            nominee,
            year,
            (previous, rating),
            true,
        ));
    }
}

/// What a commit wrote.
#[derive(Debug, Default)]
struct Written {
    nominations: Vec<NominationId>,
    proposals: Vec<ProposalId>,
    people_created: usize,
    nominees_registered: usize,
}

impl Written {
    fn into_report(self, report: ImportReport) -> ImportReport {
        ImportReport {
            nominations: self.nominations,
            proposals: self.proposals,
            people_created: self.people_created,
            nominees_registered: self.nominees_registered,
            ..report
        }
    }
}

/// Reads a file's first sheet and judges its lines.
fn read(file: &[u8]) -> Sheet {
    match read_grid(file) {
        Ok(grid) => {
            let merged: Vec<(u32, u32)> = grid.merged.iter().map(|c| (c.line, c.column)).collect();
            let formulas: Vec<(u32, u32)> =
                grid.formulas.iter().map(|c| (c.line, c.column)).collect();
            let mut sheet = import::read_sheet(&grid.lines, &merged, &formulas);
            if grid.source == Source::CsvWindows1258 {
                sheet
                    .findings
                    .insert(0, Finding::file(Problem::DecodedWindows1258));
            }
            sheet
        }
        Err(e) => {
            let detail = match e {
                ReadError::Workbook(d) | ReadError::Csv(d) => d,
                other => other.to_string(),
            };
            Sheet {
                findings: vec![Finding::file(Problem::Unreadable { detail })],
                ..Sheet::default()
            }
        }
    }
}

/// The folded addresses of the nominees registered from outside the tree under `unit`: its
/// people `known` and its sub-units; `unit` itself too when it is such a group.
async fn addresses_under(
    conn: &impl ReadMovements,
    unit: &Unit,
    known: &HashMap<String, Vec<PersonId>>,
    units: &[Unit],
) -> Result<HashMap<uuid::Uuid, String>, OpsError> {
    let ids: Vec<uuid::Uuid> = std::iter::once(unit.id.0)
        .chain(known.values().flatten().map(|p| p.0))
        .chain(
            units
                .iter()
                .filter(|u| u.parent == Some(unit.id))
                .map(|u| u.id.0),
        )
        .collect();
    let mut found = HashMap::new();
    for chunk in ids.chunks(500) {
        for record in conn.external_nominees(chunk).await? {
            found.insert(record.id, import::fold(&record.address));
        }
    }
    Ok(found)
}

/// Every person of a unit, by folded name.
async fn people_of(
    conn: &impl Read,
    unit: UnitId,
) -> Result<HashMap<String, Vec<PersonId>>, OpsError> {
    let mut found: HashMap<String, Vec<PersonId>> = HashMap::new();
    let mut after = None;
    loop {
        let page = conn
            .people(None, Some(unit), PageRequest { after, limit: 1000 })
            .await?;
        let done = page.len() < 1000;
        after = page.last().map(|p| p.id.0);
        for p in page {
            found
                .entry(import::fold(&p.full_name))
                .or_default()
                .push(p.id);
        }
        if done {
            return Ok(found);
        }
    }
}

fn rule(e: &impl Explain) -> Problem {
    Problem::Rule {
        message_vi: e.message_vi(),
        message_en: e.message_en(),
    }
}

fn ops_rule(e: &OpsError) -> Problem {
    let (message_vi, message_en) = e.messages();
    Problem::Rule {
        message_vi,
        message_en,
    }
}

fn sort(findings: &mut [Finding]) {
    findings.sort_by_key(|f| (f.line, f.position));
}
