//! Emulation movements (phong trào thi đua): launched by a unit for a period or a theme, with
//! participating units, the awards they lead to and a nomination window.
//!
//! Law 06/2022 Art 16.1 organises emulation as regular (thường xuyên) or thematic (theo đợt,
//! chuyên đề), and Art 8 sorts commendations by kind. A nomination made in a movement takes the
//! movement's kind, so the rules already treat it right: thematic and đột xuất results do not
//! count toward regular titles (Decree 98/2023 Art 4; see `rules::eval`). The window and the
//! participants are the movement's own plan (kế hoạch phát động), not the Law's: Laurel refuses
//! a nomination outside them, with the reason in words.

use time::Date;

use crate::award::AwardKind;
use crate::calendar::format_date;
use crate::ids::{MovementId, UnitId};
use crate::message::Explain;
use crate::org::UnitPath;
use crate::rules::CommendationKind;
use crate::text::{InvalidInput, bounded_line, optional_line};

/// Longest movement name, in characters.
pub const NAME_MAX: usize = 300;
/// Longest theme, in characters.
pub const THEME_MAX: usize = 2000;
/// Most participating units listed (each brings its whole subtree).
pub const PARTICIPANTS_MAX: usize = 500;
/// Years a movement's period may span (the seeds' longest review is 10 years).
pub const PERIOD_YEARS_MAX: i32 = 20;

/// A movement as launched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    /// Identity.
    pub id: MovementId,
    /// The unit that launched it.
    pub launched_by: UnitId,
    /// e.g. "Toàn dân bảo vệ an ninh Tổ quốc năm 2022" (NFC).
    pub name: String,
    /// The kind of commendation its nominations are (thường xuyên, theo đợt/chuyên đề, …).
    pub kind: CommendationKind,
    /// First year of its period.
    pub from_year: i32,
    /// Last year of its period (the same for a one-year movement; 2013–2023 for a 10-year review).
    pub to_year: i32,
    /// What it is about, if said.
    pub theme: Option<String>,
    /// The participating units; each takes part with its whole subtree.
    pub participants: Vec<UnitId>,
    /// The awards it leads to; empty: any award.
    pub offerings: Vec<AwardKind>,
    /// First day nominations are accepted (Vietnam's calendar).
    pub opens_on: Date,
    /// Last day nominations are accepted.
    pub closes_on: Date,
}

/// A movement as typed, before checks.
#[derive(Debug, Clone)]
pub struct MovementDraft {
    /// The launching unit.
    pub launched_by: UnitId,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: CommendationKind,
    /// First year.
    pub from_year: i32,
    /// Last year.
    pub to_year: i32,
    /// Theme.
    pub theme: Option<String>,
    /// Participating units.
    pub participants: Vec<UnitId>,
    /// Awards it leads to.
    pub offerings: Vec<AwardKind>,
    /// Window start.
    pub opens_on: Date,
    /// Window end.
    pub closes_on: Date,
}

impl MovementDraft {
    /// Checks a draft: a name, a period of at most [`PERIOD_YEARS_MAX`] years in order, a
    /// window in order, and participants that all lie within the launching unit's subtree
    /// (`participant_paths`, in the order of `participants`). Every problem is listed.
    pub fn check(
        self,
        id: MovementId,
        participant_paths: &[UnitPath],
    ) -> Result<Movement, Vec<InvalidInput>> {
        let mut errors = Vec::new();
        let name = bounded_line("name", &self.name, NAME_MAX).map_err(|e| errors.push(e));
        let theme =
            optional_line("theme", self.theme.as_deref(), THEME_MAX).map_err(|e| errors.push(e));
        for (field, year) in [("fromYear", self.from_year), ("toYear", self.to_year)] {
            if !(1945..=2100).contains(&year) {
                errors.push(InvalidInput::OutOfRange {
                    field,
                    min: 1945,
                    max: 2100,
                    actual: i64::from(year),
                });
            }
        }
        if self.to_year < self.from_year || self.to_year - self.from_year >= PERIOD_YEARS_MAX {
            errors.push(InvalidInput::Refused {
                field: "toYear",
                why_vi: "Năm kết thúc phải không trước năm bắt đầu, và cả giai đoạn không quá 20 năm",
                why_en: "The last year must not be before the first, and the whole period at most 20 years",
            });
        }
        // Law 06/2022 Art 16.1 [C]: a movement is organised regularly or by phase (thematic);
        // đột xuất is how the issue names a movement called for an unforeseen task. Seniority,
        // long service and foreign recipients are kinds of commendation, not of movement.
        if !matches!(
            self.kind,
            CommendationKind::ThuongXuyen
                | CommendationKind::TheoDotChuyenDe
                | CommendationKind::DotXuat
        ) {
            errors.push(InvalidInput::Refused {
                field: "kind",
                why_vi: "Phong trào thi đua được tổ chức thường xuyên, theo đợt (chuyên đề) hoặc đột xuất (Luật Thi đua, khen thưởng 2022, Điều 16.1); niên hạn, quá trình cống hiến và đối ngoại là loại hình khen thưởng, không phải phong trào",
                why_en: "An emulation movement is organised regularly, by phase (thematic) or đột xuất (Law on Emulation and Commendation 2022, Art 16.1); seniority, long service and foreign recipients are kinds of commendation, not of movement",
            });
        }
        if self.closes_on < self.opens_on {
            errors.push(InvalidInput::Refused {
                field: "closesOn",
                why_vi: "Ngày kết thúc nhận hồ sơ đề nghị phải không trước ngày bắt đầu",
                why_en: "The nomination window must not close before it opens",
            });
        }
        if self.participants.is_empty() {
            errors.push(InvalidInput::Empty {
                field: "participantUnitIds",
            });
        } else if self.participants.len() > PARTICIPANTS_MAX {
            errors.push(InvalidInput::OutOfRange {
                field: "participantUnitIds",
                min: 1,
                max: PARTICIPANTS_MAX as i64,
                actual: self.participants.len() as i64,
            });
        }
        if participant_paths.len() != self.participants.len()
            || participant_paths
                .iter()
                .any(|path| !path.contains(self.launched_by))
        {
            errors.push(InvalidInput::Malformed {
                field: "participantUnitIds",
                expected_vi: "các đơn vị thuộc đơn vị phát động phong trào",
                expected_en: "units within the unit that launches the movement",
            });
        }
        let (Ok(name), Ok(theme)) = (name, theme) else {
            return Err(errors);
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut participants = self.participants;
        participants.sort();
        participants.dedup();
        let mut offerings = self.offerings;
        offerings.sort();
        offerings.dedup();
        Ok(Movement {
            id,
            launched_by: self.launched_by,
            name,
            kind: self.kind,
            from_year: self.from_year,
            to_year: self.to_year,
            theme,
            participants,
            offerings,
            opens_on: self.opens_on,
            closes_on: self.closes_on,
        })
    }
}

/// Why a movement refuses a nomination.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MovementRefusal {
    /// Before the window opens.
    #[error("the movement accepts nominations from {0}")]
    NotOpenYet(Date),
    /// After the window closed.
    #[error("the movement stopped accepting nominations on {0}")]
    Closed(Date),
    /// The proposing unit is not among the participants (nor below one).
    #[error("the proposing unit does not take part in the movement")]
    NotParticipating,
    /// The award is not one the movement leads to.
    #[error("the movement does not lead to {0:?}")]
    AwardNotOffered(AwardKind),
    /// The nomination's year is outside the movement's period.
    #[error("the year {year} is outside the movement's period {from}–{to}")]
    OutsidePeriod {
        /// The nomination's year.
        year: i32,
        /// The period's first year.
        from: i32,
        /// The period's last year.
        to: i32,
    },
    /// The nomination asks for another kind of commendation than the movement's.
    #[error("the movement's nominations are {movement:?}, not {asked:?}")]
    KindMismatch {
        /// The movement's kind.
        movement: CommendationKind,
        /// The kind asked for.
        asked: CommendationKind,
    },
}

impl MovementRefusal {
    /// Stable code (`extensions.reason`).
    pub fn code(&self) -> &'static str {
        match self {
            MovementRefusal::NotOpenYet(_) => "NOT_OPEN_YET",
            MovementRefusal::Closed(_) => "CLOSED",
            MovementRefusal::NotParticipating => "NOT_PARTICIPATING",
            MovementRefusal::AwardNotOffered(_) => "AWARD_NOT_OFFERED",
            MovementRefusal::OutsidePeriod { .. } => "OUTSIDE_PERIOD",
            MovementRefusal::KindMismatch { .. } => "KIND_MISMATCH",
        }
    }
}

impl Explain for MovementRefusal {
    fn message_vi(&self) -> String {
        match self {
            MovementRefusal::NotOpenYet(d) => format!(
                "Phong trào chưa nhận đề nghị khen thưởng: bắt đầu nhận từ ngày {}.",
                format_date(*d)
            ),
            MovementRefusal::Closed(d) => format!(
                "Phong trào đã hết hạn nhận đề nghị khen thưởng (ngày cuối: {}).",
                format_date(*d)
            ),
            MovementRefusal::NotParticipating => {
                "Đơn vị đề nghị không thuộc các đơn vị tham gia phong trào.".into()
            }
            MovementRefusal::AwardNotOffered(a) => format!(
                "Phong trào không xét hình thức khen thưởng \"{}\".",
                a.name_vi()
            ),
            MovementRefusal::OutsidePeriod { year, from, to } if from == to => {
                format!("Phong trào chỉ xét thành tích năm {from}, không xét năm {year}.")
            }
            MovementRefusal::OutsidePeriod { year, from, to } => {
                format!("Năm {year} nằm ngoài giai đoạn của phong trào ({from}–{to}).")
            }
            MovementRefusal::KindMismatch { movement, asked } => format!(
                "Đề nghị trong phong trào này là khen thưởng {}, không phải {}.",
                movement.name_vi(),
                asked.name_vi()
            ),
        }
    }

    fn message_en(&self) -> String {
        match self {
            MovementRefusal::NotOpenYet(d) => format!(
                "The movement does not accept nominations yet: it opens on {}.",
                format_date(*d)
            ),
            MovementRefusal::Closed(d) => format!(
                "The movement no longer accepts nominations (its last day was {}).",
                format_date(*d)
            ),
            MovementRefusal::NotParticipating => {
                "The proposing unit does not take part in the movement.".into()
            }
            MovementRefusal::AwardNotOffered(a) => {
                format!("The movement does not lead to \"{}\".", a.name_en())
            }
            MovementRefusal::OutsidePeriod { year, from, to } if from == to => {
                format!("The movement covers the year {from} only, not {year}.")
            }
            MovementRefusal::OutsidePeriod { year, from, to } => {
                format!("The year {year} is outside the movement's period ({from}–{to}).")
            }
            MovementRefusal::KindMismatch { movement, asked } => format!(
                "Nominations in this movement are {} commendations, not {}.",
                movement.name_en(),
                asked.name_en()
            ),
        }
    }
}

impl Movement {
    /// Whether someone whose roles sit at `roots` (their paths; `None`: an administrator, who
    /// reads everything) sees the movement launched at `launcher`: it is public within the
    /// launching unit's subtree and to those above it.
    pub fn visible_from(roots: Option<&[UnitPath]>, launcher: &UnitPath) -> bool {
        let Some(roots) = roots else {
            return true;
        };
        let Some(launched_by) = launcher.unit() else {
            return false;
        };
        roots.iter().any(|root| {
            root.contains(launched_by) || root.unit().is_some_and(|r| launcher.contains(r))
        })
    }

    /// Whether a unit (by its path) takes part: it is a participant or lies below one.
    pub fn takes_part(&self, unit: &UnitPath) -> bool {
        self.participants.iter().any(|p| unit.contains(*p))
    }

    /// Whether the movement takes a nomination drafted `today` by the unit at `proposing`, for
    /// `award` of `year`, of kind `asked` (`None`: the movement's own). The first reason to
    /// refuse is given.
    pub fn admits(
        &self,
        proposing: &UnitPath,
        award: AwardKind,
        year: i32,
        asked: Option<CommendationKind>,
        today: Date,
    ) -> Result<CommendationKind, MovementRefusal> {
        if today < self.opens_on {
            return Err(MovementRefusal::NotOpenYet(self.opens_on));
        }
        if today > self.closes_on {
            return Err(MovementRefusal::Closed(self.closes_on));
        }
        if !self.takes_part(proposing) {
            return Err(MovementRefusal::NotParticipating);
        }
        if !self.offerings.is_empty() && !self.offerings.contains(&award) {
            return Err(MovementRefusal::AwardNotOffered(award));
        }
        if !(self.from_year..=self.to_year).contains(&year) {
            return Err(MovementRefusal::OutsidePeriod {
                year,
                from: self.from_year,
                to: self.to_year,
            });
        }
        match asked {
            Some(asked) if asked != self.kind => Err(MovementRefusal::KindMismatch {
                movement: self.kind,
                asked,
            }),
            _ => Ok(self.kind),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod tests {
    use time::macros::date;
    use uuid::Uuid;

    use super::*;

    fn unit(n: u128) -> UnitId {
        UnitId(Uuid::from_u128(n))
    }

    /// Công an tỉnh (1) > Phòng Tham mưu (2); Công an tỉnh (1) > Công an huyện (3) > xã (4);
    /// another province (9).
    fn path(n: u128) -> UnitPath {
        match n {
            1 => UnitPath(vec![unit(1)]),
            2 => UnitPath(vec![unit(1), unit(2)]),
            3 => UnitPath(vec![unit(1), unit(3)]),
            4 => UnitPath(vec![unit(1), unit(3), unit(4)]),
            _ => UnitPath(vec![unit(n)]),
        }
    }

    fn draft() -> MovementDraft {
        MovementDraft {
            launched_by: unit(1),
            name: "Toàn dân bảo vệ an ninh Tổ quốc năm 2022".into(),
            kind: CommendationKind::TheoDotChuyenDe,
            from_year: 2022,
            to_year: 2022,
            theme: None,
            participants: vec![unit(3)],
            offerings: vec![AwardKind::GiayKhen, AwardKind::BangKhenBoTinh],
            opens_on: date!(2022 - 10 - 01),
            closes_on: date!(2022 - 11 - 30),
        }
    }

    fn movement() -> Movement {
        draft()
            .check(MovementId(Uuid::from_u128(100)), &[path(3)])
            .unwrap()
    }

    /// (case, proposing unit, award, year, kind asked, today, verdict).
    type Case = (
        &'static str,
        u128,
        AwardKind,
        i32,
        Option<CommendationKind>,
        Date,
        Result<CommendationKind, MovementRefusal>,
    );

    #[test]
    fn a_movement_takes_nominations_only_as_its_plan_says() {
        use MovementRefusal::*;
        let m = movement();
        let gk = AwardKind::GiayKhen;
        let thematic = CommendationKind::TheoDotChuyenDe;
        let regular = CommendationKind::ThuongXuyen;
        #[rustfmt::skip]
        let cases: &[Case] = &[
            ("a participant inside the window",      3, gk, 2022, None,          date!(2022 - 10 - 01), Ok(thematic)),
            ("below a participant, last day",        4, gk, 2022, Some(thematic), date!(2022 - 11 - 30), Ok(thematic)),
            ("the day before the window",            3, gk, 2022, None,          date!(2022 - 09 - 30), Err(NotOpenYet(date!(2022 - 10 - 01)))),
            ("the day after the window",             3, gk, 2022, None,          date!(2022 - 12 - 01), Err(Closed(date!(2022 - 11 - 30)))),
            ("the launcher's other branch",          2, gk, 2022, None,          date!(2022 - 10 - 15), Err(NotParticipating)),
            ("another province",                     9, gk, 2022, None,          date!(2022 - 10 - 15), Err(NotParticipating)),
            ("an award it does not lead to",         3, AwardKind::CstdCoSo, 2022, None, date!(2022 - 10 - 15), Err(AwardNotOffered(AwardKind::CstdCoSo))),
            ("a year outside its period",            3, gk, 2021, None,          date!(2022 - 10 - 15), Err(OutsidePeriod { year: 2021, from: 2022, to: 2022 })),
            // Law Art 8, Decree 98/2023 Art 4: a thematic result is not a regular one.
            ("a regular commendation in a thematic movement", 3, gk, 2022, Some(regular), date!(2022 - 10 - 15), Err(KindMismatch { movement: thematic, asked: regular })),
        ];
        for (case, unit, award, year, asked, today, expected) in cases {
            assert_eq!(
                &m.admits(&path(*unit), *award, *year, *asked, *today),
                expected,
                "{case}"
            );
        }
    }

    #[test]
    fn a_movement_is_seen_within_its_launcher_and_above() {
        let launcher = path(3);
        #[rustfmt::skip]
        let cases: &[(&str, Option<&[UnitPath]>, bool)] = &[
            ("an administrator",              None,                 true),
            ("the launching unit",            Some(&[path(3)]),     true),
            ("a unit below it",               Some(&[path(4)]),     true),
            ("the province above it",         Some(&[path(1)]),     true),
            ("a sibling branch",              Some(&[path(2)]),     false),
            ("another province",              Some(&[path(9)]),     false),
            ("no roles at all",               Some(&[]),            false),
            ("a sibling and a unit below it", Some(&[path(2), path(4)]), true),
        ];
        for (case, roots, expected) in cases {
            assert_eq!(
                Movement::visible_from(*roots, &launcher),
                *expected,
                "{case}"
            );
        }
    }

    #[test]
    fn a_movement_is_checked_whole_when_launched() {
        let id = MovementId(Uuid::from_u128(100));
        // NFD in, NFC out; participants and offerings kept once each.
        let mut d = draft();
        d.name = "Toa\u{300}n da\u{302}n ba\u{309}o ve\u{323}\u{302}".into();
        d.participants = vec![unit(3), unit(3)];
        d.offerings = vec![];
        let m = d.check(id, &[path(3), path(3)]).unwrap();
        assert_eq!(m.name, "Toàn dân bảo vệ");
        assert_eq!(m.participants, vec![unit(3)]);
        assert!(m.offerings.is_empty(), "no offerings: any award");

        let mut bad = draft();
        bad.name = "  ".into();
        bad.to_year = 2020;
        bad.closes_on = date!(2022 - 09 - 01);
        let errors = bad.check(id, &[path(3)]).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(InvalidInput::field).collect();
        assert_eq!(fields, ["name", "toYear", "closesOn"]);

        // Art 16.1: a movement is regular, by phase or đột xuất; seniority, long service and
        // foreign recipients are kinds of commendation, not of movement.
        for (kind, accepted) in [
            (CommendationKind::ThuongXuyen, true),
            (CommendationKind::TheoDotChuyenDe, true),
            (CommendationKind::DotXuat, true),
            (CommendationKind::NienHan, false),
            (CommendationKind::QuaTrinhCongHien, false),
            (CommendationKind::DoiNgoai, false),
        ] {
            let mut d = draft();
            d.kind = kind;
            match d.check(id, &[path(3)]) {
                Ok(_) => assert!(accepted, "{kind:?}"),
                Err(errors) => {
                    assert!(!accepted, "{kind:?}: {errors:?}");
                    assert_eq!(errors[0].field(), "kind");
                }
            }
        }

        // A participant outside the launcher's subtree; none at all.
        assert_eq!(
            draft().check(id, &[path(9)]).unwrap_err()[0].field(),
            "participantUnitIds"
        );
        let mut none = draft();
        none.participants.clear();
        assert_eq!(
            none.check(id, &[]).unwrap_err()[0].field(),
            "participantUnitIds"
        );
        // A ten-year review (2013–2023) is a movement; a 25-year one is not.
        let mut review = draft();
        review.from_year = 2013;
        review.to_year = 2023;
        assert!(review.check(id, &[path(3)]).is_ok());
        let mut long = draft();
        long.from_year = 2000;
        long.to_year = 2024;
        assert!(long.check(id, &[path(3)]).is_err());
    }
}
