//! GraphQL enums mirroring the domain's, value for value (`remote` generates the conversions;
//! a test checks every value equals the domain's stable code).

use async_graphql::Enum;

/// The award kinds, by stable code.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::award::AwardKind")]
pub enum AwardKindCode {
    /// Lao động tiên tiến.
    LaoDongTienTien,
    /// Chiến sĩ tiên tiến.
    ChienSiTienTien,
    /// Chiến sĩ thi đua cơ sở.
    CstdCoSo,
    /// Chiến sĩ thi đua bộ, ban, ngành, tỉnh.
    CstdBoTinh,
    /// Chiến sĩ thi đua toàn quốc.
    CstdToanQuoc,
    /// Tập thể lao động tiên tiến.
    TapTheLdTienTien,
    /// Đơn vị tiên tiến.
    DonViTienTien,
    /// Tập thể lao động xuất sắc.
    TapTheLdXuatSac,
    /// Đơn vị quyết thắng.
    DonViQuyetThang,
    /// Cờ thi đua của bộ, ban, ngành, tỉnh.
    CoThiDuaBoTinh,
    /// Cờ thi đua của Chính phủ.
    CoThiDuaChinhPhu,
    /// Giấy khen.
    GiayKhen,
    /// Bằng khen của bộ, ban, ngành, tỉnh.
    BangKhenBoTinh,
    /// Bằng khen của Thủ tướng Chính phủ.
    BangKhenThuTuong,
}

/// Title or form of commendation.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::award::AwardForm")]
pub enum AwardForm {
    /// Danh hiệu thi đua.
    Title,
    /// Hình thức khen thưởng.
    Commendation,
}

/// Who can receive an award.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::award::RecipientKind")]
pub enum RecipientKind {
    /// Cá nhân.
    Individual,
    /// Tập thể.
    Collective,
    /// Hộ gia đình.
    Household,
}

/// Roles.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::authz::Role")]
pub enum Role {
    /// System administrator: units, accounts, roles.
    Admin,
    /// Cán bộ thi đua: records people, drafts nominations.
    Clerk,
    /// Thủ trưởng đơn vị: submits nominations.
    UnitHead,
    /// Người ký: signs decisions for exactly one issuer.
    Signer,
    /// Thư ký Hội đồng Thi đua - Khen thưởng: records the council's outcomes for one issuer.
    CouncilSecretary,
}

/// Where a nomination is in its life.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::nomination::NominationState")]
pub enum NominationState {
    /// Being drafted.
    Draft,
    /// Submitted by the proposing unit, under review at its `stage`.
    Submitted,
    /// Returned to the proposing unit for supplement (the deadline clock is paused).
    Returned,
    /// Refused with a written reason. Final.
    Rejected,
    /// Withdrawn. Final.
    Withdrawn,
    /// Awarded by a signed decision.
    Decided,
    /// Its award was annulled by another decision (Law 06/2022 Art 93.2). Final.
    Annulled,
}

/// A kind of review stage.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::workflow::StageKind")]
pub enum StageKind {
    /// Trình: the proposing unit's head submits.
    Submit,
    /// Each level between the proposing unit and the issuer endorses and forwards.
    Endorse,
    /// The issuer's office receives the complete dossier.
    Receive,
    /// The issuer's office appraises against the rules and quotas.
    Appraise,
    /// Posted for public comment.
    PublicNotice,
    /// Opinions of the units the office names (hiệp y).
    Consult,
    /// The council's vote.
    Council,
    /// The issuer's authority signs.
    Sign,
}

/// Whose turn a stage is, on the nomination's route.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::workflow::Party")]
pub enum Party {
    /// The proposing unit (a role held there or above).
    Proposer,
    /// Each unit between the proposing unit and the issuer, bottom up.
    EachLevelUp,
    /// The issuer's emulation office.
    IssuerOffice,
    /// The issuer's council.
    IssuerCouncil,
    /// The issuer's signer.
    IssuerSigner,
}

/// What can be done to a nomination.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::workflow::CommandKind")]
pub enum CommandKind {
    /// `updateNomination`.
    Edit,
    /// `submitNomination`.
    Submit,
    /// `resubmitNomination`.
    Resubmit,
    /// `recallNomination`.
    Recall,
    /// `withdrawNomination`.
    Withdraw,
    /// `endorseNomination`.
    Endorse,
    /// `receiveNomination`.
    Receive,
    /// `returnNomination`.
    Return,
    /// `rejectNomination`.
    Reject,
    /// `appraiseNomination`.
    Appraise,
    /// `closePublicNotice`.
    CloseNotice,
    /// `requestOpinions`.
    RequestOpinions,
    /// `giveOpinion`.
    GiveOpinion,
    /// `closeConsultation`.
    CloseConsultation,
    /// `recordCouncilOutcome`.
    RecordCouncil,
    /// `sendDelayNotice`.
    NoticeDelay,
    /// `signDecision`.
    Sign,
    /// `annulDecision`.
    Annul,
}

/// A part of a dossier (Law 06/2022 Art 84).
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::dossier::DocumentKind")]
pub enum DocumentKind {
    /// Tờ trình kèm danh sách (Mẫu 01).
    ToTrinh,
    /// Báo cáo thành tích.
    BaoCaoThanhTich,
    /// Biên bản bình xét thi đua.
    BienBanBinhXet,
    /// Biên bản xét khen thưởng.
    BienBanXetKhenThuong,
    /// Xác nhận sáng kiến, đề tài khoa học.
    XacNhanSangKien,
    /// Xác nhận thành tích đột xuất.
    XacNhanDotXuat,
    /// Another document.
    Other,
}

/// An appraiser's verdict.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::workflow::AppraisalVerdict")]
pub enum AppraisalVerdict {
    /// Meets the rules: goes on.
    Eligible,
    /// Does not: stays at appraisal, to be returned or rejected.
    Ineligible,
}

/// A consulted unit's answer.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::workflow::OpinionVerdict")]
pub enum OpinionVerdict {
    /// Đồng ý.
    Agree,
    /// Không đồng ý.
    Object,
}

/// The grounds of an annulment (Law 06/2022 Art 93.2 a-d).
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::workflow::AnnulGround")]
pub enum AnnulGround {
    /// a) Fraudulent declaration of achievements.
    A,
    /// b) Forged dossier or false information.
    B,
    /// c) Unlawful appraisal, review or proposal.
    C,
    /// d) A competent finding of violations in the achievement period.
    D,
}

/// A listed day of the working-day calendar.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::workdays::DayKind")]
pub enum DayKind {
    /// A weekday off (holiday, compensatory day, swap).
    Holiday,
    /// A Saturday or Sunday worked (ngày làm bù).
    Working,
}

/// How a decision is signed.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::decision::SignerCapacity")]
pub enum SignerCapacity {
    /// The head of the issuer signs.
    Direct,
    /// KT. (ký thay): a deputy signs.
    Kt,
    /// TL. (thừa lệnh).
    Tl,
    /// TUQ. (thừa ủy quyền).
    Tuq,
}

/// Whether a decision stands.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::decision::DecisionState")]
pub enum DecisionState {
    /// Signed and in force.
    Signed,
    /// Annulled by another decision.
    Annulled,
}

/// Whether a certificate stands.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::certificate::CertificateStatus")]
pub enum CertificateStatus {
    /// Genuine and in force.
    Valid,
    /// Annulled.
    Annulled,
}

/// Đánh giá, xếp loại mức độ hoàn thành nhiệm vụ.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::rules::TaskRating")]
pub enum TaskRating {
    /// Hoàn thành xuất sắc nhiệm vụ.
    Htxsnv,
    /// Hoàn thành tốt nhiệm vụ.
    Httnv,
    /// Hoàn thành nhiệm vụ.
    Htnv,
    /// Không hoàn thành nhiệm vụ.
    Khtnv,
}

/// The scope at which an initiative or research work was recognised.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::rules::Scope")]
pub enum Scope {
    /// Cấp cơ sở.
    CoSo,
    /// Cấp bộ, ban, ngành, tỉnh.
    BoTinh,
    /// Toàn quốc.
    ToanQuoc,
}

/// Disciplinary levels, least to most severe.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::rules::DisciplineLevel")]
pub enum DisciplineLevel {
    /// Khiển trách.
    KhienTrach,
    /// Cảnh cáo.
    CanhCao,
    /// Hạ bậc lương.
    HaBacLuong,
    /// Giáng chức.
    GiangChuc,
    /// Cách chức.
    CachChuc,
    /// Buộc thôi việc.
    BuocThoiViec,
}

/// Kinds of commendation (Law 06/2022 Art 8).
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::rules::CommendationKind")]
pub enum CommendationKind {
    /// Thường xuyên: regular (annual) achievements.
    ThuongXuyen,
    /// Đột xuất.
    DotXuat,
    /// Theo đợt, chuyên đề.
    TheoDotChuyenDe,
    /// Quá trình cống hiến.
    QuaTrinhCongHien,
    /// Niên hạn.
    NienHan,
    /// Đối ngoại.
    DoiNgoai,
}

/// Initiative or research work.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::fact::RecognitionKind")]
pub enum RecognitionKind {
    /// Sáng kiến.
    Initiative,
    /// Đề tài, đề án, công trình khoa học đã nghiệm thu.
    Research,
}

/// What is pending and blocks awards.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::fact::BlockKind")]
pub enum BlockKind {
    /// Đang xem xét kỷ luật.
    DisciplineConsideration,
    /// Đang bị thanh tra, kiểm tra.
    Inspection,
    /// Đang bị điều tra.
    Investigation,
    /// Đang giải quyết khiếu nại, tố cáo.
    Complaint,
}

/// The outcome of an eligibility check.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::rules::Verdict")]
pub enum Verdict {
    /// Every criterion is met.
    Eligible,
    /// A computable criterion is not met.
    Ineligible,
    /// The computable criteria are met; a judgement criterion awaits the council.
    NeedsJudgement,
}

/// What a council vote threshold is a percentage of.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::rules::VoteBase")]
pub enum VoteBase {
    /// All members of the council.
    AllMembers,
    /// Members present.
    Present,
    /// Votes cast.
    Cast,
}

/// How sure the legal basis of a parameter is.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(remote = "laurel_domain::rules::Confidence")]
pub enum Confidence {
    /// Read in a source in force.
    Confirmed,
    /// Read in a superseded text; used as the default until confirmed.
    ConfirmedOld,
    /// Not confirmed: a configurable default.
    Unconfirmed,
}

#[cfg(test)]
mod tests {
    use async_graphql::resolver_utils::EnumType;

    fn names<T: EnumType>() -> Vec<&'static str> {
        T::items().iter().map(|item| item.name).collect()
    }

    #[test]
    fn graphql_enum_values_are_the_domain_codes() {
        use laurel_domain::{authz, award, certificate, decision, nomination};
        let award_codes: Vec<_> = award::AwardKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(names::<super::AwardKindCode>(), award_codes);
        let roles: Vec<_> = authz::Role::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(names::<super::Role>(), roles);
        let states: Vec<_> = nomination::NominationState::ALL
            .iter()
            .map(|s| s.code())
            .collect();
        assert_eq!(names::<super::NominationState>(), states);
        let capacities: Vec<_> = decision::SignerCapacity::ALL
            .iter()
            .map(|c| c.code())
            .collect();
        assert_eq!(names::<super::SignerCapacity>(), capacities);
        assert_eq!(
            names::<super::DecisionState>(),
            [
                decision::DecisionState::Signed.code(),
                decision::DecisionState::Annulled.code()
            ]
        );
        assert_eq!(
            names::<super::CertificateStatus>(),
            [
                certificate::CertificateStatus::Valid.code(),
                certificate::CertificateStatus::Annulled.code()
            ]
        );
        let kinds = [
            award::RecipientKind::Individual,
            award::RecipientKind::Collective,
            award::RecipientKind::Household,
        ]
        .map(|k| k.code());
        assert_eq!(names::<super::RecipientKind>(), kinds);
        use laurel_domain::{fact, rules};
        let ratings = [
            rules::TaskRating::Htxsnv,
            rules::TaskRating::Httnv,
            rules::TaskRating::Htnv,
            rules::TaskRating::Khtnv,
        ]
        .map(|r| r.code());
        assert_eq!(names::<super::TaskRating>(), ratings);
        let scopes = [
            rules::Scope::CoSo,
            rules::Scope::BoTinh,
            rules::Scope::ToanQuoc,
        ]
        .map(|s| s.code());
        assert_eq!(names::<super::Scope>(), scopes);
        let levels = [
            rules::DisciplineLevel::KhienTrach,
            rules::DisciplineLevel::CanhCao,
            rules::DisciplineLevel::HaBacLuong,
            rules::DisciplineLevel::GiangChuc,
            rules::DisciplineLevel::CachChuc,
            rules::DisciplineLevel::BuocThoiViec,
        ]
        .map(|l| l.code());
        assert_eq!(names::<super::DisciplineLevel>(), levels);
        let kinds = [
            rules::CommendationKind::ThuongXuyen,
            rules::CommendationKind::DotXuat,
            rules::CommendationKind::TheoDotChuyenDe,
            rules::CommendationKind::QuaTrinhCongHien,
            rules::CommendationKind::NienHan,
            rules::CommendationKind::DoiNgoai,
        ]
        .map(|k| k.code());
        assert_eq!(names::<super::CommendationKind>(), kinds);
        let recognitions: Vec<_> = fact::RecognitionKind::ALL
            .iter()
            .map(|k| k.code())
            .collect();
        assert_eq!(names::<super::RecognitionKind>(), recognitions);
        let blocks: Vec<_> = fact::BlockKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(names::<super::BlockKind>(), blocks);
        let verdicts = [
            rules::Verdict::Eligible,
            rules::Verdict::Ineligible,
            rules::Verdict::NeedsJudgement,
        ]
        .map(|v| v.code());
        assert_eq!(names::<super::Verdict>(), verdicts);
        use laurel_domain::{dossier, workdays, workflow};
        let stages: Vec<_> = workflow::StageKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(names::<super::StageKind>(), stages);
        let commands: Vec<_> = workflow::CommandKind::ALL
            .iter()
            .map(|k| k.code())
            .collect();
        assert_eq!(names::<super::CommandKind>(), commands);
        let documents: Vec<_> = dossier::DocumentKind::ALL
            .iter()
            .map(|k| k.code())
            .collect();
        assert_eq!(names::<super::DocumentKind>(), documents);
        let grounds: Vec<_> = workflow::AnnulGround::ALL
            .iter()
            .map(|g| g.code())
            .collect();
        assert_eq!(names::<super::AnnulGround>(), grounds);
        let days: Vec<_> = workdays::DayKind::ALL.iter().map(|d| d.code()).collect();
        assert_eq!(names::<super::DayKind>(), days);
        let parties = [
            workflow::Party::Proposer,
            workflow::Party::EachLevelUp,
            workflow::Party::IssuerOffice,
            workflow::Party::IssuerCouncil,
            workflow::Party::IssuerSigner,
        ]
        .map(|p| p.code());
        assert_eq!(names::<super::Party>(), parties);
        let appraisal = [
            workflow::AppraisalVerdict::Eligible,
            workflow::AppraisalVerdict::Ineligible,
        ]
        .map(|v| v.code());
        assert_eq!(names::<super::AppraisalVerdict>(), appraisal);
        let opinions = [
            workflow::OpinionVerdict::Agree,
            workflow::OpinionVerdict::Object,
        ]
        .map(|v| v.code());
        assert_eq!(names::<super::OpinionVerdict>(), opinions);
    }
}
