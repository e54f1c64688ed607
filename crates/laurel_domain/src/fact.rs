//! Kinds of facts recorded about nominees, beyond what the rules read directly.

use std::str::FromStr;

/// What was recognised: an initiative (sáng kiến) or a research work (đề tài, đề án, công trình
/// khoa học và công nghệ đã nghiệm thu). Both count toward CSTĐ and Bằng khen criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecognitionKind {
    /// Sáng kiến.
    Initiative,
    /// Đề tài, đề án, công trình khoa học đã nghiệm thu.
    Research,
}

impl RecognitionKind {
    /// Every kind.
    pub const ALL: [RecognitionKind; 2] = [RecognitionKind::Initiative, RecognitionKind::Research];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            RecognitionKind::Initiative => "INITIATIVE",
            RecognitionKind::Research => "RESEARCH",
        }
    }
}

/// What blocks awards to a nominee while it is pending (Decree 98/2023 Art 4; Decree 152/2025
/// Art 4): no award or proposal while discipline is being considered, an inspection or
/// investigation with signs of violation is under way, or a complaint or denunciation is being
/// verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BlockKind {
    /// Đang xem xét kỷ luật.
    DisciplineConsideration,
    /// Đang bị thanh tra, kiểm tra có dấu hiệu vi phạm.
    Inspection,
    /// Đang bị điều tra.
    Investigation,
    /// Đang giải quyết khiếu nại, tố cáo.
    Complaint,
}

impl BlockKind {
    /// Every kind.
    pub const ALL: [BlockKind; 4] = [
        BlockKind::DisciplineConsideration,
        BlockKind::Inspection,
        BlockKind::Investigation,
        BlockKind::Complaint,
    ];

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            BlockKind::DisciplineConsideration => "DISCIPLINE_CONSIDERATION",
            BlockKind::Inspection => "INSPECTION",
            BlockKind::Investigation => "INVESTIGATION",
            BlockKind::Complaint => "COMPLAINT",
        }
    }
}

/// A stored code Laurel does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown code `{0}`")]
pub struct UnknownCode(pub String);

impl FromStr for RecognitionKind {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RecognitionKind::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| UnknownCode(s.to_string()))
    }
}

impl FromStr for BlockKind {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BlockKind::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| UnknownCode(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for kind in RecognitionKind::ALL {
            assert_eq!(kind.code().parse(), Ok(kind));
        }
        for kind in BlockKind::ALL {
            assert_eq!(kind.code().parse(), Ok(kind));
        }
        assert!("PATENT".parse::<RecognitionKind>().is_err());
    }
}
