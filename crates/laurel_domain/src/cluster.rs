//! Emulation clusters and blocks (cụm, khối thi đua): units an organiser (the issuer's emulation
//! office, e.g. Công an tỉnh or UBND tỉnh) groups for a year to emulate one another. A cluster
//! has a scoring sheet of weighted criteria (bảng chấm điểm); each member scores itself with its
//! evidence, then the cluster head (cụm trưởng) and the organiser's office adjust scores, each
//! change with its reason. The ranking is the members ordered by their weighted totals; once the
//! office publishes it, it is frozen, and its leader is the unit proposed for the flag ("Cờ đơn
//! vị dẫn đầu phong trào thi đua").
//!
//! Pure: the store keeps every score entry (none is ever changed: a new entry supersedes the
//! previous one for its member and criterion), and [`Cluster::ranking`] folds them.

use std::collections::BTreeMap;

use time::{Date, OffsetDateTime};

use crate::calendar::format_date;
use crate::ids::{AccountId, ClusterId, UnitId};
use crate::message::Explain;
use crate::org::UnitPath;
use crate::text::{InvalidInput, bounded_line};

/// Longest name of a cluster or a criterion, in characters.
pub const NAME_MAX: usize = 300;
/// Longest evidence or reason, in characters.
pub const NOTE_MAX: usize = 2000;
/// Most members of one cluster.
pub const MEMBERS_MAX: usize = 200;
/// Most criteria on one scoring sheet.
pub const CRITERIA_MAX: usize = 60;
/// Highest maximum of one criterion, in points.
pub const POINTS_MAX: u32 = 1000;
/// Highest weight of one criterion.
pub const WEIGHT_MAX: u32 = 100;

/// A cluster (cụm) groups units of one area; a block (khối) units of one sector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ClusterKind {
    /// Cụm thi đua.
    Cum,
    /// Khối thi đua.
    Khoi,
}

impl ClusterKind {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ClusterKind::Cum => "CUM",
            ClusterKind::Khoi => "KHOI",
        }
    }

    /// Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            ClusterKind::Cum => "Cụm thi đua",
            ClusterKind::Khoi => "Khối thi đua",
        }
    }
}

impl std::str::FromStr for ClusterKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "CUM" => Ok(ClusterKind::Cum),
            "KHOI" => Ok(ClusterKind::Khoi),
            _ => Err(()),
        }
    }
}

/// One line of the scoring sheet: points up to `max_points`, counted `weight` times.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Criterion {
    /// Short code, unique on the sheet (e.g. "1.2").
    pub code: String,
    /// What is scored.
    pub name: String,
    /// Most points a member may get for it.
    pub max_points: u32,
    /// How many times its points count in the total.
    pub weight: u32,
}

/// A cluster for a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// Its id.
    pub id: ClusterId,
    /// e.g. "Cụm thi đua số 1 — Công an các huyện phía Tây".
    pub name: String,
    /// Cụm or khối.
    pub kind: ClusterKind,
    /// The year scored.
    pub year: i32,
    /// The unit that organises it (its office adjusts and publishes).
    pub organiser: UnitId,
    /// The member that heads it this year (cụm trưởng).
    pub head: UnitId,
    /// Its members, in the order given.
    pub members: Vec<UnitId>,
    /// The scoring sheet.
    pub criteria: Vec<Criterion>,
    /// The day the ranking was published (frozen), if it was.
    pub published_on: Option<Date>,
    /// Optimistic-concurrency version; every score and the publication increment it.
    pub version: i32,
}

/// A cluster as typed, before checks.
#[derive(Debug, Clone)]
pub struct ClusterDraft {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: ClusterKind,
    /// Year.
    pub year: i32,
    /// Organiser.
    pub organiser: UnitId,
    /// Head.
    pub head: UnitId,
    /// Members.
    pub members: Vec<UnitId>,
    /// Scoring sheet.
    pub criteria: Vec<Criterion>,
}

fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code.chars().count() <= 20
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

impl ClusterDraft {
    /// Checks a draft: a name, a year, at least two distinct members, all strictly within the
    /// organiser's subtree (`member_paths`, in the order of `members`), a head among them, and
    /// a scoring sheet of 1 to [`CRITERIA_MAX`] criteria with distinct codes, a name, a maximum
    /// and a weight in range. Every problem is listed.
    pub fn check(
        self,
        id: ClusterId,
        member_paths: &[UnitPath],
    ) -> Result<Cluster, Vec<InvalidInput>> {
        let mut errors = Vec::new();
        let name = bounded_line("name", &self.name, NAME_MAX).map_err(|e| errors.push(e));
        if !(1945..=2100).contains(&self.year) {
            errors.push(InvalidInput::OutOfRange {
                field: "year",
                min: 1945,
                max: 2100,
                actual: i64::from(self.year),
            });
        }
        let mut members = Vec::with_capacity(self.members.len());
        for m in &self.members {
            if !members.contains(m) {
                members.push(*m);
            }
        }
        if members.len() < 2 || members.len() > MEMBERS_MAX {
            errors.push(InvalidInput::OutOfRange {
                field: "memberUnitIds",
                min: 2,
                max: MEMBERS_MAX as i64,
                actual: members.len() as i64,
            });
        }
        if member_paths.len() != self.members.len()
            || member_paths
                .iter()
                .any(|p| !p.contains(self.organiser) || p.unit() == Some(self.organiser))
        {
            errors.push(InvalidInput::Malformed {
                field: "memberUnitIds",
                expected_vi: "các đơn vị trực thuộc đơn vị tổ chức cụm, khối thi đua (không gồm chính đơn vị đó)",
                expected_en: "units below the organising unit (not the organiser itself)",
            });
        }
        if !members.contains(&self.head) {
            errors.push(InvalidInput::Malformed {
                field: "headUnitId",
                expected_vi: "một đơn vị thành viên của cụm, khối (cụm trưởng, khối trưởng)",
                expected_en: "one of the cluster's members (its head this year)",
            });
        }
        if self.criteria.is_empty() || self.criteria.len() > CRITERIA_MAX {
            errors.push(InvalidInput::OutOfRange {
                field: "criteria",
                min: 1,
                max: CRITERIA_MAX as i64,
                actual: self.criteria.len() as i64,
            });
        }
        let mut criteria = Vec::with_capacity(self.criteria.len());
        for c in &self.criteria {
            let code = c.code.trim().to_owned();
            if !is_code(&code) || criteria.iter().any(|k: &Criterion| k.code == code) {
                errors.push(InvalidInput::Malformed {
                    field: "criteria.code",
                    expected_vi: "mã tiêu chí không trùng nhau, tối đa 20 ký tự chữ, số, '.', '-', '_' (ví dụ 1.2)",
                    expected_en: "distinct criterion codes of up to 20 letters, digits, '.', '-', '_' (e.g. 1.2)",
                });
                continue;
            }
            let Ok(name) =
                bounded_line("criteria.name", &c.name, NAME_MAX).map_err(|e| errors.push(e))
            else {
                continue;
            };
            for (field, value, max) in [
                ("criteria.maxPoints", c.max_points, POINTS_MAX),
                ("criteria.weight", c.weight, WEIGHT_MAX),
            ] {
                if !(1..=max).contains(&value) {
                    errors.push(InvalidInput::OutOfRange {
                        field,
                        min: 1,
                        max: i64::from(max),
                        actual: i64::from(value),
                    });
                }
            }
            criteria.push(Criterion {
                code,
                name,
                max_points: c.max_points,
                weight: c.weight,
            });
        }
        let Ok(name) = name else {
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Cluster {
            id,
            name,
            kind: self.kind,
            year: self.year,
            organiser: self.organiser,
            head: self.head,
            members,
            criteria,
            published_on: None,
            version: 1,
        })
    }
}

/// Who entered a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ScoreParty {
    /// The member scoring itself, with its evidence (tự chấm).
    Member,
    /// The cluster head adjusting (cụm trưởng thẩm định).
    Head,
    /// The organiser's emulation office adjusting.
    Office,
}

impl ScoreParty {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ScoreParty::Member => "MEMBER",
            ScoreParty::Head => "HEAD",
            ScoreParty::Office => "OFFICE",
        }
    }
}

impl std::str::FromStr for ScoreParty {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "MEMBER" => Ok(ScoreParty::Member),
            "HEAD" => Ok(ScoreParty::Head),
            "OFFICE" => Ok(ScoreParty::Office),
            _ => Err(()),
        }
    }
}

/// One score as entered: never changed, superseded by a later entry for the same member and
/// criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreEntry {
    /// The member scored.
    pub member: UnitId,
    /// The criterion's code.
    pub criterion: String,
    /// The points.
    pub points: u32,
    /// Who entered it.
    pub party: ScoreParty,
    /// The evidence (a member's own score) or the reason (an adjustment).
    pub note: String,
    /// The account that entered it.
    pub by: AccountId,
    /// When.
    pub at: OffsetDateTime,
}

/// Why a score is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoreRefusal {
    /// The ranking was published: scores are frozen.
    #[error("the ranking was published on {0}: scores are frozen")]
    Published(Date),
    /// The unit is not a member.
    #[error("the unit is not a member of the cluster")]
    NotAMember,
    /// No criterion of that code on the sheet.
    #[error("no criterion {0} on the scoring sheet")]
    UnknownCriterion(String),
    /// More points than the criterion allows.
    #[error("criterion {criterion} allows at most {max} points, not {points}")]
    OverMaximum {
        /// The criterion.
        criterion: String,
        /// Its maximum.
        max: u32,
        /// The points asked.
        points: u32,
    },
    /// A member may not change a score the head or the office has adjusted, nor the head one
    /// the office has.
    #[error("criterion {0} was adjusted by a stronger party")]
    AlreadyAdjusted(String),
    /// The cluster head adjusts the other members only: its own scores are the office's.
    #[error("the cluster head may not adjust its own scores")]
    OwnScore,
    /// A ranking with no score, or with two units sharing the first place, has no leader.
    #[error("the ranking has no single leader")]
    NoLeader,
    /// The ranking is not published yet.
    #[error("the ranking is not published yet")]
    NotPublished,
}

impl ScoreRefusal {
    /// Stable code (`extensions.reason`).
    pub fn code(&self) -> &'static str {
        match self {
            ScoreRefusal::Published(_) => "PUBLISHED",
            ScoreRefusal::NotAMember => "NOT_A_MEMBER",
            ScoreRefusal::UnknownCriterion(_) => "UNKNOWN_CRITERION",
            ScoreRefusal::OverMaximum { .. } => "OVER_MAXIMUM",
            ScoreRefusal::AlreadyAdjusted(_) => "ALREADY_ADJUSTED",
            ScoreRefusal::OwnScore => "OWN_SCORE",
            ScoreRefusal::NoLeader => "NO_LEADER",
            ScoreRefusal::NotPublished => "NOT_PUBLISHED",
        }
    }
}

impl Explain for ScoreRefusal {
    fn message_vi(&self) -> String {
        match self {
            ScoreRefusal::Published(d) => format!(
                "Kết quả xếp hạng đã công bố ngày {}: không sửa điểm được nữa.",
                format_date(*d)
            ),
            ScoreRefusal::NotAMember => "Đơn vị không phải thành viên của cụm, khối thi đua.".into(),
            ScoreRefusal::UnknownCriterion(c) => {
                format!("Bảng chấm điểm không có tiêu chí mã {c}.")
            }
            ScoreRefusal::OverMaximum { criterion, max, points } => format!(
                "Tiêu chí {criterion} tối đa {max} điểm, không chấm {points} điểm được."
            ),
            ScoreRefusal::AlreadyAdjusted(c) => format!(
                "Điểm tiêu chí {c} đã được cụm trưởng hoặc cơ quan thường trực điều chỉnh: cấp dưới không sửa được nữa."
            ),
            ScoreRefusal::OwnScore => {
                "Cụm trưởng không tự điều chỉnh điểm của đơn vị mình: việc này do cơ quan thường trực thực hiện.".into()
            }
            ScoreRefusal::NoLeader => {
                "Chưa có đơn vị dẫn đầu duy nhất (chưa chấm điểm, hoặc có đơn vị bằng điểm ở vị trí thứ nhất): cần điều chỉnh điểm trước khi công bố.".into()
            }
            ScoreRefusal::NotPublished => {
                "Kết quả xếp hạng của cụm, khối thi đua chưa được công bố.".into()
            }
        }
    }

    fn message_en(&self) -> String {
        match self {
            ScoreRefusal::Published(d) => format!(
                "The ranking was published on {}: scores can no longer change.",
                format_date(*d)
            ),
            ScoreRefusal::NotAMember => "The unit is not a member of the cluster.".into(),
            ScoreRefusal::UnknownCriterion(c) => {
                format!("The scoring sheet has no criterion {c}.")
            }
            ScoreRefusal::OverMaximum {
                criterion,
                max,
                points,
            } => format!("Criterion {criterion} allows at most {max} points, not {points}."),
            ScoreRefusal::AlreadyAdjusted(c) => format!(
                "Criterion {c} was adjusted by the cluster head or the office: a weaker party can no longer change it."
            ),
            ScoreRefusal::OwnScore => {
                "The cluster head does not adjust its own scores: the organiser's office does."
                    .into()
            }
            ScoreRefusal::NoLeader => {
                "The ranking has no single leader (nothing scored, or a tie for first place): adjust before publishing."
                    .into()
            }
            ScoreRefusal::NotPublished => "The cluster's ranking is not published yet.".into(),
        }
    }
}

/// One member's place in the ranking.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Standing {
    /// The member.
    pub unit: UnitId,
    /// 1 for the first; members with equal totals share a rank (1, 1, 3).
    pub rank: u32,
    /// Σ weight × points of its current scores.
    pub total: u64,
    /// How many criteria it has a score for.
    pub scored: u32,
}

impl Cluster {
    /// The current score of each (member, criterion): the latest entry (entries in the order
    /// they were made).
    pub fn current<'e>(
        &self,
        entries: &'e [ScoreEntry],
    ) -> BTreeMap<(UnitId, &'e str), &'e ScoreEntry> {
        let mut out = BTreeMap::new();
        for e in entries {
            out.insert((e.member, e.criterion.as_str()), e);
        }
        out
    }

    /// Checks a new score by `party` against the cluster and the entries so far.
    pub fn check_score(
        &self,
        entries: &[ScoreEntry],
        member: UnitId,
        criterion: &str,
        points: u32,
        party: ScoreParty,
    ) -> Result<(), ScoreRefusal> {
        if let Some(on) = self.published_on {
            return Err(ScoreRefusal::Published(on));
        }
        if !self.members.contains(&member) {
            return Err(ScoreRefusal::NotAMember);
        }
        let Some(c) = self.criteria.iter().find(|c| c.code == criterion) else {
            return Err(ScoreRefusal::UnknownCriterion(criterion.to_owned()));
        };
        if points > c.max_points {
            return Err(ScoreRefusal::OverMaximum {
                criterion: c.code.clone(),
                max: c.max_points,
                points,
            });
        }
        if party == ScoreParty::Head && member == self.head {
            return Err(ScoreRefusal::OwnScore);
        }
        let stronger = entries
            .iter()
            .any(|e| e.member == member && e.criterion == criterion && e.party > party);
        if stronger {
            return Err(ScoreRefusal::AlreadyAdjusted(c.code.clone()));
        }
        Ok(())
    }

    /// The members ordered by their weighted totals, highest first; equal totals share a rank
    /// and keep the members' order.
    pub fn ranking(&self, entries: &[ScoreEntry]) -> Vec<Standing> {
        let current = self.current(entries);
        let weight: BTreeMap<&str, u64> = self
            .criteria
            .iter()
            .map(|c| (c.code.as_str(), u64::from(c.weight)))
            .collect();
        let mut standings: Vec<Standing> = self
            .members
            .iter()
            .map(|m| {
                let mine = current.iter().filter(|((unit, _), _)| unit == m);
                let (mut total, mut scored) = (0u64, 0u32);
                for ((_, code), e) in mine {
                    if let Some(w) = weight.get(code) {
                        total += w * u64::from(e.points);
                        scored += 1;
                    }
                }
                Standing {
                    unit: *m,
                    rank: 0,
                    total,
                    scored,
                }
            })
            .collect();
        standings.sort_by_key(|s| std::cmp::Reverse(s.total)); // stable: ties keep the members' order
        let mut previous: Option<u64> = None;
        let mut rank = 0;
        for (i, s) in standings.iter_mut().enumerate() {
            if previous != Some(s.total) {
                rank = u32::try_from(i + 1).unwrap_or(u32::MAX);
                previous = Some(s.total);
            }
            s.rank = rank;
        }
        standings
    }

    /// The one member in first place with points: the unit the ranking proposes for the flag.
    pub fn leader(ranking: &[Standing]) -> Result<UnitId, ScoreRefusal> {
        match ranking {
            [first, second, ..] if first.total > 0 && second.rank > 1 => Ok(first.unit),
            [only] if only.total > 0 => Ok(only.unit),
            _ => Err(ScoreRefusal::NoLeader),
        }
    }

    /// The ranking to publish (frozen from then on): refused once published, and while it has
    /// no single leader (a frozen tie could never be proposed for the flag).
    pub fn publish(&self, entries: &[ScoreEntry]) -> Result<Vec<Standing>, ScoreRefusal> {
        if let Some(published) = self.published_on {
            return Err(ScoreRefusal::Published(published));
        }
        let ranking = self.ranking(entries);
        Cluster::leader(&ranking)?;
        Ok(ranking)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the report
mod tests {
    use time::macros::{date, datetime};
    use uuid::Uuid;

    use super::*;

    fn unit(n: u128) -> UnitId {
        UnitId(Uuid::from_u128(n))
    }

    fn path(ids: &[u128]) -> UnitPath {
        UnitPath(ids.iter().map(|i| unit(*i)).collect())
    }

    fn sheet() -> Vec<Criterion> {
        vec![
            Criterion {
                code: "1".into(),
                name: "Kết quả thực hiện nhiệm vụ chính trị".into(),
                max_points: 50,
                weight: 2,
            },
            Criterion {
                code: "2".into(),
                name: "Xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc".into(),
                max_points: 30,
                weight: 1,
            },
        ]
    }

    fn cluster() -> Cluster {
        ClusterDraft {
            name: "Cụm thi đua số 1".into(),
            kind: ClusterKind::Cum,
            year: 2024,
            organiser: unit(1),
            head: unit(11),
            members: vec![unit(11), unit(12), unit(13)],
            criteria: sheet(),
        }
        .check(
            ClusterId(Uuid::from_u128(99)),
            &[path(&[1, 11]), path(&[1, 12]), path(&[1, 13])],
        )
        .unwrap()
    }

    fn entry(member: u128, criterion: &str, points: u32, party: ScoreParty) -> ScoreEntry {
        ScoreEntry {
            member: unit(member),
            criterion: criterion.into(),
            points,
            party,
            note: "x".into(),
            by: AccountId(Uuid::from_u128(7)),
            at: datetime!(2025-01-10 09:00 +7),
        }
    }

    #[test]
    fn a_cluster_needs_members_below_the_organiser_a_head_among_them_and_a_sheet() {
        let draft = |members: Vec<UnitId>, head, criteria| ClusterDraft {
            name: "Cụm".into(),
            kind: ClusterKind::Khoi,
            year: 2024,
            organiser: unit(1),
            head,
            members,
            criteria,
        };
        let fields = |r: Result<Cluster, Vec<InvalidInput>>| -> Vec<&'static str> {
            r.unwrap_err().iter().map(InvalidInput::field).collect()
        };
        // (case, result's fields)
        let table = [
            (
                fields(
                    draft(vec![unit(11)], unit(11), sheet())
                        .check(ClusterId(Uuid::nil()), &[path(&[1, 11])]),
                ),
                vec!["memberUnitIds"],
            ),
            (
                fields(
                    draft(vec![unit(11), unit(2)], unit(11), sheet())
                        .check(ClusterId(Uuid::nil()), &[path(&[1, 11]), path(&[2])]),
                ),
                vec!["memberUnitIds"],
            ),
            (
                fields(
                    draft(vec![unit(11), unit(12)], unit(13), sheet())
                        .check(ClusterId(Uuid::nil()), &[path(&[1, 11]), path(&[1, 12])]),
                ),
                vec!["headUnitId"],
            ),
            (
                fields(
                    draft(vec![unit(11), unit(12)], unit(11), vec![])
                        .check(ClusterId(Uuid::nil()), &[path(&[1, 11]), path(&[1, 12])]),
                ),
                vec!["criteria"],
            ),
            (
                fields(
                    draft(
                        vec![unit(11), unit(12)],
                        unit(11),
                        vec![sheet()[0].clone(), sheet()[0].clone()],
                    )
                    .check(ClusterId(Uuid::nil()), &[path(&[1, 11]), path(&[1, 12])]),
                ),
                vec!["criteria.code"],
            ),
            (
                fields(
                    draft(
                        vec![unit(11), unit(12)],
                        unit(11),
                        vec![Criterion {
                            max_points: 0,
                            weight: 101,
                            ..sheet()[0].clone()
                        }],
                    )
                    .check(ClusterId(Uuid::nil()), &[path(&[1, 11]), path(&[1, 12])]),
                ),
                vec!["criteria.maxPoints", "criteria.weight"],
            ),
        ];
        for (got, want) in table {
            assert_eq!(got, want);
        }
        assert_eq!(cluster().members.len(), 3);
    }

    #[test]
    fn the_ranking_is_by_weighted_total_and_ties_share_a_rank() {
        let c = cluster();
        let entries = [
            entry(11, "1", 40, ScoreParty::Member), // 80
            entry(11, "2", 20, ScoreParty::Member), // + 20 = 100
            entry(12, "1", 45, ScoreParty::Member), // 90
            entry(12, "2", 10, ScoreParty::Member), // + 10 = 100
            entry(13, "1", 30, ScoreParty::Member), // 60
        ];
        let ranking = c.ranking(&entries);
        let got: Vec<(UnitId, u32, u64, u32)> = ranking
            .iter()
            .map(|s| (s.unit, s.rank, s.total, s.scored))
            .collect();
        assert_eq!(
            got,
            [
                (unit(11), 1, 100, 2),
                (unit(12), 1, 100, 2),
                (unit(13), 3, 60, 1)
            ]
        );
        // A tie for first place has no leader; the office's adjustment decides.
        assert_eq!(Cluster::leader(&ranking), Err(ScoreRefusal::NoLeader));
        let mut adjusted = entries.to_vec();
        adjusted.push(entry(12, "2", 8, ScoreParty::Office));
        let ranking = c.ranking(&adjusted);
        assert_eq!(Cluster::leader(&ranking), Ok(unit(11)));
        assert_eq!(ranking[1].total, 98);
        assert_eq!(
            Cluster::leader(&c.ranking(&[])),
            Err(ScoreRefusal::NoLeader)
        );
    }

    #[test]
    fn scores_are_checked_against_the_sheet_the_adjustments_and_the_publication() {
        let c = cluster();
        let entries = [
            entry(12, "2", 25, ScoreParty::Member),
            entry(12, "2", 20, ScoreParty::Head),
        ];
        // (member, criterion, points, party, expected)
        let table = [
            (12, "1", 50, ScoreParty::Member, Ok(())),
            (
                14,
                "1",
                10,
                ScoreParty::Member,
                Err(ScoreRefusal::NotAMember),
            ),
            (
                12,
                "9",
                10,
                ScoreParty::Member,
                Err(ScoreRefusal::UnknownCriterion("9".into())),
            ),
            (
                12,
                "1",
                51,
                ScoreParty::Member,
                Err(ScoreRefusal::OverMaximum {
                    criterion: "1".into(),
                    max: 50,
                    points: 51,
                }),
            ),
            (
                12,
                "2",
                30,
                ScoreParty::Member,
                Err(ScoreRefusal::AlreadyAdjusted("2".into())),
            ),
            (12, "2", 18, ScoreParty::Office, Ok(())),
            (11, "2", 30, ScoreParty::Member, Ok(())),
            // The head (unit 11) adjusts the others, not itself.
            (11, "1", 40, ScoreParty::Head, Err(ScoreRefusal::OwnScore)),
            (13, "1", 40, ScoreParty::Head, Ok(())),
        ];
        for (member, criterion, points, party, expected) in table {
            assert_eq!(
                c.check_score(&entries, unit(member), criterion, points, party),
                expected,
                "{member} {criterion} {points} {party:?}"
            );
        }
        let published = Cluster {
            published_on: Some(date!(2025 - 01 - 20)),
            ..c.clone()
        };
        assert_eq!(
            published.check_score(&entries, unit(12), "1", 10, ScoreParty::Office),
            Err(ScoreRefusal::Published(date!(2025 - 01 - 20)))
        );
        assert!(published.publish(&entries).is_err());
        // The office's adjustment stands against the head's; a tie is not published.
        let office = [entry(12, "2", 10, ScoreParty::Office)];
        assert_eq!(
            c.check_score(&office, unit(12), "2", 20, ScoreParty::Head),
            Err(ScoreRefusal::AlreadyAdjusted("2".into()))
        );
        let tie = [
            entry(12, "1", 10, ScoreParty::Member),
            entry(13, "1", 10, ScoreParty::Member),
        ];
        assert_eq!(c.publish(&tie), Err(ScoreRefusal::NoLeader));
        assert_eq!(c.publish(&[]), Err(ScoreRefusal::NoLeader));
    }
}
