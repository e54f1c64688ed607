//! Properties of evaluation: deterministic and order-independent, monotone in non-qualifying
//! facts, and streaks that stay met when earlier years are added.

use proptest::prelude::*;

use super::support::*;
use crate::award::{AwardKind, RecipientKind};
use crate::rules::eval::evaluate_criterion;
use crate::rules::{
    AwardRule, CommendationKind, Criterion, DisciplineFact, DisciplineLevel, MemberFacts,
    NomineeFacts, RatingFact, RecognitionFact, Scope, TaskRating, TitleFact, UsedFor, Verdict,
    evaluate,
};

const PERIOD: i32 = 2024;

fn arb_award() -> impl Strategy<Value = AwardKind> {
    prop::sample::select(AwardKind::ALL.to_vec())
}

fn arb_rating() -> impl Strategy<Value = TaskRating> {
    prop::sample::select(TaskRating::ALL.to_vec())
}

fn arb_scope() -> impl Strategy<Value = Scope> {
    prop::sample::select(Scope::ALL.to_vec())
}

fn arb_commendation() -> impl Strategy<Value = CommendationKind> {
    prop_oneof![
        4 => Just(CommendationKind::ThuongXuyen),
        1 => Just(CommendationKind::DotXuat),
        1 => Just(CommendationKind::TheoDotChuyenDe),
    ]
}

fn arb_year() -> impl Strategy<Value = i32> {
    prop_oneof![
        20 => 2010i32..=2026,
        1 => 1945i32..=2100,
        1 => any::<i32>(),
    ]
}

fn arb_title() -> impl Strategy<Value = TitleFact> {
    (arb_award(), arb_year(), arb_commendation()).prop_map(|(award, year, kind)| TitleFact {
        award,
        year,
        kind,
    })
}

fn arb_recognition() -> impl Strategy<Value = RecognitionFact> {
    (
        prop::option::of("[A-Z]{2}-[0-9]{2}"),
        arb_year(),
        arb_scope(),
        prop::option::weighted(
            0.3,
            (arb_award(), arb_year()).prop_map(|(award, year)| UsedFor { award, year }),
        ),
    )
        .prop_map(|(id, year, scope, used_for)| RecognitionFact {
            id,
            year,
            scope,
            used_for,
        })
}

fn arb_discipline() -> impl Strategy<Value = DisciplineFact> {
    (
        prop::sample::select(DisciplineLevel::ALL.to_vec()),
        2015i32..=2026,
        1u16..=365,
        prop::option::of(30i64..=1000),
    )
        .prop_map(|(level, y, day, len)| {
            let from = date(y, 1, 1).saturating_add(time::Duration::days(i64::from(day)));
            DisciplineFact {
                level,
                from,
                to: len.map(|l| from.saturating_add(time::Duration::days(l))),
            }
        })
}

fn arb_members() -> impl Strategy<Value = MemberFacts> {
    (1u32..=200).prop_flat_map(|total| {
        (
            Just(total),
            0..=total,
            prop::collection::btree_map(arb_award(), 0..=total, 0..4),
            prop::sample::select(vec![0, 0, 0, 1]),
        )
            .prop_map(
                |(total, completed_tasks, with_title, disciplined)| MemberFacts {
                    total,
                    completed_tasks,
                    with_title,
                    disciplined_canh_cao_or_above: disciplined,
                },
            )
    })
}

fn known_ids() -> Vec<String> {
    let mut ids: Vec<String> = rulesets()
        .all()
        .iter()
        .flat_map(|r| r.awards())
        .flat_map(|a| a.criteria_summary())
        .map(|c| c.id)
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

fn arb_facts() -> impl Strategy<Value = NomineeFacts> {
    (
        prop::sample::select(vec![
            RecipientKind::Individual,
            RecipientKind::Collective,
            RecipientKind::Household,
        ]),
        prop::option::of((2000i32..=2025, 1u8..=12, 1u8..=28)),
        prop::collection::vec(
            (arb_year(), arb_rating()).prop_map(|(year, rating)| RatingFact { year, rating }),
            0..30,
        ),
        prop::collection::vec(arb_title(), 0..30),
        prop::collection::vec(arb_title(), 0..3),
        prop::collection::vec(arb_recognition(), 0..8),
        prop::collection::vec(arb_recognition(), 0..4),
        prop::collection::vec(arb_discipline(), 0..2),
        prop::bool::weighted(0.1),
        prop::option::of(arb_members()),
        prop::sample::subsequence(known_ids(), 0..12),
    )
        .prop_map(
            |(
                kind,
                recruited,
                ratings,
                titles,
                pending,
                initiatives,
                research,
                discipline,
                blocked,
                members,
                attested,
            )| {
                NomineeFacts {
                    kind,
                    recruited_on: recruited.map(|(y, m, d)| date(y, m, d)),
                    ratings,
                    titles,
                    pending,
                    initiatives,
                    research,
                    discipline,
                    blocked,
                    members,
                    attested: attested.into_iter().collect(),
                }
            },
        )
}

fn shuffled(f: NomineeFacts) -> impl Strategy<Value = (NomineeFacts, NomineeFacts)> {
    (
        Just(f.ratings.clone()).prop_shuffle(),
        Just(f.titles.clone()).prop_shuffle(),
        Just(f.pending.clone()).prop_shuffle(),
        Just(f.initiatives.clone()).prop_shuffle(),
        Just(f.research.clone()).prop_shuffle(),
        Just(f.discipline.clone()).prop_shuffle(),
    )
        .prop_map(
            move |(ratings, titles, pending, initiatives, research, discipline)| {
                let g = NomineeFacts {
                    ratings,
                    titles,
                    pending,
                    initiatives,
                    research,
                    discipline,
                    ..f.clone()
                };
                (f.clone(), g)
            },
        )
}

/// A fact that can never help a nominee.
#[derive(Debug, Clone)]
enum NonQualifying {
    IrregularTitle(AwardKind, i32, CommendationKind),
    Pending(AwardKind, i32),
    BadRating(i32),
    UsedElsewhere(i32, Scope),
    FutureRecognition(Scope),
    Discipline(DisciplineFact),
    Blocked,
}

fn arb_non_qualifying() -> impl Strategy<Value = NonQualifying> {
    prop_oneof![
        (
            arb_award(),
            arb_year(),
            prop::sample::select(vec![
                CommendationKind::DotXuat,
                CommendationKind::TheoDotChuyenDe,
                CommendationKind::NienHan
            ])
        )
            .prop_map(|(a, y, k)| NonQualifying::IrregularTitle(a, y, k)),
        (arb_award(), arb_year()).prop_map(|(a, y)| NonQualifying::Pending(a, y)),
        arb_year().prop_map(NonQualifying::BadRating),
        (arb_year(), arb_scope()).prop_map(|(y, s)| NonQualifying::UsedElsewhere(y, s)),
        arb_scope().prop_map(NonQualifying::FutureRecognition),
        arb_discipline().prop_map(NonQualifying::Discipline),
        Just(NonQualifying::Blocked),
    ]
}

fn add(mut f: NomineeFacts, fact: NonQualifying) -> NomineeFacts {
    match fact {
        NonQualifying::IrregularTitle(award, year, kind) => {
            f.titles.push(TitleFact { award, year, kind })
        }
        NonQualifying::Pending(award, year) => f.pending.push(TitleFact {
            award,
            year,
            kind: CommendationKind::ThuongXuyen,
        }),
        NonQualifying::BadRating(year) => f.ratings.push(RatingFact {
            year,
            rating: TaskRating::Khtnv,
        }),
        NonQualifying::UsedElsewhere(year, scope) => f.initiatives.push(RecognitionFact {
            id: Some("USED".into()),
            year,
            scope,
            // No award is checked for 1990 here, so this is always "another award".
            used_for: Some(UsedFor {
                award: AwardKind::GiayKhen,
                year: 1990,
            }),
        }),
        NonQualifying::FutureRecognition(scope) => f.research.push(RecognitionFact {
            id: None,
            year: PERIOD + 1,
            scope,
            used_for: None,
        }),
        NonQualifying::Discipline(d) => f.discipline.push(d),
        NonQualifying::Blocked => f.blocked = true,
    }
    f
}

fn rank(v: Verdict) -> u8 {
    match v {
        Verdict::Ineligible => 0,
        Verdict::NeedsJudgement => 1,
        Verdict::Eligible => 2,
    }
}

fn find<'a>(rule: &'a AwardRule, id: &str) -> &'a Criterion {
    fn walk<'a>(c: &'a Criterion, id: &str) -> Option<&'a Criterion> {
        if c.id == id {
            return Some(c);
        }
        c.children().iter().find_map(|child| walk(child, id))
    }
    rule.criteria.iter().find_map(|c| walk(c, id)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn evaluation_is_deterministic_and_ignores_the_order_of_facts((f, g) in arb_facts().prop_flat_map(shuffled)) {
        let as_of = date(PERIOD + 1, 1, 15);
        for ruleset in rulesets().all() {
            for award in AwardKind::ALL {
                let a = evaluate(ruleset, award, PERIOD, as_of, &f);
                prop_assert_eq!(&a, &evaluate(ruleset, award, PERIOD, as_of, &f));
                prop_assert_eq!(&a, &evaluate(ruleset, award, PERIOD, as_of, &g));
            }
        }
    }

    #[test]
    fn the_verdict_follows_from_the_lines(f in arb_facts(), period in prop_oneof![Just(2024), Just(2025), any::<i32>()]) {
        let as_of = date(2025, 1, 15);
        for ruleset in rulesets().all() {
            for award in AwardKind::ALL {
                let e = evaluate(ruleset, award, period, as_of, &f);
                let any_false = e.failed().next().is_some();
                let any_none = e.criteria.iter().any(|c| c.met.is_none());
                let expected = if any_false { Verdict::Ineligible } else if any_none { Verdict::NeedsJudgement } else { Verdict::Eligible };
                prop_assert_eq!(e.verdict, expected);
                prop_assert!(e.criteria.iter().all(|c| !c.facts.is_empty()));
            }
        }
    }

    #[test]
    fn a_non_qualifying_fact_never_improves_the_verdict(f in arb_facts(), extra in arb_non_qualifying()) {
        let as_of = date(PERIOD + 1, 1, 15);
        let g = add(f.clone(), extra);
        for ruleset in rulesets().all() {
            for award in AwardKind::ALL {
                let before = evaluate(ruleset, award, PERIOD, as_of, &f).verdict;
                let after = evaluate(ruleset, award, PERIOD, as_of, &g).verdict;
                prop_assert!(rank(after) <= rank(before), "{award}: {before:?} -> {after:?}");
            }
        }
    }

    #[test]
    fn a_met_streak_stays_met_when_an_earlier_year_is_added(
        noise in arb_facts(),
        n in 1i32..=8,
        gap in 1i32..=30,
        which in 0usize..4,
    ) {
        // (award checked, criterion, how to add a year)
        let streaks: [(AwardKind, &str, i32); 4] = [
            (AwardKind::CstdBoTinh, "art22.cstd_co_so", 3),
            (AwardKind::BangKhenBoTinh, "art74.1.d.cstd_co_so", 2),
            (AwardKind::BangKhenBoTinh, "art74.1.d.htxsnv.rating", 2),
            (AwardKind::LaoDongTienTien, "art24.rating", 1),
        ];
        let (award, id, required) = streaks[which];
        let by_rating = id.ends_with("rating");
        let mut f = noise;
        // No earlier award of the kind checked: its years would not count again. No
        // disciplinary measure either: it cuts chains (Decree 98/2023 Art 4, in the table).
        f.titles.retain(|t| t.award != award);
        f.discipline.clear();
        let first = PERIOD - n + 1;
        if by_rating {
            f.ratings.retain(|r| r.year < first - gap || r.year > PERIOD);
            f.ratings.extend((first..=PERIOD).map(|year| RatingFact { year, rating: TaskRating::Htxsnv }));
        } else {
            f.titles.extend((first..=PERIOD).map(|year| TitleFact { award: AwardKind::CstdCoSo, year, kind: CommendationKind::ThuongXuyen }));
        }
        let earlier = first - gap;
        let mut g = f.clone();
        if by_rating {
            g.ratings.push(RatingFact { year: earlier, rating: TaskRating::Htxsnv });
        } else {
            g.titles.push(TitleFact { award: AwardKind::CstdCoSo, year: earlier, kind: CommendationKind::ThuongXuyen });
        }
        let as_of = date(PERIOD + 1, 1, 15);
        for ruleset in rulesets().all() {
            let rule = ruleset.award(award);
            let c = find(rule, id);
            let (before, _) = evaluate_criterion(rule, c, PERIOD, as_of, &f);
            let (after, facts) = evaluate_criterion(rule, c, PERIOD, as_of, &g);
            if n >= required {
                prop_assert_eq!(before, Some(true));
            }
            if before == Some(true) {
                prop_assert_eq!(after, Some(true), "{:?}", facts);
            }
        }
    }
}

#[test]
fn a_streak_of_the_required_length_is_met_without_noise() {
    let rule = rulesets().all()[0].award(AwardKind::CstdBoTinh);
    let c = find(rule, "art22.cstd_co_so");
    let f = person().titled(AwardKind::CstdCoSo, [2022, 2023, 2024]).0;
    assert_eq!(
        evaluate_criterion(rule, c, PERIOD, date(2025, 1, 15), &f).0,
        Some(true)
    );
    let f = person()
        .titled(AwardKind::CstdCoSo, [2019, 2020, 2021, 2022, 2023, 2024])
        .0;
    assert_eq!(
        evaluate_criterion(rule, c, PERIOD, date(2025, 1, 15), &f).0,
        Some(true)
    );
}
