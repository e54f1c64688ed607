//! Year-end and movement reports: who awarded what to how many collectives and individuals,
//! the cash, what is still in review, and the same as Vietnamese sentences in the style of the
//! conference reports ("Giám đốc Công an tỉnh Gia Lai tặng Giấy khen cho 18 tập thể, 7 cá nhân").
//!
//! Pure: the store gives one [`ReportLine`] per nomination in scope; [`tally`] counts them.
//! An award counts once it is in a signed decision (`DECIDED`); an annulled one is counted
//! apart, never among the awards.

use std::collections::BTreeMap;

use crate::award::{AwardKind, RecipientKind};
use crate::ids::UnitId;
use crate::nomination::NominationState;
use crate::workflow::StageKind;

/// One nomination, as a report sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportLine {
    /// The issuer (who awards).
    pub issuer: UnitId,
    /// The award.
    pub award: AwardKind,
    /// A person or a collective.
    pub recipient: RecipientKind,
    /// Where it stands.
    pub state: NominationState,
    /// The stage it is at, while under review (SUBMITTED).
    pub stage: Option<StageKind>,
    /// The cash of its award, once decided.
    pub amount_vnd: Option<i64>,
}

/// The awards of one issuer of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwardTally {
    /// Who awarded.
    pub issuer: UnitId,
    /// What.
    pub award: AwardKind,
    /// To how many collectives (tập thể).
    pub collectives: u32,
    /// To how many individuals (cá nhân).
    pub individuals: u32,
    /// To how many households (hộ gia đình).
    pub households: u32,
    /// The cash, in VND.
    pub cash_vnd: i64,
}

impl AwardTally {
    /// Everyone awarded.
    pub fn recipients(&self) -> u32 {
        self.collectives + self.individuals + self.households
    }
}

/// What a report says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// The awards, by issuer (in the order given to [`tally`]) and award, highest first.
    pub awards: Vec<AwardTally>,
    /// Nominations not decided yet, by state (drafts, in review, returned), and those
    /// rejected or withdrawn.
    pub by_state: BTreeMap<NominationState, u32>,
    /// Nominations under review (SUBMITTED), by the stage they are at, in the order of the
    /// procedure: where the year's work stands.
    pub in_review_by_stage: BTreeMap<StageKind, u32>,
    /// Awards annulled after their decision.
    pub annulled: u32,
}

impl Report {
    /// All the cash awarded, in VND.
    pub fn total_cash_vnd(&self) -> i64 {
        self.awards.iter().map(|a| a.cash_vnd).sum()
    }

    /// Everyone awarded.
    pub fn total_recipients(&self) -> u32 {
        self.awards.iter().map(AwardTally::recipients).sum()
    }
}

/// "1234567" → "1.234.567", as amounts are printed in Vietnam.
pub fn vnd(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if amount < 0 { format!("-{out}") } else { out }
}

/// Highest award first, as a conference report lists them: flags, Bằng khen, then titles from
/// the highest, then Giấy khen.
fn rank(award: AwardKind) -> u8 {
    match award {
        AwardKind::CoThiDuaChinhPhu => 0,
        AwardKind::BangKhenThuTuong => 1,
        AwardKind::CstdToanQuoc => 2,
        AwardKind::CoThiDuaBoTinh => 3,
        AwardKind::BangKhenBoTinh => 4,
        AwardKind::CstdBoTinh => 5,
        AwardKind::TapTheLdXuatSac | AwardKind::DonViQuyetThang => 6,
        AwardKind::CstdCoSo => 7,
        AwardKind::TapTheLdTienTien | AwardKind::DonViTienTien => 8,
        AwardKind::LaoDongTienTien | AwardKind::ChienSiTienTien => 9,
        AwardKind::GiayKhen => 10,
    }
}

/// Counts the lines. `issuers` gives the order issuers are reported in (higher first, as the
/// caller knows the tree); issuers not in it come after, in id order.
pub fn tally(lines: &[ReportLine], issuers: &[UnitId]) -> Report {
    let position = |u: UnitId| {
        issuers
            .iter()
            .position(|i| *i == u)
            .unwrap_or(issuers.len())
    };
    let mut awards: BTreeMap<(usize, UnitId, u8, AwardKind), AwardTally> = BTreeMap::new();
    let mut report = Report::default();
    for line in lines {
        match line.state {
            NominationState::Decided => {
                let tally = awards
                    .entry((
                        position(line.issuer),
                        line.issuer,
                        rank(line.award),
                        line.award,
                    ))
                    .or_insert(AwardTally {
                        issuer: line.issuer,
                        award: line.award,
                        collectives: 0,
                        individuals: 0,
                        households: 0,
                        cash_vnd: 0,
                    });
                match line.recipient {
                    RecipientKind::Collective => tally.collectives += 1,
                    RecipientKind::Individual => tally.individuals += 1,
                    RecipientKind::Household => tally.households += 1,
                }
                tally.cash_vnd += line.amount_vnd.unwrap_or(0);
            }
            NominationState::Annulled => report.annulled += 1,
            state => {
                *report.by_state.entry(state).or_default() += 1;
                if let (NominationState::Submitted, Some(stage)) = (state, line.stage) {
                    *report.in_review_by_stage.entry(stage).or_default() += 1;
                }
            }
        }
    }
    report.awards = awards.into_values().collect();
    report
}

/// How an award is named in a sentence: the form ("Bằng khen", "Cờ thi đua", the issuer says
/// whose) or the title ("danh hiệu Chiến sĩ thi đua cơ sở").
pub fn award_phrase(award: AwardKind) -> String {
    match award {
        AwardKind::GiayKhen => "Giấy khen".into(),
        AwardKind::BangKhenBoTinh | AwardKind::BangKhenThuTuong => "Bằng khen".into(),
        AwardKind::CoThiDuaBoTinh | AwardKind::CoThiDuaChinhPhu => "Cờ thi đua".into(),
        title => format!("danh hiệu {}", title.name_vi()),
    }
}

/// How an award is named in an English sentence: the Vietnamese name of the form or title,
/// which is what it is called in English too ("Bằng khen", "the title Chiến sĩ thi đua cơ sở").
fn award_phrase_en(award: AwardKind) -> String {
    match award {
        AwardKind::GiayKhen
        | AwardKind::BangKhenBoTinh
        | AwardKind::BangKhenThuTuong
        | AwardKind::CoThiDuaBoTinh
        | AwardKind::CoThiDuaChinhPhu => award_phrase(award),
        title => format!("the title {}", title.name_vi()),
    }
}

/// "9 tập thể", "8 tập thể, 12 cá nhân"; in English "9 collectives", "8 collectives and 12
/// individuals".
fn recipients_phrase(t: &AwardTally, english: bool) -> String {
    let counted: Vec<String> = [
        (t.collectives, ("tập thể", "collective", "collectives")),
        (t.individuals, ("cá nhân", "individual", "individuals")),
        (t.households, ("hộ gia đình", "household", "households")),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, (vi, one, many))| match (english, n) {
        (false, _) => format!("{n} {vi}"),
        (true, 1) => format!("1 {one}"),
        (true, _) => format!("{n} {many}"),
    })
    .collect();
    match (english, counted.split_last()) {
        (true, Some((last, rest))) if !rest.is_empty() => {
            format!("{} and {last}", rest.join(", "))
        }
        _ => counted.join(", "),
    }
}

/// One sentence per issuer, in the report's order: "Bộ trưởng Bộ Công an tặng Bằng khen cho 9
/// tập thể." or, with several awards, "Chủ tịch Ủy ban nhân dân tỉnh Nghệ An tặng Cờ thi đua cho 2
/// tập thể; Bằng khen cho 8 tập thể, 12 cá nhân." `issuer_title` names an issuer
/// ("Giám đốc Công an tỉnh Gia Lai").
pub fn sentences(report: &Report, issuer_title: impl Fn(UnitId) -> String) -> Vec<String> {
    worded(report, issuer_title, false)
}

/// The same sentences in English, the names kept as they are: "Bộ trưởng Bộ Công an awarded
/// Bằng khen to 9 collectives." or "Chủ tịch Ủy ban nhân dân tỉnh Nghệ An awarded Cờ thi đua to
/// 2 collectives; Bằng khen to 8 collectives and 12 individuals."
pub fn sentences_en(report: &Report, issuer_title: impl Fn(UnitId) -> String) -> Vec<String> {
    worded(report, issuer_title, true)
}

fn worded(report: &Report, issuer_title: impl Fn(UnitId) -> String, english: bool) -> Vec<String> {
    let (verb, to) = if english {
        ("awarded", "to")
    } else {
        ("tặng", "cho")
    };
    let mut out: Vec<String> = Vec::new();
    let mut current: Option<UnitId> = None;
    let mut parts: Vec<String> = Vec::new();
    let mut flush = |issuer: Option<UnitId>, parts: &mut Vec<String>| {
        if let Some(issuer) = issuer
            && !parts.is_empty()
        {
            out.push(format!(
                "{} {verb} {}.",
                issuer_title(issuer),
                parts.join("; ")
            ));
        }
        parts.clear();
    };
    for t in &report.awards {
        if current != Some(t.issuer) {
            flush(current, &mut parts);
            current = Some(t.issuer);
        }
        let award = if english {
            award_phrase_en(t.award)
        } else {
            award_phrase(t.award)
        };
        parts.push(format!("{award} {to} {}", recipients_phrase(t, english)));
    }
    flush(current, &mut parts);
    out
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn unit(n: u128) -> UnitId {
        UnitId(Uuid::from_u128(n))
    }

    fn lines(
        issuer: u128,
        award: AwardKind,
        recipient: RecipientKind,
        state: NominationState,
        n: usize,
    ) -> Vec<ReportLine> {
        vec![
            ReportLine {
                issuer: unit(issuer),
                award,
                recipient,
                state,
                stage: None,
                amount_vnd: (state == NominationState::Decided).then_some(1_000_000),
            };
            n
        ]
    }

    #[test]
    fn nominations_under_review_are_counted_by_the_stage_they_are_at() {
        use StageKind::*;
        let at = |stage: StageKind, n: usize| {
            let mut l = lines(
                1,
                AwardKind::GiayKhen,
                RecipientKind::Individual,
                NominationState::Submitted,
                n,
            );
            for line in &mut l {
                line.stage = Some(stage);
            }
            l
        };
        let all = [at(Council, 1), at(Endorse, 2), at(Sign, 1), at(Appraise, 3)].concat();
        let report = tally(&all, &[]);
        assert_eq!(report.by_state[&NominationState::Submitted], 7);
        assert_eq!(
            report
                .in_review_by_stage
                .iter()
                .map(|(s, n)| (*s, *n))
                .collect::<Vec<_>>(),
            [(Endorse, 2), (Appraise, 3), (Council, 1), (Sign, 1)],
            "in the order of the procedure"
        );
    }

    #[test]
    fn a_report_reads_like_the_conference_report() {
        use AwardKind::*;
        use NominationState::*;
        use RecipientKind::*;
        // The seed: "Bộ Công an đã tặng Bằng khen cho 9 tập thể; UBND tỉnh tặng Cờ đơn vị dẫn
        // đầu phong trào thi đua toàn dân bảo vệ ANTQ cho 2 tập thể, tặng Bằng khen cho 8 tập
        // thể, 12 cá nhân" (province 2, ministry 1).
        let all = [
            lines(1, BangKhenBoTinh, Collective, Decided, 9),
            lines(2, BangKhenBoTinh, Individual, Decided, 12),
            lines(2, BangKhenBoTinh, Collective, Decided, 8),
            lines(2, CoThiDuaBoTinh, Collective, Decided, 2),
            lines(2, GiayKhen, Individual, Submitted, 3),
            lines(2, GiayKhen, Individual, Returned, 1),
            lines(2, GiayKhen, Individual, Annulled, 1),
            lines(2, GiayKhen, Individual, Rejected, 2),
        ]
        .concat();
        let report = tally(&all, &[unit(1), unit(2)]);
        let names = |u: UnitId| {
            if u == unit(1) {
                "Bộ trưởng Bộ Công an".to_owned()
            } else {
                "Chủ tịch Ủy ban nhân dân tỉnh Nghệ An".to_owned()
            }
        };
        assert_eq!(
            sentences(&report, names),
            [
                "Bộ trưởng Bộ Công an tặng Bằng khen cho 9 tập thể.",
                "Chủ tịch Ủy ban nhân dân tỉnh Nghệ An tặng Cờ thi đua cho 2 tập thể; Bằng khen cho 8 tập thể, 12 cá nhân.",
            ]
        );
        // The same in English, for the console's English pages: names stay as they are.
        assert_eq!(
            sentences_en(&report, names),
            [
                "Bộ trưởng Bộ Công an awarded Bằng khen to 9 collectives.",
                "Chủ tịch Ủy ban nhân dân tỉnh Nghệ An awarded Cờ thi đua to 2 collectives; Bằng khen to 8 collectives and 12 individuals.",
            ]
        );
        assert_eq!(report.total_recipients(), 31);
        assert_eq!(report.total_cash_vnd(), 31_000_000);
        assert_eq!(report.annulled, 1, "an annulled award is not an award");
        assert_eq!(
            report
                .by_state
                .iter()
                .map(|(s, n)| (*s, *n))
                .collect::<Vec<_>>(),
            [(Submitted, 3), (Returned, 1), (Rejected, 2)]
        );
        // Nothing decided: no sentence.
        assert!(
            sentences(
                &tally(&lines(2, GiayKhen, Individual, Draft, 2), &[]),
                names
            )
            .is_empty()
        );
    }

    #[test]
    fn titles_are_named_as_titles_and_issuers_not_listed_come_last() {
        use AwardKind::*;
        use NominationState::*;
        use RecipientKind::*;
        let all = [
            lines(7, GiayKhen, Collective, Decided, 18),
            lines(3, CstdCoSo, Individual, Decided, 4),
        ]
        .concat();
        let report = tally(&all, &[unit(3)]);
        assert_eq!(
            sentences(&report, |u| format!("Thủ trưởng {}", u.0.as_u128())),
            [
                "Thủ trưởng 3 tặng danh hiệu Chiến sĩ thi đua cơ sở cho 4 cá nhân.",
                "Thủ trưởng 7 tặng Giấy khen cho 18 tập thể.",
            ]
        );
        let one = tally(&lines(3, CstdCoSo, Individual, Decided, 1), &[unit(3)]);
        assert_eq!(
            sentences_en(&one, |u| format!("Thủ trưởng {}", u.0.as_u128())),
            ["Thủ trưởng 3 awarded the title Chiến sĩ thi đua cơ sở to 1 individual."]
        );
    }
}
