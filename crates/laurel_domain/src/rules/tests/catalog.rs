//! The catalog: both regimes load, every award is in both, lookups by date, and every kind of
//! mistake in a ruleset file is refused with the file and the problem named.

use std::collections::BTreeSet;

use super::support::*;
use crate::award::{AwardKind, RecipientKind};
use crate::message::Explain;
use crate::rules::{
    Confidence, EMBEDDED_BASE_SALARY, EMBEDDED_RULESETS, RulesetError, RulesetProblem, Rulesets,
    VoteBase,
};

#[test]
fn the_whole_catalog_reads_as_text() {
    insta::assert_snapshot!(rulesets().catalog_text());
}

#[test]
fn every_regime_loads_oldest_first_with_every_award() {
    let r = rulesets();
    let ids: Vec<&str> = r.all().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["ND91_2017", "ND98_2023", "ND152_2025"]);
    for ruleset in r.all() {
        for award in AwardKind::ALL {
            assert_eq!(ruleset.award(award).award, award);
        }
        assert_eq!(ruleset.awards().count(), AwardKind::ALL.len());
    }
}

#[test]
fn award_kinds_index_their_rule() {
    for (i, award) in AwardKind::ALL.into_iter().enumerate() {
        assert_eq!(award as usize, i);
    }
}

#[test]
fn a_nomination_is_judged_by_the_ruleset_in_force_on_31_december() {
    let r = rulesets();
    assert!(r.for_period(2016).is_none());
    assert_eq!(r.for_period(2017).map(|r| r.id.as_str()), Some("ND91_2017"));
    assert_eq!(r.for_period(2022).map(|r| r.id.as_str()), Some("ND91_2017"));
    assert_eq!(r.for_period(2023).map(|r| r.id.as_str()), Some("ND91_2017"));
    assert_eq!(r.for_period(2024).map(|r| r.id.as_str()), Some("ND98_2023"));
    assert_eq!(
        r.for_period(2025).map(|r| r.id.as_str()),
        Some("ND152_2025")
    );
    assert_eq!(
        r.for_period(2031).map(|r| r.id.as_str()),
        Some("ND152_2025")
    );
    assert!(r.for_period(i32::MAX).is_none() || r.for_period(i32::MAX).is_some());
    assert!(r.in_force_on(date(2017, 9, 14)).is_none());
    assert_eq!(
        r.in_force_on(date(2023, 12, 31)).map(|r| r.id.as_str()),
        Some("ND91_2017")
    );
    assert_eq!(
        r.in_force_on(date(2024, 1, 1)).map(|r| r.id.as_str()),
        Some("ND98_2023")
    );
    assert_eq!(
        r.in_force_on(date(2025, 6, 30)).map(|r| r.id.as_str()),
        Some("ND98_2023")
    );
    assert_eq!(
        r.in_force_on(date(2025, 7, 1)).map(|r| r.id.as_str()),
        Some("ND152_2025")
    );
    assert_eq!(
        r.get("ND152_2025").map(|r| r.effective_from),
        Some(date(2025, 7, 1))
    );
}

#[test]
fn the_base_salary_is_the_step_in_force_on_the_date() {
    let r = rulesets();
    assert_eq!(r.base_salary_on(date(2017, 6, 30)), None);
    assert_eq!(r.base_salary_on(date(2017, 7, 1)), Some(1_300_000));
    assert_eq!(r.base_salary_on(date(2022, 12, 31)), Some(1_490_000));
    assert_eq!(r.base_salary_on(date(2023, 6, 30)), Some(1_490_000));
    assert_eq!(r.base_salary_on(date(2023, 7, 1)), Some(1_800_000));
    assert_eq!(r.base_salary_on(date(2024, 6, 30)), Some(1_800_000));
    assert_eq!(r.base_salary_on(date(2024, 7, 1)), Some(2_340_000));
    assert_eq!(r.base_salary_on(date(2026, 1, 1)), Some(2_340_000));
}

#[test]
fn both_regimes_use_the_same_criterion_ids_so_attestations_carry_over() {
    let r = rulesets();
    let (old, new) = (&r.all()[1], &r.all()[2]);
    for award in AwardKind::ALL {
        let ids = |rs: &crate::rules::Ruleset| -> Vec<String> {
            rs.award(award)
                .criteria_summary()
                .into_iter()
                .map(|c| c.id)
                .collect()
        };
        assert_eq!(ids(old), ids(new), "{award}");
    }
}

/// The old regime (Law 2003/2013, Decree 91/2017) differs from the 2022 Law where the brief
/// confirms the old text [C-old], and is otherwise the 2022 Law's criteria, tagged unconfirmed.
#[test]
fn the_old_regime_differs_where_the_2022_law_changed_it() {
    let r = rulesets();
    let (old, new) = (&r.all()[0], &r.all()[1]);
    assert_eq!(
        (old.id.as_str(), new.id.as_str()),
        ("ND91_2017", "ND98_2023")
    );
    for award in AwardKind::ALL {
        let ids = |rs: &crate::rules::Ruleset| -> Vec<String> {
            rs.award(award)
                .criteria_summary()
                .into_iter()
                .map(|c| c.id)
                .filter(|id| id != "art23.achievement.htxsnv")
                .collect()
        };
        assert_eq!(ids(old), ids(new), "{award}");
    }
    // Before 2024, CSTĐ cơ sở needed an initiative: an excellent rating alone was not enough.
    let cstd = |rs: &crate::rules::Ruleset| -> Vec<String> {
        rs.award(AwardKind::CstdCoSo)
            .criteria_summary()
            .into_iter()
            .map(|c| c.id)
            .collect()
    };
    assert!(!cstd(old).contains(&"art23.achievement.htxsnv".to_string()));
    assert!(cstd(new).contains(&"art23.achievement.htxsnv".to_string()));
    let coef = |rs: &crate::rules::Ruleset, a| rs.award(a).coefficient.thousandths;
    for (award, old_value) in [
        (AwardKind::BangKhenThuTuong, 3500),
        (AwardKind::BangKhenBoTinh, 1000),
        (AwardKind::GiayKhen, 300),
    ] {
        assert_eq!(coef(old, award), old_value, "{award}");
        assert_eq!(
            old.award(award).coefficient.confidence,
            Confidence::ConfirmedOld
        );
    }
    assert_eq!(coef(old, AwardKind::CoThiDuaChinhPhu), 24500);
    assert_eq!(coef(new, AwardKind::CoThiDuaChinhPhu), 12000);
    // Nothing in the old file claims to quote the old Law: only U and C_OLD.
    for award in old.awards() {
        assert_ne!(
            award.coefficient.confidence,
            Confidence::Confirmed,
            "{}",
            award.award
        );
    }
}

#[test]
fn the_regimes_differ_where_the_law_changed() {
    let r = rulesets();
    let (old, new) = (&r.all()[1], &r.all()[2]);
    let coef = |rs: &crate::rules::Ruleset, a| rs.award(a).coefficient.thousandths;
    assert_eq!(coef(old, AwardKind::BangKhenBoTinh), 1000);
    assert_eq!(coef(new, AwardKind::BangKhenBoTinh), 1500);
    assert_eq!(coef(old, AwardKind::GiayKhen), 300);
    assert_eq!(coef(new, AwardKind::GiayKhen), 300);
    assert_eq!(
        old.award(AwardKind::BangKhenThuTuong)
            .coefficient
            .confidence,
        Confidence::ConfirmedOld
    );
    assert_eq!(
        new.award(AwardKind::BangKhenThuTuong)
            .coefficient
            .confidence,
        Confidence::Confirmed
    );
    assert!(
        new.award(AwardKind::LaoDongTienTien)
            .authority_basis
            .contains("129/2025")
    );
    // Titles kept their coefficients (Decree 152/2025 Art 50 = Decree 98/2023 Art 54).
    for a in AwardKind::ALL
        .into_iter()
        .filter(|a| a.form() == crate::award::AwardForm::Title)
    {
        assert_eq!(coef(old, a), coef(new, a), "{a}");
    }
}

#[test]
fn council_rules_default_to_the_old_90_percent_for_emulation_fighters() {
    for ruleset in rulesets().all() {
        for a in [AwardKind::CstdBoTinh, AwardKind::CstdToanQuoc] {
            let c = &ruleset.award(a).council;
            assert_eq!(
                (c.threshold_percent, c.base, c.strict, c.secret_ballot),
                (90, VoteBase::AllMembers, false, true)
            );
            assert_eq!(c.confidence, Confidence::ConfirmedOld);
            assert!(c.approves(9, 10));
            assert!(!c.approves(8, 10));
        }
        let c = &ruleset.award(AwardKind::GiayKhen).council;
        assert!(c.strict && c.base == VoteBase::Present && c.threshold_percent == 50);
        assert!(!c.approves(5, 10), "half is not a majority");
        assert!(c.approves(6, 10));
        assert!(!c.approves(0, 0));
    }
}

#[test]
fn judgement_ids_are_listed_for_the_council() {
    let rule = rulesets().all()[1].award(AwardKind::BangKhenBoTinh);
    let ids = rule.judgement_ids(RecipientKind::Individual);
    assert_eq!(
        ids,
        ["art74.1.exemplary", "art74.1.a", "art74.1.b", "art74.1.c"]
    );
    assert_eq!(
        rule.judgement_ids(RecipientKind::Collective),
        ["art74.collective"]
    );
    let summary = rule.criteria_summary();
    let d = summary
        .iter()
        .find(|c| c.id == "art74.1.d.htxsnv.rating")
        .unwrap();
    assert_eq!(d.parent.as_deref(), Some("art74.1.d.htxsnv"));
    assert!(!d.judgement);
    let unique: BTreeSet<_> = summary.iter().map(|c| &c.id).collect();
    assert_eq!(unique.len(), summary.len());
}

#[test]
fn every_general_principle_is_a_line_of_every_award() {
    for ruleset in rulesets().all() {
        for rule in ruleset.awards() {
            let ids: Vec<&str> = rule.criteria.iter().map(|c| c.id.as_str()).collect();
            for g in [
                "general.recipient_kind",
                "general.not_blocked",
                "general.no_ongoing_discipline",
                "general.one_achievement_one_award",
            ] {
                assert!(ids.contains(&g), "{} {} lacks {g}", ruleset.id, rule.award);
            }
        }
    }
}

/// Parses the embedded files with one edit to the ND 98 file.
fn with_edit(old: &str, new: &str) -> Result<Rulesets, RulesetError> {
    let (name, text) = EMBEDDED_RULESETS[0];
    assert!(text.contains(old), "test edit does not apply: {old}");
    let edited = text.replacen(old, new, 1);
    Rulesets::parse(
        &[(name, &edited), EMBEDDED_RULESETS[1], EMBEDDED_RULESETS[2]],
        EMBEDDED_BASE_SALARY,
    )
}

fn problem(result: Result<Rulesets, RulesetError>) -> (String, String, RulesetProblem) {
    match result {
        Err(RulesetError::Invalid { file, at, problem }) => (file, at, problem),
        other => panic!("expected an invalid ruleset, got {other:?}"),
    }
}

#[test]
fn a_missing_award_is_refused() {
    let (file, at, p) = problem(with_edit(
        "code = \"GIAY_KHEN\"",
        "code = \"BANG_KHEN_BO_TINH\"",
    ));
    assert_eq!(file, "rulesets/nd98-2023.toml");
    assert_eq!(
        p,
        RulesetProblem::DuplicateAward {
            award: AwardKind::BangKhenBoTinh
        }
    );
    assert!(at.contains("BANG_KHEN_BO_TINH"));
}

#[test]
fn a_form_that_does_not_match_the_award_kind_is_refused() {
    let (_, _, p) = problem(with_edit(
        "code = \"GIAY_KHEN\"\nform = \"COMMENDATION\"",
        "code = \"GIAY_KHEN\"\nform = \"TITLE\"",
    ));
    assert!(matches!(
        p,
        RulesetProblem::FormMismatch {
            award: AwardKind::GiayKhen,
            ..
        }
    ));
}

#[test]
fn a_recipient_the_award_kind_never_takes_is_refused() {
    let (_, _, p) = problem(with_edit(
        "code = \"LAO_DONG_TIEN_TIEN\"\nform = \"TITLE\"\nrecipients = [\"INDIVIDUAL\"]",
        "code = \"LAO_DONG_TIEN_TIEN\"\nform = \"TITLE\"\nrecipients = [\"INDIVIDUAL\", \"HOUSEHOLD\"]",
    ));
    assert_eq!(
        p,
        RulesetProblem::RecipientNotAllowed {
            award: AwardKind::LaoDongTienTien,
            kind: RecipientKind::Household
        }
    );
}

#[test]
fn a_duplicate_criterion_id_is_refused() {
    let (_, at, p) = problem(with_edit(
        "id = \"art24.months_worked\"",
        "id = \"art24.rating\"",
    ));
    assert_eq!(
        p,
        RulesetProblem::DuplicateCriterion {
            id: "art24.rating".into()
        }
    );
    assert!(at.contains("LAO_DONG_TIEN_TIEN"), "{at}");
}

#[test]
fn an_unknown_rule_is_refused() {
    let (_, _, p) = problem(with_edit(
        "rule = \"months_worked\"",
        "rule = \"months_since_hire\"",
    ));
    assert_eq!(
        p,
        RulesetProblem::UnknownRule {
            rule: "months_since_hire".into()
        }
    );
}

#[test]
fn a_parameter_the_rule_does_not_read_is_refused() {
    let (_, _, p) = problem(with_edit("min_months = 6", "min_months = 6\ncount = 2"));
    assert_eq!(
        p,
        RulesetProblem::UnexpectedParameter {
            rule: "months_worked",
            parameter: "count"
        }
    );
}

#[test]
fn a_missing_parameter_is_refused() {
    let (_, _, p) = problem(with_edit("min_months = 6\n", ""));
    assert_eq!(
        p,
        RulesetProblem::MissingParameter {
            rule: "months_worked",
            parameter: "min_months"
        }
    );
}

#[test]
fn thresholds_out_of_range_are_refused() {
    let (_, at, p) = problem(with_edit("min_percent = 70", "min_percent = 170"));
    assert!(matches!(
        p,
        RulesetProblem::OutOfRange {
            parameter: "min_percent",
            value: 170,
            ..
        }
    ));
    assert!(at.contains("art28.share"), "{at}");
    let (_, at, p) = problem(with_edit("threshold_percent = 90", "threshold_percent = 0"));
    assert!(matches!(
        p,
        RulesetProblem::OutOfRange {
            parameter: "threshold_percent",
            ..
        }
    ));
    assert!(at.contains("council"), "{at}");
    let (_, _, p) = problem(with_edit("min_months = 6", "min_months = 13"));
    assert!(matches!(
        p,
        RulesetProblem::OutOfRange {
            parameter: "min_months",
            ..
        }
    ));
}

#[test]
fn a_coefficient_with_four_decimals_is_refused() {
    let (_, _, p) = problem(with_edit("value = 4.5", "value = 4.5005"));
    assert!(matches!(p, RulesetProblem::BadDecimal { .. }));
    let (_, _, p) = problem(with_edit("value = 4.5", "value = 0.0"));
    assert!(matches!(p, RulesetProblem::BadDecimal { .. }));
}

#[test]
fn an_unconfirmed_criterion_must_name_its_source() {
    // Removing `source` from a [U] criterion.
    let (_, at, p) = problem(with_edit(
        "confidence = \"U\"\nsource = \"Decree 98/2023 Art 4: achievements count from the end of the disciplinary period [C]; that a measure in force during the year excludes that year is our reading\"\n",
        "confidence = \"U\"\n",
    ));
    assert_eq!(
        p,
        RulesetProblem::MissingSource {
            confidence: Confidence::Unconfirmed
        }
    );
    assert!(at.contains("general.no_discipline_in_period"), "{at}");
}

#[test]
fn removing_a_general_principle_is_refused() {
    let (_, _, p) = problem(with_edit(
        "rule = \"one_achievement_one_award\"",
        "rule = \"not_blocked\"",
    ));
    assert_eq!(
        p,
        RulesetProblem::MissingGeneral {
            rule: "one_achievement_one_award"
        }
    );
}

#[test]
fn a_member_rule_on_an_award_for_individuals_is_refused() {
    let (_, _, p) = problem(with_edit(
        "rule = \"months_worked\"\nmin_months = 6",
        "rule = \"all_members_completed_tasks\"",
    ));
    assert_eq!(
        p,
        RulesetProblem::WrongRecipient {
            rule: "all_members_completed_tasks",
            kind: RecipientKind::Individual
        }
    );
}

#[test]
fn applies_to_is_only_for_top_level_criteria() {
    let (_, _, p) = problem(with_edit(
        "  id = \"art74.1.a\"\n",
        "  id = \"art74.1.a\"\n  applies_to = [\"INDIVIDUAL\"]\n",
    ));
    assert_eq!(p, RulesetProblem::NestedAppliesTo);
}

#[test]
fn a_criterion_with_both_a_rule_and_a_group_is_refused() {
    let (_, _, p) = problem(with_edit(
        "id = \"art25.basis\"\n",
        "id = \"art25.basis\"\nrule = \"judgement\"\n",
    ));
    assert_eq!(p, RulesetProblem::NotOneBody);
}

#[test]
fn an_unknown_key_is_a_parse_error_naming_the_file() {
    let err = with_edit("min_months = 6", "min_monhts = 6").unwrap_err();
    let RulesetError::Parse { file, message } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(file, "rulesets/nd98-2023.toml");
    assert!(message.contains("min_monhts"), "{message}");
    assert!(err.message_vi().contains("rulesets/nd98-2023.toml"));
    assert!(err.message_en().contains("cannot be read"));
}

#[test]
fn two_rulesets_with_one_id_are_refused() {
    let (name, text) = EMBEDDED_RULESETS[1];
    let renamed = text.replacen("id = \"ND152_2025\"", "id = \"ND98_2023\"", 1);
    let (_, _, p) = problem(Rulesets::parse(
        &[EMBEDDED_RULESETS[0], (name, &renamed)],
        EMBEDDED_BASE_SALARY,
    ));
    assert_eq!(
        p,
        RulesetProblem::DuplicateRulesetId {
            id: "ND98_2023".into()
        }
    );
}

#[test]
fn rulesets_given_in_any_order_are_sorted_by_date() {
    let r = Rulesets::parse(
        &[EMBEDDED_RULESETS[1], EMBEDDED_RULESETS[0]],
        EMBEDDED_BASE_SALARY,
    )
    .unwrap();
    assert_eq!(r.all()[0].id, "ND98_2023");
    let r = Rulesets::parse(
        &[
            EMBEDDED_RULESETS[1],
            EMBEDDED_RULESETS[2],
            EMBEDDED_RULESETS[0],
        ],
        EMBEDDED_BASE_SALARY,
    )
    .unwrap();
    let ids: Vec<&str> = r.all().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["ND91_2017", "ND98_2023", "ND152_2025"]);
}

#[test]
fn a_salary_schedule_out_of_order_is_refused() {
    let text = "[[step]]\nfrom = 2024-07-01\nvnd = 2_340_000\nsource = \"ND 73/2024\"\nconfidence = \"C\"\n\n\
                [[step]]\nfrom = 2023-07-01\nvnd = 1_800_000\nsource = \"ND 24/2023\"\nconfidence = \"C\"\n";
    let (file, at, p) = problem(Rulesets::parse(
        &EMBEDDED_RULESETS,
        ("base-salary.toml", text),
    ));
    assert_eq!(
        (file.as_str(), at.as_str(), p),
        (
            "base-salary.toml",
            "step[1]",
            RulesetProblem::ScheduleNotSorted
        )
    );
    let (_, _, p) = problem(Rulesets::parse(
        &EMBEDDED_RULESETS,
        ("base-salary.toml", "step = []"),
    ));
    assert_eq!(p, RulesetProblem::EmptySchedule);
}

#[test]
fn ruleset_errors_explain_themselves_in_both_languages() {
    let err = with_edit("min_percent = 70", "min_percent = 170").unwrap_err();
    assert!(
        err.message_vi().contains("nằm ngoài khoảng"),
        "{}",
        err.message_vi()
    );
    assert!(
        err.message_en().contains("out of range"),
        "{}",
        err.message_en()
    );
    assert!(
        err.to_string()
            .starts_with("rulesets/nd98-2023.toml: award TAP_THE_LD_TIEN_TIEN"),
        "{err}"
    );
}
