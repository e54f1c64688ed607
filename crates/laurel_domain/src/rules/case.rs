//! The case file of `laurel eligibility --case FILE.json`: an award, a period, a date and the
//! nominee's facts. Malformed input is refused with the path of the offending field.

use std::collections::BTreeSet;

use time::Date;

use crate::award::{AwardKind, RecipientKind};
use crate::message::Explain;

use super::catalog::Rulesets;
use super::eval::{Eligibility, evaluate};
use super::facts::{NomineeFacts, TitleFact, iso_date};

/// Earliest year accepted in a case.
pub const YEAR_MIN: i32 = 1945;
/// Latest year accepted in a case.
pub const YEAR_MAX: i32 = 2100;
/// Most entries accepted in one list of facts.
pub const LIST_MAX: usize = 500;
/// Longest id (recognition id, attested criterion id), in bytes.
pub const ID_MAX: usize = 100;

/// One eligibility question.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The award asked for.
    pub award: AwardKind,
    /// The period (year) of the achievement.
    pub period: i32,
    /// The day the question is asked (discipline in force is checked on it).
    #[serde(with = "iso_date")]
    pub as_of: Date,
    /// The nominee's facts.
    pub nominee: NomineeFacts,
}

/// Why a case was refused: the field (e.g. `nominee.ratings[1].rating`) and the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct CaseError {
    /// The offending field, as a path from the top of the document.
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

impl CaseError {
    fn new(path: impl Into<String>, message: impl Into<String>) -> CaseError {
        CaseError {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl Explain for CaseError {
    fn message_vi(&self) -> String {
        format!("Trường {} không hợp lệ: {}", self.path, self.message)
    }

    fn message_en(&self) -> String {
        format!("Field {} is invalid: {}", self.path, self.message)
    }
}

/// Parses and checks a case document (JSON). Unknown keys are refused, naming the key.
pub fn parse_case(json: &str) -> Result<Case, CaseError> {
    let mut de = serde_json::Deserializer::from_str(json);
    let case: Case = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        CaseError::new(error_path(path, &message), message)
    })?;
    de.end()
        .map_err(|e| CaseError::new("(case)", e.to_string()))?;
    check(&case)?;
    Ok(case)
}

/// The path of a serde error, completed with the key a "missing field" message names.
fn error_path(path: String, message: &str) -> String {
    let path = match path.strip_suffix(".?") {
        Some(parent) => parent.to_owned(),
        None => path,
    };
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    match (path.as_str(), missing) {
        (".", Some(key)) => key.to_owned(),
        (".", None) => "(case)".to_owned(),
        (_, Some(key)) => format!("{path}.{key}"),
        (_, None) => path,
    }
}

impl Case {
    /// Evaluates the case with the ruleset in force for its period ([`Rulesets::for_period`]).
    pub fn evaluate(&self, rulesets: &Rulesets) -> Result<Eligibility, CaseError> {
        let ruleset = rulesets.for_period(self.period).ok_or_else(|| {
            let first = rulesets
                .all()
                .first()
                .map(|r| r.effective_from.to_string())
                .unwrap_or_default();
            CaseError::new(
                "period",
                format!(
                    "no ruleset covers {}: the first regime starts on {first}",
                    self.period
                ),
            )
        })?;
        Ok(evaluate(
            ruleset,
            self.award,
            self.period,
            self.as_of,
            &self.nominee,
        ))
    }
}

fn year(path: impl FnOnce() -> String, y: i32) -> Result<(), CaseError> {
    if (YEAR_MIN..=YEAR_MAX).contains(&y) {
        Ok(())
    } else {
        Err(CaseError::new(
            path(),
            format!("year {y} is out of range {YEAR_MIN}–{YEAR_MAX}"),
        ))
    }
}

fn list_len(path: &str, len: usize) -> Result<(), CaseError> {
    if len > LIST_MAX {
        Err(CaseError::new(
            path,
            format!("at most {LIST_MAX} entries are accepted, got {len}"),
        ))
    } else {
        Ok(())
    }
}

fn titles(path: &str, list: &[TitleFact]) -> Result<(), CaseError> {
    list_len(path, list.len())?;
    for (i, t) in list.iter().enumerate() {
        year(|| format!("{path}[{i}].year"), t.year)?;
    }
    Ok(())
}

fn check(case: &Case) -> Result<(), CaseError> {
    year(|| "period".to_owned(), case.period)?;
    let n = &case.nominee;
    list_len("nominee.ratings", n.ratings.len())?;
    let mut rated = BTreeSet::new();
    for (i, r) in n.ratings.iter().enumerate() {
        year(|| format!("nominee.ratings[{i}].year"), r.year)?;
        if !rated.insert(r.year) {
            return Err(CaseError::new(
                format!("nominee.ratings[{i}].year"),
                format!("{} is rated twice", r.year),
            ));
        }
    }
    titles("nominee.titles", &n.titles)?;
    titles("nominee.pending", &n.pending)?;
    for (name, list) in [("initiatives", &n.initiatives), ("research", &n.research)] {
        list_len(&format!("nominee.{name}"), list.len())?;
        for (i, r) in list.iter().enumerate() {
            year(|| format!("nominee.{name}[{i}].year"), r.year)?;
            if let Some(id) = &r.id
                && (id.trim().is_empty() || id.len() > ID_MAX)
            {
                return Err(CaseError::new(
                    format!("nominee.{name}[{i}].id"),
                    format!("must be 1 to {ID_MAX} bytes"),
                ));
            }
            if let Some(u) = r.used_for {
                year(|| format!("nominee.{name}[{i}].used_for.year"), u.year)?;
            }
        }
    }
    list_len("nominee.discipline", n.discipline.len())?;
    for (i, d) in n.discipline.iter().enumerate() {
        if d.to.is_some_and(|to| to < d.from) {
            return Err(CaseError::new(
                format!("nominee.discipline[{i}].to"),
                "ends before it starts",
            ));
        }
    }
    if n.recruited_on.is_some() && n.kind != RecipientKind::Individual {
        return Err(CaseError::new(
            "nominee.recruited_on",
            format!(
                "only an INDIVIDUAL has a recruitment date, not a {}",
                n.kind.code()
            ),
        ));
    }
    if let Some(m) = &n.members {
        if n.kind != RecipientKind::Collective {
            return Err(CaseError::new(
                "nominee.members",
                format!("only a COLLECTIVE has members, not a {}", n.kind.code()),
            ));
        }
        let over = |path: String, value: u32| {
            if value > m.total {
                Err(CaseError::new(
                    path,
                    format!("{value} is more than the {} members in total", m.total),
                ))
            } else {
                Ok(())
            }
        };
        over(
            "nominee.members.completed_tasks".to_owned(),
            m.completed_tasks,
        )?;
        over(
            "nominee.members.disciplined_canh_cao_or_above".to_owned(),
            m.disciplined_canh_cao_or_above,
        )?;
        for (award, count) in &m.with_title {
            over(format!("nominee.members.with_title.{award}"), *count)?;
        }
    }
    if n.attested.len() > LIST_MAX {
        return Err(CaseError::new(
            "nominee.attested",
            format!("at most {LIST_MAX} entries are accepted"),
        ));
    }
    if let Some(id) = n
        .attested
        .iter()
        .find(|id| id.is_empty() || id.len() > ID_MAX)
    {
        return Err(CaseError::new(
            "nominee.attested",
            format!(
                "criterion id `{}` must be 1 to {ID_MAX} bytes",
                id.chars().take(40).collect::<String>()
            ),
        ));
    }
    Ok(())
}
