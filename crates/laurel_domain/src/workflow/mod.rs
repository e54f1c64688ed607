//! The review workflow: the stages a nomination goes through, from submission by the proposing
//! unit, up the unit tree, through the issuer's office and council, to a signed decision.
//!
//! - [`definition`]: stage kinds and parties (closed sets in code) and workflow definitions
//!   (ordered stages per award offering, versioned data in `rulesets/workflows.toml`, read and
//!   checked by [`Workflows::embedded`]).
//! - [`route`]: the units from the proposing unit up to the issuer, and positions on a workflow.
//! - [`apply`](mod@apply): the table of what each state and stage accepts ([`accepted`]), who
//!   acts ([`requirement`]), the separation of duties, and the one transition function
//!   [`apply()`](fn@apply), which also authorizes: no caller can skip it.

pub mod apply;
pub mod definition;
pub mod load;
pub mod route;

#[cfg(test)]
mod tests;

pub use apply::{
    AnnulGround, AppraisalVerdict, AttachRefusal, Blocked, Command, CommandKind, Consultation,
    Duty, Event, OpinionVerdict, Refusal, SeparationOfDuties, Situation, Tally, Transition,
    TransitionError, accepted, accepts_comment, apply, available, may_attach, party_target,
    requirement, separation_of_duties, waiting_for, who_table,
};
pub use definition::{
    LEGACY_ID, Party, Stage, StageKind, UnknownStageKind, Workflow, WorkflowRef, Workflows,
};
pub use load::{EMBEDDED_WORKFLOWS, WorkflowError, WorkflowProblem};
pub use route::{OffRoute, Position, Route};
