//! Quotas (chỉ tiêu, tỷ lệ): how many of an award one issuer may give in a period.
//!
//! The Law sets no national cap on most awards (domain notes §2.1-2.2: the old "CSTĐCS ≤ 15% of
//! LĐTT" was Decree 91/2017 Art 9.3, superseded), but issuers impose their own, often
//! budget-driven ("≤ 28% of LĐTT"). So quotas are configuration per issuer, award kind and
//! period, off unless set: an absolute cap, a percentage of the count of another award decided
//! for the same issuer and period, or both (the smaller applies).

use crate::award::AwardKind;
use crate::message::Explain;
use crate::text::InvalidInput;

/// A cap on how many of an award an issuer gives in a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// At most this many.
    pub max_count: Option<u32>,
    /// At most this percentage of the count of `base` (rounded down).
    pub max_percent: Option<u32>,
    /// The award whose count the percentage is taken of (e.g. LAO_DONG_TIEN_TIEN).
    pub base: Option<AwardKind>,
}

impl Quota {
    /// Validates a quota: at least one cap; a percentage needs a base award and 0-100.
    pub fn new(
        max_count: Option<i32>,
        max_percent: Option<i32>,
        base: Option<AwardKind>,
    ) -> Result<Quota, InvalidInput> {
        let count = match max_count {
            Some(c) if c < 0 => {
                return Err(InvalidInput::OutOfRange {
                    field: "maxCount",
                    min: 0,
                    max: i64::from(i32::MAX),
                    actual: c.into(),
                });
            }
            c => c.map(|c| c.unsigned_abs()),
        };
        let percent = match max_percent {
            Some(p) if !(0..=100).contains(&p) => {
                return Err(InvalidInput::OutOfRange {
                    field: "maxPercent",
                    min: 0,
                    max: 100,
                    actual: p.into(),
                });
            }
            p => p.map(|p| p.unsigned_abs()),
        };
        if count.is_none() && percent.is_none() {
            return Err(InvalidInput::Malformed {
                field: "maxCount",
                expected_vi: "cần ít nhất một giới hạn: maxCount hoặc maxPercent",
                expected_en: "give at least one cap: maxCount or maxPercent",
            });
        }
        if percent.is_some() != base.is_some() {
            return Err(InvalidInput::Malformed {
                field: "baseAwardKind",
                expected_vi: "tỷ lệ phần trăm (maxPercent) đi cùng danh hiệu làm cơ sở tính (baseAwardKind)",
                expected_en: "a percentage (maxPercent) goes with the award it is a percentage of (baseAwardKind)",
            });
        }
        Ok(Quota {
            max_count: count,
            max_percent: percent,
            base,
        })
    }

    /// The cap, given the count of the base award.
    pub fn cap(&self, base_count: u32) -> u32 {
        let by_percent = self
            .max_percent
            .map(|p| u32::try_from(u64::from(p) * u64::from(base_count) / 100).unwrap_or(u32::MAX));
        match (self.max_count, by_percent) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => u32::MAX,
        }
    }

    /// Checks that `adding` more fit, when `taken` are already reserved or given.
    pub fn check(&self, taken: u32, adding: u32, base_count: u32) -> Result<(), QuotaExceeded> {
        let cap = self.cap(base_count);
        if taken.saturating_add(adding) <= cap {
            Ok(())
        } else {
            Err(QuotaExceeded {
                cap,
                taken,
                adding,
                quota: *self,
                base_count,
            })
        }
    }
}

/// A quota would be exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("quota exceeded: {taken} taken + {adding} > cap {cap}")]
pub struct QuotaExceeded {
    /// The cap that applies.
    pub cap: u32,
    /// Already reserved (submitted) or given (decided).
    pub taken: u32,
    /// Asked for now.
    pub adding: u32,
    /// The quota.
    pub quota: Quota,
    /// The count of the base award the percentage was taken of.
    pub base_count: u32,
}

impl Explain for QuotaExceeded {
    fn message_vi(&self) -> String {
        let basis = match (self.quota.max_percent, self.quota.base) {
            (Some(p), Some(base)) => {
                format!(" (tối đa {p}% của {} {}; ", self.base_count, base.name_vi())
            }
            _ => " (".to_string(),
        };
        format!(
            "Vượt chỉ tiêu khen thưởng: đã dùng {} và đề nghị thêm {} trong khi chỉ tiêu là {}{basis}cấu hình theo cấp khen thưởng).",
            self.taken, self.adding, self.cap
        )
    }
    fn message_en(&self) -> String {
        let basis = match (self.quota.max_percent, self.quota.base) {
            (Some(p), Some(base)) => {
                format!(" (at most {p}% of {} {}; ", self.base_count, base.name_en())
            }
            _ => " (".to_string(),
        };
        format!(
            "Quota exceeded: {} already taken and {} more asked for, but the cap is {}{basis}set by the issuer).",
            self.taken, self.adding, self.cap
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod tests {
    use super::*;

    #[test]
    fn caps_are_absolute_or_a_rounded_down_share_of_the_base_whichever_is_smaller() {
        /// max_count, max_percent, base, base_count, expected cap
        type Case = (Option<i32>, Option<i32>, Option<AwardKind>, u32, u32);
        let lđtt = Some(AwardKind::LaoDongTienTien);
        #[rustfmt::skip]
        let cases: &[Case] = &[
            (Some(3), None, None, 0, 3),
            (None, Some(15), lđtt, 100, 15),  // the old Decree 91/2017 Art 9.3 ratio, as an issuer's setting
            (None, Some(15), lđtt, 99, 14),   // 14.85 rounds down
            (None, Some(28), lđtt, 0, 0),     // no LĐTT yet: no CSTĐCS
            (Some(10), Some(28), lđtt, 100, 10),
            (Some(40), Some(28), lđtt, 100, 28),
        ];
        for &(count, percent, base, base_count, cap) in cases {
            assert_eq!(
                Quota::new(count, percent, base).unwrap().cap(base_count),
                cap
            );
        }
    }

    #[test]
    fn a_quota_admits_up_to_its_cap_and_not_one_more() {
        let quota = Quota::new(Some(2), None, None).unwrap();
        assert!(quota.check(1, 1, 0).is_ok());
        let err = quota.check(2, 1, 0).unwrap_err();
        assert_eq!((err.cap, err.taken, err.adding), (2, 2, 1));
        assert!(err.message_vi().contains("chỉ tiêu"));
    }

    #[test]
    fn malformed_quotas_are_refused() {
        assert!(Quota::new(None, None, None).is_err());
        assert!(Quota::new(Some(-1), None, None).is_err());
        assert!(Quota::new(None, Some(101), Some(AwardKind::LaoDongTienTien)).is_err());
        assert!(Quota::new(None, Some(10), None).is_err());
        assert!(Quota::new(Some(1), None, Some(AwardKind::LaoDongTienTien)).is_err());
    }
}
