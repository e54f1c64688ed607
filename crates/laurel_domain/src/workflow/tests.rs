//! The workflow's tests: the shipped definitions, the transition table, who may act, the
//! separation of duties, and a property test over random command sequences.
#![allow(clippy::unwrap_used)] // tests: a panic is the failure report

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use time::Date;
use time::macros::date;
use uuid::Uuid;

use super::apply::sample;
use super::*;
use crate::authz::{Actor, Attempt, Authority, Delegation, Grant, Role};
use crate::award::AwardKind;
use crate::dossier::DocumentKind;
use crate::ids::{AccountId, DecisionId, NominationId, UnitId};
use crate::nomination::{Nomination, NominationDraft, NominationState, Nominee, Progress};
use crate::org::UnitPath;
use crate::rules::{CommendationKind, Eligibility, Rulesets, Verdict};
use crate::workdays::WorkingCalendar;

// The tree: Bộ Công an (1) > Công an tỉnh (2) > Công an huyện (3) > Công an xã (4);
// Công an huyện khác (5) under 2; Thanh tra Bộ (6) under 1.
const BCA: u128 = 1;
const CAT: u128 = 2;
const CAH: u128 = 3;
const CAX: u128 = 4;
const SIBLING: u128 = 5;
const TTRA: u128 = 6;

fn unit(n: u128) -> UnitId {
    UnitId(Uuid::from_u128(n))
}

fn path(ids: &[u128]) -> UnitPath {
    UnitPath(ids.iter().map(|n| unit(*n)).collect())
}

fn path_of(n: u128) -> UnitPath {
    match n {
        BCA => path(&[BCA]),
        CAT => path(&[BCA, CAT]),
        CAH => path(&[BCA, CAT, CAH]),
        CAX => path(&[BCA, CAT, CAH, CAX]),
        SIBLING => path(&[BCA, CAT, SIBLING]),
        TTRA => path(&[BCA, TTRA]),
        _ => UnitPath::default(),
    }
}

fn rulesets() -> &'static Rulesets {
    static R: std::sync::OnceLock<Rulesets> = std::sync::OnceLock::new();
    R.get_or_init(|| Rulesets::embedded().unwrap())
}

fn workflows() -> &'static Workflows {
    static W: std::sync::OnceLock<Workflows> = std::sync::OnceLock::new();
    W.get_or_init(|| Workflows::embedded(rulesets()).unwrap())
}

fn calendar() -> &'static WorkingCalendar {
    static C: std::sync::OnceLock<WorkingCalendar> = std::sync::OnceLock::new();
    C.get_or_init(|| WorkingCalendar::embedded().unwrap())
}

fn account(n: u128) -> AccountId {
    AccountId(Uuid::from_u128(1000 + n))
}

fn actor(n: u128, grants: &[(Role, u128)]) -> Actor {
    Actor {
        account: account(n),
        grants: grants
            .iter()
            .map(|&(role, u)| Grant {
                role,
                unit: Some(unit(u)),
            })
            .collect(),
        acting: Vec::new(),
    }
}

/// The people of the Gia Lai Bằng khen route.
struct People {
    clerk_x: Actor,
    head_x: Actor,
    head_h: Actor,
    head_t: Actor,
    office: Actor,
    office2: Actor,
    secretary: Actor,
    signer: Actor,
    head_ttra: Actor,
}

fn people() -> People {
    People {
        clerk_x: actor(1, &[(Role::Clerk, CAX)]),
        head_x: actor(2, &[(Role::UnitHead, CAX)]),
        head_h: actor(3, &[(Role::UnitHead, CAH)]),
        head_t: actor(4, &[(Role::UnitHead, CAT)]),
        office: actor(5, &[(Role::Clerk, BCA)]),
        office2: actor(6, &[(Role::Clerk, BCA)]),
        secretary: actor(7, &[(Role::CouncilSecretary, BCA)]),
        signer: actor(8, &[(Role::Signer, BCA)]),
        head_ttra: actor(9, &[(Role::UnitHead, TTRA)]),
    }
}

/// A Bằng khen of Bộ Công an for the collective Công an xã (4), drafted by its clerk.
fn draft(award: AwardKind, wf: &Workflow, today: Date) -> Nomination {
    let nominee = if award
        .recipients()
        .contains(&crate::award::RecipientKind::Collective)
    {
        Nominee::Collective(unit(CAX))
    } else {
        Nominee::Person(crate::ids::PersonId(Uuid::from_u128(99)))
    };
    let checked = NominationDraft::parse(
        nominee,
        award,
        unit(BCA),
        2024,
        "Đã có thành tích xuất sắc trong phong trào Toàn dân bảo vệ an ninh Tổ quốc năm 2022",
    )
    .unwrap()
    .check(&path_of(CAX))
    .unwrap();
    Nomination::draft(
        checked,
        NominationId(Uuid::from_u128(77)),
        unit(CAX),
        CommendationKind::ThuongXuyen,
        "ND98_2023".into(),
        wf.reference(),
        account(1),
        today,
    )
}

fn route() -> Route {
    Route::new(path_of(CAX), path_of(BCA)).unwrap()
}

fn eligible() -> Eligibility {
    Eligibility {
        verdict: Verdict::Eligible,
        ruleset: "ND98_2023".into(),
        award: AwardKind::BangKhenBoTinh,
        period: 2024,
        criteria: Vec::new(),
        relied_on: Vec::new(),
    }
}

fn all_documents() -> BTreeSet<DocumentKind> {
    DocumentKind::ALL.into_iter().collect()
}

/// A world the commands run in: today, the dossier, the consultations.
struct World {
    today: Date,
    route: Route,
    dossier: BTreeSet<DocumentKind>,
    eligibility: Eligibility,
    consultations: Vec<Consultation>,
    award: AwardKind,
}

impl World {
    fn new(award: AwardKind) -> World {
        World {
            today: date!(2025 - 03 - 03),
            route: route(),
            dossier: all_documents(),
            eligibility: eligible(),
            consultations: Vec::new(),
            award,
        }
    }

    fn situation(&self) -> Situation<'_> {
        Situation {
            today: self.today,
            calendar: calendar(),
            route: &self.route,
            rule: rulesets().all()[0].award(self.award),
            dossier: &self.dossier,
            eligibility: Some(&self.eligibility),
            quota: None,
            consultations: &self.consultations,
            vote_rule: None,
        }
    }

    fn run(
        &mut self,
        wf: &Workflow,
        n: &Nomination,
        who: &Actor,
        command: Command,
    ) -> Result<Transition, Refusal> {
        let t = apply(wf, n, who, command, &self.situation())?;
        for event in &t.events {
            match event {
                Event::OpinionsRequested { units, due_on } => {
                    for u in units {
                        self.consultations.push(Consultation {
                            unit: path_of(u.0.as_u128()),
                            due_on: *due_on,
                            answered: false,
                        });
                    }
                }
                Event::OpinionGiven { unit, .. } => {
                    for c in &mut self.consultations {
                        if c.unit.unit() == Some(*unit) {
                            c.answered = true;
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(t)
    }

    fn ok(&mut self, wf: &Workflow, n: &Nomination, who: &Actor, command: Command) -> Nomination {
        let kind = command.kind();
        match self.run(wf, n, who, command) {
            Ok(t) => t.next,
            Err(e) => panic!("{kind:?} refused: {e:?}"),
        }
    }
}

fn stage_kind(wf: &Workflow, n: &Nomination) -> StageKind {
    wf.stage(n.progress().position.stage).kind
}

#[test]
fn the_shipped_workflows_load_and_cover_every_award_under_both_regimes() {
    let wfs = workflows();
    for ruleset in rulesets().all() {
        for award in AwardKind::ALL {
            let wf = wfs.for_award(award, ruleset.effective_from).unwrap();
            assert_eq!(
                wf.authority,
                Some(ruleset.award(award).authority),
                "{award}"
            );
            assert_eq!(wf.stages().first().unwrap().kind, StageKind::Submit);
            assert_eq!(wf.stages().last().unwrap().kind, StageKind::Sign);
        }
    }
    assert!(wfs.get(&WorkflowRef::legacy()).is_some());
    assert!(
        wfs.for_award(AwardKind::GiayKhen, date!(2017 - 09 - 14))
            .is_none()
    );
}

#[test]
fn who_acts_at_each_stage_of_every_shipped_workflow() {
    let tables: Vec<String> = workflows().all().iter().map(who_table).collect();
    insta::assert_snapshot!(tables.join("\n"));
}

/// Every (state, stage) row and command column: where an accepted command leads on the
/// CSTĐ toàn quốc workflow (it has every stage kind), `-` where it is not accepted, and `!`
/// where it is accepted but this sample situation refuses it.
fn transition_table() -> String {
    let wf = workflows()
        .for_award(AwardKind::CstdToanQuoc, date!(2025 - 01 - 01))
        .unwrap();
    let p = people();
    let world = World::new(AwardKind::CstdToanQuoc);
    let yesterday = date!(2025 - 03 - 02);
    let mut rows: Vec<(NominationState, Position)> = Vec::new();
    for state in NominationState::ALL {
        match state {
            NominationState::Submitted => {
                for position in wf.positions(&world.route).into_iter().skip(1) {
                    rows.push((state, position));
                }
            }
            NominationState::Decided => rows.push((
                state,
                Position {
                    stage: wf.stages().len() - 1,
                    level: 0,
                },
            )),
            // Returned from reception, where it goes back to.
            NominationState::Returned => rows.push((
                state,
                Position {
                    stage: wf.index_of(StageKind::Receive).unwrap(),
                    level: 0,
                },
            )),
            NominationState::Draft
            | NominationState::Rejected
            | NominationState::Withdrawn
            | NominationState::Annulled => rows.push((state, Position::default())),
        }
    }
    let mut out = format!("{:<24}", "");
    for kind in CommandKind::ALL {
        out.push_str(&format!("{:<19}", kind.code()));
    }
    out = out.trim_end().to_owned();
    out.push('\n');
    for (state, position) in rows {
        let base = draft(AwardKind::CstdToanQuoc, wf, yesterday);
        let progress = Progress {
            state,
            version: 3,
            position,
            stage_since: yesterday,
            due_on: Some(world.today),
            returned_on: Some(yesterday),
            paused_days: 0,
            received_on: None,
            notice_closes_on: Some(yesterday),
            submitted_by: Some(p.head_x.account),
            appraised_by: None,
            stage_touched: false,
        };
        let n = Nomination::restore(
            base.id,
            base.nominee,
            base.award,
            base.issuer,
            base.proposing_unit,
            base.period,
            base.achievement.clone(),
            base.kind,
            base.ruleset.clone(),
            base.workflow.clone(),
            base.drafted_by,
            None,
            None,
            progress,
        );
        let kind_at = wf.stage(position.stage).kind;
        let label = match state {
            NominationState::Submitted => format!(
                "SUBMITTED@{}{}",
                kind_at.code(),
                if kind_at == StageKind::Endorse {
                    format!("#{}", position.level)
                } else {
                    String::new()
                }
            ),
            _ => state.code().to_owned(),
        };
        out.push_str(&format!("{label:<24}"));
        for kind in CommandKind::ALL {
            let mut w = World::new(AwardKind::CstdToanQuoc);
            let command = match kind {
                CommandKind::RequestOpinions => Command::RequestOpinions {
                    units: vec![path_of(TTRA)],
                },
                CommandKind::GiveOpinion => {
                    w.consultations.push(Consultation {
                        unit: path_of(TTRA),
                        due_on: w.today,
                        answered: false,
                    });
                    Command::GiveOpinion {
                        unit: unit(TTRA),
                        verdict: OpinionVerdict::Agree,
                        text: "Đồng ý".into(),
                    }
                }
                CommandKind::NoticeDelay => Command::NoticeDelay {
                    new_due_on: date!(2025 - 03 - 10),
                    reason: "Chờ hồ sơ".into(),
                },
                other => sample(other),
            };
            let who = actor_for(wf, &n, &command, &w.route, &p);
            let cell = match w.run(wf, &n, &who, command) {
                Ok(t) => {
                    let s = t.next.state();
                    match s {
                        NominationState::Submitted => {
                            format!("→{}", stage_kind(wf, &t.next).code())
                        }
                        other => format!("→{}", other.code()),
                    }
                }
                Err(Refusal::NotAccepted(TransitionError { blocked: None, .. })) => "-".to_owned(),
                Err(_) => "!".to_owned(),
            };
            out.push_str(&format!("{cell:<19}"));
        }
        out = out.trim_end().to_owned();
        out.push('\n');
    }
    out
}

/// An account that may give `command` where `n` stands: the role the stage needs at its
/// party's unit, with one account per duty so the separation of duties holds.
fn actor_for(wf: &Workflow, n: &Nomination, command: &Command, route: &Route, p: &People) -> Actor {
    match command {
        Command::Edit { .. } | Command::Withdraw { .. } => p.clerk_x.clone(),
        Command::GiveOpinion { .. } => p.head_ttra.clone(),
        other => match requirement(wf, n, other, route) {
            Some((role, _, target, _)) => {
                let at = target.unit().map_or(0, |u| u.0.as_u128());
                let duty = match other {
                    Command::Submit | Command::Resubmit => 2,
                    Command::Endorse { .. } | Command::Recall => 10 + at,
                    Command::Appraise { .. } => 6,
                    Command::RecordCouncil { .. } => 7,
                    Command::Sign { .. } | Command::Annul { .. } => 8,
                    _ => 5,
                };
                actor(duty, &[(role, at)])
            }
            None => p.clerk_x.clone(),
        },
    }
}

#[test]
fn the_transition_table_reads_as_a_table() {
    insta::assert_snapshot!(transition_table());
}

#[test]
fn a_bang_khen_goes_up_every_level_through_every_stage_to_a_decision() {
    // Law 06/2022 Art 83-84: submitted by the commune police, endorsed by the district and the
    // province, received, appraised, voted by the council and signed by Bộ Công an.
    let wf = workflows()
        .for_award(AwardKind::BangKhenBoTinh, date!(2025 - 03 - 03))
        .unwrap();
    let p = people();
    let mut w = World::new(AwardKind::BangKhenBoTinh);
    let mut n = draft(AwardKind::BangKhenBoTinh, wf, w.today);
    n = w.ok(wf, &n, &p.head_x, Command::Submit);
    assert_eq!(
        (n.state(), stage_kind(wf, &n), n.progress().position.level),
        (NominationState::Submitted, StageKind::Endorse, 0)
    );
    // Due 5 working days after 03/03/2025.
    assert_eq!(n.progress().due_on, Some(date!(2025 - 03 - 10)));
    // The province cannot endorse before the district.
    assert!(matches!(
        w.run(wf, &n, &p.head_t, Command::Endorse { note: None }),
        Err(Refusal::Denied(_))
    ));
    n = w.ok(
        wf,
        &n,
        &p.head_h,
        Command::Endorse {
            note: Some("Đề nghị Công an tỉnh xem xét".into()),
        },
    );
    assert_eq!(
        (stage_kind(wf, &n), n.progress().position.level),
        (StageKind::Endorse, 1)
    );
    n = w.ok(wf, &n, &p.head_t, Command::Endorse { note: None });
    assert_eq!(stage_kind(wf, &n), StageKind::Receive);
    n = w.ok(wf, &n, &p.office, Command::Receive);
    assert_eq!(n.progress().received_on, Some(w.today));
    n = w.ok(
        wf,
        &n,
        &p.office2,
        Command::Appraise {
            verdict: AppraisalVerdict::Eligible,
            notes: "Đủ điều kiện theo Điều 74".into(),
        },
    );
    assert_eq!(stage_kind(wf, &n), StageKind::Council);
    let tally = Tally {
        members: 9,
        present: 8,
        votes_for: 8,
        votes_against: 0,
        abstentions: 0,
        written_for: 0,
        written_against: 0,
    };
    n = w.ok(wf, &n, &p.secretary, Command::RecordCouncil { tally });
    assert_eq!(stage_kind(wf, &n), StageKind::Sign);
    let decision = DecisionId(Uuid::from_u128(500));
    let t = w
        .run(wf, &n, &p.signer, Command::Sign { decision })
        .unwrap();
    assert_eq!(t.next.state(), NominationState::Decided);
    assert_eq!(t.next.decision, Some(decision));
    assert_eq!(t.authority, Authority::Own);
}

#[test]
fn a_head_up_the_route_who_submits_proposes_at_their_own_level() {
    // A Công an huyện sends its commune's nomination in its own tờ trình: the district level is
    // endorsed in the same act, and the next level waits. The province's director submitting
    // vouches for every level up to the province.
    let wf = workflows()
        .for_award(AwardKind::BangKhenBoTinh, date!(2025 - 03 - 03))
        .unwrap();
    let p = people();
    let mut w = World::new(AwardKind::BangKhenBoTinh);
    let n = draft(AwardKind::BangKhenBoTinh, wf, w.today);
    let cases: [(&Actor, StageKind, usize, &[UnitId]); 3] = [
        (&p.head_x, StageKind::Endorse, 0, &[]),
        (&p.head_h, StageKind::Endorse, 1, &[unit(CAH)]),
        (&p.head_t, StageKind::Receive, 0, &[unit(CAH), unit(CAT)]),
    ];
    for (who, stage, level, endorsed) in cases {
        let t = w.run(wf, &n, who, Command::Submit).unwrap();
        let by: Vec<UnitId> = t
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Endorsed { unit, note: None } => Some(*unit),
                _ => None,
            })
            .collect();
        assert_eq!(by, endorsed);
        assert_eq!(
            (stage_kind(wf, &t.next), t.next.progress().position.level),
            (stage, level)
        );
    }
    // The district head who submitted cannot endorse again at the province's level.
    let n = w.ok(wf, &n, &p.head_h, Command::Submit);
    assert!(matches!(
        w.run(wf, &n, &p.head_h, Command::Endorse { note: None }),
        Err(Refusal::Denied(_))
    ));
}

#[test]
fn a_return_pauses_the_clock_and_resubmission_lands_where_it_was_returned() {
    let wf = workflows()
        .for_award(AwardKind::BangKhenBoTinh, date!(2025 - 01 - 20))
        .unwrap();
    let p = people();
    let mut w = World::new(AwardKind::BangKhenBoTinh);
    w.today = date!(2025 - 01 - 20);
    let mut n = draft(AwardKind::BangKhenBoTinh, wf, w.today);
    n = w.ok(wf, &n, &p.head_x, Command::Submit);
    n = w.ok(wf, &n, &p.head_h, Command::Endorse { note: None });
    n = w.ok(wf, &n, &p.head_t, Command::Endorse { note: None });
    // Received on Monday 20/01/2025; appraisal due in 10 working days, across Tết.
    n = w.ok(wf, &n, &p.office, Command::Receive);
    let due = n.progress().due_on.unwrap();
    assert_eq!(due, date!(2025 - 02 - 10));
    // Returned on Wednesday 22/01 for a missing biên bản.
    w.today = date!(2025 - 01 - 22);
    let at = n.progress().position;
    n = w.ok(
        wf,
        &n,
        &p.office2,
        Command::Return {
            reasons: vec!["Thiếu biên bản xét khen thưởng".into()],
            missing: vec![DocumentKind::BienBanXetKhenThuong],
        },
    );
    assert_eq!(n.state(), NominationState::Returned);
    // Only the clerk may edit and the head resubmit; not the office.
    assert!(matches!(
        w.run(wf, &n, &p.office, Command::Resubmit),
        Err(Refusal::Denied(_))
    ));
    // Fixed and resubmitted on Tuesday 04/02: 4 working days later (23, 24/01, 03 and 04/02;
    // Tết off).
    w.today = date!(2025 - 02 - 04);
    n = w.ok(
        wf,
        &n,
        &p.clerk_x,
        Command::Edit {
            achievement: "Thành tích đã bổ sung".into(),
        },
    );
    n = w.ok(wf, &n, &p.head_x, Command::Resubmit);
    assert_eq!(n.state(), NominationState::Submitted);
    assert_eq!(
        n.progress().position,
        at,
        "back at the stage that returned it"
    );
    assert_eq!(n.progress().paused_days, 4);
    assert_eq!(
        n.progress().due_on,
        Some(calendar().add_working_days(due, 4))
    );
}

#[test]
fn the_sender_recalls_only_before_the_next_level_acts() {
    let wf = workflows()
        .for_award(AwardKind::BangKhenBoTinh, date!(2025 - 03 - 03))
        .unwrap();
    let p = people();
    let mut w = World::new(AwardKind::BangKhenBoTinh);
    let mut n = draft(AwardKind::BangKhenBoTinh, wf, w.today);
    n = w.ok(wf, &n, &p.head_x, Command::Submit);
    // The head of another district did not send it: it may not recall it. (The proposing
    // unit's own ancestors may act for it, as they may submit for it.)
    let other_head = actor(50, &[(Role::UnitHead, SIBLING)]);
    assert!(matches!(
        w.run(wf, &n, &other_head, Command::Recall),
        Err(Refusal::Denied(_))
    ));
    let back = w.ok(wf, &n, &p.head_x, Command::Recall);
    assert_eq!(back.state(), NominationState::Draft);
    n = w.ok(wf, &n, &p.head_h, Command::Endorse { note: None });
    // Now at the province: the district may take it back, the commune no longer.
    assert!(matches!(
        w.run(wf, &n, &p.head_x, Command::Recall),
        Err(Refusal::Denied(_))
    ));
    let back = w.ok(wf, &n, &p.head_h, Command::Recall);
    assert_eq!(
        (stage_kind(wf, &back), back.progress().position.level),
        (StageKind::Endorse, 0)
    );
    // Once received and appraised, nobody recalls it.
    n = w.ok(wf, &n, &p.head_t, Command::Endorse { note: None });
    n = w.ok(wf, &n, &p.office, Command::Receive);
    assert!(matches!(
        w.run(wf, &n, &p.head_t, Command::Recall),
        Err(Refusal::NotAccepted(_))
    ));
}

#[test]
fn reception_refuses_an_incomplete_dossier_listing_what_is_missing() {
    let wf = workflows()
        .for_award(AwardKind::GiayKhen, date!(2025 - 03 - 03))
        .unwrap();
    let p = people();
    let mut w = World::new(AwardKind::GiayKhen);
    w.route = Route::new(path_of(CAX), path_of(CAH)).unwrap();
    w.dossier = [DocumentKind::ToTrinh].into_iter().collect();
    let mut n = draft(AwardKind::GiayKhen, wf, w.today);
    n.issuer = unit(CAH);
    n = w.ok(wf, &n, &p.head_x, Command::Submit);
    // No level between the commune and the district: straight to reception.
    assert_eq!(stage_kind(wf, &n), StageKind::Receive);
    let office_h = actor(20, &[(Role::Clerk, CAH)]);
    match w.run(wf, &n, &office_h, Command::Receive) {
        Err(Refusal::Rules(v)) => assert_eq!(
            v,
            [crate::nomination::RuleViolation::DossierIncomplete {
                missing: vec![
                    DocumentKind::BaoCaoThanhTich,
                    DocumentKind::BienBanXetKhenThuong
                ]
            }]
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_ineligible_appraisal_cannot_go_forward() {
    let wf = workflows()
        .for_award(AwardKind::BangKhenBoTinh, date!(2025 - 03 - 03))
        .unwrap();
    let p = people();
    let mut w = World::new(AwardKind::BangKhenBoTinh);
    let mut n = draft(AwardKind::BangKhenBoTinh, wf, w.today);
    for (who, command) in [
        (&p.head_x, Command::Submit),
        (&p.head_h, Command::Endorse { note: None }),
        (&p.head_t, Command::Endorse { note: None }),
        (&p.office, Command::Receive),
    ] {
        n = w.ok(wf, &n, who, command);
    }
    n = w.ok(
        wf,
        &n,
        &p.office2,
        Command::Appraise {
            verdict: AppraisalVerdict::Ineligible,
            notes: "Không đủ tiêu chuẩn Điều 74.1".into(),
        },
    );
    assert_eq!(
        stage_kind(wf, &n),
        StageKind::Appraise,
        "stays at appraisal"
    );
    // The rules engine says ineligible: no appraiser can pass it.
    w.eligibility.verdict = Verdict::Ineligible;
    w.eligibility.criteria.push(crate::rules::CriterionResult {
        id: "art74.1".into(),
        met: Some(false),
        article: "Luật TĐKT 06/2022, Điều 74.1".into(),
        message_vi: "Chưa đạt".into(),
        message_en: "Not met".into(),
        facts: Vec::new(),
    });
    assert!(matches!(
        w.run(
            wf,
            &n,
            &p.office2,
            Command::Appraise {
                verdict: AppraisalVerdict::Eligible,
                notes: "x".into()
            }
        ),
        Err(Refusal::Rules(_))
    ));
    let rejected = w.ok(
        wf,
        &n,
        &p.office,
        Command::Reject {
            reason: "Không đủ tiêu chuẩn".into(),
        },
    );
    assert_eq!(rejected.state(), NominationState::Rejected);
}

#[test]
fn the_same_account_may_not_propose_and_approve() {
    let wf = workflows()
        .for_award(AwardKind::GiayKhen, date!(2025 - 03 - 03))
        .unwrap();
    let mut w = World::new(AwardKind::GiayKhen);
    w.route = Route::new(path_of(CAH), path_of(CAT)).unwrap();
    // One account holds every role at the province (a small office).
    let everyone = actor(
        30,
        &[
            (Role::Clerk, CAT),
            (Role::UnitHead, CAH),
            (Role::CouncilSecretary, CAT),
            (Role::Signer, CAT),
        ],
    );
    let office = actor(31, &[(Role::Clerk, CAT)]);
    let mut n = draft(AwardKind::GiayKhen, wf, w.today);
    n.issuer = unit(CAT);
    n.proposing_unit = unit(CAH);
    n = w.ok(wf, &n, &everyone, Command::Submit);
    n = w.ok(wf, &n, &everyone, Command::Receive); // a completeness check is clerical
    assert!(matches!(
        w.run(
            wf,
            &n,
            &everyone,
            Command::Appraise {
                verdict: AppraisalVerdict::Eligible,
                notes: "x".into()
            }
        ),
        Err(Refusal::SameAccount(SeparationOfDuties {
            earlier: Duty::Submitted,
            ..
        }))
    ));
    n = w.ok(
        wf,
        &n,
        &office,
        Command::Appraise {
            verdict: AppraisalVerdict::Eligible,
            notes: "x".into(),
        },
    );
    let tally = Tally {
        members: 5,
        present: 5,
        votes_for: 5,
        votes_against: 0,
        abstentions: 0,
        written_for: 0,
        written_against: 0,
    };
    assert!(matches!(
        w.run(wf, &n, &everyone, Command::RecordCouncil { tally }),
        Err(Refusal::SameAccount(_))
    ));
    let secretary = actor(32, &[(Role::CouncilSecretary, CAT)]);
    n = w.ok(wf, &n, &secretary, Command::RecordCouncil { tally });
    assert!(matches!(
        w.run(
            wf,
            &n,
            &everyone,
            Command::Sign {
                decision: DecisionId(Uuid::nil())
            }
        ),
        Err(Refusal::SameAccount(_))
    ));
    // The appraiser may not sign either.
    let appraiser_signer = Actor {
        account: office.account,
        ..actor(0, &[(Role::Signer, CAT)])
    };
    assert!(matches!(
        w.run(
            wf,
            &n,
            &appraiser_signer,
            Command::Sign {
                decision: DecisionId(Uuid::nil())
            }
        ),
        Err(Refusal::SameAccount(SeparationOfDuties {
            earlier: Duty::Appraised,
            ..
        }))
    ));
    let signer = actor(33, &[(Role::Signer, CAT)]);
    assert!(
        w.run(
            wf,
            &n,
            &signer,
            Command::Sign {
                decision: DecisionId(Uuid::nil())
            }
        )
        .is_ok()
    );
}

#[test]
fn an_acting_signer_signs_only_while_the_delegation_runs() {
    let wf = workflows()
        .for_award(AwardKind::GiayKhen, date!(2025 - 03 - 03))
        .unwrap();
    let p = people();
    let mut w = World::new(AwardKind::GiayKhen);
    let mut n = draft(AwardKind::GiayKhen, wf, w.today);
    let tally = Tally {
        members: 5,
        present: 5,
        votes_for: 5,
        votes_against: 0,
        abstentions: 0,
        written_for: 0,
        written_against: 0,
    };
    for (who, command) in [
        (&p.head_x, Command::Submit),
        (&p.head_h, Command::Endorse { note: None }),
        (&p.head_t, Command::Endorse { note: None }),
        (&p.office, Command::Receive),
        (
            &p.office2,
            Command::Appraise {
                verdict: AppraisalVerdict::Eligible,
                notes: "x".into(),
            },
        ),
        (&p.secretary, Command::RecordCouncil { tally }),
    ] {
        n = w.ok(wf, &n, who, command);
    }
    let delegation = Delegation::new(
        Role::Signer,
        unit(BCA),
        &p.signer,
        account(40),
        date!(2025 - 03 - 01),
        date!(2025 - 03 - 05),
    )
    .unwrap();
    let sign = || Command::Sign {
        decision: DecisionId(Uuid::nil()),
    };
    let acting = Actor::new(
        account(40),
        Vec::new(),
        std::slice::from_ref(&delegation),
        w.today,
    );
    let t = w.run(wf, &n, &acting, sign()).unwrap();
    assert_eq!(
        t.authority,
        Authority::Acting {
            for_account: p.signer.account
        }
    );
    let expired = Actor::new(
        account(40),
        Vec::new(),
        &[delegation],
        date!(2025 - 03 - 06),
    );
    match w.run(wf, &n, &expired, sign()) {
        Err(Refusal::Denied(d)) => assert!(matches!(
            d.attempt,
            Attempt::Stage {
                role: Role::Signer,
                ..
            }
        )),
        other => panic!("{other:?}"),
    }
}

#[test]
fn public_notice_and_consultation_wait_for_their_days() {
    let wf = workflows()
        .for_award(AwardKind::CstdToanQuoc, date!(2025 - 03 - 03))
        .unwrap();
    let p = people();
    let mut w = World::new(AwardKind::CstdToanQuoc);
    let mut n = draft(AwardKind::CstdToanQuoc, wf, w.today);
    for (who, command) in [
        (&p.head_x, Command::Submit),
        (&p.head_h, Command::Endorse { note: None }),
        (&p.head_t, Command::Endorse { note: None }),
        (&p.office, Command::Receive),
        (
            &p.office2,
            Command::Appraise {
                verdict: AppraisalVerdict::Eligible,
                notes: "x".into(),
            },
        ),
    ] {
        n = w.ok(wf, &n, who, command);
    }
    assert_eq!(stage_kind(wf, &n), StageKind::PublicNotice);
    // Ten working days from Monday 03/03/2025: to Monday 17/03 inclusive.
    assert_eq!(n.progress().notice_closes_on, Some(date!(2025 - 03 - 17)));
    assert!(accepts_comment(wf, &n, date!(2025 - 03 - 17)));
    w.today = date!(2025 - 03 - 17);
    assert!(matches!(
        w.run(wf, &n, &p.office, Command::CloseNotice),
        Err(Refusal::Rules(_))
    ));
    w.today = date!(2025 - 03 - 18);
    assert!(!accepts_comment(wf, &n, w.today));
    n = w.ok(wf, &n, &p.office, Command::CloseNotice);
    assert_eq!(stage_kind(wf, &n), StageKind::Consult);
    n = w.ok(
        wf,
        &n,
        &p.office,
        Command::RequestOpinions {
            units: vec![path_of(TTRA), path_of(SIBLING)],
        },
    );
    // The console offers an opinion to the heads of the units asked, and to nobody else.
    let offered = |w: &World, n: &Nomination, who: &Actor| {
        available(wf, n, who, &w.route, &w.consultations).contains(&CommandKind::GiveOpinion)
    };
    assert!(offered(&w, &n, &p.head_ttra));
    assert!(!offered(&w, &n, &p.head_h));
    assert!(!offered(&w, &n, &p.office));
    // One answers; the other stays silent.
    assert!(matches!(
        w.run(
            wf,
            &n,
            &p.head_h,
            Command::GiveOpinion {
                unit: unit(TTRA),
                verdict: OpinionVerdict::Agree,
                text: "x".into()
            }
        ),
        Err(Refusal::Denied(_))
    ));
    n = w.ok(
        wf,
        &n,
        &p.head_ttra,
        Command::GiveOpinion {
            unit: unit(TTRA),
            verdict: OpinionVerdict::Agree,
            text: "Đồng ý".into(),
        },
    );
    // Answered: nothing more to offer its head.
    assert!(!offered(&w, &n, &p.head_ttra));
    assert!(matches!(
        w.run(wf, &n, &p.office, Command::CloseConsultation),
        Err(Refusal::Rules(_))
    ));
    // Silence after the deadline (10 working days) means proceed.
    w.today = date!(2025 - 04 - 02);
    let t = w
        .run(wf, &n, &p.office, Command::CloseConsultation)
        .unwrap();
    assert_eq!(
        t.events[0],
        Event::ConsultationClosed {
            silent: vec![unit(SIBLING)]
        }
    );
    assert_eq!(stage_kind(wf, &t.next), StageKind::Council);
}

#[test]
fn the_council_threshold_decides_whether_it_goes_on() {
    // CSTĐ bộ/tỉnh under Decree 98/2023: ≥ 90% of all members, by secret ballot [C-old].
    let wf = workflows()
        .for_award(AwardKind::CstdBoTinh, date!(2025 - 03 - 03))
        .unwrap();
    let p = people();
    let mut w = World::new(AwardKind::CstdBoTinh);
    let mut n = draft(AwardKind::CstdBoTinh, wf, w.today);
    let council = wf.index_of(StageKind::Council).unwrap();
    let mut progress = n.progress().clone();
    progress.state = NominationState::Submitted;
    progress.position = Position {
        stage: council,
        level: 0,
    };
    progress.submitted_by = Some(p.head_x.account);
    n = Nomination::restore(
        n.id,
        n.nominee,
        n.award,
        n.issuer,
        n.proposing_unit,
        n.period,
        n.achievement.clone(),
        n.kind,
        n.ruleset.clone(),
        n.workflow.clone(),
        n.drafted_by,
        None,
        None,
        progress,
    );
    #[rustfmt::skip]
    let cases = [
        // members, present, for, passes
        (9, 9, 9, true),
        (9, 7, 6, false), // 6/9 = 66.7%
        (10, 10, 9, true), // 90%
        (10, 9, 8, false),
    ];
    for (members, present, votes_for, passes) in cases {
        let tally = Tally {
            members,
            present,
            votes_for,
            votes_against: 0,
            abstentions: 0,
            written_for: 0,
            written_against: 0,
        };
        let t = w
            .run(wf, &n, &p.secretary, Command::RecordCouncil { tally })
            .unwrap();
        assert_eq!(
            stage_kind(wf, &t.next) == StageKind::Sign,
            passes,
            "{votes_for}/{members}"
        );
    }
    let bad = Tally {
        members: 9,
        present: 10,
        votes_for: 1,
        votes_against: 0,
        abstentions: 0,
        written_for: 0,
        written_against: 0,
    };
    assert!(matches!(
        w.run(wf, &n, &p.secretary, Command::RecordCouncil { tally: bad }),
        Err(Refusal::Invalid(_))
    ));
}

#[test]
fn a_delay_notice_is_for_a_late_stage_and_sets_a_new_date() {
    let wf = workflows()
        .for_award(AwardKind::BangKhenBoTinh, date!(2025 - 03 - 03))
        .unwrap();
    let p = people();
    let mut w = World::new(AwardKind::BangKhenBoTinh);
    let mut n = draft(AwardKind::BangKhenBoTinh, wf, w.today);
    for (who, command) in [
        (&p.head_x, Command::Submit),
        (&p.head_h, Command::Endorse { note: None }),
        (&p.head_t, Command::Endorse { note: None }),
    ] {
        n = w.ok(wf, &n, who, command);
    }
    let notice = |d| Command::NoticeDelay {
        new_due_on: d,
        reason: "Hồ sơ nhiều, cần thêm thời gian".into(),
    };
    assert!(matches!(
        w.run(wf, &n, &p.office, notice(date!(2025 - 03 - 20))),
        Err(Refusal::NotAccepted(TransitionError {
            blocked: Some(Blocked::NotLate { .. }),
            ..
        }))
    ));
    w.today = n.progress().due_on.unwrap();
    assert!(
        matches!(
            w.run(wf, &n, &p.office, notice(date!(2025 - 03 - 22))),
            Err(Refusal::Invalid(_))
        ),
        "a Saturday"
    );
    n = w.ok(wf, &n, &p.office, notice(date!(2025 - 03 - 20)));
    assert_eq!(n.progress().due_on, Some(date!(2025 - 03 - 20)));
}

#[test]
fn nothing_is_accepted_after_a_final_state_and_an_award_is_only_annulled() {
    for state in NominationState::ALL {
        for stage in StageKind::ALL {
            let list = accepted(state, stage);
            if state.is_final() {
                assert!(list.is_empty(), "{state} {stage}");
            }
            if state == NominationState::Decided {
                assert_eq!(list, [CommandKind::Annul]);
            }
        }
    }
}

/// Who acts at each relation to the party's unit, for every command where the nomination
/// stands: only the stage's role, at exactly its party (or at or above the proposing unit for
/// the proposer's steps), is allowed. Matrix of role × command × (own unit, subtree, sibling,
/// ancestor).
#[test]
fn the_authorization_matrix_has_no_leak() {
    let wf = workflows()
        .for_award(AwardKind::BangKhenBoTinh, date!(2025 - 03 - 03))
        .unwrap();
    let p = people();
    let mut w = World::new(AwardKind::BangKhenBoTinh);
    let tally = Tally {
        members: 5,
        present: 5,
        votes_for: 5,
        votes_against: 0,
        abstentions: 0,
        written_for: 0,
        written_against: 0,
    };
    // One nomination at each position, with the command that moves it on there.
    let mut n = draft(AwardKind::BangKhenBoTinh, wf, w.today);
    let mut steps: Vec<(Nomination, Command, u128)> = Vec::new();
    let script: Vec<(Actor, Command, u128)> = vec![
        (p.head_x.clone(), Command::Submit, CAX),
        (p.head_h.clone(), Command::Endorse { note: None }, CAH),
        (p.head_t.clone(), Command::Endorse { note: None }, CAT),
        (p.office.clone(), Command::Receive, BCA),
        (
            p.office2.clone(),
            Command::Appraise {
                verdict: AppraisalVerdict::Eligible,
                notes: "x".into(),
            },
            BCA,
        ),
        (p.secretary.clone(), Command::RecordCouncil { tally }, BCA),
        (
            p.signer.clone(),
            Command::Sign {
                decision: DecisionId(Uuid::nil()),
            },
            BCA,
        ),
    ];
    for (who, command, at) in script {
        steps.push((n.clone(), command.clone(), at));
        if let Ok(t) = w.run(wf, &n, &who, command) {
            n = t.next;
        }
    }
    let mut checked = 0;
    for (n, command, party_unit) in &steps {
        let (role, reach, _, _) = requirement(wf, n, command, &w.route).unwrap();
        for held in Role::ALL {
            // Own unit, its parent (an ancestor), a child or a sibling when it has one.
            for (relation, at) in relations(party_unit) {
                let who = actor(60, &[(held, at)]);
                let allowed = w.run(wf, n, &who, command.clone()).is_ok();
                let expected = held == role
                    && (relation == "own"
                        || (reach == crate::authz::Reach::Subtree && relation == "ancestor"));
                assert_eq!(
                    allowed,
                    expected,
                    "{:?} as {held} at {relation} of unit {party_unit}",
                    command.kind()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked}");
}

fn relations(u: &u128) -> Vec<(&'static str, u128)> {
    let mut out = vec![("own", *u)];
    match *u {
        BCA => out.extend([("subtree", CAT), ("other", TTRA)]),
        CAT => out.extend([("ancestor", BCA), ("subtree", CAH), ("sibling", TTRA)]),
        CAH => out.extend([("ancestor", CAT), ("subtree", CAX), ("sibling", SIBLING)]),
        CAX => out.extend([("ancestor", CAH), ("sibling", SIBLING)]),
        _ => {}
    }
    out
}

#[test]
fn the_loader_names_the_file_the_workflow_and_the_stage() {
    let good_stages = r#"[
  { kind = "SUBMIT", party = "PROPOSER", role = "UNIT_HEAD" },
  { kind = "RECEIVE", party = "ISSUER_OFFICE", role = "CLERK", deadline_days = 5 },
  { kind = "APPRAISE", party = "ISSUER_OFFICE", role = "CLERK", deadline_days = 5 },
  { kind = "SIGN", party = "ISSUER_SIGNER", role = "SIGNER" },
]"#;
    let file = |stages: &str, extra: &str| {
        format!(
            "{}\n[[workflow]]\nid = \"EXTRA\"\nversion = 1\nname_vi = \"x\"\nname_en = \"x\"\nawards = [\"GIAY_KHEN\"]\nauthority = \"UNIT_HEAD\"\neffective_from = 2025-09-01\nbasis = \"b\"\n{extra}stages = {stages}\n",
            super::load::EMBEDDED_WORKFLOWS.1
        )
    };
    assert!(Workflows::parse("w.toml", &file(good_stages, ""), rulesets()).is_ok());
    #[rustfmt::skip]
    let cases: Vec<(String, &str)> = vec![
        (file(&good_stages.replace("\"SIGN\", party = \"ISSUER_SIGNER\", role = \"SIGNER\"", "\"SIGN\", party = \"ISSUER_SIGNER\", role = \"CLERK\""), ""), "workflow EXTRA v1, stage 4 (SIGN): role CLERK cannot act at a SIGN stage"),
        (file(&good_stages.replace("party = \"ISSUER_OFFICE\", role = \"CLERK\", deadline_days = 5 },\n  { kind = \"APPRAISE\"", "party = \"ISSUER_COUNCIL\", role = \"CLERK\", deadline_days = 5 },\n  { kind = \"APPRAISE\""), ""), "stage 2 (RECEIVE): at a RECEIVE stage the party is ISSUER_OFFICE, not ISSUER_COUNCIL"),
        (file(&good_stages.replace("{ kind = \"APPRAISE\", party = \"ISSUER_OFFICE\", role = \"CLERK\", deadline_days = 5 },", ""), ""), "stage APPRAISE is missing"),
        (file(&good_stages.replace("deadline_days = 5 },\n  { kind = \"APPRAISE\"", "deadline_days = 0 },\n  { kind = \"APPRAISE\""), ""), "`deadline_days` = 0 is out of range 1–250"),
        (file(&good_stages.replace("{ kind = \"SUBMIT\", party = \"PROPOSER\", role = \"UNIT_HEAD\" },", ""), ""), "starts with SUBMIT and ends with SIGN"),
        (file(good_stages, "").replace("id = \"EXTRA\"", "id = \"GIAY_KHEN\""), "version 1 of GIAY_KHEN is defined twice"),
        (file(good_stages, "").replace("awards = [\"GIAY_KHEN\"]\nauthority = \"UNIT_HEAD\"", "awards = [\"BANG_KHEN_BO_TINH\"]\nauthority = \"UNIT_HEAD\""), "BANG_KHEN_BO_TINH is decided by MINISTRY_OR_PROVINCE under ruleset"),
        (file(good_stages, "").replace("effective_from = 2025-09-01", "effective_from = 2017-09-15"), "GIAY_KHEN is served by two workflows taking effect on 2017-09-15"),
        (file(&good_stages.replace("{ kind = \"RECEIVE\", party = \"ISSUER_OFFICE\", role = \"CLERK\", deadline_days = 5 },\n  { kind = \"APPRAISE\", party = \"ISSUER_OFFICE\", role = \"CLERK\", deadline_days = 5 },", "{ kind = \"APPRAISE\", party = \"ISSUER_OFFICE\", role = \"CLERK\", deadline_days = 5 },\n  { kind = \"RECEIVE\", party = \"ISSUER_OFFICE\", role = \"CLERK\", deadline_days = 5 },"), ""), "stage RECEIVE cannot come after APPRAISE"),
        (file(&good_stages.replace("{ kind = \"SIGN\"", "{ kind = \"PUBLIC_NOTICE\", party = \"ISSUER_OFFICE\", role = \"CLERK\" },\n  { kind = \"SIGN\""), ""), "`notice_days` is required for PUBLIC_NOTICE"),
        (file(good_stages, "").replace("kind = \"SUBMIT\"", "kind = \"VOTE\""), "unknown variant `VOTE`"),
    ];
    for (text, expected) in cases {
        let err = Workflows::parse("w.toml", &text, rulesets()).expect_err(expected);
        let message = err.to_string();
        assert!(message.starts_with("w.toml"), "{message}");
        assert!(
            message.contains(expected),
            "expected {expected:?} in {message}"
        );
    }
}

// ---- property: no sequence of commands reaches DECIDED without passing every stage ----

fn completed_at(event: &Event) -> bool {
    matches!(
        event,
        Event::Submitted
            | Event::Endorsed { .. }
            | Event::Received
            | Event::Appraised {
                verdict: AppraisalVerdict::Eligible,
                ..
            }
            | Event::NoticeClosed
            | Event::ConsultationClosed { .. }
            | Event::CouncilApproved { .. }
            | Event::Decided { .. }
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn no_sequence_reaches_decided_without_every_stage_and_returns_land_where_they_were(
        which in 0usize..12,
        depth in 0usize..3,
        commands in proptest::collection::vec((0usize..CommandKind::ALL.len(), 0u8..4), 0..80),
    ) {
        let selectable: Vec<&Workflow> = workflows().all().iter().collect();
        let wf = selectable[which % selectable.len()];
        let award = wf.awards.first().copied().unwrap_or(AwardKind::GiayKhen);
        let p = people();
        let mut w = World::new(award);
        // The issuer sits `depth` levels above the proposing unit's parent.
        let issuer = [CAH, CAT, BCA][depth];
        w.route = Route::new(path_of(CAX), path_of(issuer)).unwrap();
        let mut n = draft(award, wf, w.today);
        n.issuer = unit(issuer);
        let positions = wf.positions(&w.route);
        let mut passed: BTreeSet<Position> = BTreeSet::new();
        let mut returned_at: Option<Position> = None;
        let mut seen_states: BTreeMap<NominationState, u32> = BTreeMap::new();
        for (k, days) in commands {
            let kind = CommandKind::ALL[k];
            w.today = calendar().add_working_days(w.today, u32::from(days) * 3);
            let command = match kind {
                CommandKind::RequestOpinions => Command::RequestOpinions { units: vec![path_of(TTRA)] },
                CommandKind::GiveOpinion => Command::GiveOpinion { unit: unit(TTRA), verdict: OpinionVerdict::Object, text: "x".into() },
                CommandKind::NoticeDelay => Command::NoticeDelay { new_due_on: calendar().add_working_days(w.today, 5), reason: "x".into() },
                other => sample(other),
            };
            // Sometimes the district head submits, proposing at the district's level.
            let who = if kind == CommandKind::Submit && days % 2 == 1 {
                p.head_h.clone()
            } else {
                actor_for(wf, &n, &command, &w.route, &p)
            };
            let before = n.progress().position;
            let Ok(t) = w.run(wf, &n, &who, command) else { continue };
            for event in &t.events {
                if let Event::Endorsed { unit: by, .. } = event {
                    // One submission may endorse several levels: each names its unit.
                    let level = (0..w.route.level_count())
                        .find(|l| w.route.level(*l).and_then(|p| p.unit()) == Some(*by));
                    let stage = wf.index_of(StageKind::Endorse);
                    if let (Some(level), Some(stage)) = (level, stage) {
                        passed.insert(Position { stage, level });
                    }
                } else if completed_at(event) {
                    passed.insert(before);
                }
                if matches!(event, Event::Recalled) {
                    let back = t.next.progress().position;
                    passed.retain(|q| *q < back);
                }
                if matches!(event, Event::Returned { .. }) {
                    returned_at = Some(before);
                }
                if matches!(event, Event::Resubmitted { .. }) {
                    prop_assert_eq!(Some(t.next.progress().position), returned_at, "resubmitted elsewhere");
                }
            }
            n = t.next;
            *seen_states.entry(n.state()).or_default() += 1;
            if n.state() == NominationState::Decided {
                let all: BTreeSet<Position> = positions.iter().copied().collect();
                prop_assert_eq!(&passed, &all, "decided without passing every stage");
            }
            if n.state().is_final() || n.state() == NominationState::Decided {
                break;
            }
        }
    }
}

#[test]
fn a_walk_through_every_shipped_workflow_reaches_a_decision() {
    // The happy path of the property above, made explicit: for every definition and depth, the
    // stage commands in order reach DECIDED, one position at a time.
    let p = people();
    for wf in workflows().all() {
        for issuer in [CAH, CAT, BCA] {
            let award = wf.awards.first().copied().unwrap_or(AwardKind::GiayKhen);
            let mut w = World::new(award);
            w.route = Route::new(path_of(CAX), path_of(issuer)).unwrap();
            let mut n = draft(award, wf, w.today);
            n.issuer = unit(issuer);
            let mut steps = 0;
            while n.state() != NominationState::Decided && steps < 40 {
                steps += 1;
                let command = match (n.state(), stage_kind(wf, &n)) {
                    (NominationState::Draft, _) => Command::Submit,
                    (_, StageKind::Submit) => Command::Submit,
                    (_, StageKind::Endorse) => Command::Endorse { note: None },
                    (_, StageKind::Receive) => Command::Receive,
                    (_, StageKind::Appraise) => Command::Appraise {
                        verdict: AppraisalVerdict::Eligible,
                        notes: "x".into(),
                    },
                    (_, StageKind::PublicNotice) => {
                        w.today = calendar().add_working_days(w.today, 11);
                        Command::CloseNotice
                    }
                    (_, StageKind::Consult) => Command::CloseConsultation,
                    (_, StageKind::Council) => Command::RecordCouncil {
                        tally: Tally {
                            members: 5,
                            present: 5,
                            votes_for: 5,
                            votes_against: 0,
                            abstentions: 0,
                            written_for: 0,
                            written_against: 0,
                        },
                    },
                    (_, StageKind::Sign) => Command::Sign {
                        decision: DecisionId(Uuid::nil()),
                    },
                };
                let who = actor_for(wf, &n, &command, &w.route, &p);
                n = w.ok(wf, &n, &who, command);
            }
            assert_eq!(
                n.state(),
                NominationState::Decided,
                "{} via {issuer}",
                wf.id
            );
        }
    }
}

#[test]
fn a_nominations_events_fold_back_into_it_through_their_audit_details() {
    use crate::events::{DomainEvent, NominationEvent, fold_nomination};
    let wf = workflows()
        .for_award(AwardKind::BangKhenBoTinh, date!(2025 - 03 - 03))
        .unwrap();
    let p = people();
    let mut w = World::new(AwardKind::BangKhenBoTinh);
    let mut n = draft(AwardKind::BangKhenBoTinh, wf, w.today);
    let mut log = vec![NominationEvent::Drafted {
        nomination: Box::new(n.clone()),
    }];
    let tally = Tally {
        members: 9,
        present: 8,
        votes_for: 8,
        ..Tally::default()
    };
    let steps = [
        (
            &p.clerk_x,
            Command::Edit {
                achievement: "Thành tích đã sửa".into(),
            },
        ),
        (&p.head_x, Command::Submit),
        (&p.head_h, Command::Endorse { note: None }),
        (&p.head_t, Command::Endorse { note: None }),
        (&p.office, Command::Receive),
        (
            &p.office2,
            Command::Appraise {
                verdict: AppraisalVerdict::Eligible,
                notes: "Đủ điều kiện".into(),
            },
        ),
        (&p.secretary, Command::RecordCouncil { tally }),
        (
            &p.signer,
            Command::Sign {
                decision: DecisionId(Uuid::from_u128(500)),
            },
        ),
    ];
    for (i, (who, command)) in steps.into_iter().enumerate() {
        if i == 1 {
            // Grouped into a proposal before it is submitted, as the store saves it.
            let version = n.version() + 1;
            n = n
                .in_proposal(crate::ids::ProposalId(Uuid::from_u128(600)))
                .saved_at(version);
            log.push(NominationEvent::Grouped {
                id: n.id,
                proposal: crate::ids::ProposalId(Uuid::from_u128(600)),
                number: None,
                version,
            });
        }
        let t = w.run(wf, &n, who, command).unwrap();
        let next = t.next.clone().saved_at(n.version() + 1);
        for event in t.events {
            log.push(NominationEvent::Moved {
                id: n.id,
                event,
                before: n.progress().clone(),
                after: next.progress().clone(),
                from_stage: stage_kind(wf, &n),
                to_stage: stage_kind(wf, &next),
                acting_for: None,
            });
        }
        n = next;
    }
    // What the audit log keeps is what folds.
    let stored: Vec<NominationEvent> = log
        .iter()
        .map(|e| {
            let details = DomainEvent::Nomination(e.clone()).audit_fields().details;
            serde_json::from_value(details).unwrap()
        })
        .collect();
    assert_eq!(stored, log);
    for e in &stored {
        assert!(
            crate::events::is_event_name(e.name()),
            "{} is not listed",
            e.name()
        );
    }
    assert_eq!(fold_nomination(&stored), Some(n.clone()));
    assert_eq!(n.state(), NominationState::Decided);
    assert_eq!(n.achievement, "Thành tích đã sửa");
    // A stream that does not start with the drafting folds to nothing.
    assert_eq!(fold_nomination(&stored[1..]), None);
}
