//! Reading and checking the workflow definitions (`rulesets/workflows.toml`) when Laurel starts.
//! A mistake names the file, the workflow and the stage.

use std::collections::{BTreeMap, BTreeSet};

use time::Date;

use crate::authz::Role;
use crate::award::AwardKind;
use crate::message::Explain;
use crate::rules::{AuthorityLevel, Rulesets};

use super::definition::{Party, Stage, StageKind, Workflow, Workflows};

/// The workflow definitions compiled into the binary: (name, text).
pub const EMBEDDED_WORKFLOWS: (&str, &str) = (
    "rulesets/workflows.toml",
    include_str!("../../rulesets/workflows.toml"),
);

/// Longest deadline of a stage, in working days.
pub const DEADLINE_MAX: u32 = 250;
/// Longest public notice, in working days.
pub const NOTICE_MAX: u32 = 60;

/// A workflow file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    /// Not valid TOML, or a key or value of the wrong shape.
    #[error("{file}: {message}")]
    Parse {
        /// The file.
        file: String,
        /// The parser's message.
        message: String,
    },
    /// Well-formed, but breaks a rule.
    #[error("{file}: {at}: {problem}")]
    Invalid {
        /// The file.
        file: String,
        /// Where, e.g. `workflow GIAY_KHEN v1, stage 3 (APPRAISE)`.
        at: String,
        /// What is wrong.
        problem: WorkflowProblem,
    },
}

impl Explain for WorkflowError {
    fn message_vi(&self) -> String {
        match self {
            WorkflowError::Parse { file, message } => {
                format!("Tệp quy trình {file} không đọc được: {message}")
            }
            WorkflowError::Invalid { file, at, problem } => {
                format!("Tệp quy trình {file}, {at}: {problem}.")
            }
        }
    }
    fn message_en(&self) -> String {
        match self {
            WorkflowError::Parse { file, message } => {
                format!("Workflow file {file} cannot be read: {message}")
            }
            WorkflowError::Invalid { file, at, problem } => {
                format!("Workflow file {file}, {at}: {problem}.")
            }
        }
    }
}

/// What is wrong in a workflow definition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowProblem {
    /// A text field is empty.
    #[error("`{field}` must not be empty")]
    Empty {
        /// The field.
        field: &'static str,
    },
    /// The id is not upper-case letters, digits and `_`.
    #[error("the id `{id}` must be upper-case letters, digits and `_`")]
    BadId {
        /// The id.
        id: String,
    },
    /// Two definitions share an id and version.
    #[error("version {version} of {id} is defined twice")]
    DuplicateVersion {
        /// The id.
        id: String,
        /// The version.
        version: u32,
    },
    /// A later version takes effect before an earlier one.
    #[error("version {version} takes effect before version {previous}")]
    VersionOrder {
        /// The later version.
        version: u32,
        /// The earlier one.
        previous: u32,
    },
    /// The first stage is not SUBMIT, or the last not SIGN.
    #[error("a workflow starts with SUBMIT and ends with SIGN")]
    Ends,
    /// A stage kind appears twice.
    #[error("stage {kind} appears twice")]
    Repeated {
        /// The kind.
        kind: StageKind,
    },
    /// Stages out of the order of the procedure.
    #[error("stage {kind} cannot come after {after}")]
    OutOfOrder {
        /// The stage.
        kind: StageKind,
        /// The stage it follows.
        after: StageKind,
    },
    /// A workflow that serves awards must receive and appraise the dossier.
    #[error(
        "stage {kind} is missing: every award is received and appraised (Luật TĐKT 06/2022, Điều 84; Nghị định 98/2023, Điều 46)"
    )]
    Missing {
        /// The kind.
        kind: StageKind,
    },
    /// The party does not act at this kind of stage.
    #[error("at a {kind} stage the party is {expected}, not {found}")]
    WrongParty {
        /// The kind.
        kind: StageKind,
        /// The party that acts there.
        expected: &'static str,
        /// The party in the file.
        found: &'static str,
    },
    /// The role cannot act at this kind of stage.
    #[error("role {role} cannot act at a {kind} stage")]
    WrongRole {
        /// The kind.
        kind: StageKind,
        /// The role.
        role: Role,
    },
    /// A public notice needs its length; other stages have none.
    #[error("`notice_days` is required for PUBLIC_NOTICE and allowed nowhere else")]
    NoticeDays,
    /// A consultation's silence means proceed only after a deadline.
    #[error("a CONSULT stage needs `deadline_days`: silence after the deadline means proceed")]
    ConsultDeadline,
    /// A number out of range.
    #[error("`{field}` = {value} is out of range {min}–{max}")]
    OutOfRange {
        /// The field.
        field: &'static str,
        /// The value.
        value: u32,
        /// Smallest allowed.
        min: u32,
        /// Largest allowed.
        max: u32,
    },
    /// Not a date.
    #[error("`{value}` is not a calendar date (write YYYY-MM-DD)")]
    BadDate {
        /// The value.
        value: String,
    },
    /// An award listed twice, or awards without an authority.
    #[error("`awards` lists each award at most once, and goes with `authority`")]
    BadAwards,
    /// An award decided by another authority level under a ruleset in force.
    #[error("{award} is decided by {expected} under ruleset {ruleset}, not {found}")]
    AuthorityMismatch {
        /// The award.
        award: AwardKind,
        /// The ruleset.
        ruleset: String,
        /// Its authority there.
        expected: &'static str,
        /// The workflow's.
        found: &'static str,
    },
    /// Two definitions would both start new nominations for one award on one day.
    #[error("{award} is served by two workflows taking effect on {date}")]
    Ambiguous {
        /// The award.
        award: AwardKind,
        /// The day.
        date: Date,
    },
    /// An award kind has no workflow when a ruleset takes effect.
    #[error("{award} has no workflow in effect on {date}, when ruleset {ruleset} takes effect")]
    Uncovered {
        /// The award.
        award: AwardKind,
        /// The ruleset.
        ruleset: String,
        /// The day.
        date: Date,
    },
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    workflow: Vec<RawWorkflow>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorkflow {
    id: String,
    version: u32,
    name_vi: String,
    name_en: String,
    #[serde(default)]
    awards: Vec<AwardKind>,
    #[serde(default)]
    authority: Option<AuthorityLevel>,
    effective_from: toml::value::Datetime,
    basis: String,
    stages: Vec<RawStage>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    kind: StageKind,
    party: Party,
    role: Role,
    #[serde(default)]
    deadline_days: Option<u32>,
    #[serde(default)]
    notice_days: Option<u32>,
}

impl Workflows {
    /// The definitions in `rulesets/workflows.toml`, checked against `rulesets`.
    pub fn embedded(rulesets: &Rulesets) -> Result<Workflows, WorkflowError> {
        Workflows::parse(EMBEDDED_WORKFLOWS.0, EMBEDDED_WORKFLOWS.1, rulesets)
    }

    /// Parses and checks a workflow file against the rulesets.
    pub fn parse(file: &str, text: &str, rulesets: &Rulesets) -> Result<Workflows, WorkflowError> {
        Workflows::parse_files(&[(file, text)], rulesets)
    }

    /// The shipped definitions and an installation's own file (`laurel serve --workflows`),
    /// checked together: the installation adds versions or workflows, and every pinned version
    /// stays available.
    pub fn embedded_with(
        extra: Option<(&str, &str)>,
        rulesets: &Rulesets,
    ) -> Result<Workflows, WorkflowError> {
        let mut files = vec![EMBEDDED_WORKFLOWS];
        files.extend(extra);
        Workflows::parse_files(&files, rulesets)
    }

    /// Parses and checks several workflow files as one set.
    pub fn parse_files(
        files: &[(&str, &str)],
        rulesets: &Rulesets,
    ) -> Result<Workflows, WorkflowError> {
        let mut list = Vec::new();
        for (file, text) in files {
            let raw: RawFile = toml::from_str(text).map_err(|e| WorkflowError::Parse {
                file: (*file).to_owned(),
                message: e.to_string().trim_end().to_owned(),
            })?;
            for w in raw.workflow {
                list.push(workflow(file, w, rulesets)?);
            }
        }
        list.sort_by(|a, b| (&a.id, a.version).cmp(&(&b.id, b.version)));
        let last = files.last().map_or("", |(file, _)| *file);
        check_versions(last, &list)?;
        check_coverage(last, &list, rulesets)?;
        Ok(Workflows { list })
    }
}

fn workflow(file: &str, w: RawWorkflow, rulesets: &Rulesets) -> Result<Workflow, WorkflowError> {
    let at = format!("workflow {} v{}", w.id, w.version);
    let err = |problem| WorkflowError::Invalid {
        file: file.to_owned(),
        at: at.clone(),
        problem,
    };
    let good_id = !w.id.is_empty()
        && w.id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if !good_id {
        return Err(err(WorkflowProblem::BadId { id: w.id.clone() }));
    }
    for (field, value) in [
        ("name_vi", &w.name_vi),
        ("name_en", &w.name_en),
        ("basis", &w.basis),
    ] {
        if value.trim().is_empty() {
            return Err(err(WorkflowProblem::Empty { field }));
        }
    }
    if w.version == 0 {
        return Err(err(WorkflowProblem::OutOfRange {
            field: "version",
            value: 0,
            min: 1,
            max: u32::MAX,
        }));
    }
    let effective_from = toml_date(&w.effective_from).ok_or_else(|| {
        err(WorkflowProblem::BadDate {
            value: w.effective_from.to_string(),
        })
    })?;
    let distinct: BTreeSet<_> = w.awards.iter().collect();
    if distinct.len() != w.awards.len() || w.awards.is_empty() != w.authority.is_none() {
        return Err(err(WorkflowProblem::BadAwards));
    }
    if let Some(authority) = w.authority {
        for ruleset in rulesets.all() {
            // A ruleset replaced before this workflow takes effect does not matter to it.
            let replaced = rulesets.all().iter().any(|r| {
                r.effective_from > ruleset.effective_from && r.effective_from <= effective_from
            });
            if replaced {
                continue;
            }
            for &award in &w.awards {
                let expected = ruleset.award(award).authority;
                if expected != authority {
                    return Err(err(WorkflowProblem::AuthorityMismatch {
                        award,
                        ruleset: ruleset.id.clone(),
                        expected: expected.code(),
                        found: authority.code(),
                    }));
                }
            }
        }
    }
    let mut stages = Vec::with_capacity(w.stages.len());
    for (i, s) in w.stages.into_iter().enumerate() {
        let stage_err = |problem| WorkflowError::Invalid {
            file: file.to_owned(),
            at: format!("{at}, stage {} ({})", i + 1, s.kind),
            problem,
        };
        let expected = s.kind.party();
        if s.party != expected {
            return Err(stage_err(WorkflowProblem::WrongParty {
                kind: s.kind,
                expected: expected.code(),
                found: s.party.code(),
            }));
        }
        if !role_fits(s.kind, s.role) {
            return Err(stage_err(WorkflowProblem::WrongRole {
                kind: s.kind,
                role: s.role,
            }));
        }
        if (s.kind == StageKind::PublicNotice) != s.notice_days.is_some() {
            return Err(stage_err(WorkflowProblem::NoticeDays));
        }
        if s.kind == StageKind::Consult && s.deadline_days.is_none() {
            return Err(stage_err(WorkflowProblem::ConsultDeadline));
        }
        for (field, value, max) in [
            ("deadline_days", s.deadline_days, DEADLINE_MAX),
            ("notice_days", s.notice_days, NOTICE_MAX),
        ] {
            if let Some(v) = value
                && !(1..=max).contains(&v)
            {
                return Err(stage_err(WorkflowProblem::OutOfRange {
                    field,
                    value: v,
                    min: 1,
                    max,
                }));
            }
        }
        if let Some(previous) = stages.last().map(|p: &Stage| p.kind) {
            if previous == s.kind || stages.iter().any(|p| p.kind == s.kind) {
                return Err(stage_err(WorkflowProblem::Repeated { kind: s.kind }));
            }
            if rank(s.kind) < rank(previous) {
                return Err(stage_err(WorkflowProblem::OutOfOrder {
                    kind: s.kind,
                    after: previous,
                }));
            }
        }
        stages.push(Stage {
            kind: s.kind,
            party: s.party,
            role: s.role,
            deadline_days: s.deadline_days,
            notice_days: s.notice_days,
        });
    }
    let first = stages.first().map(|s| s.kind);
    let last = stages.last().map(|s| s.kind);
    if first != Some(StageKind::Submit) || last != Some(StageKind::Sign) {
        return Err(err(WorkflowProblem::Ends));
    }
    if !w.awards.is_empty() {
        for kind in [StageKind::Receive, StageKind::Appraise] {
            if !stages.iter().any(|s| s.kind == kind) {
                return Err(err(WorkflowProblem::Missing { kind }));
            }
        }
    }
    Ok(Workflow {
        id: w.id,
        version: w.version,
        name_vi: w.name_vi.trim().to_owned(),
        name_en: w.name_en.trim().to_owned(),
        awards: w.awards,
        authority: w.authority,
        effective_from,
        basis: w.basis.trim().to_owned(),
        file: file.to_owned(),
        stages,
    })
}

/// The order of the procedure: submission, endorsement up the route, reception, appraisal, then
/// public notice, consultation and council in any order, and signing last.
fn rank(kind: StageKind) -> u8 {
    match kind {
        StageKind::Submit => 0,
        StageKind::Endorse => 1,
        StageKind::Receive => 2,
        StageKind::Appraise => 3,
        StageKind::PublicNotice | StageKind::Consult | StageKind::Council => 4,
        StageKind::Sign => 5,
    }
}

/// Which roles may be asked to act at a kind of stage. Administrators take no part in a
/// nomination's life.
fn role_fits(kind: StageKind, role: Role) -> bool {
    match kind {
        StageKind::Submit | StageKind::Endorse => matches!(role, Role::UnitHead),
        StageKind::Receive | StageKind::Appraise | StageKind::PublicNotice | StageKind::Consult => {
            matches!(role, Role::Clerk)
        }
        StageKind::Council => matches!(role, Role::CouncilSecretary),
        StageKind::Sign => matches!(role, Role::Signer),
    }
}

fn check_versions(file: &str, list: &[Workflow]) -> Result<(), WorkflowError> {
    for pair in list.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.id != b.id {
            continue;
        }
        let at = format!("workflow {} v{}", b.id, b.version);
        if a.version == b.version {
            return Err(WorkflowError::Invalid {
                file: file.to_owned(),
                at,
                problem: WorkflowProblem::DuplicateVersion {
                    id: b.id.clone(),
                    version: b.version,
                },
            });
        }
        if b.effective_from < a.effective_from {
            return Err(WorkflowError::Invalid {
                file: file.to_owned(),
                at,
                problem: WorkflowProblem::VersionOrder {
                    version: b.version,
                    previous: a.version,
                },
            });
        }
    }
    Ok(())
}

/// Every award kind has exactly one workflow to start under on the day each ruleset takes
/// effect, and no two definitions of different ids start nominations for one award the same day.
fn check_coverage(file: &str, list: &[Workflow], rulesets: &Rulesets) -> Result<(), WorkflowError> {
    let mut starts: BTreeMap<(AwardKind, Date), &Workflow> = BTreeMap::new();
    for w in list {
        for &award in &w.awards {
            if let Some(other) = starts.insert((award, w.effective_from), w)
                && other.id != w.id
            {
                return Err(WorkflowError::Invalid {
                    file: file.to_owned(),
                    at: format!("workflow {} v{}", w.id, w.version),
                    problem: WorkflowProblem::Ambiguous {
                        award,
                        date: w.effective_from,
                    },
                });
            }
        }
    }
    let workflows = Workflows {
        list: list.to_vec(),
    };
    for ruleset in rulesets.all() {
        for award in AwardKind::ALL {
            if workflows.for_award(award, ruleset.effective_from).is_none() {
                return Err(WorkflowError::Invalid {
                    file: file.to_owned(),
                    at: format!("award {award}"),
                    problem: WorkflowProblem::Uncovered {
                        award,
                        ruleset: ruleset.id.clone(),
                        date: ruleset.effective_from,
                    },
                });
            }
        }
    }
    Ok(())
}

fn toml_date(value: &toml::value::Datetime) -> Option<Date> {
    let (Some(d), None, None) = (value.date, value.time, value.offset) else {
        return None;
    };
    let month = time::Month::try_from(d.month).ok()?;
    Date::from_calendar_date(i32::from(d.year), month, d.day).ok()
}
