//! Evaluation: one nominee, one award kind, one period → a verdict and one line per criterion.
//!
//! Pure and deterministic: facts are read as sets (years become bits of a mask), so their order
//! never matters, and nothing here reads a clock. Years are bits of a `u128` counted back from
//! the period (bit 0 = the period, bit 1 = the year before, ...), which makes streaks and windows
//! a few shifts and no allocation.

use std::cell::RefCell;
use std::fmt::Write as _;

use time::Date;

use crate::award::{AwardForm, AwardKind, RecipientKind};

use super::catalog::{AwardRule, Ruleset};
use super::criteria::{Criterion, CriterionBody, Ending, Predicate, RecognitionSource};
use super::facts::{
    CommendationKind, DisciplineFact, DisciplineLevel, NomineeFacts, RecognitionFact, Scope,
    TaskRating,
};

/// The outcome of an eligibility check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Every criterion is met.
    Eligible,
    /// Some computable criterion is not met (every failed one is listed).
    Ineligible,
    /// The computable criteria are met; some judgement awaits the council's attestation.
    NeedsJudgement,
}

impl Verdict {
    /// Stable code: `ELIGIBLE`, `INELIGIBLE` or `NEEDS_JUDGEMENT`.
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Eligible => "ELIGIBLE",
            Verdict::Ineligible => "INELIGIBLE",
            Verdict::NeedsJudgement => "NEEDS_JUDGEMENT",
        }
    }

    /// Vietnamese name.
    pub fn name_vi(self) -> &'static str {
        match self {
            Verdict::Eligible => "đủ điều kiện",
            Verdict::Ineligible => "không đủ điều kiện",
            Verdict::NeedsJudgement => "cần Hội đồng đánh giá",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Verdict::Eligible => "eligible",
            Verdict::Ineligible => "not eligible",
            Verdict::NeedsJudgement => "needs the council's judgement",
        }
    }
}

/// One line of the explanation: a top-level criterion and how it came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionResult {
    /// The criterion's id.
    pub id: String,
    /// `Some(true)` met, `Some(false)` not met, `None` needs the council's judgement.
    pub met: Option<bool>,
    /// The legal source.
    pub article: String,
    /// The outcome, in Vietnamese.
    pub message_vi: String,
    /// The outcome, in English.
    pub message_en: String,
    /// The facts used, human-readable ("vi / en"); for a group, each alternative's outcome.
    pub facts: Vec<String>,
}

/// The result of [`evaluate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    /// The verdict.
    pub verdict: Verdict,
    /// The ruleset id used.
    pub ruleset: String,
    /// The award checked.
    pub award: AwardKind,
    /// The period checked.
    pub period: i32,
    /// One line per criterion that applies to the nominee, in ruleset order.
    pub criteria: Vec<CriterionResult>,
    /// The ids of the initiatives and research works the verdict counted (no more than each
    /// criterion needs, along the alternative that met it). When the award is decided they are
    /// marked used, so they never back another award (Bộ Nội vụ reading of Art 74.1.d). Empty
    /// when the verdict is [`Verdict::Ineligible`].
    pub relied_on: Vec<String>,
}

impl Eligibility {
    /// The criteria not met.
    pub fn failed(&self) -> impl Iterator<Item = &CriterionResult> {
        self.criteria.iter().filter(|c| c.met == Some(false))
    }

    /// The criteria that need the council's judgement.
    pub fn pending_judgement(&self) -> impl Iterator<Item = &CriterionResult> {
        self.criteria.iter().filter(|c| c.met.is_none())
    }

    /// `{"verdict","ruleset","award","period","criteria":[{"id","met","article","message_vi","message_en","facts"}]}`.
    pub fn to_json(&self) -> serde_json::Value {
        let criteria: Vec<serde_json::Value> = self
            .criteria
            .iter()
            .map(|c| {
                serde_json::json!({
                    "id": c.id,
                    "met": c.met,
                    "article": c.article,
                    "message_vi": c.message_vi,
                    "message_en": c.message_en,
                    "facts": c.facts,
                })
            })
            .collect();
        serde_json::json!({
            "verdict": self.verdict.code(),
            "ruleset": self.ruleset,
            "award": self.award.code(),
            "period": self.period,
            "criteria": criteria,
        })
    }
}

/// Checks `facts` against the criteria of `award` in `ruleset` for `period`, on `as_of`
/// (the day discipline in force is looked at).
///
/// The general principles (recipient kind, not blocked, no discipline in force, one achievement
/// one award, ...) come first as ordinary lines. Any line not met makes the verdict
/// [`Verdict::Ineligible`]; otherwise any judgement not attested makes it
/// [`Verdict::NeedsJudgement`].
pub fn evaluate(
    ruleset: &Ruleset,
    award: AwardKind,
    period: i32,
    as_of: Date,
    facts: &NomineeFacts,
) -> Eligibility {
    let rule = ruleset.award(award);
    let ctx = Ctx::new(rule, period, as_of, facts);
    let mut criteria = Vec::with_capacity(rule.criteria.len());
    let mut any_false = false;
    let mut any_none = false;
    for c in rule.criteria.iter().filter(|c| c.applies(facts.kind)) {
        let mut used = Vec::new();
        let met = ctx.eval(c, &mut used);
        any_false |= met == Some(false);
        any_none |= met.is_none();
        let (vi, en) = c.message(met);
        criteria.push(CriterionResult {
            id: c.id.clone(),
            met,
            article: c.article.clone(),
            message_vi: vi.to_owned(),
            message_en: en.to_owned(),
            facts: used,
        });
    }
    let verdict = if any_false {
        Verdict::Ineligible
    } else if any_none {
        Verdict::NeedsJudgement
    } else {
        Verdict::Eligible
    };
    let relied_on = if any_false {
        Vec::new()
    } else {
        let mut ids = ctx.relied.take();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    Eligibility {
        verdict,
        ruleset: ruleset.id.clone(),
        award,
        period,
        criteria,
        relied_on,
    }
}

/// Evaluates one criterion (a leaf or a group) on its own, for tests.
#[cfg(test)]
pub(crate) fn evaluate_criterion(
    rule: &AwardRule,
    criterion: &Criterion,
    period: i32,
    as_of: Date,
    facts: &NomineeFacts,
) -> (Option<bool>, Vec<String>) {
    let mut used = Vec::new();
    let met = Ctx::new(rule, period, as_of, facts).eval(criterion, &mut used);
    (met, used)
}

/// Room for a fact line and the prefix a group puts before it, so most lines never reallocate.
const FACT_CAPACITY: usize = 256;

/// Years counted back from the period fit in a `u128`.
const SPAN: i64 = 128;

/// Abbreviation used in explanations (the way officers write them).
pub(crate) fn short(award: AwardKind) -> &'static str {
    match award {
        AwardKind::LaoDongTienTien => "LĐTT",
        AwardKind::ChienSiTienTien => "CSTT",
        AwardKind::CstdCoSo => "CSTĐ cơ sở",
        AwardKind::CstdBoTinh => "CSTĐ bộ/tỉnh",
        AwardKind::CstdToanQuoc => "CSTĐ toàn quốc",
        AwardKind::TapTheLdTienTien => "TTLĐTT",
        AwardKind::DonViTienTien => "ĐVTT",
        AwardKind::TapTheLdXuatSac => "TTLĐXS",
        AwardKind::DonViQuyetThang => "ĐVQT",
        AwardKind::CoThiDuaBoTinh => "Cờ thi đua bộ/tỉnh",
        AwardKind::CoThiDuaChinhPhu => "Cờ thi đua Chính phủ",
        AwardKind::GiayKhen => "Giấy khen",
        AwardKind::BangKhenBoTinh => "Bằng khen bộ/tỉnh",
        AwardKind::BangKhenThuTuong => "Bằng khen Thủ tướng",
    }
}

fn shorts(out: &mut String, awards: &[AwardKind]) {
    for (i, a) in awards.iter().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(short(*a));
    }
}

/// Appends pieces (text or integers) to a `String` without the formatting machinery.
macro_rules! cat {
    ($dst:expr; $($piece:expr),+ $(,)?) => {{ $( Piece::push_to(&$piece, &mut $dst); )+ }};
}

trait Piece {
    fn push_to(&self, out: &mut String);
}

impl Piece for &str {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for i64 {
    fn push_to(&self, out: &mut String) {
        push_int(out, *self);
    }
}

impl Piece for i32 {
    fn push_to(&self, out: &mut String) {
        push_int(out, i64::from(*self));
    }
}

impl Piece for u32 {
    fn push_to(&self, out: &mut String) {
        push_int(out, i64::from(*self));
    }
}

/// Writing to a `String` cannot fail.
macro_rules! w {
    ($dst:expr, $($arg:tt)*) => {{ let _ = write!($dst, $($arg)*); }};
}

struct Ctx<'a> {
    rule: &'a AwardRule,
    period: i32,
    as_of: Date,
    facts: &'a NomineeFacts,
    /// The last regular award of the kind being checked before the period.
    previous: Option<i32>,
    /// Years after `previous` (all years when there is none).
    fresh: u128,
    /// Ids of the recognitions the criteria met so far rely on; pruned like the fact lines
    /// (a failed node drops its own, a met any_of keeps only its winning alternative's).
    relied: RefCell<Vec<String>>,
}

fn bit(period: i32, year: i32) -> Option<u32> {
    let k = i64::from(period) - i64::from(year);
    // 0 <= k < 128: the conversion is exact.
    (0..SPAN)
        .contains(&k)
        .then(|| u32::try_from(k).unwrap_or(0))
}

/// The years a chain counts (as masks of years back from the period): after the last regular
/// award of the kind being checked, and after the end of the last disciplinary measure —
/// Decree 98/2023 Art 4: "after a disciplinary period ends, achievements count from the end of
/// that period", so no year up to the one in which a measure ended counts.
#[derive(Debug, Clone, Copy)]
struct Window {
    /// Years after the previous award of this kind (every year when not asked, or none).
    fresh: u128,
    /// Years after the last measure's end (every year when not asked, or none).
    clean: u128,
    /// The measure that cuts the chain, if any.
    cut: Option<DisciplineFact>,
}

impl Window {
    fn mask(self) -> u128 {
        self.fresh & self.clean
    }
}

fn mask_below(k: u32) -> u128 {
    if k >= 128 {
        u128::MAX
    } else {
        (1u128 << k) - 1
    }
}

impl<'a> Ctx<'a> {
    fn new(rule: &'a AwardRule, period: i32, as_of: Date, facts: &'a NomineeFacts) -> Ctx<'a> {
        let previous = facts
            .titles
            .iter()
            .filter(|t| {
                t.award == rule.award && t.kind == CommendationKind::ThuongXuyen && t.year < period
            })
            .map(|t| t.year)
            .max();
        let fresh = match previous {
            None => u128::MAX,
            Some(p) => {
                let k = i64::from(period) - i64::from(p);
                if k >= SPAN {
                    u128::MAX
                } else {
                    mask_below(u32::try_from(k).unwrap_or(128))
                }
            }
        };
        Ctx {
            rule,
            period,
            as_of,
            facts,
            previous,
            fresh,
            relied: RefCell::new(Vec::new()),
        }
    }

    fn year(&self, k: u32) -> i64 {
        i64::from(self.period) - i64::from(k)
    }

    /// Regular titles among `awards`, as a mask of years.
    fn titles(&self, awards: &[AwardKind]) -> u128 {
        let mut mask = 0u128;
        for t in &self.facts.titles {
            if t.kind == CommendationKind::ThuongXuyen
                && awards.contains(&t.award)
                && let Some(k) = bit(self.period, t.year)
            {
                mask |= 1 << k;
            }
        }
        mask
    }

    /// Years rated at least `level` (a year with any worse rating does not count).
    fn ratings(&self, level: TaskRating) -> u128 {
        let mut good = 0u128;
        let mut bad = 0u128;
        for r in &self.facts.ratings {
            if let Some(k) = bit(self.period, r.year) {
                if r.rating.at_least(level) {
                    good |= 1 << k;
                } else {
                    bad |= 1 << k;
                }
            }
        }
        good & !bad
    }

    fn rating_in(&self, year: i64) -> Option<TaskRating> {
        self.facts
            .ratings
            .iter()
            .filter(|r| i64::from(r.year) == year)
            .map(|r| r.rating)
            .reduce(TaskRating::worse)
    }

    fn years_list(&self, out: &mut String, mask: u128) {
        // Oldest first: the highest bit is the earliest year.
        let mut rest = mask;
        let mut first = true;
        while rest != 0 {
            let k = 127 - rest.leading_zeros();
            rest &= !(1u128 << k);
            if !first {
                out.push_str(", ");
            }
            first = false;
            push_int(out, self.year(k));
        }
    }

    fn eval(&self, c: &Criterion, out: &mut Vec<String>) -> Option<bool> {
        let relied_start = self.relied.borrow().len();
        let result = self.eval_node(c, out);
        if result == Some(false) {
            // What a failed node counted backs nothing.
            self.relied.borrow_mut().truncate(relied_start);
        }
        result
    }

    fn eval_node(&self, c: &Criterion, out: &mut Vec<String>) -> Option<bool> {
        let (children, any) = match &c.body {
            CriterionBody::Leaf(p) => return self.leaf(c, p, out),
            CriterionBody::AllOf(children) => (children, false),
            CriterionBody::AnyOf(children) => (children, true),
        };
        // Children write straight into `out`; each of their facts is then prefixed with the
        // child's outcome and id (prepared when the ruleset was loaded).
        let mut result = Some(!any);
        let mut ranges = Vec::with_capacity(children.len());
        let mut relied_ranges = Vec::with_capacity(children.len());
        for child in children {
            if any && result == Some(true) {
                // One alternative is enough; the ones after it cannot change the outcome.
                break;
            }
            let start = out.len();
            let relied_start = self.relied.borrow().len();
            let r = if let CriterionBody::Leaf(Predicate::Judgement | Predicate::AttestedFact) =
                child.body
            {
                // Fixed texts, prepared with their prefix when the ruleset was loaded.
                let attested = self.facts.attested.contains(&child.id);
                out.push(child.messages.grouped_attestation(attested).to_owned());
                match (attested, &child.body) {
                    (true, _) => Some(true),
                    (false, CriterionBody::Leaf(Predicate::AttestedFact)) => Some(false),
                    (false, _) => None,
                }
            } else {
                let r = self.eval(child, out);
                let prefix = child.messages.prefix(r);
                for fact in &mut out[start..] {
                    fact.insert_str(0, prefix);
                }
                r
            };
            ranges.push((start, out.len(), r));
            relied_ranges.push((relied_start, self.relied.borrow().len(), r));
            result = if any {
                match (result, r) {
                    (Some(true), _) | (_, Some(true)) => Some(true),
                    (None, _) | (_, None) => None,
                    (Some(false), Some(false)) => Some(false),
                }
            } else {
                match (result, r) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (None, _) | (_, None) => None,
                    (Some(true), Some(true)) => Some(true),
                }
            };
        }
        if any && result == Some(true) {
            // When an any_of is met, the alternative that met it is the explanation, and the
            // only one whose recognitions it relies on.
            for &(start, end, r) in ranges.iter().rev() {
                if r != Some(true) {
                    out.drain(start..end);
                }
            }
            let mut relied = self.relied.borrow_mut();
            for &(start, end, r) in relied_ranges.iter().rev() {
                if r != Some(true) {
                    relied.drain(start..end);
                }
            }
        }
        result
    }

    fn leaf(&self, c: &Criterion, p: &Predicate, out: &mut Vec<String>) -> Option<bool> {
        let f = self.facts;
        match p {
            Predicate::RecipientKind => {
                let ok = self.rule.recipients.contains(&f.kind);
                let mut s = String::with_capacity(FACT_CAPACITY);
                cat!(s; "Đối tượng ", kind_vi(f.kind));
                if !ok {
                    s.push_str(" — không thuộc đối tượng được xét");
                }
                cat!(s; " / recipient ", kind_en(f.kind));
                if !ok {
                    s.push_str(" — not accepted for this award");
                }
                out.push(s);
                Some(ok)
            }
            Predicate::NotBlocked => {
                out.push(if f.blocked {
                    "Đang bị thanh tra, kiểm tra, giải quyết khiếu nại, tố cáo hoặc xem xét kỷ luật / under inspection, complaint or discipline consideration".to_owned()
                } else {
                    "Không có thanh tra, khiếu nại, tố cáo hay xem xét kỷ luật đang chờ / nothing pending".to_owned()
                });
                Some(!f.blocked)
            }
            Predicate::NoOngoingDiscipline => {
                let mut found: Vec<_> = f
                    .discipline
                    .iter()
                    .filter(|d| d.in_force_on(self.as_of))
                    .collect();
                if found.is_empty() {
                    let mut s = String::with_capacity(FACT_CAPACITY);
                    s.push_str("Không có kỷ luật đang thi hành ngày ");
                    push_date(&mut s, self.as_of);
                    s.push_str(" / no discipline in force on ");
                    push_date(&mut s, self.as_of);
                    out.push(s);
                    return Some(true);
                }
                found.sort_by_key(|d| (d.from, d.level, d.to));
                for d in found {
                    out.push(format!(
                        "Kỷ luật {} từ {} đang thi hành ngày {} / {} since {} in force on {}",
                        d.level.name_vi(),
                        d.from,
                        self.as_of,
                        d.level.name_en(),
                        d.from,
                        self.as_of
                    ));
                }
                Some(false)
            }
            Predicate::NoDisciplineInPeriod { min_level } => {
                let p = self.period;
                let mut found: Vec<_> = f
                    .discipline
                    .iter()
                    .filter(|d| {
                        d.level >= *min_level
                            && d.from.year() <= p
                            && d.to.is_none_or(|t| t.year() >= p)
                    })
                    .collect();
                if found.is_empty() {
                    let mut s = String::with_capacity(FACT_CAPACITY);
                    s.push_str("Không bị kỷ luật trong năm ");
                    push_int(&mut s, i64::from(p));
                    s.push_str(" / no discipline during ");
                    push_int(&mut s, i64::from(p));
                    out.push(s);
                    return Some(true);
                }
                found.sort_by_key(|d| (d.from, d.level, d.to));
                for d in found {
                    let to =
                        d.to.map(|t| t.to_string())
                            .unwrap_or_else(|| "…".to_owned());
                    out.push(format!(
                        "Kỷ luật {} {}–{} trong năm {p}: thành tích tính từ khi chấp hành xong / {} {}–{} during {p}: achievements count from its end",
                        d.level.name_vi(),
                        d.from,
                        to,
                        d.level.name_en(),
                        d.from,
                        to
                    ));
                }
                Some(false)
            }
            Predicate::OneAchievementOneAward => self.one_award(out),
            Predicate::TitlesConsecutive {
                awards,
                count,
                max_gap_years,
                ending,
                after_previous,
                after_discipline,
            } => self.titles_consecutive(
                awards,
                *count,
                *max_gap_years,
                *ending,
                self.window(*after_previous, *after_discipline),
                out,
            ),
            Predicate::RatingsConsecutive {
                at_least,
                years,
                ending,
                after_previous,
                after_discipline,
            } => self.ratings_consecutive(
                *at_least,
                *years,
                *ending,
                self.window(*after_previous, *after_discipline),
                out,
            ),
            Predicate::RecognitionsInWindow {
                sources,
                min_scope,
                count,
                window_years,
                extend_over_rating_streak,
                after_previous,
                after_discipline,
            } => self.recognitions(
                sources,
                *min_scope,
                *count,
                *window_years,
                *extend_over_rating_streak,
                self.window(*after_previous, *after_discipline),
                out,
            ),
            Predicate::PriorAwardThenYears {
                award,
                years,
                at_least,
                title,
                title_count,
                after_previous,
                after_discipline,
            } => self.prior_award(
                *award,
                *years,
                *at_least,
                *title,
                *title_count,
                self.window(*after_previous, *after_discipline),
                out,
            ),
            Predicate::MemberShareWithTitle {
                awards,
                min_percent,
                strict,
            } => {
                let Some(m) = self.members(out) else {
                    return Some(false);
                };
                let n = with_title(m, awards);
                let have = u64::from(n) * 100;
                let need = u64::from(*min_percent) * u64::from(m.total);
                let ok = m.total > 0 && if *strict { have > need } else { have >= need };
                let op = if *strict { ">" } else { "≥" };
                let mut s = String::with_capacity(FACT_CAPACITY);
                shorts(&mut s, awards);
                w!(s, ": {n}/{} thành viên = ", m.total);
                percent(&mut s, n, m.total);
                w!(
                    s,
                    " (cần {op} {min_percent}%) / {n} of {} members = ",
                    m.total
                );
                percent(&mut s, n, m.total);
                w!(s, " ({op} {min_percent}% required)");
                out.push(s);
                Some(ok)
            }
            Predicate::MemberCountWithTitle { awards, min_count } => {
                let Some(m) = self.members(out) else {
                    return Some(false);
                };
                let n = with_title(m, awards);
                let mut s = String::with_capacity(FACT_CAPACITY);
                shorts(&mut s, awards);
                w!(
                    s,
                    ": {n} thành viên (cần ít nhất {min_count}) / {n} members (at least {min_count} required)"
                );
                out.push(s);
                Some(n >= *min_count)
            }
            Predicate::AllMembersCompletedTasks => {
                let Some(m) = self.members(out) else {
                    return Some(false);
                };
                out.push(format!(
                    "{}/{} thành viên hoàn thành nhiệm vụ / {} of {} members completed their tasks",
                    m.completed_tasks, m.total, m.completed_tasks, m.total
                ));
                Some(m.total > 0 && m.completed_tasks >= m.total)
            }
            Predicate::NoMemberDisciplinedAtOrAbove { level } => {
                let Some(m) = self.members(out) else {
                    return Some(false);
                };
                let n = m.disciplined_canh_cao_or_above;
                out.push(format!(
                    "{n} thành viên bị kỷ luật từ {} trở lên / {n} members disciplined at {} or above",
                    level.name_vi(),
                    level.name_en()
                ));
                Some(n == 0)
            }
            Predicate::MonthsWorked { min_months } => {
                let Some(r) = f.recruited_on else {
                    out.push(
                        "Không ghi ngày tuyển dụng: coi như làm việc cả năm / no recruitment date: taken as the whole year"
                            .to_owned(),
                    );
                    return Some(true);
                };
                let months = months_to_end_of(r, self.period);
                let p = self.period;
                if months >= 12 {
                    out.push(format!(
                        "Tuyển dụng {r}: làm việc cả năm {p} / recruited {r}: worked the whole of {p}"
                    ));
                } else {
                    out.push(format!(
                        "Tuyển dụng {r}: {months} tháng đến 31/12/{p} (cần ít nhất {min_months}) / recruited {r}: {months} months to {p}-12-31 (at least {min_months} required)"
                    ));
                }
                Some(months >= i64::from(*min_months))
            }
            Predicate::AttestedFact | Predicate::Judgement => {
                let attested = f.attested.contains(&c.id);
                out.push(c.messages.attestation(attested).to_owned());
                match (attested, p) {
                    (true, _) => Some(true),
                    (false, Predicate::AttestedFact) => Some(false),
                    (false, _) => None,
                }
            }
        }
    }

    fn members(&self, out: &mut Vec<String>) -> Option<&'a super::facts::MemberFacts> {
        let m = self.facts.members.as_ref();
        if m.is_none() {
            out.push("Không có số liệu thành viên / no member figures".to_owned());
        }
        m
    }

    fn one_award(&self, out: &mut Vec<String>) -> Option<bool> {
        let award = self.rule.award;
        let is_form = award.form() == AwardForm::Commendation;
        let clashes = |t: &&super::facts::TitleFact| {
            t.year == self.period
                && t.kind == CommendationKind::ThuongXuyen
                && (t.award == award || (is_form && t.award.form() == AwardForm::Commendation))
        };
        let p = self.period;
        if !self.facts.titles.iter().any(|t| clashes(&t))
            && !self.facts.pending.iter().any(|t| clashes(&t))
        {
            let mut s = String::with_capacity(FACT_CAPACITY);
            s.push_str("Chưa có khen thưởng khác cho thành tích năm ");
            push_int(&mut s, i64::from(p));
            s.push_str(" / no other award for the ");
            push_int(&mut s, i64::from(p));
            s.push_str(" achievement");
            out.push(s);
            return Some(true);
        }
        let mut found: Vec<(AwardKind, bool)> = self
            .facts
            .titles
            .iter()
            .filter(clashes)
            .map(|t| (t.award, true))
            .chain(
                self.facts
                    .pending
                    .iter()
                    .filter(clashes)
                    .map(|t| (t.award, false)),
            )
            .collect();
        found.sort();
        found.dedup();
        for (a, decided) in found {
            let (vi, en) = if decided {
                ("đã có quyết định", "already decided")
            } else {
                ("đang đề nghị", "pending")
            };
            out.push(format!(
                "{} {p} {vi}: một thành tích chỉ khen một lần / {} {p} {en}: one achievement, one award",
                short(a),
                short(a)
            ));
        }
        Some(false)
    }

    /// The years of a chain: after the previous award of this kind when `after_previous`, and
    /// after the end of the last measure of at least `after_discipline` begun by `as_of`.
    fn window(&self, after_previous: bool, after_discipline: Option<DisciplineLevel>) -> Window {
        let fresh = if after_previous {
            self.fresh
        } else {
            u128::MAX
        };
        let cut = after_discipline.and_then(|min| {
            self.facts
                .discipline
                .iter()
                .filter(|d| d.level >= min && d.from <= self.as_of)
                .max_by_key(|d| (d.to.map_or(i32::MAX, |t| t.year()), d.from))
                .copied()
        });
        let clean = match cut {
            None => u128::MAX,
            Some(d) => {
                // A measure still running (no end) leaves no year to count.
                let end = d.to.map_or(i64::MAX, |t| i64::from(t.year()));
                let k = i64::from(self.period).saturating_sub(end);
                if k <= 0 {
                    0
                } else if k >= SPAN {
                    u128::MAX
                } else {
                    mask_below(u32::try_from(k).unwrap_or(128))
                }
            }
        };
        Window { fresh, clean, cut }
    }

    /// Why some of `years` do not count toward a chain.
    fn window_notes(&self, out: &mut Vec<String>, window: Window, years: u128) {
        self.previous_note(out, years & !window.fresh);
        if let Some(d) = window.cut
            && years & window.fresh & !window.clean != 0
        {
            let (until_vi, until_en) = match d.to {
                Some(to) => (
                    format!("chấp hành xong ngày {}", crate::calendar::format_date(to)),
                    format!("ended {}", crate::calendar::format_date(to)),
                ),
                None => ("đang thi hành".to_owned(), "still in force".to_owned()),
            };
            out.push(format!(
                "Kỷ luật {} từ {} ({until_vi}): chỉ tính thành tích các năm sau khi chấp hành xong (Điều 4 Nghị định 98/2023/NĐ-CP, 152/2025/NĐ-CP) / {} from {} ({until_en}): only the years after its end count (Art 4 of Decrees 98/2023 and 152/2025)",
                d.level.name_vi(),
                crate::calendar::format_date(d.from),
                d.level.name_en(),
                crate::calendar::format_date(d.from),
            ));
        }
    }

    fn previous_note(&self, out: &mut Vec<String>, excluded: u128) {
        if let Some(prev) = self.previous
            && excluded != 0
        {
            let a = short(self.rule.award);
            out.push(format!(
                "Chỉ tính các năm sau {a} {prev} (đã dùng cho lần khen đó) / only years after {a} {prev} count (used for that award)"
            ));
        }
    }

    fn irregular_note(&self, out: &mut Vec<String>, awards: &[AwardKind]) {
        let mut found: Vec<_> = self
            .facts
            .titles
            .iter()
            .filter(|t| {
                t.kind != CommendationKind::ThuongXuyen
                    && awards.contains(&t.award)
                    && bit(self.period, t.year).is_some()
            })
            .collect();
        found.sort_by_key(|t| (t.year, t.award, t.kind));
        found.dedup();
        for t in found {
            out.push(format!(
                "{} {} ({}) — không tính cho khen thưởng thường xuyên / {} {} ({}) — not counted toward regular awards",
                short(t.award),
                t.year,
                t.kind.name_vi(),
                short(t.award),
                t.year,
                t.kind.name_en()
            ));
        }
    }

    fn titles_consecutive(
        &self,
        awards: &[AwardKind],
        count: u32,
        max_gap: u32,
        ending: Ending,
        window: Window,
        out: &mut Vec<String>,
    ) -> Option<bool> {
        let all = self.titles(awards);
        let fresh = window.mask();
        let mask = all & fresh;
        let gap = mask_below(max_gap);
        let mut best = (0u32, 0u128);
        for &end in ending.offsets() {
            if mask & (1 << end) == 0 {
                continue;
            }
            let (mut n, mut chain, mut cur) = (1u32, 1u128 << end, end);
            while cur + 1 < 128 {
                let window = (mask >> (cur + 1)) & gap;
                if window == 0 {
                    break;
                }
                cur += 1 + window.trailing_zeros();
                chain |= 1 << cur;
                n += 1;
            }
            if n > best.0 {
                best = (n, chain);
            }
        }
        let (n, chain) = best;
        let met = n >= count;
        let mut s = String::with_capacity(FACT_CAPACITY);
        shorts(&mut s, awards);
        let times = if max_gap > 1 { " lần" } else { "" };
        let times_en = if max_gap > 1 { " times" } else { "" };
        if count == 1 && ending == Ending::Period {
            let p = self.period;
            if met {
                cat!(s; " năm ", p, ": đã có / held for ", p);
            } else {
                cat!(s; " năm ", p, ": chưa có / none for ", p);
            }
        } else if n == 0 {
            let ends: Vec<String> = ending
                .offsets()
                .iter()
                .map(|k| self.year(*k).to_string())
                .collect();
            let ends = ends.join(", ");
            w!(
                s,
                ": chưa có cho năm {ends} (cần {count}{times} liên tục) / none for {ends} ({count} consecutive{times_en} required)"
            );
        } else {
            s.push(' ');
            self.years_list(&mut s, chain);
            cat!(s; " — ", n, times, " liên tục");
            if !met {
                cat!(s; ", cần ", count);
            }
            cat!(s; " / ", n, " consecutive", times_en);
            if !met {
                cat!(s; ", ", count, " required");
            }
        }
        out.push(s);
        if !met {
            self.window_notes(out, window, all);
            self.irregular_note(out, awards);
        }
        Some(met)
    }

    fn ratings_consecutive(
        &self,
        at_least: TaskRating,
        years: u32,
        ending: Ending,
        window: Window,
        out: &mut Vec<String>,
    ) -> Option<bool> {
        let all = self.ratings(at_least);
        let fresh = window.mask();
        let mask = all & fresh;
        let (mut n, mut end) = (0u32, ending.offsets()[0]);
        for &e in ending.offsets() {
            let run = (mask >> e).trailing_ones();
            if run > n {
                (n, end) = (run, e);
            }
        }
        let met = n >= years;
        let code = at_least.code();
        let mut s = String::with_capacity(FACT_CAPACITY);
        if years == 1 && ending == Ending::Period {
            // One year: say what it was rated.
            let p = self.period;
            match self.rating_in(i64::from(p)) {
                Some(r) => cat!(s;
                    "Năm ", p, " xếp loại ", r.code(), " (cần ", code, " trở lên) / ",
                    p, " rated ", r.code(), " (", code, " or better required)"
                ),
                None => cat!(s; "Năm ", p, " chưa có xếp loại / no rating for ", p),
            }
            out.push(s);
            if !met && all & 1 != 0 {
                self.window_notes(out, window, 1);
            }
            return Some(met);
        }
        if n > 0 {
            let run = mask_below(n) << end;
            cat!(s; "Xếp loại ", code, " trở lên ");
            self.years_list(&mut s, run);
            cat!(s; " — ", n, " năm liên tục");
            if !met {
                cat!(s; ", cần ", years);
            }
            cat!(s; " / rated ", code, " or better ");
            self.years_list(&mut s, run);
            cat!(s; " — ", n, " consecutive years");
            if !met {
                cat!(s; ", ", years, " required");
            }
            out.push(s);
        }
        if !met {
            // The year that breaks the streak.
            let k = end + n;
            let year = self.year(k);
            let mut s = String::with_capacity(FACT_CAPACITY);
            if k < 128 && all & (1 << k) != 0 && fresh & (1 << k) == 0 {
                self.window_notes(out, window, 1 << k);
            } else {
                match self.rating_in(year) {
                    Some(r) => cat!(s;
                        "Năm ", year, " xếp loại ", r.code(), " (cần ", code, " trở lên) / ",
                        year, " rated ", r.code(), " (", code, " or better required)"
                    ),
                    None => cat!(s;
                        "Năm ", year, " chưa có xếp loại (cần ", code, " trở lên) / no rating for ",
                        year, " (", code, " or better required)"
                    ),
                }
                out.push(s);
            }
        }
        Some(met)
    }

    #[allow(clippy::too_many_arguments)] // one per parameter of the predicate
    fn recognitions(
        &self,
        sources: &[RecognitionSource],
        min_scope: Scope,
        count: u32,
        window_years: u32,
        extend: Option<TaskRating>,
        counted: Window,
        out: &mut Vec<String>,
    ) -> Option<bool> {
        let (window, len) = self.recognition_window(window_years, extend, counted);
        let first = self.year(len.saturating_sub(1).min(127));
        let last = self.period;
        let award = self.rule.award;
        let counts = |r: &&RecognitionFact| self.counts(window, min_scope, r);
        // First count, then explain only what explains the outcome: when met, the sources
        // that met it; otherwise every source.
        let source_met = |source: &RecognitionSource| {
            self.recognitions_of(source).iter().filter(counts).count()
                >= usize::try_from(count).unwrap_or(usize::MAX)
        };
        let met = sources.iter().any(source_met);
        let mut relied_pushed = false;
        for source in sources {
            if met && !source_met(source) {
                continue;
            }
            let list = self.recognitions_of(source);
            let mut counted: Vec<&RecognitionFact> = Vec::new();
            let mut reused: Vec<&RecognitionFact> = Vec::new();
            let mut too_low: Vec<&RecognitionFact> = Vec::new();
            for r in list {
                let Some(k) = bit(self.period, r.year) else {
                    continue;
                };
                if window & (1 << k) == 0 {
                    continue;
                }
                if r.scope < min_scope {
                    too_low.push(r);
                } else if r
                    .used_for
                    .is_some_and(|u| u.award != award || u.year != self.period)
                {
                    reused.push(r);
                } else {
                    counted.push(r);
                }
            }
            let n = u32::try_from(counted.len()).unwrap_or(u32::MAX);
            counted.sort_by(|a, b| recognition_order(a, b));
            if met && n >= count && !relied_pushed {
                relied_pushed = true;
                // The earliest `count` back this criterion; the rest stay free for other awards.
                let needed = usize::try_from(count).unwrap_or(usize::MAX);
                let mut relied = self.relied.borrow_mut();
                relied.extend(counted.iter().take(needed).filter_map(|r| r.id.clone()));
            }
            let range = |s: &mut String| {
                if i64::from(last) != first {
                    push_int(s, first);
                    s.push('–');
                }
                push_int(s, i64::from(last));
            };
            let mut s = String::with_capacity(FACT_CAPACITY);
            s.push_str(source.title_vi());
            s.push_str(" cấp ");
            s.push_str(min_scope.name_vi());
            s.push_str(" trở lên ");
            range(&mut s);
            s.push_str(": ");
            push_int(&mut s, i64::from(n));
            list_recognitions(&mut s, &counted);
            s.push_str(" (cần ");
            push_int(&mut s, i64::from(count));
            s.push_str(") / ");
            s.push_str(source.name_en());
            s.push_str(" at ");
            s.push_str(min_scope.name_en());
            s.push_str(" scope or above ");
            range(&mut s);
            s.push_str(": ");
            push_int(&mut s, i64::from(n));
            list_recognitions(&mut s, &counted);
            s.push_str(" (");
            push_int(&mut s, i64::from(count));
            s.push_str(" required)");
            out.push(s);
            reused.sort_by(|a, b| recognition_order(a, b));
            for r in reused {
                if let Some(u) = r.used_for {
                    out.push(format!(
                        "{} ({}) đã dùng cho {} {} — không tính lại / already used for {} {} — not counted again",
                        label(r),
                        r.year,
                        short(u.award),
                        u.year,
                        short(u.award),
                        u.year
                    ));
                }
            }
            too_low.sort_by(|a, b| recognition_order(a, b));
            for r in too_low {
                out.push(format!(
                    "{} ({}, cấp {}) — phạm vi thấp hơn cấp {} / scope {} is below {}",
                    label(r),
                    r.year,
                    r.scope.name_vi(),
                    min_scope.name_vi(),
                    r.scope.name_en(),
                    min_scope.name_en()
                ));
            }
        }
        if !met {
            let mut years = 0u128;
            for source in sources {
                for r in self.recognitions_of(source) {
                    if let Some(k) = bit(self.period, r.year)
                        && r.scope >= min_scope
                    {
                        years |= 1 << k;
                    }
                }
            }
            self.window_notes(out, counted, years & mask_below(len));
        }
        Some(met)
    }

    /// The years (as a mask) in which recognitions count, and the window's length.
    fn recognition_window(
        &self,
        window_years: u32,
        extend: Option<TaskRating>,
        counted: Window,
    ) -> (u128, u32) {
        let fresh = counted.mask();
        let mut len = window_years;
        if let Some(level) = extend {
            len = len.max((self.ratings(level) & fresh).trailing_ones());
        }
        (mask_below(len) & fresh, len)
    }

    fn recognitions_of(&self, source: &RecognitionSource) -> &'a [RecognitionFact] {
        match source {
            RecognitionSource::Initiatives => &self.facts.initiatives,
            RecognitionSource::Research => &self.facts.research,
        }
    }

    /// Whether a recognition counts: in the window, at the scope, not used by another award.
    fn counts(&self, window: u128, min_scope: Scope, r: &RecognitionFact) -> bool {
        let award = self.rule.award;
        bit(self.period, r.year).is_some_and(|k| window & (1 << k) != 0)
            && r.scope >= min_scope
            && r.used_for
                .is_none_or(|u| u.award == award && u.year == self.period)
    }

    #[allow(clippy::too_many_arguments)] // one per parameter of the predicate
    fn prior_award(
        &self,
        award: AwardKind,
        years: u32,
        at_least: TaskRating,
        title: AwardKind,
        title_count: u32,
        window: Window,
        out: &mut Vec<String>,
    ) -> Option<bool> {
        let fresh = window.mask();
        let priors = self.titles(&[award]) & fresh;
        let good = self.ratings(at_least) & fresh;
        let streak = good.trailing_ones();
        let titles = self.titles(&[title]) & fresh;
        let (a, t, code) = (short(award), short(title), at_least.code());
        let p = self.period;
        // Candidates: a prior award k years back, with k >= years and every year after it good.
        let mut best: Option<(u32, u32)> = None; // (k, titles in window)
        for k in years..=streak.min(127) {
            if priors & (1 << k) != 0 {
                let n = (titles & mask_below(k)).count_ones();
                if best.is_none_or(|(_, m)| n > m) {
                    best = Some((k, n));
                }
                if n >= title_count {
                    break;
                }
            }
        }
        if let Some((k, n)) = best {
            let y = self.year(k);
            let met = n >= title_count;
            let mut s = String::with_capacity(FACT_CAPACITY);
            w!(
                s,
                "{a} {y}; {}–{p} xếp loại {code} trở lên {k} năm liên tục; {t} {n} lần",
                y + 1
            );
            if n > 0 {
                s.push_str(" (");
                self.years_list(&mut s, titles & mask_below(k));
                s.push(')');
            }
            if !met {
                w!(s, ", cần {title_count}");
            }
            w!(
                s,
                " / {a} {y}; {}–{p} rated {code} or better for {k} consecutive years; {t} {n} times",
                y + 1
            );
            if !met {
                w!(s, ", {title_count} required");
            }
            out.push(s);
            return Some(met);
        }
        // Not met: say why.
        let all_priors = self.titles(&[award]);
        if all_priors == 0 {
            out.push(format!("Chưa có {a} / no {a} yet"));
        } else {
            let mut s = String::with_capacity(FACT_CAPACITY);
            w!(s, "{a} ");
            self.years_list(&mut s, all_priors);
            w!(
                s,
                "; cần {years} năm liên tục xếp loại {code} trở lên sau đó, có {streak} năm ({}–{p}) / then {years} consecutive years rated {code} or better required, {streak} found",
                i64::from(p) - i64::from(streak) + 1
            );
            out.push(s);
            self.window_notes(out, window, all_priors);
        }
        Some(false)
    }
}

fn with_title(m: &super::facts::MemberFacts, awards: &[AwardKind]) -> u32 {
    awards
        .iter()
        .filter_map(|a| m.with_title.get(a))
        .fold(0u32, |acc, n| acc.saturating_add(*n))
}

/// Appends an integer without the formatting machinery (this runs for every fact).
fn push_int(out: &mut String, n: i64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut v = n.unsigned_abs();
    loop {
        i -= 1;
        // v % 10 < 10: the cast is exact.
        buf[i] = b'0' + u8::try_from(v % 10).unwrap_or(0);
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if n < 0 {
        out.push('-');
    }
    for b in &buf[i..] {
        out.push(char::from(*b));
    }
}

/// Appends `YYYY-MM-DD`.
fn push_date(out: &mut String, d: Date) {
    let year = d.year();
    if (1000..=9999).contains(&year) {
        push_int(out, i64::from(year));
    } else {
        w!(out, "{year:04}");
    }
    for part in [u8::from(d.month()), d.day()] {
        out.push('-');
        out.push(char::from(b'0' + part / 10));
        out.push(char::from(b'0' + part % 10));
    }
}

/// `n/total` as a percentage with at most one decimal, rounded down (69.9% never shows as 70%).
fn percent(out: &mut String, n: u32, total: u32) {
    if total == 0 {
        out.push_str("0%");
        return;
    }
    let tenths = u64::from(n) * 1000 / u64::from(total);
    if tenths % 10 == 0 {
        w!(out, "{}%", tenths / 10);
    } else {
        w!(out, "{}.{}%", tenths / 10, tenths % 10);
    }
}

/// Full months from `recruited` to the end of `period` (a month counts when complete: recruited
/// on 1 July ⇒ 6 months, on 2 July ⇒ 5).
pub(crate) fn months_to_end_of(recruited: Date, period: i32) -> i64 {
    let end_year = i64::from(period) + 1;
    let months = (end_year - i64::from(recruited.year())) * 12 + 1
        - i64::from(u8::from(recruited.month()))
        - i64::from(recruited.day() > 1);
    months.max(0)
}

fn recognition_order(a: &RecognitionFact, b: &RecognitionFact) -> std::cmp::Ordering {
    (
        a.year,
        a.scope,
        &a.id,
        a.used_for.map(|u| (u.award, u.year)),
    )
        .cmp(&(
            b.year,
            b.scope,
            &b.id,
            b.used_for.map(|u| (u.award, u.year)),
        ))
}

fn label(r: &RecognitionFact) -> &str {
    r.id.as_deref().unwrap_or("(không số/no id)")
}

fn list_recognitions(out: &mut String, list: &[&RecognitionFact]) {
    if list.is_empty() {
        return;
    }
    out.push_str(" (");
    for (i, r) in list.iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        if let Some(id) = &r.id {
            out.push_str(id);
            out.push(' ');
        }
        push_int(out, i64::from(r.year));
    }
    out.push(')');
}

fn kind_vi(kind: RecipientKind) -> &'static str {
    match kind {
        RecipientKind::Individual => "cá nhân",
        RecipientKind::Collective => "tập thể",
        RecipientKind::Household => "hộ gia đình",
    }
}

fn kind_en(kind: RecipientKind) -> &'static str {
    match kind {
        RecipientKind::Individual => "individual",
        RecipientKind::Collective => "collective",
        RecipientKind::Household => "household",
    }
}
