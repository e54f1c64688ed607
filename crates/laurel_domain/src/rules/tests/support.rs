//! Builders for facts, so a table case reads like the sentence it tests.

use std::sync::OnceLock;

use time::{Date, Month};

use crate::award::{AwardKind, RecipientKind};
use crate::rules::{
    CommendationKind, DisciplineFact, DisciplineLevel, MemberFacts, NomineeFacts, RatingFact,
    RecognitionFact, Rulesets, Scope, TaskRating, TitleFact, UsedFor,
};

pub(super) fn rulesets() -> &'static Rulesets {
    static RULESETS: OnceLock<Rulesets> = OnceLock::new();
    RULESETS.get_or_init(|| Rulesets::embedded().unwrap())
}

pub(super) fn date(y: i32, m: u8, d: u8) -> Date {
    Date::from_calendar_date(y, Month::try_from(m).unwrap(), d).unwrap()
}

/// A fact builder.
#[derive(Debug, Clone)]
pub(super) struct F(pub(super) NomineeFacts);

pub(super) fn person() -> F {
    F(NomineeFacts::new(RecipientKind::Individual))
}

pub(super) fn collective(total: u32) -> F {
    let mut f = NomineeFacts::new(RecipientKind::Collective);
    f.members = Some(MemberFacts::new(total));
    F(f)
}

pub(super) fn household() -> F {
    F(NomineeFacts::new(RecipientKind::Household))
}

impl F {
    pub(super) fn rated(mut self, years: impl IntoIterator<Item = i32>, rating: TaskRating) -> F {
        for year in years {
            self.0.ratings.push(RatingFact { year, rating });
        }
        self
    }

    pub(super) fn titled(mut self, award: AwardKind, years: impl IntoIterator<Item = i32>) -> F {
        for year in years {
            self.0.titles.push(TitleFact {
                award,
                year,
                kind: CommendationKind::ThuongXuyen,
            });
        }
        self
    }

    pub(super) fn titled_kind(mut self, award: AwardKind, year: i32, kind: CommendationKind) -> F {
        self.0.titles.push(TitleFact { award, year, kind });
        self
    }

    pub(super) fn pending(mut self, award: AwardKind, year: i32) -> F {
        self.0.pending.push(TitleFact {
            award,
            year,
            kind: CommendationKind::ThuongXuyen,
        });
        self
    }

    pub(super) fn initiative(mut self, id: &str, year: i32, scope: Scope) -> F {
        self.0.initiatives.push(RecognitionFact {
            id: Some(id.to_owned()),
            year,
            scope,
            used_for: None,
        });
        self
    }

    pub(super) fn initiative_used(
        mut self,
        id: &str,
        year: i32,
        scope: Scope,
        award: AwardKind,
        used_year: i32,
    ) -> F {
        self.0.initiatives.push(RecognitionFact {
            id: Some(id.to_owned()),
            year,
            scope,
            used_for: Some(UsedFor {
                award,
                year: used_year,
            }),
        });
        self
    }

    pub(super) fn research(mut self, id: &str, year: i32, scope: Scope) -> F {
        self.0.research.push(RecognitionFact {
            id: Some(id.to_owned()),
            year,
            scope,
            used_for: None,
        });
        self
    }

    pub(super) fn recruited(mut self, on: Date) -> F {
        self.0.recruited_on = Some(on);
        self
    }

    pub(super) fn disciplined(mut self, level: DisciplineLevel, from: Date, to: Option<Date>) -> F {
        self.0.discipline.push(DisciplineFact { level, from, to });
        self
    }

    pub(super) fn blocked(mut self) -> F {
        self.0.blocked = true;
        self
    }

    pub(super) fn attest(mut self, ids: &[&str]) -> F {
        self.0.attested.extend(ids.iter().map(|s| (*s).to_owned()));
        self
    }

    pub(super) fn members(mut self, f: impl FnOnce(&mut MemberFacts)) -> F {
        if let Some(m) = self.0.members.as_mut() {
            f(m);
        }
        self
    }

    pub(super) fn kind(mut self, kind: RecipientKind) -> F {
        self.0.kind = kind;
        self
    }
}
