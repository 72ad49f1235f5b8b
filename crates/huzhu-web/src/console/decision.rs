//! 待决事项 — the console's one confirm/refuse form for a proposal that waits for a second
//! person (ARCHITECTURE.md, the pending-decision pattern; `templates/decision/form_partial.html`):
//! a confirm button that asks first, a refuse button with its required reason, and for the
//! proposer's own proposal a note instead. Bank account changes and transfers use it; the use
//! case refuses the proposer whatever the page shows.

use super::PageError;
use serde::Deserialize;

/// The form of one pending proposal.
pub struct DecisionForm {
    /// The proposal's console path (`/transfers/7`): the form posts to `{path}/confirm` and
    /// `{path}/refuse`, and the page at its parent lists it.
    pub path: String,
    /// The proposal's id, for the reason field's label.
    pub id: i64,
    /// The signed-in account proposed it: no buttons, a note.
    pub own: bool,
    /// Confirming is possible (a transfer that matched no member can only be refused).
    pub can_confirm: bool,
    /// What confirming does, asked before it is sent: (中文, English).
    pub confirm_prompt: (&'static str, &'static str),
}

/// What the refuse button sends.
#[derive(Deserialize)]
pub struct RefusalForm {
    #[serde(default)]
    pub reason: String,
}

/// A proposal id from the path.
pub fn proposal_id(raw: &str) -> Result<i64, PageError> {
    raw.parse()
        .map_err(|_| PageError::invalid("id", "编号应为数字 (the id is a number)"))
}
