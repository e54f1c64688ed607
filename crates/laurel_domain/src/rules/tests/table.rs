//! Table-driven cases, one block per article. Each case names its article and the regimes it
//! runs under; `check` evaluates it and compares the verdict and the named lines.

use std::collections::BTreeMap;

use time::Date;

use super::support::*;
use crate::award::{AwardKind, RecipientKind};
use crate::rules::{CommendationKind, DisciplineLevel, Scope, TaskRating, Verdict, evaluate};

use AwardKind::*;
use CommendationKind::*;
use Scope::*;
use TaskRating::*;
use Verdict::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Regime {
    Nd98,
    Nd152,
    Both,
}

impl Regime {
    fn ids(self) -> &'static [&'static str] {
        match self {
            Regime::Nd98 => &["ND98_2023"],
            Regime::Nd152 => &["ND152_2025"],
            Regime::Both => &["ND98_2023", "ND152_2025"],
        }
    }
}

#[derive(Debug)]
struct Case {
    name: &'static str,
    article: &'static str,
    regime: Regime,
    award: AwardKind,
    period: i32,
    as_of: Option<Date>,
    facts: F,
    expect: Verdict,
    lines: Vec<(&'static str, Option<bool>)>,
    fact_contains: Vec<(&'static str, &'static str)>,
}

fn case(
    name: &'static str,
    article: &'static str,
    regime: Regime,
    award: AwardKind,
    facts: F,
    expect: Verdict,
) -> Case {
    Case {
        name,
        article,
        regime,
        award,
        period: 2024,
        as_of: None,
        facts,
        expect,
        lines: Vec::new(),
        fact_contains: Vec::new(),
    }
}

impl Case {
    fn line(mut self, id: &'static str, met: Option<bool>) -> Case {
        self.lines.push((id, met));
        self
    }
    fn fact(mut self, id: &'static str, text: &'static str) -> Case {
        self.fact_contains.push((id, text));
        self
    }
    fn period(mut self, period: i32) -> Case {
        self.period = period;
        self
    }
    fn asked_on(mut self, d: Date) -> Case {
        self.as_of = Some(d);
        self
    }
}

const YES: Option<bool> = Some(true);
const NO: Option<bool> = Some(false);
const ASK: Option<bool> = None;

fn cases() -> Vec<Case> {
    use Regime::*;
    let ldtt = || person().rated([2024], Httnv).attest(&["art24.spirit"]);
    let cstdcs_base = || person().titled(LaoDongTienTien, [2024]);
    let cstd_bo_tinh = || {
        person()
            .titled(CstdCoSo, [2022, 2023, 2024])
            .initiative("SK-T-2023", 2023, BoTinh)
            .attest(&["art22.exemplary"])
    };
    let cstdtq = || {
        person()
            .titled(CstdBoTinh, [2021, 2024])
            .initiative("SK-Q-2023", 2023, ToanQuoc)
            .attest(&["art21.exemplary"])
    };
    let ttldtt = |with_title: u32, total: u32| {
        collective(total)
            .rated([2024], Httnv)
            .members(|m| {
                m.completed_tasks = total;
                m.with_title.insert(LaoDongTienTien, with_title);
            })
            .attest(&["art28.movement"])
    };
    let ttldxs = || {
        collective(10)
            .rated([2024], Htxsnv)
            .members(|m| {
                m.completed_tasks = 10;
                m.with_title.insert(LaoDongTienTien, 8);
                m.with_title.insert(CstdCoSo, 1);
            })
            .attest(&["art27.movement", "art27.solidarity"])
    };
    let bk_ttg = || {
        person()
            .titled(BangKhenBoTinh, [2019])
            .rated(2020..=2024, Httnv)
            .titled(CstdCoSo, [2020, 2022, 2024])
    };
    vec![
        // ---- Art 24: Lao động tiên tiến / Chiến sĩ tiên tiến ----
        case(
            "ldtt_rated_good_and_attested_is_eligible",
            "Luật TĐKT 06/2022, Điều 24",
            Both,
            LaoDongTienTien,
            ldtt(),
            Eligible,
        )
        .line("art24.rating", YES)
        .line("art24.spirit", YES),
        case(
            "ldtt_without_the_councils_attestation_needs_judgement",
            "Luật TĐKT 06/2022, Điều 24",
            Both,
            LaoDongTienTien,
            person().rated([2024], Httnv),
            NeedsJudgement,
        )
        .line("art24.spirit", ASK),
        case(
            "ldtt_rated_htnv_is_not_eligible",
            "Luật TĐKT 06/2022, Điều 24",
            Both,
            LaoDongTienTien,
            person().rated([2024], Htnv).attest(&["art24.spirit"]),
            Ineligible,
        )
        .line("art24.rating", NO)
        .fact("art24.rating", "Năm 2024 xếp loại HTNV"),
        case(
            "ldtt_without_a_rating_is_not_eligible",
            "Luật TĐKT 06/2022, Điều 24",
            Both,
            LaoDongTienTien,
            person().rated([2023], Htxsnv).attest(&["art24.spirit"]),
            Ineligible,
        )
        .line("art24.rating", NO)
        .fact("art24.rating", "chưa có xếp loại"),
        case(
            "ldtt_recruited_1_july_has_6_months",
            "Thông tư 01/2024/TT-BNV, Điều 1.5",
            Both,
            LaoDongTienTien,
            ldtt().recruited(date(2024, 7, 1)),
            Eligible,
        )
        .line("art24.months_worked", YES),
        case(
            "ldtt_recruited_2_july_has_5_months",
            "Thông tư 01/2024/TT-BNV, Điều 1.5",
            Both,
            LaoDongTienTien,
            ldtt().recruited(date(2024, 7, 2)),
            Ineligible,
        )
        .line("art24.months_worked", NO)
        .fact("art24.months_worked", "5 tháng"),
        case(
            "ldtt_recruited_years_ago_worked_the_whole_year",
            "Thông tư 01/2024/TT-BNV, Điều 1.5",
            Nd152,
            LaoDongTienTien,
            ldtt().recruited(date(2010, 3, 15)),
            Eligible,
        )
        .line("art24.months_worked", YES),
        case(
            "ldtt_is_not_for_collectives",
            "Luật TĐKT 06/2022, Điều 19-20",
            Both,
            LaoDongTienTien,
            ldtt().kind(RecipientKind::Collective),
            Ineligible,
        )
        .line("general.recipient_kind", NO),
        case(
            "ldtt_blocked_by_a_pending_complaint",
            "Nghị định 98/2023/NĐ-CP, Điều 4",
            Nd98,
            LaoDongTienTien,
            ldtt().blocked(),
            Ineligible,
        )
        .line("general.not_blocked", NO),
        case(
            "ldtt_blocked_by_a_pending_inspection_after_1_july_2025",
            "Nghị định 152/2025/NĐ-CP, Điều 4",
            Nd152,
            LaoDongTienTien,
            person()
                .rated([2025], Httnv)
                .attest(&["art24.spirit"])
                .blocked(),
            Ineligible,
        )
        .period(2025)
        .line("general.not_blocked", NO),
        case(
            "ldtt_with_discipline_in_force_is_not_eligible",
            "Nghị định 98/2023/NĐ-CP, Điều 4",
            Both,
            LaoDongTienTien,
            ldtt().disciplined(DisciplineLevel::CanhCao, date(2024, 10, 1), None),
            Ineligible,
        )
        .line("general.no_ongoing_discipline", NO)
        .line("general.no_discipline_in_period", NO),
        case(
            "ldtt_after_discipline_ended_the_year_before_is_eligible",
            "Nghị định 98/2023/NĐ-CP, Điều 4",
            Both,
            LaoDongTienTien,
            ldtt().disciplined(
                DisciplineLevel::KhienTrach,
                date(2022, 6, 1),
                Some(date(2023, 5, 31)),
            ),
            Eligible,
        )
        .line("general.no_ongoing_discipline", YES)
        .line("general.no_discipline_in_period", YES),
        case(
            "ldtt_discipline_ended_within_the_period_still_counts_against_it",
            "Nghị định 98/2023/NĐ-CP, Điều 4",
            Both,
            LaoDongTienTien,
            ldtt().disciplined(
                DisciplineLevel::KhienTrach,
                date(2023, 9, 1),
                Some(date(2024, 3, 1)),
            ),
            Ineligible,
        )
        .line("general.no_ongoing_discipline", YES)
        .line("general.no_discipline_in_period", NO),
        case(
            "ldtt_discipline_starting_after_as_of_is_not_in_force",
            "Nghị định 98/2023/NĐ-CP, Điều 4",
            Nd98,
            LaoDongTienTien,
            ldtt().disciplined(DisciplineLevel::KhienTrach, date(2025, 2, 1), None),
            Eligible,
        )
        .asked_on(date(2025, 1, 15))
        .line("general.no_ongoing_discipline", YES),
        case(
            "ldtt_already_decided_for_the_period_is_one_achievement_twice",
            "Luật TĐKT 06/2022, Điều 5.3",
            Both,
            LaoDongTienTien,
            ldtt().titled(LaoDongTienTien, [2024]),
            Ineligible,
        )
        .line("general.one_achievement_one_award", NO),
        case(
            "cstt_rated_good_and_attested_is_eligible",
            "Luật TĐKT 06/2022, Điều 24.2",
            Both,
            ChienSiTienTien,
            ldtt(),
            Eligible,
        )
        .line("art24.rating", YES),
        case(
            "cstt_rated_khtnv_is_not_eligible",
            "Luật TĐKT 06/2022, Điều 24.2",
            Both,
            ChienSiTienTien,
            person().rated([2024], Khtnv).attest(&["art24.spirit"]),
            Ineligible,
        )
        .line("art24.rating", NO),
        case(
            "cstt_recruited_in_december_is_not_eligible",
            "Thông tư 01/2024/TT-BNV, Điều 1.5",
            Nd152,
            ChienSiTienTien,
            ldtt().recruited(date(2024, 12, 1)),
            Ineligible,
        )
        .line("art24.months_worked", NO),
        case(
            "two_ratings_for_one_year_count_as_the_worse",
            "Luật TĐKT 06/2022, Điều 24",
            Nd98,
            LaoDongTienTien,
            ldtt().rated([2024], Htnv),
            Ineligible,
        )
        .line("art24.rating", NO),
        // ---- Art 23: Chiến sĩ thi đua cơ sở ----
        case(
            "cstdcs_htxsnv_with_ldtt_is_eligible",
            "Luật TĐKT 06/2022, Điều 23",
            Both,
            CstdCoSo,
            cstdcs_base().rated([2024], Htxsnv),
            Eligible,
        )
        .line("art23.ldtt", YES)
        .line("art23.achievement", YES),
        case(
            "cstdcs_httnv_with_an_initiative_is_eligible",
            "Luật TĐKT 06/2022, Điều 23",
            Both,
            CstdCoSo,
            cstdcs_base()
                .rated([2024], Httnv)
                .initiative("SK-01", 2024, CoSo),
            Eligible,
        )
        .line("art23.achievement", YES)
        .fact("art23.achievement", "SK-01 2024"),
        case(
            "cstdcs_httnv_with_accepted_research_is_eligible",
            "Luật TĐKT 06/2022, Điều 23",
            Both,
            CstdCoSo,
            cstdcs_base()
                .rated([2024], Httnv)
                .research("DT-01", 2024, CoSo),
            Eligible,
        )
        .line("art23.achievement", YES),
        case(
            "cstdcs_httnv_without_initiative_is_not_eligible",
            "Luật TĐKT 06/2022, Điều 23",
            Both,
            CstdCoSo,
            cstdcs_base().rated([2024], Httnv),
            Ineligible,
        )
        .line("art23.achievement", NO),
        case(
            "cstdcs_reused_initiative_does_not_count",
            "Luật TĐKT 06/2022, Điều 23",
            Both,
            CstdCoSo,
            cstdcs_base()
                .rated([2024], Httnv)
                .initiative_used("SK-01", 2024, CoSo, GiayKhen, 2024),
            Ineligible,
        )
        .line("art23.achievement", NO)
        .fact("art23.achievement", "already used for Giấy khen 2024"),
        case(
            "cstdcs_initiative_recorded_for_this_award_and_period_counts",
            "Luật TĐKT 06/2022, Điều 23",
            Nd98,
            CstdCoSo,
            cstdcs_base()
                .rated([2024], Httnv)
                .initiative_used("SK-01", 2024, CoSo, CstdCoSo, 2024),
            Eligible,
        )
        .line("art23.achievement", YES),
        case(
            "cstdcs_initiative_from_the_year_before_is_outside_the_window",
            "Luật TĐKT 06/2022, Điều 23",
            Both,
            CstdCoSo,
            cstdcs_base()
                .rated([2024], Httnv)
                .initiative("SK-00", 2023, CoSo),
            Ineligible,
        )
        .line("art23.achievement", NO),
        case(
            "cstdcs_without_ldtt_decided_needs_the_art24_judgement",
            "Luật TĐKT 06/2022, Điều 23",
            Both,
            CstdCoSo,
            person().rated([2024], Htxsnv),
            NeedsJudgement,
        )
        .line("art23.ldtt", ASK),
        case(
            "cstdcs_meeting_art24_in_the_same_round_is_eligible",
            "Luật TĐKT 06/2022, Điều 23",
            Both,
            CstdCoSo,
            person().rated([2024], Htxsnv).attest(&["art24.spirit"]),
            Eligible,
        )
        .line("art23.ldtt", YES),
        case(
            "cstdcs_new_recruit_of_5_months_cannot_meet_art24",
            "Thông tư 01/2024/TT-BNV, Điều 1.5",
            Both,
            CstdCoSo,
            person()
                .rated([2024], Htxsnv)
                .recruited(date(2024, 8, 1))
                .attest(&["art24.spirit"]),
            Ineligible,
        )
        .line("art23.ldtt", NO),
        case(
            "cstdcs_combat_ingenuity_attested_is_an_alternative",
            "Luật TĐKT 06/2022, Điều 23",
            Nd152,
            CstdCoSo,
            person()
                .titled(ChienSiTienTien, [2024])
                .rated([2024], Httnv)
                .attest(&["art23.achievement.combat"]),
            Eligible,
        )
        .line("art23.achievement", YES),
        case(
            "cstdcs_pending_for_the_period_is_one_achievement_twice",
            "Luật TĐKT 06/2022, Điều 5.3",
            Both,
            CstdCoSo,
            cstdcs_base().rated([2024], Htxsnv).pending(CstdCoSo, 2024),
            Ineligible,
        )
        .line("general.one_achievement_one_award", NO),
        // ---- Art 22: Chiến sĩ thi đua bộ, ban, ngành, tỉnh ----
        case(
            "cstd_bo_tinh_three_cstdcs_and_a_provincial_initiative_is_eligible",
            "Luật TĐKT 06/2022, Điều 22",
            Both,
            CstdBoTinh,
            cstd_bo_tinh(),
            Eligible,
        )
        .line("art22.cstd_co_so", YES)
        .line("art22.recognition", YES)
        .fact(
            "art22.cstd_co_so",
            "CSTĐ cơ sở 2022, 2023, 2024 — 3 liên tục / 3 consecutive",
        ),
        case(
            "cstd_bo_tinh_before_the_council_selects_needs_judgement",
            "Luật TĐKT 06/2022, Điều 22",
            Both,
            CstdBoTinh,
            person()
                .titled(CstdCoSo, [2022, 2023, 2024])
                .initiative("SK-T", 2023, BoTinh),
            NeedsJudgement,
        )
        .line("art22.exemplary", ASK),
        case(
            "cstd_bo_tinh_streak_broken_by_one_year",
            "Luật TĐKT 06/2022, Điều 22",
            Both,
            CstdBoTinh,
            person()
                .titled(CstdCoSo, [2021, 2022, 2024])
                .initiative("SK-T", 2023, BoTinh)
                .attest(&["art22.exemplary"]),
            Ineligible,
        )
        .line("art22.cstd_co_so", NO)
        .fact("art22.cstd_co_so", "1 liên tục, cần 3"),
        case(
            "cstd_bo_tinh_initiative_one_scope_too_low",
            "Luật TĐKT 06/2022, Điều 22",
            Both,
            CstdBoTinh,
            person()
                .titled(CstdCoSo, [2022, 2023, 2024])
                .initiative("SK-C", 2023, CoSo)
                .attest(&["art22.exemplary"]),
            Ineligible,
        )
        .line("art22.recognition", NO)
        .fact("art22.recognition", "phạm vi thấp hơn"),
        case(
            "cstd_bo_tinh_national_research_is_above_the_minimum_scope",
            "Luật TĐKT 06/2022, Điều 22",
            Nd152,
            CstdBoTinh,
            person()
                .titled(CstdCoSo, [2022, 2023, 2024])
                .research("DT-Q", 2022, ToanQuoc)
                .attest(&["art22.exemplary"]),
            Eligible,
        )
        .line("art22.recognition", YES),
        case(
            "cstd_bo_tinh_dot_xuat_cstdcs_does_not_count",
            "Nghị định 98/2023/NĐ-CP, Điều 4",
            Both,
            CstdBoTinh,
            person()
                .titled(CstdCoSo, [2022, 2024])
                .titled_kind(CstdCoSo, 2023, DotXuat)
                .initiative("SK-T", 2023, BoTinh)
                .attest(&["art22.exemplary"]),
            Ineligible,
        )
        .line("art22.cstd_co_so", NO)
        .fact("art22.cstd_co_so", "đột xuất"),
        case(
            "cstd_bo_tinh_years_used_for_the_previous_one_are_not_counted_again",
            "Luật TĐKT 06/2022, Điều 5.3",
            Both,
            CstdBoTinh,
            cstd_bo_tinh()
                .titled(CstdCoSo, [2020, 2021])
                .titled(CstdBoTinh, [2022]),
            Ineligible,
        )
        .line("art22.cstd_co_so", NO)
        .fact("art22.cstd_co_so", "CSTĐ bộ/tỉnh 2022"),
        case(
            "cstd_bo_tinh_again_after_three_new_cstdcs",
            "Luật TĐKT 06/2022, Điều 22",
            Both,
            CstdBoTinh,
            cstd_bo_tinh()
                .titled(CstdCoSo, [2019, 2020, 2021])
                .titled(CstdBoTinh, [2021]),
            Eligible,
        )
        .line("art22.cstd_co_so", YES),
        case(
            "cstd_bo_tinh_initiative_used_for_the_previous_award_is_not_reused",
            "Luật TĐKT 06/2022, Điều 22",
            Nd98,
            CstdBoTinh,
            person()
                .titled(CstdCoSo, [2022, 2023, 2024])
                .initiative_used("SK-T", 2022, BoTinh, CstdBoTinh, 2021)
                .attest(&["art22.exemplary"]),
            Ineligible,
        )
        .line("art22.recognition", NO)
        .fact("art22.recognition", "không tính lại"),
        // ---- Art 21: Chiến sĩ thi đua toàn quốc ----
        case(
            "cstdtq_two_consecutive_cstd_bo_tinh_and_a_national_initiative",
            "Luật TĐKT 06/2022, Điều 21",
            Both,
            CstdToanQuoc,
            cstdtq(),
            Eligible,
        )
        .line("art21.cstd_bo_tinh", YES)
        .line("art21.recognition", YES),
        case(
            "cstdtq_considered_the_year_after_the_second_cstd_bo_tinh",
            "Luật TĐKT 06/2022, Điều 21",
            Nd152,
            CstdToanQuoc,
            cstdtq(),
            Eligible,
        )
        .period(2025)
        .line("art21.cstd_bo_tinh", YES),
        case(
            "cstdtq_cstd_bo_tinh_four_years_apart_are_not_consecutive",
            "Luật TĐKT 06/2022, Điều 21",
            Both,
            CstdToanQuoc,
            person()
                .titled(CstdBoTinh, [2020, 2024])
                .initiative("SK-Q", 2023, ToanQuoc)
                .attest(&["art21.exemplary"]),
            Ineligible,
        )
        .line("art21.cstd_bo_tinh", NO),
        case(
            "cstdtq_with_one_cstd_bo_tinh_is_not_eligible",
            "Luật TĐKT 06/2022, Điều 21",
            Both,
            CstdToanQuoc,
            person()
                .titled(CstdBoTinh, [2024])
                .initiative("SK-Q", 2023, ToanQuoc)
                .attest(&["art21.exemplary"]),
            Ineligible,
        )
        .line("art21.cstd_bo_tinh", NO),
        case(
            "cstdtq_provincial_initiative_is_one_scope_too_low",
            "Luật TĐKT 06/2022, Điều 21",
            Both,
            CstdToanQuoc,
            person()
                .titled(CstdBoTinh, [2021, 2024])
                .initiative("SK-T", 2023, BoTinh)
                .attest(&["art21.exemplary"]),
            Ineligible,
        )
        .line("art21.recognition", NO),
        // ---- Decree 98/2023 Art 4 (kept by Decree 152/2025 Art 4): after a disciplinary
        // period ends, achievements count from its end, so no chain year up to it counts ----
        case(
            "cstd_bo_tinh_chain_cut_by_a_reprimand_that_ended_before_the_review",
            "Nghị định 98/2023/NĐ-CP, Điều 4; Luật TĐKT 06/2022, Điều 22",
            Both,
            CstdBoTinh,
            cstd_bo_tinh().disciplined(
                DisciplineLevel::KhienTrach,
                date(2022, 3, 1),
                Some(date(2022, 9, 30)),
            ),
            Ineligible,
        )
        .line("general.no_ongoing_discipline", YES)
        .line("general.no_discipline_in_period", YES)
        .line("art22.cstd_co_so", NO)
        .fact("art22.cstd_co_so", "2023, 2024 — 2 liên tục, cần 3")
        .fact("art22.cstd_co_so", "chấp hành xong ngày 30/09/2022"),
        case(
            "cstd_bo_tinh_chain_after_a_reprimand_that_ended_the_year_before_counts",
            "Nghị định 98/2023/NĐ-CP, Điều 4; Luật TĐKT 06/2022, Điều 22",
            Both,
            CstdBoTinh,
            cstd_bo_tinh().disciplined(
                DisciplineLevel::KhienTrach,
                date(2021, 3, 1),
                Some(date(2021, 12, 31)),
            ),
            Eligible,
        )
        .line("art22.cstd_co_so", YES),
        case(
            "cstd_bo_tinh_initiative_recognised_before_the_discipline_ended_does_not_count",
            "Nghị định 98/2023/NĐ-CP, Điều 4; Luật TĐKT 06/2022, Điều 22",
            Both,
            CstdBoTinh,
            person()
                .titled(CstdCoSo, [2022, 2023, 2024])
                .initiative("SK-T-2022", 2022, BoTinh)
                .disciplined(
                    DisciplineLevel::KhienTrach,
                    date(2022, 1, 1),
                    Some(date(2022, 6, 30)),
                )
                .attest(&["art22.exemplary"]),
            Ineligible,
        )
        .line("art22.cstd_co_so", NO)
        .line("art22.recognition", NO)
        .fact("art22.recognition", "Điều 4"),
        case(
            "cstdtq_cstd_bo_tinh_before_a_warning_that_ended_does_not_count",
            "Nghị định 98/2023/NĐ-CP, Điều 4; Luật TĐKT 06/2022, Điều 21",
            Both,
            CstdToanQuoc,
            cstdtq().disciplined(
                DisciplineLevel::CanhCao,
                date(2022, 1, 10),
                Some(date(2022, 12, 10)),
            ),
            Ineligible,
        )
        .line("art21.cstd_bo_tinh", NO)
        .fact("art21.cstd_bo_tinh", "Điều 4"),
        case(
            "bk_ttg_bk_bo_tinh_before_a_reprimand_that_ended_does_not_start_the_five_years",
            "Nghị định 98/2023/NĐ-CP, Điều 4; Luật TĐKT 06/2022, Điều 73.1.b",
            Both,
            BangKhenThuTuong,
            bk_ttg().disciplined(
                DisciplineLevel::KhienTrach,
                date(2021, 2, 1),
                Some(date(2021, 8, 1)),
            ),
            NeedsJudgement,
        )
        .line("art73.1", ASK)
        .fact("art73.1", "chấp hành xong ngày 01/08/2021"),
        case(
            "bk_bo_tinh_cstdcs_of_the_year_a_reprimand_ended_does_not_count",
            "Nghị định 98/2023/NĐ-CP, Điều 4; Luật TĐKT 06/2022, Điều 74.1.d",
            Both,
            BangKhenBoTinh,
            person()
                .titled(CstdCoSo, [2023, 2024])
                .disciplined(
                    DisciplineLevel::KhienTrach,
                    date(2023, 1, 5),
                    Some(date(2023, 4, 5)),
                )
                .attest(&["art74.1.exemplary"]),
            NeedsJudgement,
        )
        .line("art74.1", ASK)
        .fact("art74.1", "Điều 4"),
        case(
            "bk_bo_tinh_two_cstdcs_after_a_reprimand_that_ended_earlier_count",
            "Nghị định 98/2023/NĐ-CP, Điều 4; Luật TĐKT 06/2022, Điều 74.1.d",
            Both,
            BangKhenBoTinh,
            person()
                .titled(CstdCoSo, [2023, 2024])
                .disciplined(
                    DisciplineLevel::KhienTrach,
                    date(2022, 1, 5),
                    Some(date(2022, 4, 5)),
                )
                .attest(&["art74.1.exemplary"]),
            Eligible,
        )
        .line("art74.1", YES),
        // ---- Art 28: Tập thể lao động tiên tiến / Đơn vị tiên tiến ----
        case(
            "ttldtt_with_70_percent_ldtt_is_eligible",
            "Luật TĐKT 06/2022, Điều 28",
            Both,
            TapTheLdTienTien,
            ttldtt(7, 10),
            Eligible,
        )
        .line("art28.share", YES)
        .fact("art28.share", "7/10 thành viên = 70%"),
        case(
            "ttldtt_with_69_percent_ldtt_is_not_eligible",
            "Luật TĐKT 06/2022, Điều 28",
            Both,
            TapTheLdTienTien,
            ttldtt(69, 100),
            Ineligible,
        )
        .line("art28.share", NO)
        .fact("art28.share", "69%"),
        case(
            "ttldtt_with_exactly_70_of_100_is_eligible",
            "Luật TĐKT 06/2022, Điều 28",
            Both,
            TapTheLdTienTien,
            ttldtt(70, 100),
            Eligible,
        )
        .line("art28.share", YES),
        case(
            "ttldtt_699_of_1000_is_below_70_percent",
            "Luật TĐKT 06/2022, Điều 28",
            Nd98,
            TapTheLdTienTien,
            ttldtt(699, 1000),
            Ineligible,
        )
        .line("art28.share", NO)
        .fact("art28.share", "69.9%"),
        case(
            "ttldtt_with_a_member_warned_is_not_eligible",
            "Luật TĐKT 06/2022, Điều 28",
            Both,
            TapTheLdTienTien,
            ttldtt(8, 10).members(|m| m.disciplined_canh_cao_or_above = 1),
            Ineligible,
        )
        .line("art28.no_discipline", NO),
        case(
            "ttldtt_without_member_figures_is_not_eligible",
            "Luật TĐKT 06/2022, Điều 28",
            Nd152,
            TapTheLdTienTien,
            F({
                let mut f = ttldtt(8, 10).0;
                f.members = None;
                f
            }),
            Ineligible,
        )
        .line("art28.share", NO)
        .fact("art28.share", "no member figures"),
        case(
            "ttldtt_rated_htnv_is_not_eligible",
            "Luật TĐKT 06/2022, Điều 28",
            Both,
            TapTheLdTienTien,
            ttldtt(8, 10).rated([2024], Htnv),
            Ineligible,
        )
        .line("art28.rating", NO),
        case(
            "ttldtt_is_not_for_individuals",
            "Luật TĐKT 06/2022, Điều 20",
            Both,
            TapTheLdTienTien,
            ldtt(),
            Ineligible,
        )
        .line("general.recipient_kind", NO),
        case(
            "dvtt_with_80_percent_cstt_is_eligible",
            "Luật TĐKT 06/2022, Điều 28",
            Both,
            DonViTienTien,
            collective(10)
                .rated([2024], Httnv)
                .members(|m| {
                    m.with_title.insert(ChienSiTienTien, 8);
                })
                .attest(&["art28.movement"]),
            Eligible,
        )
        .line("art28.share", YES),
        case(
            "dvtt_with_60_percent_cstt_is_not_eligible",
            "Luật TĐKT 06/2022, Điều 28",
            Both,
            DonViTienTien,
            collective(10)
                .rated([2024], Httnv)
                .members(|m| {
                    m.with_title.insert(ChienSiTienTien, 6);
                })
                .attest(&["art28.movement"]),
            Ineligible,
        )
        .line("art28.share", NO),
        // ---- Art 27: Tập thể lao động xuất sắc / Đơn vị quyết thắng ----
        case(
            "ttldxs_meeting_every_criterion_is_eligible",
            "Luật TĐKT 06/2022, Điều 27",
            Both,
            TapTheLdXuatSac,
            ttldxs(),
            Eligible,
        )
        .line("art27.all_completed", YES)
        .line("art27.cstd_co_so", YES),
        case(
            "ttldxs_with_one_member_not_completing_tasks",
            "Luật TĐKT 06/2022, Điều 27",
            Both,
            TapTheLdXuatSac,
            ttldxs().members(|m| m.completed_tasks = 9),
            Ineligible,
        )
        .line("art27.all_completed", NO),
        case(
            "ttldxs_without_a_cstdcs_member",
            "Luật TĐKT 06/2022, Điều 27",
            Both,
            TapTheLdXuatSac,
            ttldxs().members(|m| {
                m.with_title.remove(&CstdCoSo);
            }),
            Ineligible,
        )
        .line("art27.cstd_co_so", NO),
        case(
            "ttldxs_rated_only_good",
            "Luật TĐKT 06/2022, Điều 27",
            Both,
            TapTheLdXuatSac,
            ttldxs().rated([2024], Httnv),
            Ineligible,
        )
        .line("art27.rating", NO),
        case(
            "ttldxs_before_the_council_attests",
            "Luật TĐKT 06/2022, Điều 27",
            Nd98,
            TapTheLdXuatSac,
            F({
                let mut f = ttldxs().0;
                f.attested.clear();
                f
            }),
            NeedsJudgement,
        )
        .line("art27.movement", ASK)
        .line("art27.solidarity", ASK),
        case(
            "ttldxs_with_69_percent_ldtt",
            "Luật TĐKT 06/2022, Điều 27",
            Nd152,
            TapTheLdXuatSac,
            ttldxs().members(|m| {
                m.total = 100;
                m.completed_tasks = 100;
                m.with_title.insert(LaoDongTienTien, 69);
            }),
            Ineligible,
        )
        .line("art27.share", NO),
        case(
            "dvqt_meeting_every_criterion_is_eligible",
            "Luật TĐKT 06/2022, Điều 27",
            Both,
            DonViQuyetThang,
            collective(20)
                .rated([2024], Htxsnv)
                .members(|m| {
                    m.completed_tasks = 20;
                    m.with_title.insert(ChienSiTienTien, 15);
                    m.with_title.insert(CstdCoSo, 2);
                })
                .attest(&["art27.movement", "art27.solidarity"]),
            Eligible,
        ),
        case(
            "dvqt_with_69_percent_cstt",
            "Luật TĐKT 06/2022, Điều 27",
            Both,
            DonViQuyetThang,
            collective(100)
                .rated([2024], Htxsnv)
                .members(|m| {
                    m.completed_tasks = 100;
                    m.with_title.insert(ChienSiTienTien, 69);
                    m.with_title.insert(CstdCoSo, 2);
                })
                .attest(&["art27.movement", "art27.solidarity"]),
            Ineligible,
        )
        .line("art27.share", NO),
        // ---- Art 26: Cờ thi đua bộ, ban, ngành, tỉnh ----
        case(
            "co_bo_tinh_ttldxs_cluster_leader_is_eligible",
            "Luật TĐKT 06/2022, Điều 26",
            Both,
            CoThiDuaBoTinh,
            collective(30)
                .titled(TapTheLdXuatSac, [2024])
                .attest(&["art26.leader", "art26.achievements"]),
            Eligible,
        )
        .line("art26.ttldxs", YES),
        case(
            "co_bo_tinh_without_ttldxs_is_not_eligible",
            "Luật TĐKT 06/2022, Điều 26",
            Both,
            CoThiDuaBoTinh,
            collective(30).attest(&["art26.leader", "art26.achievements"]),
            Ineligible,
        )
        .line("art26.ttldxs", NO),
        case(
            "co_bo_tinh_before_the_council_names_the_leader",
            "Luật TĐKT 06/2022, Điều 26",
            Both,
            CoThiDuaBoTinh,
            collective(30).titled(DonViQuyetThang, [2024]),
            NeedsJudgement,
        )
        .line("art26.leader", ASK),
        // ---- Art 25: Cờ thi đua của Chính phủ ----
        case(
            "co_chinh_phu_most_outstanding_cluster_leader",
            "Luật TĐKT 06/2022, Điều 25.1",
            Both,
            CoThiDuaChinhPhu,
            collective(50).attest(&["art25.1"]),
            Eligible,
        )
        .line("art25.basis", YES),
        case(
            "co_chinh_phu_leader_of_a_five_year_movement",
            "Luật TĐKT 06/2022, Điều 25.3",
            Both,
            CoThiDuaChinhPhu,
            collective(50).attest(&["art25.3"]),
            Eligible,
        )
        .line("art25.basis", YES),
        case(
            "co_chinh_phu_without_attestation_needs_judgement",
            "Luật TĐKT 06/2022, Điều 25",
            Both,
            CoThiDuaChinhPhu,
            collective(50),
            NeedsJudgement,
        )
        .line("art25.basis", ASK),
        case(
            "co_chinh_phu_is_not_for_individuals",
            "Luật TĐKT 06/2022, Điều 20",
            Nd152,
            CoThiDuaChinhPhu,
            person().attest(&["art25.1"]),
            Ineligible,
        )
        .line("general.recipient_kind", NO),
        // ---- Art 75: Giấy khen ----
        case(
            "giay_khen_meeting_the_issuers_criteria",
            "Luật TĐKT 06/2022, Điều 75.2",
            Both,
            GiayKhen,
            person().attest(&["art75.criteria"]),
            Eligible,
        ),
        case(
            "giay_khen_before_attestation_needs_judgement",
            "Luật TĐKT 06/2022, Điều 75.2",
            Both,
            GiayKhen,
            person(),
            NeedsJudgement,
        )
        .line("art75.criteria", ASK),
        case(
            "giay_khen_for_a_household",
            "Luật TĐKT 06/2022, Điều 75.2",
            Both,
            GiayKhen,
            household().attest(&["art75.criteria"]),
            Eligible,
        )
        .line("general.recipient_kind", YES),
        case(
            "giay_khen_while_a_bang_khen_for_the_same_period_is_pending",
            "Luật TĐKT 06/2022, Điều 5.3",
            Both,
            GiayKhen,
            person()
                .attest(&["art75.criteria"])
                .pending(BangKhenBoTinh, 2024),
            Ineligible,
        )
        .line("general.one_achievement_one_award", NO)
        .fact(
            "general.one_achievement_one_award",
            "Bằng khen bộ/tỉnh 2024 đang đề nghị",
        ),
        case(
            "giay_khen_dot_xuat_the_same_year_is_another_achievement",
            "Luật TĐKT 06/2022, Điều 8",
            Both,
            GiayKhen,
            person()
                .attest(&["art75.criteria"])
                .titled_kind(GiayKhen, 2024, DotXuat),
            Eligible,
        )
        .line("general.one_achievement_one_award", YES),
        case(
            "giay_khen_the_year_before_does_not_clash",
            "Luật TĐKT 06/2022, Điều 5.3",
            Nd98,
            GiayKhen,
            person()
                .attest(&["art75.criteria"])
                .titled(GiayKhen, [2023]),
            Eligible,
        ),
        case(
            "giay_khen_next_to_a_title_for_the_same_year_is_allowed",
            "Luật TĐKT 06/2022, Điều 5.3",
            Nd152,
            GiayKhen,
            person()
                .attest(&["art75.criteria"])
                .titled(CstdCoSo, [2024]),
            Eligible,
        ),
        // ---- Art 74: Bằng khen của bộ, ban, ngành, tỉnh ----
        case(
            "bk_bo_tinh_two_consecutive_cstdcs",
            "Luật TĐKT 06/2022, Điều 74.1.d",
            Both,
            BangKhenBoTinh,
            person()
                .titled(CstdCoSo, [2023, 2024])
                .attest(&["art74.1.exemplary"]),
            Eligible,
        )
        .line("art74.1", YES),
        case(
            "bk_bo_tinh_waits_for_the_exemplary_attestation",
            "Luật TĐKT 06/2022, Điều 74.1",
            Both,
            BangKhenBoTinh,
            person().titled(CstdCoSo, [2023, 2024]),
            NeedsJudgement,
        )
        .line("art74.1.exemplary", ASK)
        .line("art74.1", YES),
        case(
            "bk_bo_tinh_bo_noi_vu_example_two_htxsnv_and_two_initiatives",
            "Luật TĐKT 06/2022, Điều 74.1.d",
            Both,
            BangKhenBoTinh,
            person()
                .rated([2023, 2024], Htxsnv)
                .initiative("SK-2023", 2023, CoSo)
                .initiative("SK-2024", 2024, CoSo)
                .titled(CstdCoSo, [2024])
                .attest(&["art74.1.exemplary"]),
            Eligible,
        )
        .line("art74.1", YES),
        case(
            "bk_bo_tinh_reused_initiative_is_not_counted_twice",
            "Luật TĐKT 06/2022, Điều 74.1.d",
            Both,
            BangKhenBoTinh,
            person()
                .rated([2023, 2024], Htxsnv)
                .initiative("SK-2023", 2023, CoSo)
                .initiative_used("SK-2024", 2024, CoSo, CstdCoSo, 2024)
                .titled(CstdCoSo, [2024])
                .attest(&["art74.1.exemplary"]),
            NeedsJudgement,
        )
        .line("art74.1", ASK)
        .fact("art74.1", "SK-2024 (2024) đã dùng cho CSTĐ cơ sở 2024"),
        case(
            "bk_bo_tinh_initiatives_anywhere_in_a_longer_htxsnv_streak_count",
            "Luật TĐKT 06/2022, Điều 74.1.d",
            Nd152,
            BangKhenBoTinh,
            person()
                .rated(2020..=2024, Htxsnv)
                .initiative("SK-2020", 2020, CoSo)
                .research("DT-2021", 2021, CoSo)
                .initiative("SK-2021", 2021, BoTinh)
                .attest(&["art74.1.exemplary"]),
            Eligible,
        )
        .line("art74.1", YES),
        case(
            "bk_bo_tinh_one_initiative_and_one_research_are_not_two_of_a_kind",
            "Luật TĐKT 06/2022, Điều 74.1.d",
            Nd98,
            BangKhenBoTinh,
            person()
                .rated([2023, 2024], Htxsnv)
                .initiative("SK-2023", 2023, CoSo)
                .research("DT-2024", 2024, CoSo)
                .attest(&["art74.1.exemplary"]),
            NeedsJudgement,
        )
        .line("art74.1", ASK),
        case(
            "bk_bo_tinh_point_a_attested_by_the_council",
            "Luật TĐKT 06/2022, Điều 74.1.a",
            Both,
            BangKhenBoTinh,
            person().attest(&["art74.1.exemplary", "art74.1.a"]),
            Eligible,
        )
        .line("art74.1", YES),
        case(
            "bk_bo_tinh_cstdcs_used_for_the_previous_bang_khen",
            "Luật TĐKT 06/2022, Điều 5.3",
            Both,
            BangKhenBoTinh,
            person()
                .titled(CstdCoSo, [2023, 2024])
                .titled(BangKhenBoTinh, [2023])
                .attest(&["art74.1.exemplary"]),
            NeedsJudgement,
        )
        .line("art74.1", ASK)
        .fact("art74.1", "Bằng khen bộ/tỉnh 2023"),
        case(
            "bk_bo_tinh_while_a_giay_khen_for_the_same_year_is_decided",
            "Luật TĐKT 06/2022, Điều 5.3",
            Both,
            BangKhenBoTinh,
            person()
                .titled(CstdCoSo, [2023, 2024])
                .titled(GiayKhen, [2024])
                .attest(&["art74.1.exemplary"]),
            Ineligible,
        )
        .line("general.one_achievement_one_award", NO),
        case(
            "bk_bo_tinh_for_a_collective_is_the_councils_call",
            "Luật TĐKT 06/2022, Điều 74",
            Both,
            BangKhenBoTinh,
            collective(12).attest(&["art74.collective"]),
            Eligible,
        )
        .line("art74.collective", YES),
        case(
            "bk_bo_tinh_for_a_household_needs_judgement",
            "Luật TĐKT 06/2022, Điều 74",
            Nd152,
            BangKhenBoTinh,
            household(),
            NeedsJudgement,
        )
        .line("art74.household", ASK),
        // ---- Art 73: Bằng khen của Thủ tướng Chính phủ ----
        case(
            "bk_ttg_bk_bo_tinh_then_five_good_years_with_three_cstdcs",
            "Luật TĐKT 06/2022, Điều 73.1.b",
            Both,
            BangKhenThuTuong,
            bk_ttg(),
            Eligible,
        )
        .line("art73.1", YES)
        .fact("art73.1", "Bằng khen bộ/tỉnh 2019; 2020–2024"),
        case(
            "bk_ttg_only_four_years_after_the_bk_bo_tinh",
            "Luật TĐKT 06/2022, Điều 73.1.b",
            Both,
            BangKhenThuTuong,
            person()
                .titled(BangKhenBoTinh, [2020])
                .rated(2020..=2024, Httnv)
                .titled(CstdCoSo, [2021, 2022, 2024]),
            NeedsJudgement,
        )
        .line("art73.1", ASK),
        case(
            "bk_ttg_two_cstdcs_in_the_window_are_not_enough",
            "Luật TĐKT 06/2022, Điều 73.1.b",
            Both,
            BangKhenThuTuong,
            person()
                .titled(BangKhenBoTinh, [2019])
                .rated(2020..=2024, Httnv)
                .titled(CstdCoSo, [2020, 2024]),
            NeedsJudgement,
        )
        .line("art73.1", ASK)
        .fact("art73.1", "cần 3"),
        case(
            "bk_ttg_a_year_rated_htnv_breaks_the_five_years",
            "Luật TĐKT 06/2022, Điều 73.1.b",
            Both,
            BangKhenThuTuong,
            bk_ttg().rated([2022], Htnv),
            NeedsJudgement,
        )
        .line("art73.1", ASK),
        case(
            "bk_ttg_dot_xuat_bk_bo_tinh_is_not_a_basis",
            "Nghị định 98/2023/NĐ-CP, Điều 4",
            Both,
            BangKhenThuTuong,
            person()
                .titled_kind(BangKhenBoTinh, 2019, DotXuat)
                .rated(2020..=2024, Httnv)
                .titled(CstdCoSo, [2020, 2022, 2024]),
            NeedsJudgement,
        )
        .line("art73.1", ASK),
        case(
            "bk_ttg_longer_window_counts_every_cstdcs_since_the_bk",
            "Luật TĐKT 06/2022, Điều 73.1.b",
            Nd152,
            BangKhenThuTuong,
            person()
                .titled(BangKhenBoTinh, [2018])
                .rated(2019..=2024, Httnv)
                .titled(CstdCoSo, [2019, 2020, 2021]),
            Eligible,
        )
        .line("art73.1", YES),
        case(
            "bk_ttg_window_starts_after_the_previous_bk_ttg",
            "Luật TĐKT 06/2022, Điều 5.3",
            Both,
            BangKhenThuTuong,
            bk_ttg().titled(BangKhenThuTuong, [2021]),
            NeedsJudgement,
        )
        .line("art73.1", ASK),
        case(
            "bk_ttg_for_a_collective_is_the_councils_call",
            "Luật TĐKT 06/2022, Điều 73.2",
            Both,
            BangKhenThuTuong,
            collective(40).attest(&["art73.collective"]),
            Eligible,
        )
        .line("art73.collective", YES),
        case(
            "bk_ttg_blocked_nominee_is_not_eligible",
            "Nghị định 152/2025/NĐ-CP, Điều 4",
            Nd152,
            BangKhenThuTuong,
            bk_ttg().blocked(),
            Ineligible,
        )
        .line("general.not_blocked", NO)
        .line("art73.1", YES),
    ]
}

fn check(c: &Case, ruleset_id: &str) -> Result<(), String> {
    let ruleset = rulesets().get(ruleset_id).ok_or("no ruleset")?;
    let as_of = c.as_of.unwrap_or(date(c.period + 1, 1, 15));
    let result = evaluate(ruleset, c.award, c.period, as_of, &c.facts.0);
    let report = || {
        format!(
            "{} ({}, {ruleset_id}):\n{}",
            c.name,
            c.article,
            serde_json::to_string_pretty(&result.to_json()).unwrap_or_default()
        )
    };
    if result.verdict != c.expect {
        return Err(format!(
            "expected {:?}, got {:?} — {}",
            c.expect,
            result.verdict,
            report()
        ));
    }
    for (id, met) in &c.lines {
        let line = result.criteria.iter().find(|l| l.id == *id);
        match line {
            Some(l) if l.met == *met => {}
            Some(l) => {
                return Err(format!(
                    "line {id}: expected {met:?}, got {:?} — {}",
                    l.met,
                    report()
                ));
            }
            None => return Err(format!("line {id} missing — {}", report())),
        }
    }
    for (id, text) in &c.fact_contains {
        let line = result.criteria.iter().find(|l| l.id == *id);
        if !line.is_some_and(|l| l.facts.iter().any(|f| f.contains(text))) {
            return Err(format!(
                "line {id}: no fact contains {text:?} — {}",
                report()
            ));
        }
    }
    // The verdict follows from the lines.
    let any_false = result.failed().next().is_some();
    let any_none = result.criteria.iter().any(|l| l.met.is_none());
    let derived = if any_false {
        Verdict::Ineligible
    } else if any_none {
        Verdict::NeedsJudgement
    } else {
        Verdict::Eligible
    };
    if derived != result.verdict {
        return Err(format!(
            "verdict does not follow from the lines — {}",
            report()
        ));
    }
    Ok(())
}

#[test]
fn every_case_of_the_table_holds() {
    let cases = cases();
    let mut failures = Vec::new();
    let mut runs: BTreeMap<(&str, AwardKind), usize> = BTreeMap::new();
    for c in &cases {
        assert!(!c.article.is_empty(), "{} names no article", c.name);
        for id in c.regime.ids() {
            *runs.entry((id, c.award)).or_default() += 1;
            if let Err(e) = check(c, id) {
                failures.push(e);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    let names: std::collections::BTreeSet<_> = cases.iter().map(|c| c.name).collect();
    assert_eq!(names.len(), cases.len(), "case names are unique");
    assert!(cases.len() >= 60, "{} cases", cases.len());
    // Every award kind is exercised under both regimes.
    for id in ["ND98_2023", "ND152_2025"] {
        for award in AwardKind::ALL {
            assert!(
                runs.get(&(id, award)).copied().unwrap_or(0) >= 2,
                "{award} under {id}"
            );
        }
    }
    let total: usize = runs.values().sum();
    println!("{} cases, {total} runs", cases.len());
    for ((id, award), n) in &runs {
        println!("{id:>10} {award:<22} {n}");
    }
}
