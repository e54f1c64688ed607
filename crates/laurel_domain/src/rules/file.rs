//! Reading ruleset files: TOML → checked catalog types. Every check names the file and the
//! place in it, so a typo in a legal parameter stops Laurel at start, not at a ceremony.

use std::collections::BTreeSet;

use time::{Date, Month};
use toml::value::Datetime;

use crate::award::{AwardForm, AwardKind, RecipientKind};

use super::catalog::{
    AuthorityLevel, AwardRule, CashRules, CertificateKind, Coefficient, Confidence, CouncilRule,
    DossierPart, Multiplier, Ruleset, SalaryStep, form_code,
};
use super::criteria::{Criterion, CriterionBody, Ending, Messages, Predicate, RecognitionSource};
use super::error::{RulesetError, RulesetProblem};
use super::facts::{DisciplineLevel, Scope, TaskRating};

const ALL_KINDS: [RecipientKind; 3] = [
    RecipientKind::Individual,
    RecipientKind::Collective,
    RecipientKind::Household,
];

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuleset {
    id: String,
    name_vi: String,
    name_en: String,
    effective_from: Datetime,
    legal_bases: Vec<String>,
    cash: RawCash,
    general: Vec<RawCriterion>,
    award: Vec<RawAward>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCash {
    household: RawDecimal,
    collective_form: RawDecimal,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDecimal {
    value: f64,
    confidence: Confidence,
    source: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAward {
    code: AwardKind,
    form: AwardForm,
    recipients: Vec<RecipientKind>,
    authority: AuthorityLevel,
    authority_basis: String,
    certificate: CertificateKind,
    dossier: Vec<DossierPart>,
    dossier_basis: String,
    coefficient: RawDecimal,
    council: CouncilRule,
    criteria: Vec<RawCriterion>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    id: String,
    article: String,
    vi: String,
    en: String,
    confidence: Confidence,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    applies_to: Option<Vec<RecipientKind>>,
    #[serde(default)]
    rule: Option<String>,
    #[serde(default)]
    any_of: Option<Vec<RawCriterion>>,
    #[serde(default)]
    all_of: Option<Vec<RawCriterion>>,
    // Parameters; which ones a rule reads is checked in `predicate`.
    #[serde(default)]
    awards: Option<Vec<AwardKind>>,
    #[serde(default)]
    count: Option<u32>,
    #[serde(default)]
    max_gap_years: Option<u32>,
    #[serde(default)]
    ending: Option<Ending>,
    #[serde(default)]
    after_previous: Option<bool>,
    #[serde(default)]
    after_discipline: Option<DisciplineLevel>,
    #[serde(default)]
    at_least: Option<TaskRating>,
    #[serde(default)]
    years: Option<u32>,
    #[serde(default)]
    sources: Option<Vec<RecognitionSource>>,
    #[serde(default)]
    min_scope: Option<Scope>,
    #[serde(default)]
    window_years: Option<u32>,
    #[serde(default)]
    extend_over_rating_streak: Option<TaskRating>,
    #[serde(default)]
    award: Option<AwardKind>,
    #[serde(default)]
    title: Option<AwardKind>,
    #[serde(default)]
    title_count: Option<u32>,
    #[serde(default)]
    min_percent: Option<u32>,
    #[serde(default)]
    strict: Option<bool>,
    #[serde(default)]
    min_count: Option<u32>,
    #[serde(default)]
    level: Option<DisciplineLevel>,
    #[serde(default)]
    min_level: Option<DisciplineLevel>,
    #[serde(default)]
    min_months: Option<u32>,
}

impl RawCriterion {
    fn parameters(&self) -> [(&'static str, bool); 21] {
        [
            ("awards", self.awards.is_some()),
            ("count", self.count.is_some()),
            ("max_gap_years", self.max_gap_years.is_some()),
            ("ending", self.ending.is_some()),
            ("after_previous", self.after_previous.is_some()),
            ("after_discipline", self.after_discipline.is_some()),
            ("at_least", self.at_least.is_some()),
            ("years", self.years.is_some()),
            ("sources", self.sources.is_some()),
            ("min_scope", self.min_scope.is_some()),
            ("window_years", self.window_years.is_some()),
            (
                "extend_over_rating_streak",
                self.extend_over_rating_streak.is_some(),
            ),
            ("award", self.award.is_some()),
            ("title", self.title.is_some()),
            ("title_count", self.title_count.is_some()),
            ("min_percent", self.min_percent.is_some()),
            ("strict", self.strict.is_some()),
            ("min_count", self.min_count.is_some()),
            ("level", self.level.is_some()),
            ("min_level", self.min_level.is_some()),
            ("min_months", self.min_months.is_some()),
        ]
    }
}

/// Where we are in a file, for error messages.
struct Place<'a> {
    file: &'a str,
    at: String,
}

impl Place<'_> {
    fn err(&self, problem: RulesetProblem) -> RulesetError {
        RulesetError::invalid(self.file, self.at.clone(), problem)
    }
}

pub(super) fn parse_ruleset(file: &str, text: &str) -> Result<Ruleset, RulesetError> {
    let raw: RawRuleset = toml::from_str(text).map_err(|e| RulesetError::Parse {
        file: file.to_owned(),
        message: e.to_string().trim_end().to_owned(),
    })?;
    let top = Place {
        file,
        at: "header".to_owned(),
    };
    non_empty(&top, "id", &raw.id)?;
    non_empty(&top, "name_vi", &raw.name_vi)?;
    non_empty(&top, "name_en", &raw.name_en)?;
    if raw.legal_bases.is_empty() || raw.legal_bases.iter().any(|b| b.trim().is_empty()) {
        return Err(top.err(RulesetProblem::Empty {
            field: "legal_bases",
        }));
    }
    let effective_from = date(&top, &raw.effective_from)?;
    let cash = CashRules {
        household: multiplier(file, "cash.household", raw.cash.household)?,
        collective_form: multiplier(file, "cash.collective_form", raw.cash.collective_form)?,
    };

    let mut general = Vec::with_capacity(raw.general.len());
    let mut general_ids = BTreeSet::new();
    for c in raw.general {
        let place = Place {
            file,
            at: format!("general, criterion {}", c.id),
        };
        general.push(criterion(&place, c, true, &ALL_KINDS, &mut general_ids)?);
    }
    for required in [
        "recipient_kind",
        "not_blocked",
        "no_ongoing_discipline",
        "one_achievement_one_award",
    ] {
        if !general.iter().any(|c| c.rule() == required) {
            return Err(Place {
                file,
                at: "general".to_owned(),
            }
            .err(RulesetProblem::MissingGeneral { rule: required }));
        }
    }

    let mut slots: Vec<Option<AwardRule>> = AwardKind::ALL.iter().map(|_| None).collect();
    for a in raw.award {
        let award = a.code;
        let rule = award_rule(file, a, &general, &general_ids)?;
        let slot = &mut slots[award as usize];
        if slot.is_some() {
            return Err(RulesetError::invalid(
                file,
                format!("award {award}"),
                RulesetProblem::DuplicateAward { award },
            ));
        }
        *slot = Some(rule);
    }
    let mut awards = Vec::with_capacity(slots.len());
    for (slot, award) in slots.into_iter().zip(AwardKind::ALL) {
        match slot {
            Some(rule) => awards.push(rule),
            None => {
                return Err(RulesetError::invalid(
                    file,
                    "awards",
                    RulesetProblem::MissingAward { award },
                ));
            }
        }
    }
    Ok(Ruleset {
        id: raw.id,
        name_vi: raw.name_vi,
        name_en: raw.name_en,
        effective_from,
        legal_bases: raw.legal_bases,
        cash,
        file: file.to_owned(),
        awards,
    })
}

/// Checks across rulesets (already sorted by effective date).
pub(super) fn check_rulesets(rulesets: &[Ruleset]) -> Result<(), RulesetError> {
    if rulesets.is_empty() {
        return Err(RulesetError::invalid(
            "rulesets/",
            "files",
            RulesetProblem::NoRuleset,
        ));
    }
    let mut ids = BTreeSet::new();
    let mut previous: Option<Date> = None;
    for r in rulesets {
        if !ids.insert(r.id.as_str()) {
            return Err(RulesetError::invalid(
                &r.file,
                "header",
                RulesetProblem::DuplicateRulesetId { id: r.id.clone() },
            ));
        }
        if previous == Some(r.effective_from) {
            return Err(RulesetError::invalid(
                &r.file,
                "effective_from",
                RulesetProblem::SameEffectiveDate {
                    date: r.effective_from,
                },
            ));
        }
        previous = Some(r.effective_from);
    }
    Ok(())
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSalary {
    step: Vec<RawStep>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    from: Datetime,
    vnd: i64,
    source: String,
    confidence: Confidence,
}

pub(super) fn parse_salary(file: &str, text: &str) -> Result<Vec<SalaryStep>, RulesetError> {
    let raw: RawSalary = toml::from_str(text).map_err(|e| RulesetError::Parse {
        file: file.to_owned(),
        message: e.to_string().trim_end().to_owned(),
    })?;
    if raw.step.is_empty() {
        return Err(RulesetError::invalid(
            file,
            "step",
            RulesetProblem::EmptySchedule,
        ));
    }
    let mut steps: Vec<SalaryStep> = Vec::with_capacity(raw.step.len());
    for (i, s) in raw.step.into_iter().enumerate() {
        let place = Place {
            file,
            at: format!("step[{i}]"),
        };
        let from = date(&place, &s.from)?;
        range(&place, "vnd", s.vnd, 1, 1_000_000_000)?;
        non_empty(&place, "source", &s.source)?;
        if steps.last().is_some_and(|last| last.from >= from) {
            return Err(place.err(RulesetProblem::ScheduleNotSorted));
        }
        steps.push(SalaryStep {
            from,
            vnd: s.vnd,
            source: s.source,
            confidence: s.confidence,
        });
    }
    Ok(steps)
}

fn award_rule(
    file: &str,
    a: RawAward,
    general: &[Criterion],
    general_ids: &BTreeSet<String>,
) -> Result<AwardRule, RulesetError> {
    let award = a.code;
    let place = Place {
        file,
        at: format!("award {award}"),
    };
    if a.form != award.form() {
        return Err(place.err(RulesetProblem::FormMismatch {
            award,
            expected: form_code(award.form()),
            found: form_code(a.form),
        }));
    }
    recipients(&place, "recipients", &a.recipients)?;
    if let Some(kind) = a
        .recipients
        .iter()
        .find(|k| !award.recipients().contains(k))
    {
        return Err(place.err(RulesetProblem::RecipientNotAllowed { award, kind: *kind }));
    }
    non_empty(&place, "authority_basis", &a.authority_basis)?;
    non_empty(&place, "dossier_basis", &a.dossier_basis)?;
    if a.dossier.is_empty() {
        return Err(place.err(RulesetProblem::Empty { field: "dossier" }));
    }
    let council_place = Place {
        file,
        at: format!("award {award}, council"),
    };
    let council = a.council;
    range(
        &council_place,
        "threshold_percent",
        i64::from(council.threshold_percent),
        1,
        if council.strict { 99 } else { 100 },
    )?;
    non_empty(&council_place, "source", &council.source)?;
    let coefficient = decimal(
        &Place {
            file,
            at: format!("award {award}, coefficient"),
        },
        "value",
        a.coefficient.value,
    )?;
    non_empty(&place, "coefficient.source", &a.coefficient.source)?;

    let mut ids = general_ids.clone();
    let mut criteria: Vec<Criterion> = general.to_vec();
    for c in a.criteria {
        let place = Place {
            file,
            at: format!("award {award}, criterion {}", c.id),
        };
        criteria.push(criterion(&place, c, true, &a.recipients, &mut ids)?);
    }
    Ok(AwardRule {
        award,
        recipients: a.recipients,
        authority: a.authority,
        authority_basis: a.authority_basis,
        certificate: a.certificate,
        dossier: a.dossier,
        dossier_basis: a.dossier_basis,
        council,
        coefficient: Coefficient {
            thousandths: coefficient,
            confidence: a.coefficient.confidence,
            source: a.coefficient.source,
        },
        criteria,
    })
}

fn criterion(
    place: &Place<'_>,
    raw: RawCriterion,
    top: bool,
    kinds: &[RecipientKind],
    ids: &mut BTreeSet<String>,
) -> Result<Criterion, RulesetError> {
    let id_ok = !raw.id.is_empty()
        && raw.id.len() <= 64
        && raw
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if !id_ok {
        return Err(place.err(RulesetProblem::BadCriterionId { id: raw.id }));
    }
    if !ids.insert(raw.id.clone()) {
        return Err(place.err(RulesetProblem::DuplicateCriterion { id: raw.id }));
    }
    non_empty(place, "article", &raw.article)?;
    non_empty(place, "vi", &raw.vi)?;
    non_empty(place, "en", &raw.en)?;
    let source = raw.source.clone().filter(|s| !s.trim().is_empty());
    if raw.confidence != Confidence::Confirmed && source.is_none() {
        return Err(place.err(RulesetProblem::MissingSource {
            confidence: raw.confidence,
        }));
    }
    let applies_to = match &raw.applies_to {
        None => Vec::new(),
        Some(_) if !top => return Err(place.err(RulesetProblem::NestedAppliesTo)),
        Some(list) => {
            recipients(place, "applies_to", list)?;
            list.clone()
        }
    };
    let scope: Vec<RecipientKind> = if applies_to.is_empty() {
        kinds.to_vec()
    } else {
        applies_to.clone()
    };

    let bodies = usize::from(raw.rule.is_some())
        + usize::from(raw.any_of.is_some())
        + usize::from(raw.all_of.is_some());
    if bodies != 1 {
        return Err(place.err(RulesetProblem::NotOneBody));
    }
    let body = if let Some(rule) = &raw.rule {
        CriterionBody::Leaf(predicate(place, rule, &raw, &scope)?)
    } else {
        let (group, any) = if raw.any_of.is_some() {
            ("any_of", true)
        } else {
            ("all_of", false)
        };
        if let Some((parameter, _)) = raw.parameters().into_iter().find(|(_, present)| *present) {
            return Err(place.err(RulesetProblem::UnexpectedParameter {
                rule: group,
                parameter,
            }));
        }
        let raw_children = if any { raw.any_of } else { raw.all_of }.unwrap_or_default();
        if raw_children.is_empty() {
            return Err(place.err(RulesetProblem::EmptyGroup { group }));
        }
        let mut children = Vec::with_capacity(raw_children.len());
        for child in raw_children {
            let child_place = Place {
                file: place.file,
                at: format!("{} > {}", place.at, child.id),
            };
            children.push(criterion(&child_place, child, false, &scope, ids)?);
        }
        if any {
            CriterionBody::AnyOf(children)
        } else {
            CriterionBody::AllOf(children)
        }
    };
    let judgement = matches!(body, CriterionBody::Leaf(Predicate::Judgement));
    let messages = Messages::new(&raw.id, &raw.vi, &raw.en, judgement);
    Ok(Criterion {
        id: raw.id,
        article: raw.article,
        description_vi: raw.vi,
        description_en: raw.en,
        confidence: raw.confidence,
        source,
        applies_to,
        body,
        messages,
    })
}

fn predicate(
    place: &Place<'_>,
    rule_name: &str,
    raw: &RawCriterion,
    kinds: &[RecipientKind],
) -> Result<Predicate, RulesetError> {
    const RULES: [&str; 16] = [
        "recipient_kind",
        "not_blocked",
        "no_ongoing_discipline",
        "no_discipline_in_period",
        "one_achievement_one_award",
        "titles_consecutive",
        "ratings_consecutive",
        "recognitions_in_window",
        "prior_award_then_years",
        "member_share_with_title",
        "member_count_with_title",
        "all_members_completed_tasks",
        "no_member_disciplined_at_or_above",
        "months_worked",
        "judgement",
        "attested_fact",
    ];
    let Some(rule) = RULES.into_iter().find(|r| *r == rule_name) else {
        return Err(place.err(RulesetProblem::UnknownRule {
            rule: rule_name.to_owned(),
        }));
    };
    let allowed: &[&str] = match rule {
        "no_discipline_in_period" => &["min_level"],
        "titles_consecutive" => &[
            "awards",
            "count",
            "max_gap_years",
            "ending",
            "after_previous",
            "after_discipline",
        ],
        "ratings_consecutive" => &[
            "at_least",
            "years",
            "ending",
            "after_previous",
            "after_discipline",
        ],
        "recognitions_in_window" => &[
            "sources",
            "min_scope",
            "count",
            "window_years",
            "extend_over_rating_streak",
            "after_previous",
            "after_discipline",
        ],
        "prior_award_then_years" => &[
            "award",
            "years",
            "at_least",
            "title",
            "title_count",
            "after_previous",
            "after_discipline",
        ],
        "member_share_with_title" => &["awards", "min_percent", "strict"],
        "member_count_with_title" => &["awards", "min_count"],
        "no_member_disciplined_at_or_above" => &["level"],
        "months_worked" => &["min_months"],
        _ => &[],
    };
    if let Some((parameter, _)) = raw
        .parameters()
        .into_iter()
        .find(|(name, present)| *present && !allowed.contains(name))
    {
        return Err(place.err(RulesetProblem::UnexpectedParameter { rule, parameter }));
    }
    fn need<T: Clone>(
        place: &Place<'_>,
        rule: &'static str,
        parameter: &'static str,
        value: &Option<T>,
    ) -> Result<T, RulesetError> {
        value
            .clone()
            .ok_or_else(|| place.err(RulesetProblem::MissingParameter { rule, parameter }))
    }
    let years_param = |parameter: &'static str, value: &Option<u32>, max: i64| {
        let v = need(place, rule, parameter, value)?;
        range(place, parameter, i64::from(v), 1, max)?;
        Ok::<u32, RulesetError>(v)
    };
    let awards = |value: &Option<Vec<AwardKind>>| {
        let list = need(place, rule, "awards", value)?;
        let distinct: BTreeSet<_> = list.iter().collect();
        if list.is_empty() || distinct.len() != list.len() {
            return Err(place.err(RulesetProblem::BadAwards));
        }
        Ok(list)
    };
    let predicate = match rule {
        "recipient_kind" => Predicate::RecipientKind,
        "not_blocked" => Predicate::NotBlocked,
        "no_ongoing_discipline" => Predicate::NoOngoingDiscipline,
        "no_discipline_in_period" => Predicate::NoDisciplineInPeriod {
            min_level: need(place, rule, "min_level", &raw.min_level)?,
        },
        "one_achievement_one_award" => Predicate::OneAchievementOneAward,
        "titles_consecutive" => Predicate::TitlesConsecutive {
            awards: awards(&raw.awards)?,
            count: years_param("count", &raw.count, 50)?,
            max_gap_years: match raw.max_gap_years {
                None => 1,
                some => years_param("max_gap_years", &some, 10)?,
            },
            ending: raw.ending.unwrap_or(Ending::Period),
            after_previous: raw.after_previous.unwrap_or(false),
            after_discipline: raw.after_discipline,
        },
        "ratings_consecutive" => Predicate::RatingsConsecutive {
            at_least: need(place, rule, "at_least", &raw.at_least)?,
            years: years_param("years", &raw.years, 50)?,
            ending: raw.ending.unwrap_or(Ending::Period),
            after_previous: raw.after_previous.unwrap_or(false),
            after_discipline: raw.after_discipline,
        },
        "recognitions_in_window" => {
            let sources = need(place, rule, "sources", &raw.sources)?;
            let distinct: BTreeSet<_> = sources.iter().collect();
            if sources.is_empty() || distinct.len() != sources.len() {
                return Err(place.err(RulesetProblem::Empty { field: "sources" }));
            }
            Predicate::RecognitionsInWindow {
                sources,
                min_scope: need(place, rule, "min_scope", &raw.min_scope)?,
                count: years_param("count", &raw.count, 50)?,
                window_years: years_param("window_years", &raw.window_years, 50)?,
                extend_over_rating_streak: raw.extend_over_rating_streak,
                after_previous: raw.after_previous.unwrap_or(false),
                after_discipline: raw.after_discipline,
            }
        }
        "prior_award_then_years" => Predicate::PriorAwardThenYears {
            award: need(place, rule, "award", &raw.award)?,
            years: years_param("years", &raw.years, 50)?,
            at_least: need(place, rule, "at_least", &raw.at_least)?,
            title: need(place, rule, "title", &raw.title)?,
            title_count: years_param("title_count", &raw.title_count, 50)?,
            after_previous: raw.after_previous.unwrap_or(false),
            after_discipline: raw.after_discipline,
        },
        "member_share_with_title" => {
            let min_percent = need(place, rule, "min_percent", &raw.min_percent)?;
            let strict = raw.strict.unwrap_or(false);
            range(
                place,
                "min_percent",
                i64::from(min_percent),
                1,
                if strict { 99 } else { 100 },
            )?;
            Predicate::MemberShareWithTitle {
                awards: awards(&raw.awards)?,
                min_percent: u8::try_from(min_percent).unwrap_or(100),
                strict,
            }
        }
        "member_count_with_title" => Predicate::MemberCountWithTitle {
            awards: awards(&raw.awards)?,
            min_count: years_param("min_count", &raw.min_count, 100_000)?,
        },
        "all_members_completed_tasks" => Predicate::AllMembersCompletedTasks,
        "no_member_disciplined_at_or_above" => {
            let level = need(place, rule, "level", &raw.level)?;
            if level != DisciplineLevel::CanhCao {
                return Err(place.err(RulesetProblem::UnsupportedDisciplineLevel { level }));
            }
            Predicate::NoMemberDisciplinedAtOrAbove { level }
        }
        "months_worked" => Predicate::MonthsWorked {
            min_months: years_param("min_months", &raw.min_months, 12)?,
        },
        "attested_fact" => Predicate::AttestedFact,
        _ => Predicate::Judgement,
    };
    let needs: Option<RecipientKind> = match predicate {
        Predicate::MemberShareWithTitle { .. }
        | Predicate::MemberCountWithTitle { .. }
        | Predicate::AllMembersCompletedTasks
        | Predicate::NoMemberDisciplinedAtOrAbove { .. } => Some(RecipientKind::Collective),
        Predicate::MonthsWorked { .. } => Some(RecipientKind::Individual),
        _ => None,
    };
    if let Some(needed) = needs
        && let Some(kind) = kinds.iter().find(|k| **k != needed)
    {
        return Err(place.err(RulesetProblem::WrongRecipient { rule, kind: *kind }));
    }
    Ok(predicate)
}

fn non_empty(place: &Place<'_>, field: &'static str, value: &str) -> Result<(), RulesetError> {
    if value.trim().is_empty() {
        Err(place.err(RulesetProblem::Empty { field }))
    } else {
        Ok(())
    }
}

fn range(
    place: &Place<'_>,
    parameter: &'static str,
    value: i64,
    min: i64,
    max: i64,
) -> Result<(), RulesetError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(place.err(RulesetProblem::OutOfRange {
            parameter,
            value,
            min,
            max,
        }))
    }
}

fn recipients(
    place: &Place<'_>,
    field: &'static str,
    list: &[RecipientKind],
) -> Result<(), RulesetError> {
    let distinct: BTreeSet<_> = list.iter().collect();
    if list.is_empty() || distinct.len() != list.len() {
        Err(place.err(RulesetProblem::BadRecipients { field }))
    } else {
        Ok(())
    }
}

/// A decimal from 0.001 to 100 with at most three decimals, as thousandths.
fn decimal(place: &Place<'_>, parameter: &'static str, value: f64) -> Result<u32, RulesetError> {
    let scaled = value * 1000.0;
    let rounded = scaled.round();
    if !value.is_finite()
        || (scaled - rounded).abs() > 1e-6
        || !(1.0..=100_000.0).contains(&rounded)
    {
        return Err(place.err(RulesetProblem::BadDecimal {
            parameter,
            value: value.to_string(),
        }));
    }
    // In range 1..=100_000 and integral: the conversion is exact.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // checked just above
    Ok(rounded as u32)
}

fn multiplier(file: &str, at: &str, raw: RawDecimal) -> Result<Multiplier, RulesetError> {
    let place = Place {
        file,
        at: at.to_owned(),
    };
    let thousandths = decimal(&place, "value", raw.value)?;
    non_empty(&place, "source", &raw.source)?;
    Ok(Multiplier {
        thousandths,
        confidence: raw.confidence,
        source: raw.source,
    })
}

fn date(place: &Place<'_>, value: &Datetime) -> Result<Date, RulesetError> {
    let bad = || {
        place.err(RulesetProblem::BadDate {
            value: value.to_string(),
        })
    };
    let (Some(d), None, None) = (value.date, value.time, value.offset) else {
        return Err(bad());
    };
    let month = Month::try_from(d.month).map_err(|_| bad())?;
    Date::from_calendar_date(i32::from(d.year), month, d.day).map_err(|_| bad())
}
