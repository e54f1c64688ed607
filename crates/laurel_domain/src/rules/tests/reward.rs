//! Cash rewards: coefficient × base salary on the decision date, rounded up to 10,000 VND.

use proptest::prelude::*;

use super::support::*;
use crate::award::{AwardKind, RecipientKind};
use crate::message::Explain;
use crate::rules::{RewardError, explain_amount, reward};

use AwardKind::*;
use RecipientKind::*;

fn amount(award: AwardKind, kind: RecipientKind, y: i32, m: u8, d: u8) -> (i64, String) {
    let r = reward(rulesets(), award, kind, date(y, m, d)).unwrap();
    (r.amount_vnd, r.ruleset)
}

#[test]
fn cash_follows_the_ruleset_and_salary_on_the_decision_date() {
    // (award, kind, decision date, amount, ruleset) — Decree 98/2023 Art 54, Decree 152/2025 Art 50-54.
    let table = [
        // Decree 91/2017 [C-old] on Decree 38/2019's 1,490,000: 1.0 ×, and 0.3 × rounded up.
        (
            BangKhenBoTinh,
            Individual,
            (2023, 3, 14),
            1_490_000,
            "ND91_2017",
        ),
        (GiayKhen, Individual, (2023, 3, 14), 450_000, "ND91_2017"), // 447,000 → 450,000
        (GiayKhen, Individual, (2025, 1, 15), 710_000, "ND98_2023"), // 0.3 × 2,340,000 = 702,000 → 710,000
        (
            LaoDongTienTien,
            Individual,
            (2024, 3, 1),
            540_000,
            "ND98_2023",
        ), // 0.3 × 1,800,000
        (
            LaoDongTienTien,
            Individual,
            (2024, 7, 1),
            710_000,
            "ND98_2023",
        ),
        (CstdCoSo, Individual, (2024, 7, 1), 2_340_000, "ND98_2023"),
        (
            CstdBoTinh,
            Individual,
            (2025, 8, 1),
            7_020_000,
            "ND152_2025",
        ),
        (
            CstdToanQuoc,
            Individual,
            (2025, 8, 1),
            10_530_000,
            "ND152_2025",
        ),
        (
            BangKhenBoTinh,
            Individual,
            (2025, 6, 30),
            2_340_000,
            "ND98_2023",
        ), // 1.0 [C-old]
        (
            BangKhenBoTinh,
            Individual,
            (2025, 7, 1),
            3_510_000,
            "ND152_2025",
        ), // 1.5
        (
            BangKhenThuTuong,
            Individual,
            (2025, 8, 1),
            8_190_000,
            "ND152_2025",
        ), // 3.5
        (GiayKhen, Household, (2025, 8, 1), 1_060_000, "ND152_2025"), // 0.3 × 1.5 × 2,340,000 = 1,053,000
        (GiayKhen, Collective, (2025, 8, 1), 1_410_000, "ND152_2025"), // 0.3 × 2 × 2,340,000 = 1,404,000
        (
            BangKhenBoTinh,
            Collective,
            (2025, 8, 1),
            7_020_000,
            "ND152_2025",
        ),
        (
            TapTheLdXuatSac,
            Collective,
            (2025, 8, 1),
            3_510_000,
            "ND152_2025",
        ), // titles: own coefficient
        (
            TapTheLdTienTien,
            Collective,
            (2024, 3, 1),
            1_440_000,
            "ND98_2023",
        ), // 0.8 × 1,800,000
        (
            CoThiDuaChinhPhu,
            Collective,
            (2025, 8, 1),
            28_080_000,
            "ND152_2025",
        ),
        (
            CoThiDuaBoTinh,
            Collective,
            (2025, 8, 1),
            18_720_000,
            "ND152_2025",
        ),
    ];
    for (award, kind, (y, m, d), expected, ruleset) in table {
        assert_eq!(
            amount(award, kind, y, m, d),
            (expected, ruleset.to_owned()),
            "{award} {kind:?} {y}-{m}-{d}"
        );
    }
}

#[test]
fn the_reward_json_has_the_contract_keys() {
    let r = reward(rulesets(), GiayKhen, Individual, date(2025, 1, 15)).unwrap();
    assert_eq!(
        serde_json::to_string(&r.to_json()).unwrap(),
        r#"{"amount_vnd":710000,"base_salary_vnd":2340000,"coefficient":0.3,"multiplier":1.0,"ruleset":"ND98_2023"}"#
    );
    assert_eq!(
        explain_amount(&r),
        "0.3 × 2,340,000 = 702,000 → 710,000 VND"
    );
    let h = reward(rulesets(), GiayKhen, Household, date(2025, 8, 1)).unwrap();
    assert_eq!(
        explain_amount(&h),
        "0.3 × 1.5 × 2,340,000 = 1,053,000 → 1,060,000 VND"
    );
}

#[test]
fn no_amount_before_the_first_regime_or_for_a_recipient_not_accepted() {
    let err = reward(rulesets(), GiayKhen, Individual, date(2017, 9, 14)).unwrap_err();
    assert_eq!(
        err,
        RewardError::NoRuleset {
            date: date(2017, 9, 14)
        }
    );
    assert!(err.message_vi().contains("2017-09-14"));
    let err = reward(rulesets(), LaoDongTienTien, Household, date(2025, 1, 15)).unwrap_err();
    assert_eq!(
        err,
        RewardError::RecipientNotAccepted {
            award: LaoDongTienTien,
            kind: Household
        }
    );
    assert_eq!(
        err.message_vi(),
        "Lao động tiên tiến không tặng cho hộ gia đình."
    );
    assert_eq!(
        err.message_en(),
        "The Advanced Worker is not given to a household."
    );
    let err = reward(rulesets(), CstdCoSo, Collective, date(2025, 1, 15)).unwrap_err();
    assert!(matches!(err, RewardError::RecipientNotAccepted { .. }));
}

proptest! {
    #[test]
    fn amounts_are_the_exact_product_rounded_up_to_10000(coef in 1u32..=100_000, mult in 1000u32..=3000, base in 1i64..=100_000_000) {
        let amount = crate::rules::reward::amount(coef, mult, base);
        let exact = i128::from(coef) * i128::from(mult) * i128::from(base); // × 10⁻⁶ VND
        let amount_scaled = i128::from(amount) * 1_000_000;
        prop_assert_eq!(amount % 10_000, 0);
        prop_assert!(amount_scaled >= exact);
        prop_assert!(amount_scaled - exact < 10_000 * 1_000_000);
    }
}
