//! The whole catalog as text: what the snapshot test keeps, so a legal change reads as a diff.

use std::fmt::Write as _;

use super::catalog::{AwardRule, Ruleset, Rulesets, form_code, thousandths_text};
use super::criteria::{Criterion, CriterionBody};

macro_rules! w {
    ($dst:expr, $($arg:tt)*) => {{ let _ = writeln!($dst, $($arg)*); }};
}

impl Rulesets {
    /// Every ruleset, award and criterion, as plain text (one fact per line).
    pub fn catalog_text(&self) -> String {
        let mut out = String::new();
        w!(out, "# Base salary (mức lương cơ sở)");
        for s in &self.salary {
            w!(
                out,
                "- from {}: {} VND/month [{}] {}",
                s.from,
                super::reward::group(i128::from(s.vnd)),
                s.confidence,
                s.source
            );
        }
        for r in &self.rulesets {
            out.push('\n');
            ruleset(&mut out, r);
        }
        out
    }
}

fn ruleset(out: &mut String, r: &Ruleset) {
    w!(out, "# {} — {}", r.id, r.name_vi);
    w!(out, "{}", r.name_en);
    w!(out, "file: {}", r.file);
    w!(out, "in force from: {}", r.effective_from);
    w!(out, "legal bases:");
    for b in &r.legal_bases {
        w!(out, "  - {b}");
    }
    let h = &r.cash.household;
    let c = &r.cash.collective_form;
    w!(
        out,
        "cash: household × {} [{}] {}",
        thousandths_text(h.thousandths),
        h.confidence,
        h.source
    );
    w!(
        out,
        "cash: collective (forms) × {} [{}] {}",
        thousandths_text(c.thousandths),
        c.confidence,
        c.source
    );
    let general: Vec<&Criterion> = r
        .awards
        .first()
        .map(|a| {
            a.criteria
                .iter()
                .filter(|c| c.id.starts_with("general."))
                .collect()
        })
        .unwrap_or_default();
    w!(out, "general criteria (first in every award):");
    for c in general {
        criterion(out, c, 1);
    }
    for a in r.awards() {
        out.push('\n');
        award(out, a);
    }
}

fn award(out: &mut String, a: &AwardRule) {
    let k = a.award;
    w!(out, "## {} — {} / {}", k.code(), k.name_vi(), k.name_en());
    let recipients: Vec<&str> = a.recipients.iter().map(|r| r.code()).collect();
    w!(
        out,
        "  form: {}; recipients: {}",
        form_code(k.form()),
        recipients.join(", ")
    );
    w!(
        out,
        "  authority: {} — {}",
        a.authority.code(),
        a.authority_basis
    );
    w!(out, "  certificate: {}", a.certificate.code());
    w!(
        out,
        "  coefficient: {} [{}] {}",
        thousandths_text(a.coefficient.thousandths),
        a.coefficient.confidence,
        a.coefficient.source
    );
    let council = &a.council;
    w!(
        out,
        "  council: {} {}% of {}, {} [{}] {}",
        if council.strict { ">" } else { ">=" },
        council.threshold_percent,
        council.base.code(),
        if council.secret_ballot {
            "secret ballot"
        } else {
            "open vote"
        },
        council.confidence,
        council.source
    );
    let dossier: Vec<String> = a
        .dossier
        .iter()
        .map(|d| {
            if d.conditional() {
                format!("{} (if applicable)", d.code())
            } else {
                d.code().to_owned()
            }
        })
        .collect();
    w!(
        out,
        "  dossier: {} — {}",
        dossier.join(", "),
        a.dossier_basis
    );
    w!(out, "  criteria:");
    for c in a.criteria.iter().filter(|c| !c.id.starts_with("general.")) {
        criterion(out, c, 2);
    }
}

fn criterion(out: &mut String, c: &Criterion, depth: usize) {
    let pad = "  ".repeat(depth);
    let applies = if c.applies_to.is_empty() {
        String::new()
    } else {
        let kinds: Vec<&str> = c.applies_to.iter().map(|k| k.code()).collect();
        format!(" (for {})", kinds.join(", "))
    };
    w!(
        out,
        "{pad}- {} [{}] {}{applies}",
        c.id,
        c.confidence,
        c.article
    );
    match &c.body {
        CriterionBody::Leaf(p) => {
            let params = p.parameters();
            if params.is_empty() {
                w!(out, "{pad}  {}", p.rule());
            } else {
                w!(out, "{pad}  {} {params}", p.rule());
            }
        }
        CriterionBody::AllOf(_) => w!(out, "{pad}  all_of:"),
        CriterionBody::AnyOf(_) => w!(out, "{pad}  any_of:"),
    }
    w!(out, "{pad}  vi: {}", c.description_vi);
    w!(out, "{pad}  en: {}", c.description_en);
    if let Some(source) = &c.source {
        w!(out, "{pad}  source: {source}");
    }
    for child in c.children() {
        criterion(out, child, depth + 2);
    }
}
