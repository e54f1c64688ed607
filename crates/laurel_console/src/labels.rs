//! The domain's own names (Vietnamese and English) for the codes GraphQL answers with.

use std::str::FromStr;

use laurel_domain::authz::Role;
use laurel_domain::award::AwardKind;
use laurel_domain::dossier::DocumentKind;
use laurel_domain::nomination::NominationState;
use laurel_domain::workflow::StageKind;

use crate::web::Lang;

/// The name in `lang`, with a capital first letter (the domain's names are words for the
/// middle of a sentence; a label starts one).
pub(crate) fn pick(lang: Lang, vi: &'static str, en: &'static str) -> String {
    let name = match lang {
        Lang::Vi => vi,
        Lang::En => en,
    };
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// A stage's name.
pub fn stage(code: &str, lang: Lang) -> String {
    StageKind::from_str(code).map_or_else(
        |_| code.to_owned(),
        |k| pick(lang, k.name_vi(), k.name_en()),
    )
}

/// A nomination state's name.
pub fn state(code: &str, lang: Lang) -> String {
    NominationState::from_str(code).map_or_else(
        |_| code.to_owned(),
        |s| pick(lang, s.name_vi(), s.name_en()),
    )
}

/// A command as a button says it (the domain's names end in "cho"/"về" to sit in a sentence).
pub fn command(code: &str, lang: Lang) -> String {
    let (vi, en) = match code {
        "EDIT" => ("Sửa", "Edit"),
        "SUBMIT" => ("Trình", "Submit"),
        "RESUBMIT" => ("Trình lại", "Resubmit"),
        "RECALL" => ("Thu hồi", "Recall"),
        "WITHDRAW" => ("Rút hồ sơ", "Withdraw"),
        "ENDORSE" => ("Xác nhận, chuyển cấp trên", "Endorse"),
        "RECEIVE" => ("Tiếp nhận", "Receive"),
        "RETURN" => ("Trả lại để bổ sung", "Return for completion"),
        "REJECT" => ("Không chấp nhận", "Reject"),
        "APPRAISE" => ("Thẩm định", "Appraise"),
        "CLOSE_NOTICE" => ("Kết thúc công khai", "Close the public notice"),
        "REQUEST_OPINIONS" => ("Lấy ý kiến hiệp y", "Request opinions"),
        "GIVE_OPINION" => ("Cho ý kiến hiệp y", "Give an opinion"),
        "CLOSE_CONSULTATION" => ("Kết thúc hiệp y", "Close the consultation"),
        "RECORD_COUNCIL" => ("Ghi kết quả Hội đồng", "Record the council's vote"),
        "NOTICE_DELAY" => ("Thông báo hẹn lại", "Send a delay notice"),
        "SIGN" => ("Ký quyết định", "Sign the decision"),
        "ANNUL" => ("Hủy quyết định", "Annul"),
        other => return other.to_owned(),
    };
    pick(lang, vi, en)
}

/// An eligibility verdict, as a signer reads it.
pub fn verdict(code: &str, lang: Lang) -> String {
    let (vi, en) = match code {
        "ELIGIBLE" => ("Đủ điều kiện", "Eligible"),
        "INELIGIBLE" => ("Chưa đủ điều kiện", "Not eligible"),
        _ => ("Cần Hội đồng xem xét", "Needs the council's judgement"),
    };
    pick(lang, vi, en)
}

/// A history line's event, as a person says it.
pub fn event(code: &str, lang: Lang) -> String {
    let (vi, en) = match code {
        "NOMINATION_CREATED" => ("Lập hồ sơ", "Drafted"),
        "NOMINATION_GROUPED" => ("Đưa vào tờ trình", "Added to a proposal"),
        "NOMINATION_EDITED" => ("Sửa hồ sơ", "Edited"),
        "NOMINATION_SUBMITTED" => ("Trình", "Submitted"),
        "NOMINATION_RESUBMITTED" => ("Trình lại", "Resubmitted"),
        "NOMINATION_RECALLED" => ("Thu hồi", "Recalled"),
        "NOMINATION_WITHDRAWN" => ("Rút hồ sơ", "Withdrawn"),
        "NOMINATION_ENDORSED" => ("Xác nhận, chuyển cấp trên", "Endorsed"),
        "NOMINATION_RECEIVED" => ("Tiếp nhận hồ sơ", "Received"),
        "NOMINATION_RETURNED" => ("Trả lại để bổ sung", "Returned for completion"),
        "NOMINATION_REJECTED" => ("Không chấp nhận", "Rejected"),
        "NOMINATION_APPRAISED" => ("Thẩm định", "Appraised"),
        "PUBLIC_NOTICE_OPENED" => ("Công khai lấy ý kiến", "Public notice opened"),
        "PUBLIC_NOTICE_CLOSED" => ("Kết thúc công khai", "Public notice closed"),
        "OPINIONS_REQUESTED" => ("Lấy ý kiến hiệp y", "Opinions requested"),
        "OPINION_GIVEN" => ("Cho ý kiến hiệp y", "Opinion given"),
        "CONSULTATION_CLOSED" => ("Kết thúc hiệp y", "Consultation closed"),
        "COUNCIL_APPROVED" => ("Hội đồng thông qua", "The council approved"),
        "COUNCIL_REFUSED" => ("Hội đồng không thông qua", "The council did not approve"),
        "DELAY_NOTICED" => ("Thông báo hẹn lại", "Delay notice sent"),
        "NOMINATION_DECIDED" => ("Có quyết định khen thưởng", "Decided"),
        "NOMINATION_ANNULLED" => ("Hủy quyết định khen thưởng", "Award annulled"),
        other => return command(other, lang),
    };
    pick(lang, vi, en)
}

/// A dossier part's name.
pub fn document(code: &str, lang: Lang) -> String {
    DocumentKind::from_str(code).map_or_else(
        |_| code.to_owned(),
        |k| pick(lang, k.name_vi(), k.name_en()),
    )
}

/// A role's name.
pub fn role(code: &str, lang: Lang) -> String {
    Role::from_str(code).map_or_else(
        |_| code.to_owned(),
        |r| pick(lang, r.name_vi(), r.name_en()),
    )
}

/// An award's name.
pub fn award(code: &str, lang: Lang) -> String {
    AwardKind::from_str(code).map_or_else(
        |_| code.to_owned(),
        |a| pick(lang, a.name_vi(), a.name_en()),
    )
}

/// Every award, as (code, name).
pub fn awards(lang: Lang) -> Vec<(String, String)> {
    AwardKind::ALL
        .into_iter()
        .map(|a| (a.code().to_owned(), pick(lang, a.name_vi(), a.name_en())))
        .collect()
}

/// Every role, as (code, name).
pub fn roles(lang: Lang) -> Vec<(String, String)> {
    Role::ALL
        .into_iter()
        .map(|r| (r.code().to_owned(), pick(lang, r.name_vi(), r.name_en())))
        .collect()
}

/// Every document kind, as (code, name).
pub fn documents(lang: Lang) -> Vec<(String, String)> {
    DocumentKind::ALL
        .into_iter()
        .map(|k| (k.code().to_owned(), pick(lang, k.name_vi(), k.name_en())))
        .collect()
}

/// Every nomination state, as (code, name).
pub fn states(lang: Lang) -> Vec<(String, String)> {
    NominationState::ALL
        .into_iter()
        .map(|s| (s.code().to_owned(), pick(lang, s.name_vi(), s.name_en())))
        .collect()
}

/// How a nominee registered for a movement from outside the tree is marked in lists.
pub fn outside_tree(lang: Lang) -> &'static str {
    lang.t(
        "ngoài hệ thống, đăng ký theo phong trào",
        "outside the tree, registered for a movement",
    )
}
