//! Certificates: verification codes and status.

use std::str::FromStr;

use crate::text::InvalidInput;

/// Crockford's base32 alphabet: no I, L, O, U, so codes read aloud or retyped survive.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The public code printed on a certificate (and in its QR code) to verify it:
/// 80 random bits as 16 Crockford base32 characters, shown as `XXXX-XXXX-XXXX-XXXX`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VerificationCode(String);

impl VerificationCode {
    /// Characters in a code.
    pub const LEN: usize = 16;

    /// A code from 10 random bytes (the edge supplies the randomness).
    pub fn from_entropy(bytes: [u8; 10]) -> VerificationCode {
        let mut bits: u128 = 0;
        for byte in bytes {
            bits = (bits << 8) | u128::from(byte);
        }
        let code = (0..Self::LEN)
            .rev()
            .map(|i| char::from(CROCKFORD[((bits >> (i * 5)) & 0x1f) as usize]))
            .collect();
        VerificationCode(code)
    }

    /// The code without separators, as stored and as used in URLs.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code in groups of four, as printed: `7KQ2-M9XD-4TPA-WJ3C`.
    pub fn grouped(&self) -> String {
        self.0
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }
}

impl FromStr for VerificationCode {
    type Err = InvalidInput;
    /// Accepts what people type: any case, dashes or spaces, and the look-alikes I, L (→ 1), O (→ 0).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let malformed = InvalidInput::Malformed {
            field: "code",
            expected_vi: "16 ký tự chữ và số, ví dụ 7KQ2-M9XD-4TPA-WJ3C",
            expected_en: "16 letters and digits, e.g. 7KQ2-M9XD-4TPA-WJ3C",
        };
        if s.len() > 64 {
            return Err(malformed);
        }
        let mut code = String::with_capacity(Self::LEN);
        for c in s.chars().filter(|c| *c != '-' && !c.is_whitespace()) {
            let c = match c.to_ascii_uppercase() {
                'I' | 'L' => '1',
                'O' => '0',
                c => c,
            };
            if !c.is_ascii() || !CROCKFORD.contains(&(c as u8)) {
                return Err(malformed);
            }
            code.push(c);
        }
        if code.len() != Self::LEN {
            return Err(malformed);
        }
        Ok(VerificationCode(code))
    }
}

/// Whether a certificate still stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CertificateStatus {
    /// Genuine and in force.
    Valid,
    /// Its decision was annulled (Law 06/2022 Art 93.2).
    Annulled,
}

impl CertificateStatus {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            CertificateStatus::Valid => "VALID",
            CertificateStatus::Annulled => "ANNULLED",
        }
    }
}

/// An unknown stored certificate status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown certificate status `{0}`")]
pub struct UnknownStatus(pub String);

impl FromStr for CertificateStatus {
    type Err = UnknownStatus;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [CertificateStatus::Valid, CertificateStatus::Annulled]
            .into_iter()
            .find(|st| st.code() == s)
            .ok_or_else(|| UnknownStatus(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sixteen_crockford_characters() {
        let code = VerificationCode::from_entropy([0xff; 10]);
        assert_eq!(code.as_str(), "ZZZZZZZZZZZZZZZZ");
        let code = VerificationCode::from_entropy([0; 10]);
        assert_eq!(code.as_str(), "0000000000000000");
        let code = VerificationCode::from_entropy([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(code.as_str().len(), 16);
        assert_eq!(code.grouped().len(), 19);
    }

    #[test]
    fn typed_codes_are_forgiving_but_checked() {
        let code = VerificationCode::from_entropy([7, 1, 200, 3, 99, 5, 6, 42, 8, 9]);
        let typed = code.grouped().to_lowercase();
        assert_eq!(typed.parse::<VerificationCode>(), Ok(code.clone()));
        assert_eq!(
            "oooo-iiii-llll-0000".parse::<VerificationCode>(),
            Ok(VerificationCode("0000111111110000".into()))
        );
        for bad in [
            "",
            "short",
            "UUUUUUUUUUUUUUUU",
            "ĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐĐ",
            &"A".repeat(100),
        ] {
            assert!(bad.parse::<VerificationCode>().is_err(), "{bad}");
        }
    }
}
