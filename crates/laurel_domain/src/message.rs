//! Messages for people, in Vietnamese and English.
//!
//! Every error a person may read explains itself in both languages. The gateway puts the
//! Vietnamese text in the GraphQL `message` and both texts in `extensions`.

/// A value that can explain itself to a person in Vietnamese and English.
pub trait Explain {
    /// The explanation in Vietnamese.
    fn message_vi(&self) -> String;
    /// The explanation in English.
    fn message_en(&self) -> String;
}
