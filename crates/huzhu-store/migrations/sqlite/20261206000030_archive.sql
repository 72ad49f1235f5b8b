-- 困难职工档案, the hardship-worker archive (SPEC 7.2, issue 15), and the public notice 公示 that
-- later programmes share; SQLite flavour. Keep in step with ../postgres. docs/archive.md.
--
-- One household, one file 一户一档: while a record is open (any state but refused or exited), its
-- head and every person of it are in no other open record of the city federation (tenant). The
-- two partial unique indexes below enforce it, not a read before the write.
CREATE TABLE households (
    id              INTEGER PRIMARY KEY,
    tenant_id       BIGINT NOT NULL,
    org_id          BIGINT NOT NULL REFERENCES orgs (id),
    head_member_id  BIGINT NOT NULL REFERENCES members (id),
    state           TEXT   NOT NULL CHECK (state IN ('applied', 'visited', 'reviewed',
                        'in_notice', 'admitted', 'lapsed', 'refused', 'exited')),
    category        TEXT   CHECK (category IN ('deep', 'relative', 'accident')),
    per_head_monthly_income_fen BIGINT NOT NULL,
    assessment      TEXT   NOT NULL,
    facts           TEXT   NOT NULL,
    programme_id    TEXT   NOT NULL,
    programme_version TEXT NOT NULL,
    level           TEXT   CHECK (level IN ('national', 'provincial', 'city_county')),
    level_date       TEXT,
    opened_by       TEXT   NOT NULL,
    opened_at       TEXT NOT NULL,
    opened_on        TEXT   NOT NULL,
    visited_by      TEXT,
    visited_on       TEXT,
    admitted_on      TEXT,
    valid_until      TEXT,
    exit_reason     TEXT   CHECK (exit_reason IN ('out_of_hardship', 'retired', 'moved_away',
                        'deceased', 'by_request')),
    reason          TEXT,
    updated_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX households_one_open_per_head ON households (tenant_id, head_member_id)
    WHERE state NOT IN ('refused', 'exited');
CREATE INDEX households_org ON households (org_id, id);
CREATE INDEX households_due ON households (state, valid_until);

CREATE TABLE household_people (
    id              INTEGER PRIMARY KEY,
    tenant_id       BIGINT  NOT NULL,
    household_id    BIGINT  NOT NULL REFERENCES households (id),
    position        INTEGER NOT NULL,
    id_number       TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    relation        TEXT    NOT NULL,
    school_level    TEXT    NOT NULL,
    dialysis        BOOLEAN NOT NULL,
    is_open         BOOLEAN NOT NULL
);
CREATE UNIQUE INDEX household_people_one_open_record ON household_people (tenant_id, id_number)
    WHERE is_open;
CREATE INDEX household_people_household ON household_people (household_id, position);

-- The timeline: every step, dated and attributed. Append-only.
CREATE TABLE household_events (
    id              INTEGER PRIMARY KEY,
    tenant_id       BIGINT NOT NULL,
    household_id    BIGINT NOT NULL REFERENCES households (id),
    at              TEXT NOT NULL,
    on_date          TEXT   NOT NULL,
    actor           TEXT   NOT NULL,
    step            TEXT   NOT NULL,
    state           TEXT   NOT NULL,
    note            TEXT,
    details         TEXT   NOT NULL
);
CREATE INDEX household_events_household ON household_events (household_id, id);
CREATE TRIGGER household_events_no_update BEFORE UPDATE ON household_events
BEGIN SELECT RAISE(ABORT, 'household_events is append-only'); END;
CREATE TRIGGER household_events_no_delete BEFORE DELETE ON household_events
BEGIN SELECT RAISE(ABORT, 'household_events is append-only'); END;

-- 公示: generic, a subject of any kind (a household here; a grant of a later programme). What
-- the public page shows is copied here when the notice starts (masked name, unit name, summary
-- code), so the public read touches no personal data.
CREATE TABLE notices (
    id              INTEGER PRIMARY KEY,
    tenant_id       BIGINT  NOT NULL,
    org_id          BIGINT  NOT NULL REFERENCES orgs (id),
    subject_kind    TEXT    NOT NULL,
    subject_id      BIGINT  NOT NULL,
    public_name     TEXT    NOT NULL,
    unit_name       TEXT    NOT NULL,
    summary         TEXT    NOT NULL,
    starts_on        TEXT    NOT NULL,
    ends_on          TEXT    NOT NULL,
    working_days    INTEGER NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('open', 'concluded')),
    created_by      TEXT    NOT NULL,
    created_at      TEXT NOT NULL,
    concluded_at    TEXT
);
CREATE UNIQUE INDEX notices_one_open_per_subject ON notices (tenant_id, subject_kind, subject_id)
    WHERE status = 'open';
CREATE INDEX notices_public ON notices (status, ends_on);

CREATE TABLE notice_objections (
    id              INTEGER PRIMARY KEY,
    tenant_id       BIGINT NOT NULL,
    notice_id       BIGINT NOT NULL REFERENCES notices (id),
    received_on      TEXT   NOT NULL,
    from_whom       TEXT,
    content         TEXT   NOT NULL,
    recorded_by     TEXT   NOT NULL,
    recorded_at     TEXT NOT NULL,
    outcome         TEXT   CHECK (outcome IN ('upheld', 'dismissed')),
    outcome_reason  TEXT,
    settled_by      TEXT,
    settled_at      TEXT
);
CREATE INDEX notice_objections_notice ON notice_objections (notice_id, id);
