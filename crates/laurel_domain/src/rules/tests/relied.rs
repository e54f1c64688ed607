//! Which initiatives a verdict relies on: exactly those to mark used when the award is decided
//! (Bộ Nội vụ reading of Art 74.1.d: an initiative backs one award only).

use super::support::*;
use crate::award::AwardKind::*;
use crate::rules::{Scope::*, TaskRating::*, Verdict, evaluate};

fn relied(award: crate::award::AwardKind, facts: &F) -> (Verdict, Vec<String>) {
    let ruleset = rulesets().for_period(2024).unwrap();
    let e = evaluate(ruleset, award, 2024, date(2024, 12, 31), &facts.0);
    (e.verdict, e.relied_on)
}

#[test]
fn art_74_1_d_relies_on_the_two_initiatives_it_needs_and_no_more() {
    let facts = person()
        .rated([2023, 2024], Htxsnv)
        .initiative("i2023", 2023, CoSo)
        .initiative("i2024a", 2024, CoSo)
        .initiative("i2024b", 2024, CoSo);
    let (verdict, ids) = relied(BangKhenBoTinh, &facts);
    assert_ne!(verdict, Verdict::Ineligible);
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(
        ids.contains(&"i2023".to_string()),
        "earliest first: {ids:?}"
    );
}

#[test]
fn art_23_relies_on_an_initiative_only_when_the_rating_alone_does_not_suffice() {
    let excellent = person()
        .rated([2024], Htxsnv)
        .titled(LaoDongTienTien, [2024])
        .initiative("i1", 2024, CoSo);
    assert_eq!(relied(CstdCoSo, &excellent), (Verdict::Eligible, vec![]));

    let good = person()
        .rated([2024], Httnv)
        .titled(LaoDongTienTien, [2024])
        .initiative("i1", 2024, CoSo);
    assert_eq!(
        relied(CstdCoSo, &good),
        (Verdict::Eligible, vec!["i1".to_string()])
    );
}

#[test]
fn an_ineligible_verdict_relies_on_nothing() {
    // HTNV is below the HTTNV that Art 24 (and so Art 23) requires.
    let facts = person().rated([2024], Htnv).initiative("i1", 2024, CoSo);
    let (verdict, ids) = relied(CstdCoSo, &facts);
    assert_eq!(verdict, Verdict::Ineligible);
    assert!(ids.is_empty());
}
