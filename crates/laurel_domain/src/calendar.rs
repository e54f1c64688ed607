//! Dates as people in Vietnam read them.
//!
//! Asia/Ho_Chi_Minh has been UTC+07:00 without daylight saving since 1975, so a fixed offset is
//! exact for every date Laurel handles and needs no time-zone database. The clock itself is read
//! at the edge (the gateway) and passed in.

use time::macros::offset;
use time::{Date, OffsetDateTime, UtcOffset};

/// Asia/Ho_Chi_Minh.
pub const VIETNAM: UtcOffset = offset!(+7);

/// The calendar date in Vietnam at an instant.
pub fn local_date(at: OffsetDateTime) -> Date {
    at.to_offset(VIETNAM).date()
}

/// `dd/mm/yyyy`, the form every date shown to people takes.
pub fn format_date(date: Date) -> String {
    format!(
        "{:02}/{:02}/{:04}",
        date.day(),
        u8::from(date.month()),
        date.year()
    )
}

/// `HH:MM dd/mm/yyyy` in Vietnam: an instant as people read it (when a refusal ends, say).
pub fn local_time_text(at: OffsetDateTime) -> String {
    let local = at.to_offset(VIETNAM);
    format!(
        "{:02}:{:02} {}",
        local.hour(),
        local.minute(),
        format_date(local.date())
    )
}

/// "ngày 05 tháng 01 năm 2025": the long form used on documents. Per Decree 30/2020/NĐ-CP
/// (Appendix I), days below 10 and the months 1 and 2 take a leading zero; other months do not.
pub fn long_date_vi(date: Date) -> String {
    let month = u8::from(date.month());
    let month = if month <= 2 {
        format!("{month:02}")
    } else {
        month.to_string()
    };
    format!("ngày {:02} tháng {month} năm {}", date.day(), date.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn the_local_date_is_taken_in_vietnam() {
        // 17:30 UTC on 31 Dec is already New Year's Day in Hà Nội.
        assert_eq!(
            local_date(datetime!(2024-12-31 17:30 UTC)),
            date!(2025 - 01 - 01)
        );
        assert_eq!(
            local_date(datetime!(2024-12-31 16:59 UTC)),
            date!(2024 - 12 - 31)
        );
    }

    #[test]
    fn dates_are_shown_dd_mm_yyyy() {
        assert_eq!(format_date(date!(2025 - 01 - 05)), "05/01/2025");
        assert_eq!(format_date(date!(2024 - 12 - 31)), "31/12/2024");
    }

    #[test]
    fn long_dates_follow_decree_30_2020() {
        let cases = [
            (date!(2025 - 01 - 05), "ngày 05 tháng 01 năm 2025"),
            (date!(2025 - 02 - 28), "ngày 28 tháng 02 năm 2025"),
            (date!(2025 - 03 - 09), "ngày 09 tháng 3 năm 2025"),
            (date!(2024 - 12 - 15), "ngày 15 tháng 12 năm 2024"),
        ];
        for (date, expected) in cases {
            assert_eq!(long_date_vi(date), expected);
        }
    }
}

/// Dates in machine-readable payloads (events, webhooks): ISO 8601, `2026-11-30`. For
/// `#[serde(with = "crate::calendar::iso_date")]` (and `iso_date::option`).
pub mod iso_date {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};
    use time::Date;
    use time::macros::format_description;

    const FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
        format_description!("[year]-[month]-[day]");

    /// Writes `2026-11-30`.
    pub fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
        let text = date.format(FORMAT).map_err(serde::ser::Error::custom)?;
        s.serialize_str(&text)
    }

    /// Reads `2026-11-30`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        Date::parse(&text, FORMAT).map_err(D::Error::custom)
    }

    /// The same for `Option<Date>` (`null` when absent).
    pub mod option {
        use super::*;

        /// Writes `2026-11-30` or `null`.
        pub fn serialize<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
            match date {
                Some(d) => super::serialize(d, s),
                None => s.serialize_none(),
            }
        }

        /// Reads `2026-11-30` or `null` (also inside internally tagged enums, where serde
        /// hands a `null` over as a unit).
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|text| Date::parse(&text, FORMAT).map_err(D::Error::custom))
                .transpose()
        }
    }
}
