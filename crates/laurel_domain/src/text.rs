//! Text that people type: NFC-normalised, trimmed, whitespace-collapsed, and bounded.
//!
//! Vietnamese text arrives in NFC or NFD depending on the keyboard and the operating system
//! (macOS and some input methods produce NFD). Stored and printed text is always NFC, so a name
//! searches, compares and renders the same whichever way it was typed.

use unicode_normalization::UnicodeNormalization;

use crate::message::Explain;

/// Why a piece of input was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidInput {
    /// The field is required and was empty (or only whitespace).
    #[error("{field} must not be empty")]
    Empty {
        /// The input field, as named in the API.
        field: &'static str,
    },
    /// The field is longer than allowed.
    #[error("{field} is {actual} characters long; at most {max} are allowed")]
    TooLong {
        /// The input field, as named in the API.
        field: &'static str,
        /// The limit, in characters.
        max: usize,
        /// The length received, in characters.
        actual: usize,
    },
    /// The field does not have the expected form.
    #[error("{field} is malformed: {expected_en}")]
    Malformed {
        /// The input field, as named in the API.
        field: &'static str,
        /// What was expected, in Vietnamese.
        expected_vi: &'static str,
        /// What was expected, in English.
        expected_en: &'static str,
    },
    /// The field holds characters the certificate fonts cannot print (e.g. CJK or emoji).
    #[error("{field} contains characters that cannot be printed on a certificate: {characters}")]
    Unprintable {
        /// The input field, as named in the API.
        field: &'static str,
        /// The offending characters, each once.
        characters: String,
    },
    /// The field holds a number outside its range.
    #[error("{field} must be between {min} and {max}, got {actual}")]
    OutOfRange {
        /// The input field, as named in the API.
        field: &'static str,
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value.
        max: i64,
        /// The value received.
        actual: i64,
    },
    /// Well-formed, but refused for what it would do (disable the last administrator, say).
    #[error("{field}: {why_en}")]
    Refused {
        /// The input field, as named in the API.
        field: &'static str,
        /// Why, in Vietnamese.
        why_vi: &'static str,
        /// Why, in English.
        why_en: &'static str,
    },
    /// A document template that does not render; the renderer's own message says why.
    #[error("{field} does not render: {diagnostics}")]
    Unrenderable {
        /// The input field, as named in the API.
        field: &'static str,
        /// The renderer's diagnostics, with their line and column.
        diagnostics: String,
    },
}

impl InvalidInput {
    /// The input field this error is about.
    pub fn field(&self) -> &'static str {
        match self {
            InvalidInput::Empty { field }
            | InvalidInput::TooLong { field, .. }
            | InvalidInput::Malformed { field, .. }
            | InvalidInput::Unprintable { field, .. }
            | InvalidInput::OutOfRange { field, .. }
            | InvalidInput::Refused { field, .. }
            | InvalidInput::Unrenderable { field, .. } => field,
        }
    }
}

impl Explain for InvalidInput {
    fn message_vi(&self) -> String {
        match self {
            InvalidInput::Empty { field } => format!("Trường {field} không được để trống."),
            InvalidInput::TooLong { field, max, actual } => {
                format!("Trường {field} dài {actual} ký tự; tối đa {max} ký tự.")
            }
            InvalidInput::Malformed {
                field, expected_vi, ..
            } => format!("Trường {field} không đúng định dạng: {expected_vi}."),
            InvalidInput::Unprintable { field, characters } => {
                format!("Trường {field} có ký tự không in được trên bằng/giấy khen: {characters}")
            }
            InvalidInput::OutOfRange {
                field,
                min,
                max,
                actual,
            } => format!("Trường {field} phải trong khoảng {min}–{max}, nhận được {actual}."),
            InvalidInput::Unrenderable { field, diagnostics } => {
                format!("Mẫu {field} không dựng được bằng/giấy khen mẫu: {diagnostics}")
            }
            InvalidInput::Refused { why_vi, .. } => format!("{why_vi}."),
        }
    }

    fn message_en(&self) -> String {
        match self {
            InvalidInput::Empty { field } => format!("{field} must not be empty."),
            InvalidInput::TooLong { field, max, actual } => {
                format!("{field} is {actual} characters long; at most {max} are allowed.")
            }
            InvalidInput::Malformed {
                field, expected_en, ..
            } => format!("{field} is malformed: {expected_en}."),
            InvalidInput::Unprintable { field, characters } => format!(
                "{field} contains characters that cannot be printed on a certificate: {characters}"
            ),
            InvalidInput::OutOfRange {
                field,
                min,
                max,
                actual,
            } => format!("{field} must be between {min} and {max}, got {actual}."),
            InvalidInput::Unrenderable { field, diagnostics } => {
                format!("{field} does not render a sample certificate: {diagnostics}")
            }
            InvalidInput::Refused { why_en, .. } => format!("{why_en}."),
        }
    }
}

/// NFC-normalises `raw`, trims it, turns every run of whitespace into one space and refuses
/// control characters. This is the one cleaning step for every single-line text field.
pub fn clean_line(field: &'static str, raw: &str) -> Result<String, InvalidInput> {
    let mut out = String::with_capacity(raw.len());
    // A soft hyphen (pasted from a web page or a PDF) is an invisible line-break hint: dropped.
    for word in raw.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().filter(|&c| c != '\u{00AD}'));
    }
    if out
        .chars()
        .any(|c| c.is_control() || is_invisible_format(c))
    {
        return Err(InvalidInput::Malformed {
            field,
            expected_vi: "không được chứa ký tự điều khiển hoặc ký tự định hướng ẩn",
            expected_en: "control characters and invisible direction overrides are not allowed",
        });
    }
    if stacked_marks(&out) > MAX_MARKS_PER_LETTER {
        return Err(InvalidInput::Malformed {
            field,
            expected_vi: "mỗi chữ cái mang tối đa hai dấu (như ệ, ở)",
            expected_en: "a letter carries at most two diacritics (as in ệ, ở)",
        });
    }
    Ok(out.nfc().collect())
}

/// The most diacritics one letter carries in Vietnamese: a vowel mark (ˆ ˘ ʼ) and a tone (ệ, ở).
const MAX_MARKS_PER_LETTER: usize = 2;

/// The longest run of combining marks on one letter, once decomposed: "ệ" has two; a letter
/// with 50 stacked accents (which draws over the lines above and below) has 50.
fn stacked_marks(text: &str) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for c in text.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

/// Bidirectional overrides and isolates (which can make text display differently from what it
/// says), zero-width joiners and spaces (which make two names that look alike differ), and other
/// invisible format characters Vietnamese text never needs.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{034F}' | '\u{061C}' | '\u{180E}'
        | '\u{200B}'..='\u{200D}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// [`clean_line`], then requires between 1 and `max` characters.
pub fn bounded_line(field: &'static str, raw: &str, max: usize) -> Result<String, InvalidInput> {
    // Refuse absurd inputs before spending time normalising them.
    if raw.len() > max.saturating_mul(8) {
        return Err(InvalidInput::TooLong {
            field,
            max,
            actual: raw.chars().count(),
        });
    }
    let text = clean_line(field, raw)?;
    let actual = text.chars().count();
    if actual == 0 {
        return Err(InvalidInput::Empty { field });
    }
    if actual > max {
        return Err(InvalidInput::TooLong { field, max, actual });
    }
    Ok(text)
}

/// Like [`bounded_line`], but an empty or absent input means "no value".
pub fn optional_line(
    field: &'static str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, InvalidInput> {
    match raw {
        None => Ok(None),
        Some(raw) if raw.trim().is_empty() => Ok(None),
        Some(raw) => bounded_line(field, raw, max).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfd_input_comes_out_nfc() {
        let nfd: String = "Nguyễn Thị Ngọc Huyền".nfd().collect();
        assert_ne!(nfd, "Nguyễn Thị Ngọc Huyền");
        assert_eq!(
            bounded_line("fullName", &nfd, 120),
            Ok("Nguyễn Thị Ngọc Huyền".to_string())
        );
    }

    #[test]
    fn whitespace_is_collapsed_and_trimmed() {
        assert_eq!(
            clean_line("name", "  Phòng \t Tham\nmưu  "),
            Ok("Phòng Tham mưu".into())
        );
    }

    #[test]
    fn empty_long_and_control_inputs_are_refused() {
        assert_eq!(
            bounded_line("achievement", "   ", 10),
            Err(InvalidInput::Empty {
                field: "achievement"
            })
        );
        assert!(matches!(
            bounded_line("achievement", &"a".repeat(11), 10),
            Err(InvalidInput::TooLong {
                max: 10,
                actual: 11,
                ..
            })
        ));
        assert!(matches!(
            bounded_line("achievement", &"a".repeat(10_000_000), 2000),
            Err(InvalidInput::TooLong { .. })
        ));
        assert!(matches!(
            bounded_line("name", "a\u{0}b", 10),
            Err(InvalidInput::Malformed { .. })
        ));
        // A right-to-left override would make "exe.txt" read as "txt.exe".
        assert!(matches!(
            bounded_line("reason", "abc\u{202E}def", 20),
            Err(InvalidInput::Malformed { .. })
        ));
    }

    #[test]
    fn invisible_joiners_and_stacked_accents_are_refused() {
        // A zero-width joiner makes "Nguyễn Văn An" and "Nguyễn Vă\u{200D}n An" two people who
        // look alike on every screen.
        for hidden in ['\u{200D}', '\u{200C}', '\u{200B}', '\u{FEFF}'] {
            let name = format!("Nguyễn Vă{hidden}n An");
            assert!(
                matches!(
                    bounded_line("fullName", &name, 120),
                    Err(InvalidInput::Malformed { .. })
                ),
                "U+{:04X} passed",
                u32::from(hidden)
            );
        }
        // A soft hyphen pasted from a web page is dropped, not refused.
        assert_eq!(
            bounded_line("fullName", "Nguyễn Văn\u{00AD}An", 120).as_deref(),
            Ok("Nguyễn VănAn")
        );
        // Fifty accents on one letter draw over the lines above and below.
        let zalgo = format!("A{}n", "\u{0301}".repeat(50));
        assert!(matches!(
            bounded_line("fullName", &zalgo, 120),
            Err(InvalidInput::Malformed { .. })
        ));
        // Every Vietnamese letter has at most two marks, typed composed or decomposed.
        for name in [
            "Đặng Quốc Hưởng",
            "Nguyễn Thị Ánh Tuyết",
            "Ê Đê",
            "Lê Thị Ngọc Trinh",
        ] {
            let decomposed: String = name.nfd().collect();
            assert_eq!(bounded_line("fullName", name, 120).as_deref(), Ok(name));
            assert_eq!(
                bounded_line("fullName", &decomposed, 120).as_deref(),
                Ok(name)
            );
        }
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        // 10 Vietnamese letters are 10 characters even though they take 2-3 bytes each.
        assert!(bounded_line("name", "ễễễễễễễễễễ", 10).is_ok());
    }

    #[test]
    fn optional_lines_treat_blank_as_absent() {
        assert_eq!(optional_line("place", Some("  "), 10), Ok(None));
        assert_eq!(optional_line("place", None, 10), Ok(None));
        assert_eq!(
            optional_line("place", Some(" Gia Lai "), 10),
            Ok(Some("Gia Lai".into()))
        );
    }
}
