#![allow(clippy::unwrap_used, clippy::panic)] // tests: a panic is the failure report

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use time::macros::date;
use uuid::Uuid;

use super::*;
use crate::ids::NominationId;
use crate::rules::{Confidence, VoteBase};

fn account(n: u128) -> AccountId {
    AccountId(Uuid::from_u128(n))
}

fn nomination(n: u128) -> NominationId {
    NominationId(Uuid::from_u128(1000 + n))
}

fn rule(threshold: &str, base: VoteBase, strict: bool, secret: bool) -> VoteRule {
    VoteRule {
        threshold: threshold.parse().unwrap(),
        base,
        strict,
        secret_ballot: secret,
        written_opinions: true,
        confidence: Confidence::Unconfirmed,
        source: "test".into(),
    }
}

/// A council of `members` (accounts 1..=members), the first `present` of them present.
fn session(members: u128, present: u128, rule: VoteRule) -> Session {
    let all: BTreeMap<AccountId, Position> = (1..=members)
        .map(|n| {
            let position = if n == 1 {
                Position::Chair
            } else {
                Position::Member
            };
            (account(n), position)
        })
        .collect();
    let here: BTreeSet<AccountId> = (1..=present).map(account).collect();
    Session::open(all, here, Quorum::default(), vec![(nomination(1), rule)]).unwrap()
}

fn receipt(n: u128) -> String {
    format!("{n:064x}")
}

/// Casts `yes`, `no`, `abstain` ballots from the present members in order.
fn cast(s: &mut Session, yes: u128, no: u128, abstain: u128) {
    let mut voter = 1;
    for (n, choice) in [
        (yes, Choice::Yes),
        (no, Choice::No),
        (abstain, Choice::Abstain),
    ] {
        for _ in 0..n {
            s.cast(nomination(1), account(voter), choice, receipt(voter))
                .unwrap();
            voter += 1;
        }
    }
}

#[test]
fn thresholds_from_the_law_decide_secret_ballots() {
    // Luật TĐKT 06/2022 and Decree 98/2023: CSTĐ and flags need a share of all members by
    // secret ballot. 9 members, 7 present.
    let ninety_of_all = rule("90%", VoteBase::AllMembers, false, true);
    let cases: [(&str, u128, u128, u32, bool, &str); 3] = [
        ("6 yes of 9 members", 6, 0, 0, false, "6/9 = 66.7% < 90%"),
        (
            "6 yes and the 2 absent in writing",
            6,
            2,
            0,
            false,
            "8/9 = 88.9% < 90%",
        ),
        ("7 yes and the 2 absent in writing", 7, 2, 0, true, "9/9"),
    ];
    for (case, yes, written_yes, _, approved, why) in cases {
        let mut s = session(9, 7, ninety_of_all.clone());
        cast(&mut s, yes, 7 - yes, 0);
        for absent in 8..8 + written_yes {
            s.written_opinion(nomination(1), account(absent), Choice::Yes)
                .unwrap();
        }
        let outcome = s.close().unwrap().remove(0);
        assert_eq!(outcome.approved, Some(approved), "{case}: {why}");
        let tally = outcome.tally.unwrap();
        assert_eq!(
            (tally.members, tally.present, tally.votes_for),
            (9, 7, u32::try_from(yes).unwrap())
        );
    }
}

#[test]
fn shares_of_those_present_strict_or_not() {
    // (rule, present, yes, no, abstain, approved)
    let more_than_half = rule("50%", VoteBase::Present, true, false);
    let two_thirds = rule("2/3", VoteBase::Present, false, false);
    let cases = [
        (
            "> 50% of 7 present: 4 yes",
            &more_than_half,
            7,
            4,
            3,
            0,
            true,
        ),
        (
            "> 50% of 7 present: 3 yes",
            &more_than_half,
            7,
            3,
            1,
            3,
            false,
        ),
        (
            "> 50% of 6 present: exactly half",
            &more_than_half,
            6,
            3,
            3,
            0,
            false,
        ),
        ("≥ 2/3 of 6 present: 4 yes", &two_thirds, 6, 4, 2, 0, true),
        ("≥ 2/3 of 6 present: 3 yes", &two_thirds, 6, 3, 3, 0, false),
        ("≥ 2/3 of 9 present: 6 yes", &two_thirds, 9, 6, 3, 0, true),
    ];
    for (case, rule, present, yes, no, abstain, approved) in cases {
        let mut s = session(9, present, rule.clone());
        s.record_tally(nomination(1), Counts { yes, no, abstain })
            .unwrap();
        let outcome = s.close().unwrap().remove(0);
        assert_eq!(outcome.approved, Some(approved), "{case}");
    }
}

#[test]
fn written_opinions_never_count_toward_a_share_of_those_present() {
    let half_present = rule("50%", VoteBase::Present, true, false);
    let mut s = session(9, 6, half_present.clone());
    s.record_tally(
        nomination(1),
        Counts {
            yes: 3,
            no: 3,
            abstain: 0,
        },
    )
    .unwrap();
    for absent in 7..=9 {
        s.written_opinion(nomination(1), account(absent), Choice::Yes)
            .unwrap();
    }
    let outcome = s.close().unwrap().remove(0);
    assert_eq!(outcome.approved, Some(false));
    let tally = outcome.tally.unwrap();
    assert_eq!(tally.written_for, 3);
    let (vi, en) = explain_outcome(&half_present, &tally, false);
    assert!(vi.contains("không tính theo quy tắc này"), "{vi}");
    assert!(en.contains("not counted"), "{en}");
}

#[test]
fn without_a_quorum_a_session_cannot_vote() {
    let members: BTreeMap<AccountId, Position> =
        (1..=9).map(|n| (account(n), Position::Member)).collect();
    let five: BTreeSet<AccountId> = (1..=5).map(account).collect();
    let err = Session::open(
        members.clone(),
        five,
        Quorum::default(),
        vec![(nomination(1), rule("50%", VoteBase::Present, true, false))],
    )
    .unwrap_err();
    assert_eq!(
        err,
        CouncilError::QuorumNotMet {
            present: 5,
            members: 9,
            needed: 6,
            quorum: Share::TWO_THIRDS
        }
    );
    assert!(err.message_vi().contains("5/9"), "{}", err.message_vi());
    // A stricter council: more than three quarters.
    let six: BTreeSet<AccountId> = (1..=6).map(account).collect();
    let strict = Quorum {
        share: "3/4".parse().unwrap(),
        strict: true,
    };
    assert!(matches!(
        Session::open(
            members,
            six,
            strict,
            vec![(nomination(1), rule("50%", VoteBase::Present, true, false))]
        ),
        Err(CouncilError::QuorumNotMet { needed: 7, .. })
    ));
}

#[test]
fn a_recused_member_leaves_the_base_of_that_item_only() {
    let ninety_of_all = rule("90%", VoteBase::AllMembers, false, true);
    let members: BTreeMap<AccountId, Position> =
        (1..=9).map(|n| (account(n), Position::Member)).collect();
    let present: BTreeSet<AccountId> = (1..=9).map(account).collect();
    let mut s = Session::open(
        members,
        present,
        Quorum::default(),
        vec![
            (nomination(1), ninety_of_all.clone()),
            (nomination(2), ninety_of_all),
        ],
    )
    .unwrap();
    // Member 9 heads the nominated unit of item 1.
    s.recuse(
        nomination(1),
        account(9),
        "Trưởng đơn vị được đề nghị".into(),
    )
    .unwrap();
    assert_eq!(
        s.cast(nomination(1), account(9), Choice::Yes, receipt(99)),
        Err(CouncilError::Recused)
    );
    for voter in 1..=8 {
        s.cast(nomination(1), account(voter), Choice::Yes, receipt(voter))
            .unwrap();
    }
    for voter in 1..=8 {
        s.cast(
            nomination(2),
            account(voter),
            Choice::Yes,
            receipt(100 + voter),
        )
        .unwrap();
    }
    let outcomes = s.close().unwrap();
    // Item 1: 8 of 8 (the recused member is out of the base): approved.
    let first = outcomes[0].tally.unwrap();
    assert_eq!((first.members, first.present, first.votes_for), (8, 8, 8));
    assert_eq!(outcomes[0].approved, Some(true));
    // Item 2: 8 of 9 = 88.9%: not approved.
    assert_eq!(outcomes[1].approved, Some(false));
}

#[test]
fn every_refusal_names_what_is_wrong_and_changes_nothing() {
    let secret = rule("90%", VoteBase::AllMembers, false, true);
    let open = rule("50%", VoteBase::Present, true, false);
    let mut s = session(9, 7, secret.clone());
    let before = s.clone();
    let refusals = [
        (
            s.clone()
                .cast(nomination(1), account(8), Choice::Yes, receipt(8)),
            CouncilError::NotPresent,
        ),
        (
            s.clone()
                .cast(nomination(1), account(42), Choice::Yes, receipt(42)),
            CouncilError::NotAMember(account(42)),
        ),
        (
            s.clone()
                .cast(nomination(2), account(1), Choice::Yes, receipt(1)),
            CouncilError::NotOnAgenda(nomination(2)),
        ),
        (
            s.clone().record_tally(nomination(1), Counts::default()),
            CouncilError::SecretBallot,
        ),
        (
            s.clone()
                .written_opinion(nomination(1), account(1), Choice::Yes),
            CouncilError::PresentMember,
        ),
    ];
    for (result, expected) in refusals {
        assert_eq!(result, Err(expected));
    }
    assert_eq!(s, before);
    s.cast(nomination(1), account(1), Choice::No, receipt(1))
        .unwrap();
    assert_eq!(
        s.cast(nomination(1), account(1), Choice::Yes, receipt(77)),
        Err(CouncilError::AlreadyVoted),
        "one ballot per member"
    );
    assert_eq!(
        s.recuse(nomination(1), account(1), "x".into()),
        Err(CouncilError::AlreadyVoted)
    );
    s.close().unwrap();
    assert_eq!(s.close(), Err(CouncilError::Closed));
    assert_eq!(
        s.cast(nomination(1), account(2), Choice::Yes, receipt(2)),
        Err(CouncilError::Closed)
    );

    let mut o = session(9, 7, open);
    assert_eq!(
        o.cast(nomination(1), account(1), Choice::Yes, receipt(1)),
        Err(CouncilError::OpenVote)
    );
    assert_eq!(
        o.record_tally(
            nomination(1),
            Counts {
                yes: 8,
                no: 0,
                abstain: 0
            }
        ),
        Err(CouncilError::TooManyVotes {
            votes: 8,
            eligible: 7
        })
    );
    o.record_tally(
        nomination(1),
        Counts {
            yes: 7,
            no: 0,
            abstain: 0,
        },
    )
    .unwrap();
    assert_eq!(
        o.record_tally(nomination(1), Counts::default()),
        Err(CouncilError::TallyRecorded)
    );
}

#[test]
fn an_item_nobody_voted_stays_undecided() {
    let mut s = session(5, 5, rule("50%", VoteBase::Present, true, true));
    let outcome = s.close().unwrap().remove(0);
    assert_eq!((outcome.tally, outcome.approved), (None, None));
}

#[test]
fn shares_parse_print_and_refuse_nonsense() {
    for (text, num, den, shown) in [
        ("2/3", 2, 3, "2/3"),
        ("90%", 90, 100, "90%"),
        (" 50 % ", 50, 100, "50%"),
        ("1/2", 1, 2, "1/2"),
    ] {
        let share: Share = text.parse().unwrap();
        assert_eq!((share.num(), share.den()), (num, den), "{text}");
        assert_eq!(share.to_string(), shown);
    }
    for bad in ["3/2", "1/0", "abc", "101%", "", "-1/3"] {
        assert!(bad.parse::<Share>().is_err(), "{bad}");
    }
    assert_eq!(Share::TWO_THIRDS.needed(9, false), 6);
    assert_eq!(Share::percent(50).needed(6, true), 4);
    assert_eq!(Share::percent(90).needed(9, false), 9);
}

#[test]
fn terms_cover_their_days_and_may_not_overlap() {
    let term = |id: u128, who: u128, from, until| Membership {
        id: crate::ids::MembershipId(Uuid::from_u128(id)),
        account: account(who),
        position: Position::Member,
        from,
        until,
    };
    let a = term(1, 1, date!(2024 - 01 - 01), Some(date!(2024 - 12 - 31)));
    let b = term(2, 2, date!(2025 - 01 - 01), None);
    assert!(a.covers(date!(2024 - 06 - 01)) && !a.covers(date!(2025 - 01 - 01)));
    let on = members_on(&[a.clone(), b.clone()], date!(2025 - 03 - 01));
    assert_eq!(on.keys().copied().collect::<Vec<_>>(), [account(2)]);
    // The same account again from 2025: fine; from mid-2024: overlaps.
    assert_eq!(
        check_term(
            &term(3, 1, date!(2025 - 01 - 01), None),
            std::slice::from_ref(&a)
        ),
        Ok(())
    );
    assert_eq!(
        check_term(
            &term(3, 1, date!(2024 - 07 - 01), None),
            std::slice::from_ref(&a)
        ),
        Err(InvalidTerm::Overlaps)
    );
    assert_eq!(
        check_term(
            &term(3, 3, date!(2024 - 07 - 01), Some(date!(2024 - 06 - 01))),
            &[a]
        ),
        Err(InvalidTerm::EndsBeforeStart)
    );
}

proptest! {
    /// What is stored of a secret vote is the same whatever order the members cast in: the
    /// ballots say nothing of who voted when.
    #[test]
    fn the_stored_ballots_do_not_depend_on_the_order_of_casting(
        choices in proptest::collection::vec(0u8..3, 1..12),
        seed in any::<u64>(),
    ) {
        let n = choices.len() as u128;
        let secret = rule("90%", VoteBase::AllMembers, false, true);
        let mut in_order = session(n, n, secret.clone());
        let mut shuffled = session(n, n, secret);
        let choice = |c: u8| [Choice::Yes, Choice::No, Choice::Abstain][usize::from(c)];
        let mut order: Vec<usize> = (0..choices.len()).collect();
        // A deterministic shuffle from the seed.
        let mut x = seed | 1;
        for i in (1..order.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            order.swap(i, (x % (i as u64 + 1)) as usize);
        }
        for (i, c) in choices.iter().enumerate() {
            let who = i as u128 + 1;
            in_order.cast(nomination(1), account(who), choice(*c), receipt(who * 7919)).unwrap();
        }
        for i in order {
            let who = i as u128 + 1;
            shuffled.cast(nomination(1), account(who), choice(choices[i]), receipt(who * 7919)).unwrap();
        }
        prop_assert_eq!(&in_order.items[0].ballots, &shuffled.items[0].ballots);
        prop_assert_eq!(&in_order.items[0].voters, &shuffled.items[0].voters);
        prop_assert_eq!(in_order.items[0].counts().map(Counts::total), Some(n as u32));
    }
}

#[test]
fn no_recusal_after_the_tally_no_empty_tally_no_written_abstention() {
    let open = rule("50%", VoteBase::Present, true, false);
    let mut s = session(9, 8, open);
    assert_eq!(
        s.record_tally(nomination(1), Counts::default()),
        Err(CouncilError::EmptyTally)
    );
    assert_eq!(
        s.written_opinion(nomination(1), account(9), Choice::Abstain),
        Err(CouncilError::WrittenAbstention)
    );
    s.record_tally(
        nomination(1),
        Counts {
            yes: 5,
            no: 0,
            abstain: 0,
        },
    )
    .unwrap();
    // Recusing a member now would change the base the votes were counted against.
    assert_eq!(
        s.recuse(nomination(1), account(8), "x".into()),
        Err(CouncilError::TallyRecorded)
    );
    let members = BTreeMap::new();
    assert_eq!(
        Session::open(
            members,
            BTreeSet::new(),
            Quorum::default(),
            vec![(nomination(1), rule("50%", VoteBase::Present, true, false))]
        ),
        Err(CouncilError::NoMembers)
    );
    assert!(!"0/3".parse::<Share>().unwrap().is_positive());
}
