-- 81890 service directory (SPEC 7.6; docs/services.md), SQLite flavour. Keep in step with
-- ../postgres.

-- A volunteer team of an org.
CREATE TABLE service_teams (
    id            INTEGER PRIMARY KEY,
    tenant_id     BIGINT NOT NULL,
    org_id        BIGINT NOT NULL REFERENCES orgs (id),
    name          TEXT   NOT NULL,
    contact       TEXT   NOT NULL,
    created_by    TEXT   NOT NULL,
    created_at    TEXT   NOT NULL,
    UNIQUE (tenant_id, name)
);

-- A service a team offers: its kind, area, hours and contact.
CREATE TABLE service_offers (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL,
    team_id     BIGINT NOT NULL REFERENCES service_teams (id),
    kind        TEXT   NOT NULL,
    area        TEXT   NOT NULL,
    hours       TEXT   NOT NULL,
    contact     TEXT   NOT NULL,
    created_by  TEXT   NOT NULL,
    created_at  TEXT   NOT NULL
);
CREATE INDEX service_offers_team ON service_offers (team_id, id);

-- A member's request for a service, tracked requested → accepted → completed (or cancelled with
-- a reason), scored 1–5 by the member once completed.
CREATE TABLE service_requests (
    id            INTEGER PRIMARY KEY,
    tenant_id     BIGINT  NOT NULL,
    org_id        BIGINT  NOT NULL REFERENCES orgs (id),   -- the member's unit when requested
    member_id     BIGINT  NOT NULL REFERENCES members (id),
    offer_id      BIGINT  NOT NULL REFERENCES service_offers (id),
    note          TEXT    NOT NULL,
    state         TEXT    NOT NULL CHECK (state IN ('requested', 'accepted', 'completed',
                      'cancelled')),
    requested_on  TEXT    NOT NULL,
    requested_by  TEXT    NOT NULL,
    requested_at  TEXT    NOT NULL,
    team_id       BIGINT  REFERENCES service_teams (id),
    accepted_by   TEXT,
    accepted_at   TEXT,
    completed_by  TEXT,
    completed_at  TEXT,
    cancel_reason TEXT,
    cancelled_by  TEXT,
    cancelled_at  TEXT,
    score         INTEGER CHECK (score BETWEEN 1 AND 5),
    scored_at     TEXT
);
CREATE INDEX service_requests_org ON service_requests (org_id, requested_on, id);
CREATE INDEX service_requests_member ON service_requests (member_id, id);
