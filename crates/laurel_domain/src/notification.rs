//! Notifications to people (thông báo): which changes someone must hear of, who that is, and
//! the e-mail that tells them, in Vietnamese then English.
//!
//! Pure: the gateway's notifier decides when to send, the store finds the accounts and their
//! addresses. A notification is about one nomination and says why it reached this person:
//!
//! | Reason      | When                                                     | To whom                                   |
//! |-------------|----------------------------------------------------------|-------------------------------------------|
//! | `NEW_WORK`  | it arrives at a stage (submitted, endorsed, received, …) | the role it now waits for, at that unit   |
//! | `DUE_SOON`  | its stage is due within a few days                       | the same                                  |
//! | `OVERDUE`   | its stage's due date has passed                          | the same                                  |
//! | `RETURNED`  | it was returned for supplement (trả lại để bổ sung)      | the proposing unit's role, and its drafter |
//! | `DECIDED`   | a decision awarding it was signed                        | its drafter and who submitted it          |
//! | `REJECTED`  | it was refused at a stage                                | its drafter and who submitted it          |
//!
//! Nobody is told of their own action.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::award::AwardKind;
use crate::calendar::format_date;
use crate::events::NominationEvent;
use crate::ids::NominationId;
use crate::nomination::NominationState;
use crate::workflow::Event;

/// Why someone is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Reason {
    /// A nomination now waits for them.
    NewWork,
    /// What waits for them is due soon.
    DueSoon,
    /// What waits for them is overdue.
    Overdue,
    /// Their nomination was returned for supplement.
    Returned,
    /// Their nomination was awarded by a signed decision.
    Decided,
    /// Their nomination was refused.
    Rejected,
}

impl Reason {
    /// Every reason.
    pub const ALL: [Reason; 6] = [
        Reason::NewWork,
        Reason::DueSoon,
        Reason::Overdue,
        Reason::Returned,
        Reason::Decided,
        Reason::Rejected,
    ];

    /// Stable code, as stored.
    pub fn code(self) -> &'static str {
        match self {
            Reason::NewWork => "NEW_WORK",
            Reason::DueSoon => "DUE_SOON",
            Reason::Overdue => "OVERDUE",
            Reason::Returned => "RETURNED",
            Reason::Decided => "DECIDED",
            Reason::Rejected => "REJECTED",
        }
    }

    /// The reason of a stable code.
    pub fn from_code(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }

    fn heading_vi(self) -> &'static str {
        match self {
            Reason::NewWork => "Hồ sơ chờ đồng chí xử lý",
            Reason::DueSoon => "Sắp đến hạn xử lý",
            Reason::Overdue => "Đã quá hạn xử lý",
            Reason::Returned => "Hồ sơ bị trả lại để bổ sung",
            Reason::Decided => "Đã có quyết định khen thưởng",
            Reason::Rejected => "Hồ sơ không được chấp thuận",
        }
    }

    fn heading_en(self) -> &'static str {
        match self {
            Reason::NewWork => "A nomination awaits you",
            Reason::DueSoon => "Due soon",
            Reason::Overdue => "Overdue",
            Reason::Returned => "Returned for supplement",
            Reason::Decided => "Awarded by a signed decision",
            Reason::Rejected => "Not approved",
        }
    }
}

/// How an account hears of its work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Mode {
    /// One e-mail as things happen (several at once are gathered into one).
    Immediate,
    /// One e-mail a day, at the configured hour, with everything since the last.
    Digest,
    /// No e-mail.
    Off,
}

impl Mode {
    /// Stable code, as stored.
    pub fn code(self) -> &'static str {
        match self {
            Mode::Immediate => "IMMEDIATE",
            Mode::Digest => "DIGEST",
            Mode::Off => "OFF",
        }
    }

    /// The mode of a stable code.
    pub fn from_code(code: &str) -> Option<Mode> {
        [Mode::Immediate, Mode::Digest, Mode::Off]
            .into_iter()
            .find(|m| m.code() == code)
    }
}

/// Who hears of a nomination's event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The accounts holding the role it now waits for, at that unit.
    Waiting,
    /// Those, and the account that drafted it.
    WaitingAndDrafter,
    /// The account that drafted it and the one that submitted it.
    Proposers,
}

/// Whether a nomination's event is one people are told of, why, and whom to tell.
pub fn reason_for(event: &NominationEvent) -> Option<(Reason, Audience)> {
    let NominationEvent::Moved {
        event,
        before,
        after,
        ..
    } = event
    else {
        return None;
    };
    match (event, after.state) {
        (Event::Decided { .. }, _) => Some((Reason::Decided, Audience::Proposers)),
        (_, NominationState::Rejected) if before.state != NominationState::Rejected => {
            Some((Reason::Rejected, Audience::Proposers))
        }
        (_, NominationState::Returned) if before.state != NominationState::Returned => {
            Some((Reason::Returned, Audience::WaitingAndDrafter))
        }
        (_, NominationState::Submitted)
            if before.state != NominationState::Submitted || before.position != after.position =>
        {
            Some((Reason::NewWork, Audience::Waiting))
        }
        _ => None,
    }
}

/// Whether a stage due on `due_on` is due soon or overdue on `today`, given how many days
/// ahead "soon" starts; `None` when neither.
pub fn due_reason(due_on: Date, today: Date, soon_days: u32) -> Option<Reason> {
    let left = (due_on - today).whole_days();
    if left < 0 {
        Some(Reason::Overdue)
    } else if left <= i64::from(soon_days) {
        Some(Reason::DueSoon)
    } else {
        None
    }
}

/// One thing to tell someone, as stored with the notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    /// Why.
    pub reason: Reason,
    /// The nomination.
    pub nomination: NominationId,
    /// The nominee's name.
    pub nominee: String,
    /// The award proposed.
    pub award: AwardKind,
    /// When its current stage is due, if it has a deadline.
    #[serde(with = "crate::calendar::iso_date::option", default)]
    pub due_on: Option<Date>,
    /// The reasons given (for a return or a refusal).
    #[serde(default)]
    pub note: Option<String>,
}

impl Item {
    fn line_vi(&self) -> String {
        let mut line = format!(
            "- {}: {} – {}",
            self.reason.heading_vi(),
            self.award.name_vi(),
            self.nominee
        );
        if let Some(due) = self.due_on.filter(|_| self.reason != Reason::Decided) {
            line.push_str(&format!(" (hạn {})", format_date(due)));
        }
        if let Some(note) = &self.note {
            line.push_str(&format!("\n  Lý do: {note}"));
        }
        line.push_str(&format!("\n  Mã hồ sơ: {}", self.nomination.0));
        line
    }

    fn line_en(&self) -> String {
        let mut line = format!(
            "- {}: {} – {}",
            self.reason.heading_en(),
            self.award.name_en(),
            self.nominee
        );
        if let Some(due) = self.due_on.filter(|_| self.reason != Reason::Decided) {
            line.push_str(&format!(" (due {})", format_date(due)));
        }
        if let Some(note) = &self.note {
            line.push_str(&format!("\n  Reason: {note}"));
        }
        line.push_str(&format!("\n  Nomination id: {}", self.nomination.0));
        line
    }
}

/// An e-mail to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// Subject line.
    pub subject: String,
    /// Plain-text body: Vietnamese, then English.
    pub body: String,
}

/// The e-mail telling `name` of `items` (at least one): a daily digest dated `today`, or an
/// immediate one. `console` is where Laurel is reached.
pub fn compose(name: &str, items: &[Item], digest: Option<Date>, console: &str) -> Mail {
    let subject = match (digest, items) {
        (Some(day), _) => format!(
            "[Laurel] Bản tin công việc ngày {} / Daily digest",
            format_date(day)
        ),
        (None, [one]) => format!(
            "[Laurel] {}: {} – {} / {}",
            one.reason.heading_vi(),
            one.award.name_vi(),
            one.nominee,
            one.reason.heading_en()
        ),
        (None, many) => format!(
            "[Laurel] {} thông báo mới / {} new notifications",
            many.len(),
            many.len()
        ),
    };
    let vi: Vec<String> = items.iter().map(Item::line_vi).collect();
    let en: Vec<String> = items.iter().map(Item::line_en).collect();
    let body = format!(
        "Kính gửi đồng chí {name},\n\n{}\n\nMở Laurel để xử lý: {console}\n\
         Để thôi nhận thư hoặc chỉ nhận bản tin hằng ngày, đổi tuỳ chọn thông báo của tài khoản \
         (setNotificationPreferences).\n\n---\n\nDear {name},\n\n{}\n\nOpen Laurel: {console}\n\
         To stop these e-mails or get one daily digest instead, change your account's notification \
         preferences (setNotificationPreferences).\n",
        vi.join("\n"),
        en.join("\n"),
    );
    Mail { subject, body }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests: a panic is the failure report
mod tests {
    use super::*;
    use crate::nomination::Progress;
    use crate::workflow::{Position, StageKind};
    use time::macros::date;

    fn moved(
        event: Event,
        before: NominationState,
        after: NominationState,
        stage: usize,
    ) -> NominationEvent {
        let mut b = Progress::draft(date!(2026 - 11 - 02));
        b.state = before;
        let mut a = b.clone();
        a.state = after;
        a.position = Position { stage, level: 0 };
        NominationEvent::Moved {
            id: NominationId(uuid::Uuid::nil()),
            event,
            before: b,
            after: a,
            from_stage: StageKind::Submit,
            to_stage: StageKind::Receive,
            acting_for: None,
        }
    }

    #[test]
    fn who_hears_of_what() {
        use NominationState::*;
        let decision = crate::ids::DecisionId(uuid::Uuid::nil());
        let cases: [(NominationEvent, Option<(Reason, Audience)>); 7] = [
            // Submitted: the next stage's party has new work.
            (
                moved(Event::Submitted, Draft, Submitted, 1),
                Some((Reason::NewWork, Audience::Waiting)),
            ),
            // Moved on within the review: new work for the next party.
            (
                moved(Event::Received, Submitted, Submitted, 2),
                Some((Reason::NewWork, Audience::Waiting)),
            ),
            // Recorded something without moving (same position): nobody new to tell.
            (moved(Event::Received, Submitted, Submitted, 0), None),
            // Returned for supplement: the proposing unit, and who drafted it.
            (
                moved(
                    Event::Returned {
                        reasons: vec![],
                        missing: vec![],
                    },
                    Submitted,
                    Returned,
                    0,
                ),
                Some((Reason::Returned, Audience::WaitingAndDrafter)),
            ),
            (
                moved(
                    Event::Rejected {
                        reason: String::new(),
                    },
                    Submitted,
                    Rejected,
                    0,
                ),
                Some((Reason::Rejected, Audience::Proposers)),
            ),
            (
                moved(Event::Decided { decision }, Submitted, Decided, 0),
                Some((Reason::Decided, Audience::Proposers)),
            ),
            // Withdrawn by its own unit: nobody else waits for it.
            (
                moved(
                    Event::Withdrawn {
                        reason: String::new(),
                    },
                    Submitted,
                    Withdrawn,
                    0,
                ),
                None,
            ),
        ];
        for (event, expected) in cases {
            assert_eq!(reason_for(&event), expected, "{event:?}");
        }
    }

    #[test]
    fn due_soon_starts_a_configured_number_of_days_ahead() {
        let due = date!(2026 - 12 - 10);
        let cases = [
            (date!(2026 - 12 - 01), None),
            (date!(2026 - 12 - 08), Some(Reason::DueSoon)),
            (date!(2026 - 12 - 10), Some(Reason::DueSoon)),
            (date!(2026 - 12 - 11), Some(Reason::Overdue)),
        ];
        for (today, expected) in cases {
            assert_eq!(due_reason(due, today, 2), expected, "{today}");
        }
    }

    #[test]
    fn mails_are_bilingual_with_dates_as_people_read_them() {
        let item = Item {
            reason: Reason::Returned,
            nomination: NominationId(uuid::Uuid::nil()),
            nominee: "Nguyễn Thị Ngọc Huyền".into(),
            award: AwardKind::GiayKhen,
            due_on: Some(date!(2026 - 12 - 05)),
            note: Some("Thiếu biên bản họp hội đồng".into()),
        };
        let one = compose(
            "Trần Văn An",
            std::slice::from_ref(&item),
            None,
            "http://laurel",
        );
        assert_eq!(
            one.subject,
            "[Laurel] Hồ sơ bị trả lại để bổ sung: Giấy khen – Nguyễn Thị Ngọc Huyền / Returned for supplement"
        );
        assert!(one.body.starts_with("Kính gửi đồng chí Trần Văn An,"));
        assert!(one.body.contains("(hạn 05/12/2026)"));
        assert!(one.body.contains("Lý do: Thiếu biên bản họp hội đồng"));
        assert!(one.body.contains("Dear Trần Văn An,"));
        assert!(one.body.contains("(due 05/12/2026)"));

        let digest = compose(
            "An",
            &[item.clone(), item],
            Some(date!(2026 - 12 - 01)),
            "http://laurel",
        );
        assert_eq!(
            digest.subject,
            "[Laurel] Bản tin công việc ngày 01/12/2026 / Daily digest"
        );
        assert_eq!(digest.body.matches("- Hồ sơ bị trả lại").count(), 2);
    }
}
