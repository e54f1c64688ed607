//! Identifiers: one newtype per entity so a `PersonId` can never be passed where a `UnitId` is meant.
//!
//! The domain never creates ids (that needs a clock and randomness); the edge does, and hands them in.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

/// An id string that is not a UUID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not a valid id (expected a UUID such as 0192f0c1-7a8b-7c3d-9e4f-1a2b3c4d5e6f)"
)]
pub struct MalformedId {
    /// The rejected input, cut to at most 64 characters.
    pub input: String,
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// The underlying UUID.
            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = MalformedId;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map($name).map_err(|_| MalformedId {
                    input: s.chars().take(64).collect(),
                })
            }
        }
    };
}

id_type!(
    /// Đơn vị — a unit in the organisation tree.
    UnitId
);
id_type!(
    /// Cá nhân — a person who may be nominated.
    PersonId
);
id_type!(
    /// A login account.
    AccountId
);
id_type!(
    /// Đề nghị khen thưởng — a nomination.
    NominationId
);
id_type!(
    /// Quyết định khen thưởng — a signed award decision.
    DecisionId
);
id_type!(
    /// A certificate (Giấy khen, Bằng khen, ...) issued for one recipient of a decision.
    CertificateId
);
id_type!(
    /// Tờ trình — a proposal grouping nominations of one proposing unit for one issuer.
    ProposalId
);
id_type!(
    /// Phong trào thi đua — an emulation movement.
    MovementId
);
id_type!(
    /// Cụm, khối thi đua — an emulation cluster or block.
    ClusterId
);
id_type!(
    /// A document of a dossier.
    DocumentId
);
id_type!(
    /// A delegation of a role.
    DelegationId
);
id_type!(
    /// Hội đồng Thi đua - Khen thưởng — an issuer's emulation and commendation council.
    CouncilId
);
id_type!(
    /// A member's term on a council.
    MembershipId
);
id_type!(
    /// Phiên họp — a council session.
    SessionId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_their_display_form_and_reject_garbage() {
        let id = UnitId(Uuid::from_u128(0x0192_f0c1_7a8b_7c3d_9e4f_1a2b_3c4d_5e6f));
        assert_eq!(id.to_string().parse::<UnitId>(), Ok(id));
        assert!("not-a-uuid".parse::<UnitId>().is_err());
        assert!("".parse::<NominationId>().is_err());
        let long = "x".repeat(500);
        let err = long.parse::<PersonId>().expect_err("garbage");
        assert_eq!(err.input.len(), 64);
    }
}
