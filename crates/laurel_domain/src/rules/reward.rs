//! Cash rewards (tiền thưởng): coefficient × base salary in force on the decision date, rounded
//! up to the next 10,000 VND (Decree 98/2023 Art 54 ff., Decree 152/2025 Art 50 ff.).

use time::Date;

use crate::award::{AwardForm, AwardKind, RecipientKind};
use crate::message::Explain;

use super::catalog::{Rulesets, thousandths_text};

/// The amount for one recipient of one award.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reward {
    /// The award's coefficient × 1000, from the ruleset in force on the decision date.
    pub coefficient_thousandths: u32,
    /// The household or collective multiplier × 1000 (1000 for an individual, and for a
    /// collective title, which has its own coefficient).
    pub multiplier_thousandths: u32,
    /// Mức lương cơ sở in force on the decision date, VND per month.
    pub base_salary_vnd: i64,
    /// coefficient × multiplier × base salary, rounded up to the next 10,000 VND.
    pub amount_vnd: i64,
    /// The ruleset the coefficient comes from.
    pub ruleset: String,
}

impl Reward {
    /// `{"coefficient": 0.3, "multiplier": 1.0, "base_salary_vnd", "amount_vnd", "ruleset"}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "coefficient": f64::from(self.coefficient_thousandths) / 1000.0,
            "multiplier": f64::from(self.multiplier_thousandths) / 1000.0,
            "base_salary_vnd": self.base_salary_vnd,
            "amount_vnd": self.amount_vnd,
            "ruleset": self.ruleset,
        })
    }
}

/// Why no amount can be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RewardError {
    /// The decision date is before the first regime.
    #[error("no ruleset is in force on {date}")]
    NoRuleset {
        /// The decision date.
        date: Date,
    },
    /// The decision date is before the first step of the base-salary schedule.
    #[error("no base salary is recorded for {date}")]
    NoBaseSalary {
        /// The decision date.
        date: Date,
    },
    /// The award cannot be given to this kind of recipient.
    #[error("{award} is not given to a {}", kind.code())]
    RecipientNotAccepted {
        /// The award.
        award: AwardKind,
        /// The recipient kind.
        kind: RecipientKind,
    },
}

impl Explain for RewardError {
    fn message_vi(&self) -> String {
        match self {
            RewardError::NoRuleset { date } => {
                format!("Không có bộ quy tắc khen thưởng nào có hiệu lực ngày {date}.")
            }
            RewardError::NoBaseSalary { date } => {
                format!("Chưa có mức lương cơ sở áp dụng cho ngày {date}.")
            }
            RewardError::RecipientNotAccepted { award, kind } => {
                let kind = match kind {
                    RecipientKind::Individual => "cá nhân",
                    RecipientKind::Collective => "tập thể",
                    RecipientKind::Household => "hộ gia đình",
                };
                format!("{} không tặng cho {kind}.", award.name_vi())
            }
        }
    }

    fn message_en(&self) -> String {
        match self {
            RewardError::NoRuleset { date } => format!("No ruleset is in force on {date}."),
            RewardError::NoBaseSalary { date } => format!("No base salary is recorded for {date}."),
            RewardError::RecipientNotAccepted { award, kind } => {
                let kind = match kind {
                    RecipientKind::Individual => "an individual",
                    RecipientKind::Collective => "a collective",
                    RecipientKind::Household => "a household",
                };
                format!("The {} is not given to {kind}.", award.name_en())
            }
        }
    }
}

/// The cash reward for `award` to a recipient of `kind`, decided on `date`.
///
/// Household: the ruleset's household multiplier on the individual amount. Collective: for a
/// form of commendation, the collective multiplier; a collective title has its own coefficient.
/// Integer arithmetic only: `ceil(coef × mult × base / 10⁴) × 10⁴`.
pub fn reward(
    rulesets: &Rulesets,
    award: AwardKind,
    kind: RecipientKind,
    date: Date,
) -> Result<Reward, RewardError> {
    let ruleset = rulesets
        .in_force_on(date)
        .ok_or(RewardError::NoRuleset { date })?;
    let base = rulesets
        .base_salary_on(date)
        .ok_or(RewardError::NoBaseSalary { date })?;
    let rule = ruleset.award(award);
    if !rule.recipients.contains(&kind) {
        return Err(RewardError::RecipientNotAccepted { award, kind });
    }
    let multiplier = match (kind, award.form()) {
        (RecipientKind::Individual, _) | (RecipientKind::Collective, AwardForm::Title) => 1000,
        (RecipientKind::Household, _) => ruleset.cash.household.thousandths,
        (RecipientKind::Collective, AwardForm::Commendation) => {
            ruleset.cash.collective_form.thousandths
        }
    };
    Ok(Reward {
        coefficient_thousandths: rule.coefficient.thousandths,
        multiplier_thousandths: multiplier,
        base_salary_vnd: base,
        amount_vnd: amount(rule.coefficient.thousandths, multiplier, base),
        ruleset: ruleset.id.clone(),
    })
}

/// `ceil(coef/1000 × mult/1000 × base / 10,000) × 10,000`, exact.
pub(crate) fn amount(
    coefficient_thousandths: u32,
    multiplier_thousandths: u32,
    base_vnd: i64,
) -> i64 {
    const SCALE: i128 = 1000 * 1000 * 10_000;
    let numerator = i128::from(coefficient_thousandths)
        * i128::from(multiplier_thousandths)
        * i128::from(base_vnd.max(0));
    let steps = (numerator + SCALE - 1) / SCALE;
    i64::try_from(steps * 10_000).unwrap_or(i64::MAX)
}

/// "0.3 × 2,340,000 = 702,000 → 710,000 VND", for people.
pub fn explain_amount(r: &Reward) -> String {
    let coef = thousandths_text(r.coefficient_thousandths);
    let exact = i128::from(r.coefficient_thousandths)
        * i128::from(r.multiplier_thousandths)
        * i128::from(r.base_salary_vnd)
        / 1_000_000;
    if r.multiplier_thousandths == 1000 {
        format!(
            "{coef} × {} = {} → {} VND",
            group(i128::from(r.base_salary_vnd)),
            group(exact),
            group(i128::from(r.amount_vnd))
        )
    } else {
        format!(
            "{coef} × {} × {} = {} → {} VND",
            thousandths_text(r.multiplier_thousandths),
            group(i128::from(r.base_salary_vnd)),
            group(exact),
            group(i128::from(r.amount_vnd))
        )
    }
}

/// `2340000` ⇒ `2,340,000`.
pub(crate) fn group(n: i128) -> String {
    let digits = n.abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
