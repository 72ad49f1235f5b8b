-- A member moves between units by a transfer request (issue 14), SQLite flavour. Keep in step
-- with ../postgres. The receiving unit's officer requests by ID number and name; member_id and
-- from_org_id are set when they matched a member of the receiving unit's city (never shown to
-- the requester). The giving side (or a federation above both units) confirms — the member moves
-- in the same transaction — or refuses with a reason. docs/import.md, "Transfers".
CREATE TABLE transfers (
    id              INTEGER PRIMARY KEY,
    tenant_id       BIGINT  NOT NULL,
    id_number       TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    to_org_id       BIGINT  NOT NULL REFERENCES orgs (id),
    reason          TEXT    NOT NULL,
    member_id       BIGINT  REFERENCES members (id),
    from_org_id     BIGINT  REFERENCES orgs (id),
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'confirmed', 'refused')),
    requested_by    TEXT    NOT NULL,
    requested_at    TEXT    NOT NULL,
    decided_by      TEXT,
    decided_at      TEXT,
    decision_reason TEXT
);
CREATE INDEX transfers_status ON transfers (status, id);
CREATE INDEX transfers_requester ON transfers (requested_by, id);
