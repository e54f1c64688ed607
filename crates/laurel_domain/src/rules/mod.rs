//! The eligibility rules engine: rulesets as data, facts in, an explained verdict out.
//!
//! - [`Rulesets::embedded`] reads the ruleset files (`crates/laurel_domain/rulesets/*.toml`),
//!   one per legal regime, and checks them. A legal change is a reviewed diff of those files;
//!   the catalog snapshot test shows it as readable text.
//! - [`evaluate`] answers "may this nominee get this award for this period?" with a
//!   [`Verdict`] and one [`CriterionResult`] per criterion: met, not met or needs the council's
//!   judgement, the facts used, the article, and messages in Vietnamese and English.
//! - [`reward`] computes the cash amount from the coefficient and the base salary in force on
//!   the decision date.
//! - [`parse_case`] reads the JSON case file of `laurel eligibility`.
//!
//! See `docs/rules.md` for the formats and every unconfirmed parameter.

mod case;
mod catalog;
mod criteria;
mod error;
mod eval;
mod facts;
mod file;
mod render;
mod reward;

#[cfg(test)]
mod tests;

pub use case::{Case, CaseError, ID_MAX, LIST_MAX, YEAR_MAX, YEAR_MIN, parse_case};
pub use catalog::{
    AuthorityLevel, AwardRule, CashRules, CertificateKind, Coefficient, Confidence, CouncilRule,
    CriterionInfo, DossierPart, EMBEDDED_BASE_SALARY, EMBEDDED_RULESETS, Multiplier, Ruleset,
    Rulesets, SalaryStep, VoteBase,
};
pub use criteria::{Criterion, CriterionBody, Ending, Predicate, RecognitionSource};
pub use error::{RulesetError, RulesetProblem};
pub use eval::{CriterionResult, Eligibility, Verdict, evaluate};
pub use facts::{
    CommendationKind, DisciplineFact, DisciplineLevel, MemberFacts, NomineeFacts, RatingFact,
    RecognitionFact, Scope, TaskRating, TitleFact, UsedFor,
};
pub use reward::{Reward, RewardError, explain_amount, reward};
