-- 云结对 cloud pairing (SPEC 7.6; docs/pairing.md), SQLite flavour. Keep in step with ../postgres.

-- A needy student published from a golden-autumn grant. The public columns are copied when the
-- student is published (surname + 同学, grade, school level, district, yearly need), so a public
-- read touches no personal data. `token` is the link's unguessable key (128 random bits, hex).
-- A hold ends at `hold_until_ms` (milliseconds since 1970, UTC): a held student whose hold has
-- ended reads as listed, and a claim on them wins (the conditional UPDATE in the store).
CREATE TABLE pairing_students (
    id            INTEGER PRIMARY KEY,
    tenant_id     BIGINT  NOT NULL,
    org_id        BIGINT  NOT NULL REFERENCES orgs (id),    -- the org that published
    grant_id      BIGINT  NOT NULL REFERENCES grants (id),
    token         TEXT    NOT NULL UNIQUE,
    public_name   TEXT    NOT NULL,
    grade         INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 6),
    school_level  TEXT    NOT NULL,
    district      TEXT    NOT NULL,
    need_fen      BIGINT  NOT NULL CHECK (need_fen > 0),
    academic_year TEXT    NOT NULL,
    state         TEXT    NOT NULL CHECK (state IN ('published', 'held', 'pledged', 'withdrawn')),
    hold_until_ms BIGINT,
    sponsor_id    BIGINT,                                   -- the holder, then the pledge
    consent       BOOLEAN NOT NULL DEFAULT FALSE,           -- the household lets the sponsor know them
    published_by  TEXT    NOT NULL,
    published_at  TEXT    NOT NULL,
    UNIQUE (tenant_id, grant_id)
);
CREATE INDEX pairing_students_state ON pairing_students (state, id);
CREATE INDEX pairing_students_org ON pairing_students (org_id, id);

-- A claim by a sponsor: the hold, then the pledge once confirmed. The sponsor's secret token is
-- kept as its SHA-256 only.
CREATE TABLE pairing_sponsors (
    id            INTEGER PRIMARY KEY,
    tenant_id     BIGINT  NOT NULL,
    student_id    BIGINT  NOT NULL REFERENCES pairing_students (id),
    token_sha256  TEXT    NOT NULL UNIQUE,
    kind          TEXT    NOT NULL CHECK (kind IN ('member', 'unit', 'person')),
    name          TEXT    NOT NULL,
    phone         TEXT    NOT NULL,
    claimed_at    TEXT    NOT NULL,
    hold_until_ms BIGINT  NOT NULL,
    confirmed_at  TEXT,
    confirmed_on  TEXT,
    per_year_fen  BIGINT  CHECK (per_year_fen > 0),
    years         INTEGER CHECK (years BETWEEN 1 AND 10)
);
CREATE INDEX pairing_sponsors_student ON pairing_sponsors (student_id, id);

-- A payment made under a pledge, recorded by staff.
CREATE TABLE pairing_payments (
    id           INTEGER PRIMARY KEY,
    tenant_id    BIGINT NOT NULL,
    sponsor_id   BIGINT NOT NULL REFERENCES pairing_sponsors (id),
    amount_fen   BIGINT NOT NULL CHECK (amount_fen > 0),
    paid_on      TEXT   NOT NULL,
    reference    TEXT   NOT NULL,
    recorded_by  TEXT   NOT NULL,
    recorded_at  TEXT   NOT NULL
);
CREATE INDEX pairing_payments_sponsor ON pairing_payments (sponsor_id, id);

-- A progress report on the student, written by staff, read by the sponsor with their token.
CREATE TABLE pairing_reports (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL,
    student_id  BIGINT NOT NULL REFERENCES pairing_students (id),
    written_on  TEXT   NOT NULL,
    body        TEXT   NOT NULL,
    written_by  TEXT   NOT NULL,
    written_at  TEXT   NOT NULL
);
CREATE INDEX pairing_reports_student ON pairing_reports (student_id, id);
