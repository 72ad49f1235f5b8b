-- 法律援助, legal aid for members in labour disputes (SPEC 7.7, issue 17); SQLite flavour.
-- Keep in step with ../postgres. docs/legal-aid.md.
--
-- The panel of lawyers of a federation, the cases and their timeline. A case's state changes only
-- by a conditional UPDATE guarded by the state read in the same transaction; every step is a row
-- of legal_aid_events (append-only) and an audit entry, written together.
CREATE TABLE legal_aid_lawyers (
    id              INTEGER PRIMARY KEY,
    tenant_id       BIGINT  NOT NULL,
    org_id          BIGINT  NOT NULL REFERENCES orgs (id),
    name            TEXT    NOT NULL,
    firm            TEXT    NOT NULL,
    phone           TEXT,
    active          BOOLEAN NOT NULL,
    created_by      TEXT    NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX legal_aid_lawyers_org ON legal_aid_lawyers (org_id, id);

CREATE TABLE legal_aid_cases (
    id              INTEGER PRIMARY KEY,
    tenant_id       BIGINT NOT NULL,
    org_id          BIGINT NOT NULL REFERENCES orgs (id),
    member_id       BIGINT NOT NULL,
    kind            TEXT   NOT NULL CHECK (kind IN ('wages', 'labour_contract', 'work_injury',
                        'social_insurance', 'dismissal', 'other')),
    summary         TEXT   NOT NULL,
    state           TEXT   NOT NULL CHECK (state IN ('intake', 'eligible', 'refused', 'approved',
                        'assigned', 'handling', 'closed')),
    opened_by       TEXT   NOT NULL,
    opened_at       TEXT NOT NULL,
    opened_on       TEXT   NOT NULL,
    approval_due    TEXT   NOT NULL,
    approved_by     TEXT,
    approved_on     TEXT,
    handling_due    TEXT,
    lawyer_id       BIGINT REFERENCES legal_aid_lawyers (id),
    assigned_on     TEXT,
    outcome         TEXT   CHECK (outcome IN ('won', 'mediated', 'withdrawn', 'lost')),
    recovered_fen   BIGINT NOT NULL DEFAULT 0 CHECK (recovered_fen >= 0),
    closed_on       TEXT,
    reason          TEXT,
    updated_at      TEXT NOT NULL,
    FOREIGN KEY (member_id) REFERENCES members (id)
);
CREATE INDEX legal_aid_cases_org ON legal_aid_cases (org_id, id);
CREATE INDEX legal_aid_cases_member ON legal_aid_cases (tenant_id, member_id);
CREATE INDEX legal_aid_cases_state ON legal_aid_cases (state, approval_due);

CREATE TABLE legal_aid_events (
    id              INTEGER PRIMARY KEY,
    tenant_id       BIGINT NOT NULL,
    case_id         BIGINT NOT NULL REFERENCES legal_aid_cases (id),
    at              TEXT NOT NULL,
    on_date         TEXT   NOT NULL,
    actor           TEXT   NOT NULL,
    step            TEXT   NOT NULL,
    state           TEXT   NOT NULL,
    activity        TEXT   CHECK (activity IN ('advice', 'mediation', 'arbitration', 'litigation')),
    note            TEXT,
    details         TEXT   NOT NULL
);
CREATE INDEX legal_aid_events_case ON legal_aid_events (case_id, id);
CREATE TRIGGER legal_aid_events_no_update BEFORE UPDATE ON legal_aid_events
BEGIN SELECT RAISE(ABORT, 'legal_aid_events is append-only'); END;
CREATE TRIGGER legal_aid_events_no_delete BEFORE DELETE ON legal_aid_events
BEGIN SELECT RAISE(ABORT, 'legal_aid_events is append-only'); END;
