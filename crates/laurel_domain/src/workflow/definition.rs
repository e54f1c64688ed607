//! Workflow definitions: which review stages a nomination for an award goes through, in order,
//! who acts at each, and how long each may take.
//!
//! Stage *kinds* and parties are closed sets in code (a new kind is a code change); the
//! *sequence* for each award is data (`rulesets/workflows.toml`), versioned like the rulesets,
//! and every nomination stays pinned to the version it started under.

use std::fmt;
use std::str::FromStr;

use time::Date;

use crate::authz::Role;
use crate::award::AwardKind;
use crate::rules::AuthorityLevel;

/// A kind of review step (bước xét duyệt).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StageKind {
    /// Trình: the proposing unit's head sends the nomination (tờ trình) upward.
    Submit,
    /// Each level on the route between the proposing unit and the issuer endorses and forwards.
    Endorse,
    /// Tiếp nhận: the issuer's emulation office checks the dossier is complete (Art 84).
    Receive,
    /// Thẩm định: the office appraises against the rules and quotas.
    Appraise,
    /// Công khai lấy ý kiến: the nomination is posted for public comment for a number of working
    /// days.
    PublicNotice,
    /// Hiệp y: named units give opinions in parallel; silence after the deadline means proceed.
    Consult,
    /// Hội đồng Thi đua - Khen thưởng: the council votes.
    Council,
    /// Ký quyết định: the issuer's authority signs the decision.
    Sign,
}

impl StageKind {
    /// Every kind, in the order stages may appear.
    pub const ALL: [StageKind; 8] = [
        StageKind::Submit,
        StageKind::Endorse,
        StageKind::Receive,
        StageKind::Appraise,
        StageKind::PublicNotice,
        StageKind::Consult,
        StageKind::Council,
        StageKind::Sign,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            StageKind::Submit => "SUBMIT",
            StageKind::Endorse => "ENDORSE",
            StageKind::Receive => "RECEIVE",
            StageKind::Appraise => "APPRAISE",
            StageKind::PublicNotice => "PUBLIC_NOTICE",
            StageKind::Consult => "CONSULT",
            StageKind::Council => "COUNCIL",
            StageKind::Sign => "SIGN",
        }
    }

    /// Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            StageKind::Submit => "trình đề nghị",
            StageKind::Endorse => "xác nhận, chuyển cấp trên",
            StageKind::Receive => "tiếp nhận hồ sơ",
            StageKind::Appraise => "thẩm định",
            StageKind::PublicNotice => "công khai lấy ý kiến",
            StageKind::Consult => "hiệp y",
            StageKind::Council => "Hội đồng Thi đua - Khen thưởng xét",
            StageKind::Sign => "ký quyết định",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            StageKind::Submit => "submission",
            StageKind::Endorse => "endorsement by each level",
            StageKind::Receive => "reception of the dossier",
            StageKind::Appraise => "appraisal",
            StageKind::PublicNotice => "public notice",
            StageKind::Consult => "consultation",
            StageKind::Council => "council review",
            StageKind::Sign => "signing",
        }
    }

    /// The party that acts at a stage of this kind.
    pub fn party(self) -> Party {
        match self {
            StageKind::Submit => Party::Proposer,
            StageKind::Endorse => Party::EachLevelUp,
            StageKind::Receive | StageKind::Appraise | StageKind::PublicNotice => {
                Party::IssuerOffice
            }
            StageKind::Consult => Party::IssuerOffice,
            StageKind::Council => Party::IssuerCouncil,
            StageKind::Sign => Party::IssuerSigner,
        }
    }
}

impl fmt::Display for StageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A stage kind code Laurel does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown stage kind `{0}`")]
pub struct UnknownStageKind(pub String);

impl FromStr for StageKind {
    type Err = UnknownStageKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StageKind::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| UnknownStageKind(s.chars().take(64).collect()))
    }
}

/// Whose turn a stage is, resolved on the nomination's route (proposing unit → issuer).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Party {
    /// The proposing unit (a role held there or above reaches it).
    Proposer,
    /// Each unit on the route strictly between the proposing unit and the issuer, bottom up,
    /// however deep the tree (none when the issuer is the proposing unit's parent).
    EachLevelUp,
    /// The issuer's emulation office (Ban/Phòng Thi đua - Khen thưởng): a role held at the
    /// issuer.
    IssuerOffice,
    /// The issuer's emulation and commendation council.
    IssuerCouncil,
    /// The issuer's authority or a deputy signing for it.
    IssuerSigner,
}

impl Party {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Party::Proposer => "PROPOSER",
            Party::EachLevelUp => "EACH_LEVEL_UP",
            Party::IssuerOffice => "ISSUER_OFFICE",
            Party::IssuerCouncil => "ISSUER_COUNCIL",
            Party::IssuerSigner => "ISSUER_SIGNER",
        }
    }

    /// Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            Party::Proposer => "đơn vị đề nghị",
            Party::EachLevelUp => "từng cấp trên tuyến trình",
            Party::IssuerOffice => "cơ quan thường trực thi đua của cấp khen thưởng",
            Party::IssuerCouncil => "Hội đồng Thi đua - Khen thưởng của cấp khen thưởng",
            Party::IssuerSigner => "người có thẩm quyền ký quyết định",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Party::Proposer => "the proposing unit",
            Party::EachLevelUp => "each level up the route",
            Party::IssuerOffice => "the issuer's emulation office",
            Party::IssuerCouncil => "the issuer's council",
            Party::IssuerSigner => "the issuer's signer",
        }
    }
}

/// One step of a workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// What happens.
    pub kind: StageKind,
    /// Who acts.
    pub party: Party,
    /// With which role (held at the party's unit, or delegated there).
    pub role: Role,
    /// Thời hạn: working days from entering the stage (none: no deadline).
    pub deadline_days: Option<u32>,
    /// For a public notice: how many working days it stays open.
    pub notice_days: Option<u32>,
}

/// A nomination's pin: the definition and version it started under.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct WorkflowRef {
    /// The definition's id.
    pub id: String,
    /// Its version.
    pub version: u32,
}

impl WorkflowRef {
    /// The pin of nominations drafted before workflows existed (submit, then sign).
    pub fn legacy() -> WorkflowRef {
        WorkflowRef {
            id: LEGACY_ID.to_owned(),
            version: 1,
        }
    }
}

impl fmt::Display for WorkflowRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/v{}", self.id, self.version)
    }
}

/// The id of the definition nominations drafted before workflows existed are pinned to.
pub const LEGACY_ID: &str = "LEGACY_SUBMIT_SIGN";

/// A workflow definition: the ordered stages for the awards it serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workflow {
    /// Stable id, e.g. `BANG_KHEN_BO_TINH`.
    pub id: String,
    /// Version: a definition is never edited once used; a change is a new version.
    pub version: u32,
    /// Vietnamese name.
    pub name_vi: String,
    /// English name.
    pub name_en: String,
    /// The award kinds it serves (none: kept only for the nominations pinned to it).
    pub awards: Vec<AwardKind>,
    /// The authority level of those awards (the offering: award kind × authority level).
    pub authority: Option<AuthorityLevel>,
    /// First day new nominations use it.
    pub effective_from: Date,
    /// Where its stages come from (decrees, provincial procedures).
    pub basis: String,
    /// The file it was read from.
    pub file: String,
    pub(crate) stages: Vec<Stage>,
}

impl Workflow {
    /// Its pin.
    pub fn reference(&self) -> WorkflowRef {
        WorkflowRef {
            id: self.id.clone(),
            version: self.version,
        }
    }

    /// The stages, in order (the first is SUBMIT, the last SIGN).
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// The stage at `index` (the last one when out of range: only corrupt data asks that).
    pub fn stage(&self, index: usize) -> &Stage {
        let last = self.stages.len().saturating_sub(1);
        &self.stages[index.min(last)]
    }

    /// The index of the first stage of `kind`.
    pub fn index_of(&self, kind: StageKind) -> Option<usize> {
        self.stages.iter().position(|s| s.kind == kind)
    }

    /// Whether new nominations may start under it (it serves some award).
    pub fn selectable(&self) -> bool {
        !self.awards.is_empty()
    }
}

/// Every workflow definition Laurel knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workflows {
    pub(crate) list: Vec<Workflow>,
}

impl Workflows {
    /// Every definition, by id then version.
    pub fn all(&self) -> &[Workflow] {
        &self.list
    }

    /// The definition a nomination is pinned to.
    pub fn get(&self, pin: &WorkflowRef) -> Option<&Workflow> {
        self.list
            .iter()
            .find(|w| w.id == pin.id && w.version == pin.version)
    }

    /// The definition a new nomination for `award` starts under on `date`: the latest version in
    /// effect that serves the award.
    pub fn for_award(&self, award: AwardKind, date: Date) -> Option<&Workflow> {
        self.list
            .iter()
            .filter(|w| w.awards.contains(&award) && w.effective_from <= date)
            .max_by_key(|w| (w.effective_from, w.version))
    }
}
