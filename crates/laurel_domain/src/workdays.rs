//! Working days (ngày làm việc) of Vietnamese state bodies: the days review deadlines are
//! counted in.
//!
//! State bodies work Monday to Friday. Public holidays and compensatory days off (Bộ luật Lao
//! động 2019, Điều 111-112) and official swaps (hoán đổi) take weekdays off; a swap makes a
//! Saturday a working day (ngày làm bù). The days are data (`rulesets/calendar.toml`, 2024-2027
//! with sources), corrected at run time by an administrator; outside the years the data covers,
//! only weekends are off.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use time::{Date, Duration, Weekday};

use crate::message::Explain;
use crate::rules::Confidence;

/// What a listed day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DayKind {
    /// A weekday off: a holiday, a compensatory day off, or a swapped weekday.
    Holiday,
    /// A Saturday or Sunday worked in exchange for a swapped weekday (ngày làm bù).
    Working,
}

impl DayKind {
    /// Every kind.
    pub const ALL: [DayKind; 2] = [DayKind::Holiday, DayKind::Working];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            DayKind::Holiday => "HOLIDAY",
            DayKind::Working => "WORKING",
        }
    }
}

impl fmt::Display for DayKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A day kind code Laurel does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown calendar day kind `{0}`")]
pub struct UnknownDayKind(pub String);

impl FromStr for DayKind {
    type Err = UnknownDayKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DayKind::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| UnknownDayKind(s.chars().take(64).collect()))
    }
}

/// One listed day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarDay {
    /// The date.
    pub date: Date,
    /// Off or worked.
    pub kind: DayKind,
    /// What it is, e.g. "Tết Nguyên đán (mùng 1)".
    pub name: String,
    /// How sure we are.
    pub confidence: Confidence,
    /// The notice that says so.
    pub source: String,
}

impl CalendarDay {
    /// Checks that the kind fits the weekday: a holiday falls on a weekday (weekends are off
    /// anyway), a working day on a weekend (weekdays are worked anyway).
    pub fn check(&self) -> Result<(), CalendarProblem> {
        let weekend = is_weekend(self.date);
        match (self.kind, weekend) {
            (DayKind::Holiday, false) | (DayKind::Working, true) => Ok(()),
            (DayKind::Holiday, true) => Err(CalendarProblem::HolidayOnWeekend { date: self.date }),
            (DayKind::Working, false) => Err(CalendarProblem::WorkingOnWeekday { date: self.date }),
        }
    }
}

fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// Why a calendar day is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarProblem {
    /// A holiday on a Saturday or Sunday changes nothing; its compensatory weekday is listed.
    #[error("{date} is a Saturday or Sunday: list the compensatory weekday off instead")]
    HolidayOnWeekend {
        /// The date.
        date: Date,
    },
    /// A weekday is worked anyway.
    #[error("{date} is a weekday: only a Saturday or Sunday can be made a working day")]
    WorkingOnWeekday {
        /// The date.
        date: Date,
    },
    /// Listed twice.
    #[error("{date} is listed twice")]
    Duplicate {
        /// The date.
        date: Date,
    },
    /// Outside the years the file says it covers.
    #[error("{date} is outside the years the calendar covers")]
    OutsideYears {
        /// The date.
        date: Date,
    },
    /// A name or source is missing.
    #[error("`{field}` must not be empty")]
    Empty {
        /// The field.
        field: &'static str,
    },
}

impl Explain for CalendarProblem {
    fn message_vi(&self) -> String {
        match self {
            CalendarProblem::HolidayOnWeekend { date } => format!(
                "Ngày {} là thứ Bảy hoặc Chủ nhật: hãy khai báo ngày nghỉ bù trong tuần.",
                crate::calendar::format_date(*date)
            ),
            CalendarProblem::WorkingOnWeekday { date } => format!(
                "Ngày {} là ngày trong tuần: chỉ thứ Bảy hoặc Chủ nhật mới có thể là ngày làm bù.",
                crate::calendar::format_date(*date)
            ),
            CalendarProblem::Duplicate { date } => format!(
                "Ngày {} được khai báo hai lần.",
                crate::calendar::format_date(*date)
            ),
            CalendarProblem::OutsideYears { date } => format!(
                "Ngày {} nằm ngoài các năm của lịch.",
                crate::calendar::format_date(*date)
            ),
            CalendarProblem::Empty { field } => format!("Trường {field} không được để trống."),
        }
    }
    fn message_en(&self) -> String {
        format!("{self}.")
    }
}

/// The calendar file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// Not valid TOML, or a key of the wrong shape.
    #[error("{file}: {message}")]
    Parse {
        /// The file.
        file: String,
        /// The parser's message.
        message: String,
    },
    /// A day breaks a rule.
    #[error("{file}: day {index}: {problem}")]
    Invalid {
        /// The file.
        file: String,
        /// The position of the day in the file (from 0).
        index: usize,
        /// What is wrong.
        problem: CalendarProblem,
    },
}

impl Explain for CalendarError {
    fn message_vi(&self) -> String {
        match self {
            CalendarError::Parse { file, message } => {
                format!("Tệp lịch {file} không đọc được: {message}")
            }
            CalendarError::Invalid {
                file,
                index,
                problem,
            } => format!(
                "Tệp lịch {file}, ngày thứ {index}: {}",
                problem.message_vi()
            ),
        }
    }
    fn message_en(&self) -> String {
        format!("Calendar file {self}.")
    }
}

/// The calendar compiled into the binary: (name, text).
pub const EMBEDDED_CALENDAR: (&str, &str) = (
    "rulesets/calendar.toml",
    include_str!("../rulesets/calendar.toml"),
);

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalendar {
    years: Vec<i32>,
    day: Vec<RawDay>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDay {
    date: toml::value::Datetime,
    kind: DayKind,
    name: String,
    confidence: Confidence,
    source: String,
}

/// The working days: weekends off, listed days as listed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkingCalendar {
    days: BTreeMap<Date, CalendarDay>,
    years: BTreeSet<i32>,
}

/// The longest any deadline may run, in working days (a guard against runaway loops).
pub const MAX_WORKING_DAYS: u32 = 3650;

impl WorkingCalendar {
    /// The calendar in `rulesets/calendar.toml`.
    pub fn embedded() -> Result<WorkingCalendar, CalendarError> {
        WorkingCalendar::parse(EMBEDDED_CALENDAR.0, EMBEDDED_CALENDAR.1)
    }

    /// Parses and checks a calendar file.
    pub fn parse(file: &str, text: &str) -> Result<WorkingCalendar, CalendarError> {
        let raw: RawCalendar = toml::from_str(text).map_err(|e| CalendarError::Parse {
            file: file.to_owned(),
            message: e.to_string().trim_end().to_owned(),
        })?;
        let years: BTreeSet<i32> = raw.years.into_iter().collect();
        let mut days = BTreeMap::new();
        for (index, d) in raw.day.into_iter().enumerate() {
            let invalid = |problem| CalendarError::Invalid {
                file: file.to_owned(),
                index,
                problem,
            };
            let date = toml_date(&d.date).ok_or_else(|| CalendarError::Parse {
                file: file.to_owned(),
                message: format!("day {index}: `{}` is not a date (YYYY-MM-DD)", d.date),
            })?;
            let day = CalendarDay {
                date,
                kind: d.kind,
                name: d.name.trim().to_owned(),
                confidence: d.confidence,
                source: d.source.trim().to_owned(),
            };
            if day.name.is_empty() {
                return Err(invalid(CalendarProblem::Empty { field: "name" }));
            }
            if day.source.is_empty() {
                return Err(invalid(CalendarProblem::Empty { field: "source" }));
            }
            day.check().map_err(invalid)?;
            if !years.contains(&date.year()) {
                return Err(invalid(CalendarProblem::OutsideYears { date }));
            }
            if days.insert(date, day).is_some() {
                return Err(invalid(CalendarProblem::Duplicate { date }));
            }
        }
        Ok(WorkingCalendar { days, years })
    }

    /// This calendar with `overrides` applied: each date set to the given day, or back to an
    /// ordinary day (`None`), as an administrator recorded them.
    pub fn with_overrides(
        &self,
        overrides: impl IntoIterator<Item = (Date, Option<CalendarDay>)>,
    ) -> WorkingCalendar {
        let mut next = self.clone();
        for (date, day) in overrides {
            match day {
                Some(day) => {
                    next.days.insert(date, day);
                }
                None => {
                    next.days.remove(&date);
                }
            }
        }
        next
    }

    /// The years the shipped data covers.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    /// The listed days of a year, in date order.
    pub fn days_of(&self, year: i32) -> impl Iterator<Item = &CalendarDay> {
        self.days.values().filter(move |d| d.date.year() == year)
    }

    /// The listed day on `date`, if any.
    pub fn day(&self, date: Date) -> Option<&CalendarDay> {
        self.days.get(&date)
    }

    /// Whether state bodies work on `date`.
    pub fn is_working_day(&self, date: Date) -> bool {
        match self.days.get(&date).map(|d| d.kind) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Working) => true,
            None => !is_weekend(date),
        }
    }

    /// The `n`-th working day after `from` (`from` itself not counted): a deadline of `n`
    /// working days from `from`. `n = 0` gives `from`.
    pub fn add_working_days(&self, from: Date, n: u32) -> Date {
        let mut date = from;
        let mut left = n.min(MAX_WORKING_DAYS);
        while left > 0 {
            match date.checked_add(Duration::days(1)) {
                Some(next) => date = next,
                None => return date,
            }
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// How many working days lie after `from` up to and including `to` (0 when `to <= from`).
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut count = 0u32;
        let mut date = from;
        while date < to && count < MAX_WORKING_DAYS {
            match date.checked_add(Duration::days(1)) {
                Some(next) => date = next,
                None => break,
            }
            if self.is_working_day(date) {
                count += 1;
            }
        }
        count
    }
}

fn toml_date(value: &toml::value::Datetime) -> Option<Date> {
    let (Some(d), None, None) = (value.date, value.time, value.offset) else {
        return None;
    };
    let month = time::Month::try_from(d.month).ok()?;
    Date::from_calendar_date(i32::from(d.year), month, d.day).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod tests {
    use super::*;
    use time::macros::date;

    fn calendar() -> WorkingCalendar {
        WorkingCalendar::embedded().unwrap()
    }

    #[test]
    fn the_shipped_calendar_covers_2024_to_2027_with_sources() {
        let c = calendar();
        assert_eq!(c.years().collect::<Vec<_>>(), [2024, 2025, 2026, 2027]);
        for year in 2024..=2027 {
            assert!(c.days_of(year).count() >= 9, "{year}");
        }
        assert!(
            c.days_of(2027)
                .all(|d| d.confidence == Confidence::Unconfirmed)
        );
        assert!(
            c.days_of(2025)
                .all(|d| d.confidence == Confidence::Confirmed)
        );
    }

    #[test]
    fn holidays_and_swaps_follow_the_official_notices() {
        let c = calendar();
        #[rustfmt::skip]
        let cases = [
            (date!(2024 - 02 - 08), false), // Tết 2024, Thông báo 5015/TB-LĐTBXH
            (date!(2024 - 02 - 14), false), // nghỉ bù
            (date!(2024 - 02 - 15), true),
            (date!(2024 - 04 - 29), false), // swapped for Saturday 04/05
            (date!(2024 - 05 - 04), true),  // ngày làm bù
            (date!(2024 - 05 - 05), false), // an ordinary Sunday
            (date!(2025 - 01 - 27), false), // Tết 2025: no swap
            (date!(2025 - 02 - 08), false), // an ordinary Saturday, not worked
            (date!(2025 - 04 - 26), true),  // worked for Friday 02/05
            (date!(2025 - 05 - 02), false),
            (date!(2026 - 01 - 10), true),  // worked for Friday 02/01/2026
            (date!(2026 - 04 - 27), false), // Giỗ Tổ on a Sunday: the Monday off
            (date!(2026 - 04 - 28), true),  // no swap (Bộ Nội vụ, 06/03/2026)
            (date!(2026 - 11 - 24), true),  // Ngày Văn hóa Việt Nam: not a day off yet
            (date!(2030 - 01 - 01), true),  // outside the data: weekdays work
        ];
        for (day, working) in cases {
            assert_eq!(c.is_working_day(day), working, "{day}");
        }
    }

    #[test]
    fn deadlines_count_working_days_across_tet() {
        let c = calendar();
        #[rustfmt::skip]
        let cases = [
            // from,                n,  due
            (date!(2025 - 01 - 24), 5, date!(2025 - 02 - 07)), // Tết 27-31/01 and two weekends
            (date!(2025 - 01 - 24), 0, date!(2025 - 01 - 24)),
            (date!(2024 - 04 - 26), 3, date!(2024 - 05 - 04)), // 29/04-01/05 off, Saturday worked
            (date!(2026 - 02 - 13), 1, date!(2026 - 02 - 23)),
            (date!(2030 - 01 - 04), 1, date!(2030 - 01 - 07)), // a Friday: the Monday
        ];
        for (from, n, due) in cases {
            assert_eq!(c.add_working_days(from, n), due, "{from} + {n}");
            assert_eq!(c.working_days_between(from, due), n, "{from}..{due}");
        }
        assert_eq!(
            c.working_days_between(date!(2025 - 02 - 07), date!(2025 - 01 - 24)),
            0
        );
    }

    #[test]
    fn an_administrator_can_add_and_remove_days() {
        let c = calendar();
        let culture_day = CalendarDay {
            date: date!(2026 - 11 - 24),
            kind: DayKind::Holiday,
            name: "Ngày Văn hóa Việt Nam".into(),
            confidence: Confidence::Confirmed,
            source: "Bộ luật Lao động (sửa đổi)".into(),
        };
        let edited = c.with_overrides([
            (culture_day.date, Some(culture_day.clone())),
            (date!(2026 - 04 - 27), None),
        ]);
        assert!(!edited.is_working_day(date!(2026 - 11 - 24)));
        assert!(edited.is_working_day(date!(2026 - 04 - 27)));
        assert!(
            c.is_working_day(date!(2026 - 11 - 24)),
            "the original is unchanged"
        );
    }

    #[test]
    fn days_that_do_not_fit_their_weekday_are_refused() {
        let text = |date: &str, kind: &str| {
            format!(
                "years = [2025]\n[[day]]\ndate = {date}\nkind = \"{kind}\"\nname = \"x\"\nconfidence = \"C\"\nsource = \"y\"\n"
            )
        };
        for (date, kind, ok) in [
            ("2025-01-27", "HOLIDAY", true),
            ("2025-02-08", "HOLIDAY", false),
            ("2025-04-26", "WORKING", true),
            ("2025-04-28", "WORKING", false),
            ("2026-01-05", "HOLIDAY", false), // outside `years`
        ] {
            assert_eq!(
                WorkingCalendar::parse("t.toml", &text(date, kind)).is_ok(),
                ok,
                "{date} {kind}"
            );
        }
        let twice = format!(
            "{}{}",
            text("2025-01-27", "HOLIDAY"),
            &text("2025-01-27", "HOLIDAY")[15..]
        );
        assert!(matches!(
            WorkingCalendar::parse("t.toml", &twice),
            Err(CalendarError::Invalid {
                problem: CalendarProblem::Duplicate { .. },
                ..
            })
        ));
    }
}
