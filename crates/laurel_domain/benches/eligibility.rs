//! Eligibility throughput for a nominee with 30 years of facts, with baselines measured in the
//! same run: cloning the facts, and evaluating an award with a single criterion of its own
//! (Giấy khen: the general principles plus one judgement).
//!
//! Run: `cargo bench -p laurel_domain --bench eligibility`. Evaluations per second = 1 / median.

use std::sync::LazyLock;

use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use laurel_domain::award::{AwardKind, RecipientKind};
use laurel_domain::rules::{
    CommendationKind, DisciplineFact, DisciplineLevel, NomineeFacts, RatingFact, RecognitionFact,
    Rulesets, Scope, TaskRating, TitleFact, UsedFor, evaluate,
};
use time::{Date, Month};

fn main() {
    divan::main();
}

const PERIOD: i32 = 2024;

static RULESETS: LazyLock<Rulesets> =
    LazyLock::new(|| Rulesets::embedded().expect("the embedded rulesets load"));

fn date(y: i32, m: Month, d: u8) -> Date {
    Date::from_calendar_date(y, m, d).expect("a valid date")
}

/// A civil servant recruited in 1995: 30 yearly ratings, a title every year, CSTĐ cơ sở in most
/// years, three CSTĐ bộ/tỉnh, Bằng khen and Giấy khen, initiatives and research most years (some
/// already used), an old reprimand, and the council's attestations — listed out of order.
static FACTS: LazyLock<NomineeFacts> = LazyLock::new(|| {
    let mut f = NomineeFacts::new(RecipientKind::Individual);
    f.recruited_on = Some(date(1995, Month::March, 1));
    for (i, year) in (1995..=PERIOD).rev().enumerate() {
        let rating = match i % 5 {
            0 | 2 | 3 => TaskRating::Htxsnv,
            4 if year == 2003 => TaskRating::Htnv,
            _ => TaskRating::Httnv,
        };
        f.ratings.push(RatingFact { year, rating });
        let regular = CommendationKind::ThuongXuyen;
        f.titles.push(TitleFact {
            award: AwardKind::LaoDongTienTien,
            year,
            kind: regular,
        });
        if year % 7 != 0 {
            f.titles.push(TitleFact {
                award: AwardKind::CstdCoSo,
                year,
                kind: regular,
            });
        }
        f.initiatives.push(RecognitionFact {
            id: Some(format!("SK-{year}")),
            year,
            scope: if year % 3 == 0 {
                Scope::BoTinh
            } else {
                Scope::CoSo
            },
            used_for: (year % 2 == 0).then_some(UsedFor {
                award: AwardKind::CstdCoSo,
                year,
            }),
        });
        if year % 4 == 0 {
            f.research.push(RecognitionFact {
                id: Some(format!("DT-{year}")),
                year,
                scope: if year == 2020 {
                    Scope::ToanQuoc
                } else {
                    Scope::CoSo
                },
                used_for: None,
            });
        }
    }
    for (award, years) in [
        (AwardKind::CstdBoTinh, &[2017, 2020, 2023][..]),
        (AwardKind::BangKhenBoTinh, &[2010, 2018][..]),
        (AwardKind::BangKhenThuTuong, &[2015][..]),
        (AwardKind::GiayKhen, &[2001, 2005, 2012, 2016][..]),
    ] {
        for year in years {
            f.titles.push(TitleFact {
                award,
                year: *year,
                kind: CommendationKind::ThuongXuyen,
            });
        }
    }
    f.titles.push(TitleFact {
        award: AwardKind::GiayKhen,
        year: 2022,
        kind: CommendationKind::DotXuat,
    });
    f.discipline.push(DisciplineFact {
        level: DisciplineLevel::KhienTrach,
        from: date(2004, Month::May, 1),
        to: Some(date(2005, Month::May, 1)),
    });
    f.attested = [
        "art24.spirit",
        "art22.exemplary",
        "art21.exemplary",
        "art74.1.exemplary",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    f.titles.reverse();
    f
});

fn as_of() -> Date {
    date(PERIOD + 1, Month::January, 15)
}

/// Baseline: copying the facts once (what any evaluation that cloned its input would pay).
#[divan::bench]
fn baseline_clone_facts(bencher: Bencher) {
    let facts = &*FACTS;
    bencher
        .counter(ItemsCount::new(1u32))
        .bench(|| black_box(facts).clone());
}

/// Baseline: an award with one criterion of its own (Giấy khen), same 30 years of facts.
#[divan::bench]
fn baseline_one_criterion_award(bencher: Bencher) {
    let ruleset = RULESETS.get("ND152_2025").expect("ruleset");
    let facts = &*FACTS;
    bencher.counter(ItemsCount::new(1u32)).bench(|| {
        evaluate(
            black_box(ruleset),
            black_box(AwardKind::GiayKhen),
            black_box(PERIOD),
            as_of(),
            black_box(facts),
        )
    });
}

/// One evaluation, 30 years of facts, per award with computable chains.
#[divan::bench(args = [
    AwardKind::LaoDongTienTien,
    AwardKind::CstdCoSo,
    AwardKind::CstdBoTinh,
    AwardKind::CstdToanQuoc,
    AwardKind::BangKhenBoTinh,
    AwardKind::BangKhenThuTuong,
])]
fn evaluate_30_years(bencher: Bencher, award: AwardKind) {
    let ruleset = RULESETS.get("ND152_2025").expect("ruleset");
    let facts = &*FACTS;
    bencher.counter(ItemsCount::new(1u32)).bench(|| {
        evaluate(
            black_box(ruleset),
            black_box(award),
            black_box(PERIOD),
            as_of(),
            black_box(facts),
        )
    });
}

/// Every award kind for the same nominee (14 evaluations per iteration).
#[divan::bench]
fn evaluate_all_14_awards_30_years(bencher: Bencher) {
    let ruleset = RULESETS.get("ND152_2025").expect("ruleset");
    let facts = &*FACTS;
    bencher
        .counter(ItemsCount::new(AwardKind::ALL.len()))
        .bench(|| {
            AwardKind::ALL
                .iter()
                .map(|award| {
                    evaluate(
                        ruleset,
                        *award,
                        black_box(PERIOD),
                        as_of(),
                        black_box(facts),
                    )
                    .criteria
                    .len()
                })
                .sum::<usize>()
        });
}

/// Loading and checking both ruleset files (done once at start).
#[divan::bench(sample_count = 20)]
fn load_rulesets() -> Rulesets {
    Rulesets::embedded().expect("the embedded rulesets load")
}
