-- 数字工匠, craftsman recognition (SPEC 7.8, issue 17); SQLite flavour. Keep in step with
-- ../postgres. docs/recognition.md.
--
-- A call of the city with its quota per nominating union and its qualification rules (data);
-- nominations; the experts and their scores; the notice 公示 is the shared `notices` table
-- (subject_kind 'nomination'). The database enforces: the quota (a counter per call and union,
-- raised by a conditional upsert that never passes the quota), one live nomination per member
-- and call, one score per expert and nominee.
CREATE TABLE recognition_calls (
    id              INTEGER PRIMARY KEY,
    tenant_id       BIGINT  NOT NULL,
    org_id          BIGINT  NOT NULL REFERENCES orgs (id),
    year            INTEGER NOT NULL,
    name            TEXT    NOT NULL,
    quota           INTEGER NOT NULL CHECK (quota >= 1),
    opens_on        TEXT    NOT NULL,
    closes_on       TEXT    NOT NULL,
    min_field_years INTEGER NOT NULL,
    min_city_years  INTEGER NOT NULL,
    exclude_civil_servants BOOLEAN NOT NULL,
    exclude_leading_cadres BOOLEAN NOT NULL,
    award_count     INTEGER,
    state           TEXT    NOT NULL CHECK (state IN ('open', 'ranked', 'in_notice', 'awarded')),
    created_by      TEXT    NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX recognition_calls_name ON recognition_calls (tenant_id, year, name);

CREATE TABLE recognition_quota_use (
    tenant_id       BIGINT  NOT NULL,
    call_id         BIGINT  NOT NULL REFERENCES recognition_calls (id),
    org_id          BIGINT  NOT NULL REFERENCES orgs (id),
    used            INTEGER NOT NULL CHECK (used >= 0),
    PRIMARY KEY (call_id, org_id)
);

CREATE TABLE recognition_nominations (
    id              INTEGER PRIMARY KEY,
    tenant_id       BIGINT  NOT NULL,
    call_id         BIGINT  NOT NULL REFERENCES recognition_calls (id),
    nominating_org_id BIGINT NOT NULL REFERENCES orgs (id),
    member_id       BIGINT  NOT NULL,
    unit_org_id     BIGINT  NOT NULL REFERENCES orgs (id),
    field           TEXT    NOT NULL,
    achievements    TEXT    NOT NULL,
    field_years     INTEGER NOT NULL,
    city_years      INTEGER NOT NULL,
    civil_servant   BOOLEAN NOT NULL,
    leading_cadre   BOOLEAN NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('nominated', 'refused', 'confirmed',
                        'selected', 'not_selected', 'in_notice', 'withdrawn', 'awarded')),
    refusals        TEXT    NOT NULL,
    mean_centi      BIGINT,
    place           INTEGER,
    reason          TEXT,
    nominated_by    TEXT    NOT NULL,
    nominated_at    TEXT NOT NULL,
    confirmed_by    TEXT,
    updated_at      TEXT NOT NULL,
    FOREIGN KEY (member_id) REFERENCES members (id)
);
CREATE UNIQUE INDEX recognition_nominations_one_live ON recognition_nominations (call_id, member_id)
    WHERE state NOT IN ('refused', 'withdrawn');
CREATE INDEX recognition_nominations_call ON recognition_nominations (call_id, id);

CREATE TABLE recognition_experts (
    id              INTEGER PRIMARY KEY,
    tenant_id       BIGINT  NOT NULL,
    org_id          BIGINT  NOT NULL REFERENCES orgs (id),
    name            TEXT    NOT NULL,
    title           TEXT    NOT NULL,
    created_by      TEXT    NOT NULL,
    created_at      TEXT NOT NULL
);

CREATE TABLE recognition_scores (
    id              INTEGER PRIMARY KEY,
    tenant_id       BIGINT  NOT NULL,
    nomination_id   BIGINT  NOT NULL REFERENCES recognition_nominations (id),
    expert_id       BIGINT  NOT NULL REFERENCES recognition_experts (id),
    score           BIGINT  NOT NULL CHECK (score BETWEEN 0 AND 100),
    note            TEXT,
    recorded_by     TEXT    NOT NULL,
    recorded_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX recognition_scores_once ON recognition_scores (nomination_id, expert_id);
