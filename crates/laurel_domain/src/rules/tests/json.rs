//! The JSON contract of `laurel eligibility --case FILE.json`: what is accepted, what is refused
//! (naming the field), and the output keys.

use super::support::*;
use crate::award::{AwardKind, RecipientKind};
use crate::message::Explain;
use crate::rules::{
    CommendationKind, NomineeFacts, Scope, TaskRating, Verdict, evaluate, parse_case,
};

const INDIVIDUAL: &str = r#"{
  "award": "CSTD_CO_SO",
  "period": 2024,
  "as_of": "2025-01-15",
  "nominee": {
    "kind": "INDIVIDUAL",
    "recruited_on": "2019-09-01",
    "ratings": [{"year": 2023, "rating": "HTTNV"}, {"year": 2024, "rating": "HTXSNV"}],
    "titles": [{"award": "LAO_DONG_TIEN_TIEN", "year": 2024}],
    "initiatives": [{"year": 2024, "scope": "CO_SO"}],
    "research": [],
    "discipline": [{"level": "KHIEN_TRACH", "from": "2021-03-01", "to": "2021-09-01"}],
    "blocked": false
  }
}"#;

const COLLECTIVE: &str = r#"{
  "award": "TAP_THE_LD_TIEN_TIEN",
  "period": 2025,
  "as_of": "2026-01-10",
  "nominee": {
    "kind": "COLLECTIVE",
    "ratings": [{"year": 2025, "rating": "HTTNV"}],
    "titles": [],
    "members": {"total": 20, "completed_tasks": 20, "with_title": {"LAO_DONG_TIEN_TIEN": 14}, "disciplined_canh_cao_or_above": 0},
    "blocked": false
  }
}"#;

#[test]
fn the_individual_example_parses_and_evaluates() {
    let case = parse_case(INDIVIDUAL).unwrap();
    assert_eq!(case.award, AwardKind::CstdCoSo);
    assert_eq!(case.as_of, date(2025, 1, 15));
    assert_eq!(case.nominee.ratings[1].rating, TaskRating::Htxsnv);
    assert_eq!(case.nominee.titles[0].kind, CommendationKind::ThuongXuyen);
    assert_eq!(case.nominee.initiatives[0].scope, Scope::CoSo);
    assert_eq!(case.nominee.discipline[0].to, Some(date(2021, 9, 1)));
    let result = case.evaluate(rulesets()).unwrap();
    assert_eq!(result.ruleset, "ND98_2023");
    assert_eq!(result.verdict, Verdict::Eligible);
}

#[test]
fn the_collective_example_parses_and_evaluates() {
    let case = parse_case(COLLECTIVE).unwrap();
    assert_eq!(case.nominee.kind, RecipientKind::Collective);
    let result = case.evaluate(rulesets()).unwrap();
    assert_eq!(result.ruleset, "ND152_2025");
    // 14/20 = 70%; the movement judgement is not attested yet.
    assert_eq!(result.verdict, Verdict::NeedsJudgement);
}

#[test]
fn everything_but_the_kind_is_optional() {
    let case = parse_case(r#"{"award":"GIAY_KHEN","period":2024,"as_of":"2025-01-15","nominee":{"kind":"HOUSEHOLD"}}"#).unwrap();
    assert_eq!(case.nominee, NomineeFacts::new(RecipientKind::Household));
}

#[test]
fn optional_keys_are_read() {
    let case = parse_case(
        r#"{"award":"BANG_KHEN_BO_TINH","period":2024,"as_of":"2025-01-15","nominee":{"kind":"INDIVIDUAL",
        "titles":[{"award":"GIAY_KHEN","year":2024,"kind":"DOT_XUAT"}],
        "pending":[{"award":"GIAY_KHEN","year":2024}],
        "initiatives":[{"id":"SK-7","year":2024,"scope":"CO_SO","used_for":{"award":"CSTD_CO_SO","year":2024}}],
        "attested":["art74.1.exemplary","art74.1.a"]}}"#,
    )
    .unwrap();
    assert_eq!(case.nominee.titles[0].kind, CommendationKind::DotXuat);
    assert_eq!(case.nominee.pending.len(), 1);
    assert_eq!(
        case.nominee.initiatives[0].used_for.map(|u| u.award),
        Some(AwardKind::CstdCoSo)
    );
    assert!(case.nominee.attested.contains("art74.1.a"));
    let result = case.evaluate(rulesets()).unwrap();
    // The pending regular Giấy khen for 2024 clashes with a Bằng khen for 2024.
    assert_eq!(result.verdict, Verdict::Ineligible);
    assert_eq!(
        result.failed().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["general.one_achievement_one_award"]
    );
}

fn refused(json: &str) -> (String, String) {
    let err = parse_case(json).unwrap_err();
    assert_eq!(err.to_string(), format!("{}: {}", err.path, err.message));
    assert!(err.message_vi().contains(&err.path));
    assert!(err.message_en().contains(&err.path));
    (err.path, err.message)
}

fn with_nominee(nominee: &str) -> String {
    format!(r#"{{"award":"CSTD_CO_SO","period":2024,"as_of":"2025-01-15","nominee":{nominee}}}"#)
}

#[test]
fn a_bad_rating_names_its_path() {
    let (path, message) = refused(&with_nominee(
        r#"{"kind":"INDIVIDUAL","ratings":[{"year":2023,"rating":"HTTNV"},{"year":2024,"rating":"EXCELLENT"}]}"#,
    ));
    assert_eq!(path, "nominee.ratings[1].rating");
    assert!(message.contains("EXCELLENT"), "{message}");
}

#[test]
fn an_unknown_key_is_refused_by_name() {
    let (path, message) = refused(&with_nominee(r#"{"kind":"INDIVIDUAL","ratingz":[]}"#));
    assert_eq!(path, "nominee.ratingz", "{path}");
    assert!(message.contains("ratingz"), "{message}");
    let (_, message) = refused(
        r#"{"award":"GIAY_KHEN","period":2024,"as_of":"2025-01-15","nominee":{"kind":"INDIVIDUAL"},"extra":1}"#,
    );
    assert!(message.contains("extra"), "{message}");
}

#[test]
fn a_missing_key_is_named() {
    let (path, message) =
        refused(r#"{"award":"GIAY_KHEN","period":2024,"nominee":{"kind":"INDIVIDUAL"}}"#);
    assert_eq!(path, "as_of");
    assert!(message.contains("missing field `as_of`"), "{message}");
    let (path, _) = refused(&with_nominee(r#"{"ratings":[]}"#));
    assert_eq!(path, "nominee.kind");
}

#[test]
fn malformed_values_are_refused_with_their_path() {
    let cases = [
        (
            r#"{"award":"GIAY_KHEN_VANG","period":2024,"as_of":"2025-01-15","nominee":{"kind":"INDIVIDUAL"}}"#,
            "award",
        ),
        (
            r#"{"award":"GIAY_KHEN","period":"2024","as_of":"2025-01-15","nominee":{"kind":"INDIVIDUAL"}}"#,
            "period",
        ),
        (
            r#"{"award":"GIAY_KHEN","period":2024,"as_of":"15/01/2025","nominee":{"kind":"INDIVIDUAL"}}"#,
            "as_of",
        ),
        (
            r#"{"award":"GIAY_KHEN","period":20245,"as_of":"2025-01-15","nominee":{"kind":"INDIVIDUAL"}}"#,
            "period",
        ),
    ];
    for (json, expected) in cases {
        let (path, _) = refused(json);
        assert_eq!(path, expected, "{json}");
    }
    let nominee_cases = [
        (
            r#"{"kind":"INDIVIDUAL","titles":[{"award":"CSTD_CO_SO","year":1900}]}"#,
            "nominee.titles[0].year",
        ),
        (
            r#"{"kind":"INDIVIDUAL","initiatives":[{"year":2024,"scope":"TINH"}]}"#,
            "nominee.initiatives[0].scope",
        ),
        (
            r#"{"kind":"INDIVIDUAL","discipline":[{"level":"CANH_CAO","from":"2024-05-01","to":"2024-01-01"}]}"#,
            "nominee.discipline[0].to",
        ),
        (
            r#"{"kind":"INDIVIDUAL","discipline":[{"level":"WARNING","from":"2024-05-01"}]}"#,
            "nominee.discipline[0].level",
        ),
        (r#"{"kind":"INDIVIDUAL","blocked":"no"}"#, "nominee.blocked"),
        (
            r#"{"kind":"INDIVIDUAL","recruited_on":"2024-02-30"}"#,
            "nominee.recruited_on",
        ),
        (
            r#"{"kind":"INDIVIDUAL","ratings":[{"year":2024,"rating":"HTTNV"},{"year":2024,"rating":"HTNV"}]}"#,
            "nominee.ratings[1].year",
        ),
        (
            r#"{"kind":"INDIVIDUAL","members":{"total":3}}"#,
            "nominee.members",
        ),
        (
            r#"{"kind":"COLLECTIVE","recruited_on":"2020-01-01"}"#,
            "nominee.recruited_on",
        ),
        (
            r#"{"kind":"COLLECTIVE","members":{"total":3,"completed_tasks":4}}"#,
            "nominee.members.completed_tasks",
        ),
        (
            r#"{"kind":"COLLECTIVE","members":{"total":3,"with_title":{"LAO_DONG_TIEN_TIEN":5}}}"#,
            "nominee.members.with_title.LAO_DONG_TIEN_TIEN",
        ),
        (
            r#"{"kind":"COLLECTIVE","members":{"total":3,"with_title":{"HUAN_CHUONG":1}}}"#,
            "nominee.members.with_title",
        ),
        (
            r#"{"kind":"COLLECTIVE","members":{"completed_tasks":3}}"#,
            "nominee.members.total",
        ),
        (
            r#"{"kind":"INDIVIDUAL","initiatives":[{"id":"","year":2024,"scope":"CO_SO"}]}"#,
            "nominee.initiatives[0].id",
        ),
    ];
    for (nominee, expected) in nominee_cases {
        let (path, message) = refused(&with_nominee(nominee));
        assert_eq!(path, expected, "{nominee}: {message}");
    }
}

#[test]
fn trailing_text_and_broken_json_are_refused() {
    let (_, message) = refused(&format!("{INDIVIDUAL} x"));
    assert!(message.contains("trailing"), "{message}");
    refused("{");
    refused("");
}

#[test]
fn oversized_lists_are_refused() {
    let ratings: Vec<String> = (0..501)
        .map(|i| format!(r#"{{"year":{},"rating":"HTTNV"}}"#, 1600 + i))
        .collect();
    let (path, _) = refused(&with_nominee(&format!(
        r#"{{"kind":"INDIVIDUAL","ratings":[{}]}}"#,
        ratings.join(",")
    )));
    assert_eq!(path, "nominee.ratings");
}

#[test]
fn a_period_before_the_first_regime_has_no_ruleset() {
    let case = parse_case(r#"{"award":"GIAY_KHEN","period":2016,"as_of":"2017-01-15","nominee":{"kind":"INDIVIDUAL"}}"#).unwrap();
    let err = case.evaluate(rulesets()).unwrap_err();
    assert_eq!(err.path, "period");
    assert!(err.message.contains("2017-09-15"), "{}", err.message);
}

#[test]
fn facts_round_trip_through_json() {
    let case = parse_case(INDIVIDUAL).unwrap();
    let json = serde_json::to_string(&case).unwrap();
    assert_eq!(parse_case(&json).unwrap(), case);
    let collective = parse_case(COLLECTIVE).unwrap();
    assert_eq!(
        parse_case(&serde_json::to_string(&collective).unwrap()).unwrap(),
        collective
    );
}

#[test]
fn the_output_has_exactly_the_contract_keys() {
    let case = parse_case(INDIVIDUAL).unwrap();
    let out = case.evaluate(rulesets()).unwrap().to_json();
    let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["award", "criteria", "period", "ruleset", "verdict"]);
    assert_eq!(out["verdict"], "ELIGIBLE");
    assert_eq!(out["ruleset"], "ND98_2023");
    for c in out["criteria"].as_array().unwrap() {
        let keys: Vec<&String> = c.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["article", "facts", "id", "message_en", "message_vi", "met"]
        );
        assert!(c["met"].is_boolean() || c["met"].is_null());
    }
    let pending = evaluate(
        rulesets().get("ND98_2023").unwrap(),
        AwardKind::GiayKhen,
        2024,
        date(2025, 1, 15),
        &person().0,
    );
    let json = pending.to_json();
    let line = json["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "art75.criteria")
        .unwrap();
    assert!(line["met"].is_null());
    assert_eq!(json["verdict"], "NEEDS_JUDGEMENT");
}
