//! The organisation: units (đơn vị) in a tree, and the people (cá nhân) in them.

use crate::ids::{PersonId, UnitId};
use crate::text::{InvalidInput, bounded_line, optional_line};

/// Longest unit name, in characters.
pub const UNIT_NAME_MAX: usize = 200;
/// Longest title, place or position text, in characters.
pub const SHORT_TEXT_MAX: usize = 100;
/// Longest person name, in characters.
pub const PERSON_NAME_MAX: usize = 120;

/// The short code of a unit, used in decision numbers: `12/QĐ-CAT` has issuer code `CAT`.
///
/// Upper-case letters (Vietnamese Đ included), digits and `-`, starting with a letter, at most 20
/// characters. Input is upper-cased, so `cat` and `CAT` are the same code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnitCode(String);

impl UnitCode {
    /// Longest code, in characters.
    pub const MAX: usize = 20;

    /// Validates and upper-cases a code. The alphabet is checked before upper-casing, so the
    /// length cannot change (upper-casing "ß" or "ﬃ" would lengthen them).
    pub fn parse(raw: &str) -> Result<UnitCode, InvalidInput> {
        let code = bounded_line("code", raw, Self::MAX)?;
        let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == 'đ' || c == 'Đ';
        let starts_with_letter = code
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == 'đ' || c == 'Đ');
        if !starts_with_letter || !code.chars().all(allowed) {
            return Err(InvalidInput::Malformed {
                field: "code",
                expected_vi: "chữ in hoa (A-Z, Đ), chữ số và dấu '-', bắt đầu bằng chữ, ví dụ CAT hoặc UBND",
                expected_en: "upper-case letters (A-Z, Đ), digits and '-', starting with a letter, e.g. CAT or UBND",
            });
        }
        Ok(UnitCode(code.to_uppercase()))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A unit as created: validated fields, no identity yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUnit {
    /// Tên đơn vị, e.g. "Công an tỉnh Gia Lai".
    pub name: String,
    /// Short code used in decision numbers.
    pub code: UnitCode,
    /// Chức danh thủ trưởng, e.g. "Giám đốc": the office that signs for this unit.
    pub head_title: String,
    /// Địa danh printed before the date on documents, e.g. "Gia Lai".
    pub place: Option<String>,
    /// The parent unit; `None` for a root.
    pub parent: Option<UnitId>,
}

impl NewUnit {
    /// Validates raw input. `head_title` defaults to "Thủ trưởng" (head of unit).
    pub fn parse(
        name: &str,
        code: &str,
        head_title: Option<&str>,
        place: Option<&str>,
        parent: Option<UnitId>,
    ) -> Result<NewUnit, Vec<InvalidInput>> {
        let name = bounded_line("name", name, UNIT_NAME_MAX);
        let code = UnitCode::parse(code);
        let head_title = optional_line("headTitle", head_title, SHORT_TEXT_MAX)
            .map(|t| t.unwrap_or_else(|| "Thủ trưởng".to_string()));
        let place = optional_line("place", place, SHORT_TEXT_MAX);
        match (name, code, head_title, place) {
            (Ok(name), Ok(code), Ok(head_title), Ok(place)) => Ok(NewUnit {
                name,
                code,
                head_title,
                place,
                parent,
            }),
            (name, code, head_title, place) => {
                Err([name.err(), code.err(), head_title.err(), place.err()]
                    .into_iter()
                    .flatten()
                    .collect())
            }
        }
    }
}

/// A unit of the organisation tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Identity.
    pub id: UnitId,
    /// Tên đơn vị.
    pub name: String,
    /// Short code used in decision numbers.
    pub code: UnitCode,
    /// Chức danh thủ trưởng, e.g. "Giám đốc".
    pub head_title: String,
    /// Địa danh, e.g. "Gia Lai".
    pub place: Option<String>,
    /// The parent unit; `None` for a root.
    pub parent: Option<UnitId>,
    /// The ids from the root down to this unit, this unit included.
    pub path: UnitPath,
}

impl Unit {
    /// The office that issues awards for this unit, e.g. "Giám đốc Công an tỉnh Gia Lai".
    pub fn issuer_title(&self) -> String {
        format!("{} {}", self.head_title, self.name)
    }
}

/// The chain of units from the root of the tree down to one unit (inclusive).
///
/// A role granted at unit `U` covers every unit whose path contains `U`: its subtree.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnitPath(pub Vec<UnitId>);

impl UnitPath {
    /// The path of a child of the unit with this path.
    pub fn child(&self, id: UnitId) -> UnitPath {
        let mut ids = self.0.clone();
        ids.push(id);
        UnitPath(ids)
    }

    /// The unit at the end of the path.
    pub fn unit(&self) -> Option<UnitId> {
        self.0.last().copied()
    }

    /// Whether `unit` is this unit or one of its ancestors.
    pub fn contains(&self, unit: UnitId) -> bool {
        self.0.contains(&unit)
    }

    /// The ids, root first.
    pub fn ids(&self) -> &[UnitId] {
        &self.0
    }
}

/// A person as created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPerson {
    /// Họ và tên, NFC.
    pub full_name: String,
    /// Cấp bậc or honorific printed before the name, e.g. "Đại úy".
    pub rank: Option<String>,
    /// Chức vụ, e.g. "Phó Trưởng phòng".
    pub position: Option<String>,
    /// Ngày tuyển dụng: months worked in a period count from it.
    pub recruited_on: Option<time::Date>,
    /// The unit the person works in.
    pub unit: UnitId,
}

impl NewPerson {
    /// Validates raw input.
    pub fn parse(
        full_name: &str,
        rank: Option<&str>,
        position: Option<&str>,
        recruited_on: Option<time::Date>,
        unit: UnitId,
    ) -> Result<NewPerson, Vec<InvalidInput>> {
        let full_name = bounded_line("fullName", full_name, PERSON_NAME_MAX);
        let rank = optional_line("rank", rank, SHORT_TEXT_MAX);
        let position = optional_line("position", position, SHORT_TEXT_MAX);
        match (full_name, rank, position) {
            (Ok(full_name), Ok(rank), Ok(position)) => Ok(NewPerson {
                full_name,
                rank,
                position,
                recruited_on,
                unit,
            }),
            (a, b, c) => Err([a.err(), b.err(), c.err()].into_iter().flatten().collect()),
        }
    }
}

/// A person who may be nominated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Identity.
    pub id: PersonId,
    /// Họ và tên.
    pub full_name: String,
    /// Cấp bậc or honorific, e.g. "Đại úy".
    pub rank: Option<String>,
    /// Chức vụ.
    pub position: Option<String>,
    /// Ngày tuyển dụng.
    pub recruited_on: Option<time::Date>,
    /// The unit the person works in.
    pub unit: UnitId,
}

impl Person {
    /// The person a validated [`NewPerson`] becomes, with its id.
    pub fn new(id: PersonId, new: NewPerson) -> Person {
        Person {
            id,
            full_name: new.full_name,
            rank: new.rank,
            position: new.position,
            recruited_on: new.recruited_on,
            unit: new.unit,
        }
    }

    /// The name as printed on a certificate: rank, then full name.
    pub fn display_name(&self) -> String {
        match &self.rank {
            Some(rank) => format!("{rank} {}", self.full_name),
            None => self.full_name.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn unit_codes_are_upper_cased_and_checked() {
        let cases: &[(&str, Option<&str>)] = &[
            ("CAT", Some("CAT")),
            ("ubnd", Some("UBND")),
            ("đhqg", Some("ĐHQG")),
            ("PX05-2", Some("PX05-2")),
            ("2CAT", None),
            ("CA T", None),
            ("CAT/QĐ", None),
            ("", None),
            ("ABCDEFGHIJKLMNOPQRSTU", None),
            ("ßßßßßßßßßßß", None), // would upper-case to 22 characters
            ("ﬃ", None),
        ];
        for (input, expected) in cases {
            assert_eq!(
                UnitCode::parse(input).ok().as_ref().map(UnitCode::as_str),
                *expected,
                "{input}"
            );
        }
    }

    #[test]
    fn a_new_unit_reports_every_bad_field_at_once() {
        let errors = NewUnit::parse("", "??", None, None, None).expect_err("invalid");
        let fields: Vec<_> = errors.iter().map(InvalidInput::field).collect();
        assert_eq!(fields, ["name", "code"]);
    }

    #[test]
    fn head_title_defaults_to_thu_truong() {
        let unit = NewUnit::parse("Phòng Tham mưu", "PV01", None, None, None).expect("valid");
        assert_eq!(unit.head_title, "Thủ trưởng");
    }

    #[test]
    fn a_path_contains_the_unit_and_its_ancestors_only() {
        let [root, dept, other] = [1u128, 2, 3].map(|n| UnitId(Uuid::from_u128(n)));
        let path = UnitPath(vec![root]).child(dept);
        assert!(path.contains(root));
        assert!(path.contains(dept));
        assert!(!path.contains(other));
        assert_eq!(path.unit(), Some(dept));
    }
}
