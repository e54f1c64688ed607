//! Award decisions (Quyết định khen thưởng): numbering, signer capacity, and how they read.

use std::fmt;
use std::str::FromStr;

use time::Date;

use crate::authz::Authority;
use crate::calendar::{format_date, long_date_vi};
use crate::ids::{AccountId, DecisionId, UnitId};
use crate::message::Explain;
use crate::org::{SHORT_TEXT_MAX, UnitCode};
use crate::text::{InvalidInput, optional_line};
use crate::workflow::AnnulGround;

/// A decision number: `N/QĐ-<issuer code>`, N counted per issuer and calendar year from 1,
/// without gaps or duplicates (Decree 30/2020/NĐ-CP on document numbering).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DecisionNumber {
    /// The sequence number within the issuer and year.
    pub seq: i32,
    /// The issuer's code.
    pub issuer_code: UnitCode,
}

impl fmt::Display for DecisionNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/QĐ-{}", self.seq, self.issuer_code.as_str())
    }
}

/// In what capacity the signer signs (thể thức ký, Decree 30/2020/NĐ-CP Art 8 and Appendix I).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SignerCapacity {
    /// The head of the issuer signs directly.
    Direct,
    /// KT. (ký thay): a deputy signs on the head's behalf.
    Kt,
    /// TL. (thừa lệnh): signed by order.
    Tl,
    /// TUQ. (thừa ủy quyền): signed by authorisation.
    Tuq,
}

impl SignerCapacity {
    /// Every capacity.
    pub const ALL: [SignerCapacity; 4] = [
        SignerCapacity::Direct,
        SignerCapacity::Kt,
        SignerCapacity::Tl,
        SignerCapacity::Tuq,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            SignerCapacity::Direct => "DIRECT",
            SignerCapacity::Kt => "KT",
            SignerCapacity::Tl => "TL",
            SignerCapacity::Tuq => "TUQ",
        }
    }

    /// The prefix written before the head's title, e.g. "KT.".
    pub fn prefix(self) -> Option<&'static str> {
        match self {
            SignerCapacity::Direct => None,
            SignerCapacity::Kt => Some("KT."),
            SignerCapacity::Tl => Some("TL."),
            SignerCapacity::Tuq => Some("TUQ."),
        }
    }
}

/// A capacity code Laurel does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown signer capacity `{0}`")]
pub struct UnknownCapacity(pub String);

impl FromStr for SignerCapacity {
    type Err = UnknownCapacity;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SignerCapacity::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or_else(|| UnknownCapacity(s.to_string()))
    }
}

/// The signature block as printed: "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC" / name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureBlock {
    /// How the signer signs.
    pub capacity: SignerCapacity,
    /// "KT. GIÁM ĐỐC" when a deputy signs; `None` when the head signs.
    pub capacity_line: Option<String>,
    /// The signer's own title, upper-cased: "PHÓ GIÁM ĐỐC" or "GIÁM ĐỐC".
    pub title_line: String,
    /// The signer's full name.
    pub name: String,
}

impl SignatureBlock {
    /// Builds the block. `head_title` is the issuer's head title ("Giám đốc"); `signer_title` is
    /// the signer's own title, required unless the head signs directly.
    pub fn new(
        capacity: SignerCapacity,
        head_title: &str,
        signer_title: Option<&str>,
        signer_name: &str,
    ) -> Result<SignatureBlock, InvalidInput> {
        let signer_title = optional_line("signerTitle", signer_title, SHORT_TEXT_MAX)?;
        let (capacity_line, title) = match (capacity.prefix(), signer_title) {
            (None, title) => (None, title.unwrap_or_else(|| head_title.to_string())),
            (Some(prefix), Some(title)) => (Some(format!("{prefix} {head_title}")), title),
            (Some(_), None) => {
                return Err(InvalidInput::Empty {
                    field: "signerTitle",
                });
            }
        };
        Ok(SignatureBlock {
            capacity,
            capacity_line: capacity_line.map(|l| l.to_uppercase()),
            title_line: title.to_uppercase(),
            name: signer_name.to_string(),
        })
    }
}

/// Whether a decision stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecisionState {
    /// Signed and in force. Never edited.
    Signed,
    /// Annulled by another decision (Law 06/2022 Art 93.2).
    Annulled,
}

impl DecisionState {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            DecisionState::Signed => "SIGNED",
            DecisionState::Annulled => "ANNULLED",
        }
    }
}

/// An unknown stored decision state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown decision state `{0}`")]
pub struct UnknownDecisionState(pub String);

impl FromStr for DecisionState {
    type Err = UnknownDecisionState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [DecisionState::Signed, DecisionState::Annulled]
            .into_iter()
            .find(|st| st.code() == s)
            .ok_or_else(|| UnknownDecisionState(s.to_string()))
    }
}

/// What a decision does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecisionKind {
    /// Awards its recipients (quyết định khen thưởng).
    Award,
    /// Annuls (some of) the awards of an earlier decision of the same issuer (quyết định hủy bỏ,
    /// Law 06/2022 Art 93.2).
    Annulment {
        /// The decision it annuls.
        annuls: DecisionId,
        /// The ground, a-d.
        ground: AnnulGround,
        /// The facts behind it, as written in the decision.
        reason: String,
    },
}

impl DecisionKind {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            DecisionKind::Award => "AWARD",
            DecisionKind::Annulment { .. } => "ANNULMENT",
        }
    }
}

/// A deputy or official acting by delegation signs "TUQ." (thừa ủy quyền), Decree 30/2020/NĐ-CP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("signing by delegation needs capacity TUQ, not {0:?}")]
pub struct CapacityMismatch(pub SignerCapacity);

impl Explain for CapacityMismatch {
    fn message_vi(&self) -> String {
        format!(
            "Bạn ký theo ủy quyền nên thể thức ký phải là TUQ. (thừa ủy quyền), không phải {}.",
            self.0.code()
        )
    }
    fn message_en(&self) -> String {
        format!(
            "You sign by delegation, so the capacity must be TUQ (thừa ủy quyền), not {}.",
            self.0.code()
        )
    }
}

impl SignerCapacity {
    /// Checks the capacity fits the right the signer acts by: a delegated role signs TUQ.
    pub fn check_authority(self, authority: Authority) -> Result<(), CapacityMismatch> {
        match (authority, self) {
            (Authority::Acting { .. }, SignerCapacity::Tuq) | (Authority::Own, _) => Ok(()),
            (Authority::Acting { .. }, other) => Err(CapacityMismatch(other)),
        }
    }
}

/// A signed decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Identity.
    pub id: DecisionId,
    /// The issuing unit.
    pub issuer: UnitId,
    /// The number.
    pub number: DecisionNumber,
    /// The numbering year (the year of `signed_on`).
    pub year: i32,
    /// The date of signing, in Vietnam.
    pub signed_on: Date,
    /// The signing account.
    pub signer: AccountId,
    /// The signature block.
    pub signature: SignatureBlock,
    /// "Giám đốc Công an tỉnh Gia Lai".
    pub issuer_title: String,
    /// Whether it stands.
    pub state: DecisionState,
    /// What it does.
    pub kind: DecisionKind,
    /// The account whose role the signer acted by, when signing by delegation (TUQ.).
    pub acting_for: Option<AccountId>,
}

impl Decision {
    /// "Quyết định số 12/QĐ-CAT ngày 05/01/2025".
    pub fn reference_line(&self) -> String {
        format!(
            "Quyết định số {} ngày {}",
            self.number,
            format_date(self.signed_on)
        )
    }

    /// "Gia Lai, ngày 05 tháng 01 năm 2025", or just the date without a place.
    pub fn place_date_line(&self, place: Option<&str>) -> String {
        match place {
            Some(place) => format!("{place}, {}", long_date_vi(self.signed_on)),
            None => capitalise_first(&long_date_vi(self.signed_on)),
        }
    }
}

fn capitalise_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decision_numbers_read_n_slash_qd_code() {
        let number = DecisionNumber {
            seq: 12,
            issuer_code: UnitCode::parse("CAT").expect("code"),
        };
        assert_eq!(number.to_string(), "12/QĐ-CAT");
    }

    #[test]
    fn signature_blocks_follow_the_signing_capacity() {
        #[rustfmt::skip]
        let cases: &[(SignerCapacity, Option<&str>, Option<&str>, &str)] = &[
            (SignerCapacity::Direct, None, None, "GIÁM ĐỐC"),
            (SignerCapacity::Kt, Some("Phó Giám đốc"), Some("KT. GIÁM ĐỐC"), "PHÓ GIÁM ĐỐC"),
            (SignerCapacity::Tl, Some("Chánh Văn phòng"), Some("TL. GIÁM ĐỐC"), "CHÁNH VĂN PHÒNG"),
            (SignerCapacity::Tuq, Some("Trưởng phòng Tổ chức cán bộ"), Some("TUQ. GIÁM ĐỐC"), "TRƯỞNG PHÒNG TỔ CHỨC CÁN BỘ"),
        ];
        for &(capacity, signer_title, capacity_line, title_line) in cases {
            let block = SignatureBlock::new(capacity, "Giám đốc", signer_title, "Nguyễn Văn Bình")
                .expect("valid");
            assert_eq!(block.capacity_line.as_deref(), capacity_line);
            assert_eq!(block.title_line, title_line);
        }
    }

    #[test]
    fn a_deputy_must_say_their_own_title() {
        assert_eq!(
            SignatureBlock::new(SignerCapacity::Kt, "Giám đốc", None, "X"),
            Err(InvalidInput::Empty {
                field: "signerTitle"
            })
        );
    }

    #[test]
    fn a_delegated_signer_signs_tuq() {
        let acting = Authority::Acting {
            for_account: AccountId(uuid::Uuid::nil()),
        };
        assert!(SignerCapacity::Tuq.check_authority(acting).is_ok());
        for capacity in [
            SignerCapacity::Direct,
            SignerCapacity::Kt,
            SignerCapacity::Tl,
        ] {
            assert_eq!(
                capacity.check_authority(acting),
                Err(CapacityMismatch(capacity))
            );
            assert!(capacity.check_authority(Authority::Own).is_ok());
        }
    }
}
