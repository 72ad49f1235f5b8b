-- 春风就业 employment help (SPEC 7.11; docs/employment.md): job fairs with their employers and
-- posts, job-seekers' registrations and placements, skills courses with their trainees.
-- SQLite flavour. Keep in step with ../postgres.

-- A fair (online or on site) organised by an org; `state` moves planned → held | cancelled.
CREATE TABLE employment_fairs (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT  NOT NULL,
    org_id      BIGINT  NOT NULL REFERENCES orgs (id),
    name        TEXT    NOT NULL,
    mode        TEXT    NOT NULL CHECK (mode IN ('online', 'on_site')),
    held_on     TEXT NOT NULL,
    venue       TEXT    NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('planned', 'held', 'cancelled')),
    created_by  TEXT    NOT NULL,
    created_at  TEXT NOT NULL,
    stepped_by  TEXT,
    stepped_at  TEXT,
    reason      TEXT
);
CREATE INDEX employment_fairs_org ON employment_fairs (org_id, held_on);

-- An employer taking part in a fair (one row per fair and name).
CREATE TABLE employment_employers (
    id         INTEGER PRIMARY KEY,
    tenant_id  BIGINT NOT NULL,
    fair_id    BIGINT NOT NULL REFERENCES employment_fairs (id),
    name       TEXT   NOT NULL,
    UNIQUE (fair_id, name)
);

-- A post an employer offers at a fair. `filled` counts placements: the placement's conditional
-- UPDATE (`filled < openings`) keeps a post within its openings; the CHECK is the last guard.
CREATE TABLE employment_posts (
    id           INTEGER PRIMARY KEY,
    tenant_id    BIGINT NOT NULL,
    fair_id      BIGINT NOT NULL REFERENCES employment_fairs (id),
    employer_id  BIGINT NOT NULL REFERENCES employment_employers (id),
    title        TEXT   NOT NULL,
    openings     BIGINT NOT NULL CHECK (openings > 0),
    filled       BIGINT NOT NULL DEFAULT 0,
    created_by   TEXT   NOT NULL,
    created_at   TEXT NOT NULL,
    CHECK (filled >= 0 AND filled <= openings)
);
CREATE INDEX employment_posts_fair ON employment_posts (fair_id, id);

-- A job-seeker's registration: a member (`member_id`), or a graduate of an archived household
-- (阳光就业: `household_id`, the graduate's name). `org_id` is the unit that registered them.
CREATE TABLE employment_seekers (
    id             INTEGER PRIMARY KEY,
    tenant_id      BIGINT  NOT NULL,
    org_id         BIGINT  NOT NULL REFERENCES orgs (id),
    kind           TEXT    NOT NULL CHECK (kind IN ('member', 'graduate')),
    member_id      BIGINT  REFERENCES members (id),
    household_id   BIGINT  REFERENCES households (id),
    name           TEXT    NOT NULL,
    wanted         TEXT    NOT NULL,
    registered_on  TEXT NOT NULL,
    state          TEXT    NOT NULL CHECK (state IN ('registered', 'placed', 'withdrawn')),
    created_by     TEXT    NOT NULL,
    created_at     TEXT NOT NULL,
    stepped_by     TEXT,
    stepped_at     TEXT,
    reason         TEXT,
    CHECK ((kind = 'member' AND member_id IS NOT NULL)
        OR (kind = 'graduate' AND household_id IS NOT NULL))
);
CREATE INDEX employment_seekers_org ON employment_seekers (org_id, id);
-- A member has at most one live registration.
CREATE UNIQUE INDEX employment_seekers_live_member ON employment_seekers (member_id)
    WHERE state = 'registered';

-- A placement: a seeker in a post, on a date. One per seeker.
CREATE TABLE employment_placements (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL,
    seeker_id   BIGINT NOT NULL UNIQUE REFERENCES employment_seekers (id),
    post_id     BIGINT NOT NULL REFERENCES employment_posts (id),
    org_id      BIGINT NOT NULL REFERENCES orgs (id),
    placed_on   TEXT NOT NULL,
    placed_by   TEXT   NOT NULL,
    placed_at   TEXT NOT NULL
);
CREATE INDEX employment_placements_post ON employment_placements (post_id);

-- A skills course 技能培训 run by an org; `state` moves open → finished.
CREATE TABLE employment_courses (
    id           INTEGER PRIMARY KEY,
    tenant_id    BIGINT  NOT NULL,
    org_id       BIGINT  NOT NULL REFERENCES orgs (id),
    name         TEXT    NOT NULL,
    trade        TEXT    NOT NULL,
    start_on     TEXT NOT NULL,
    end_on       TEXT NOT NULL,
    sessions     BIGINT  NOT NULL CHECK (sessions > 0),
    state        TEXT    NOT NULL CHECK (state IN ('open', 'finished')),
    created_by   TEXT    NOT NULL,
    created_at   TEXT NOT NULL,
    finished_by  TEXT,
    finished_at  TEXT
);
CREATE INDEX employment_courses_org ON employment_courses (org_id, start_on);

-- A trainee of a course (a registered job-seeker), the sessions attended and the certificate.
CREATE TABLE employment_trainees (
    id              INTEGER PRIMARY KEY,
    tenant_id       BIGINT NOT NULL,
    course_id       BIGINT NOT NULL REFERENCES employment_courses (id),
    seeker_id       BIGINT NOT NULL REFERENCES employment_seekers (id),
    org_id          BIGINT NOT NULL REFERENCES orgs (id),
    attended        BIGINT NOT NULL DEFAULT 0 CHECK (attended >= 0),
    certificate_no  TEXT UNIQUE,
    certified_on    TEXT,
    enrolled_by     TEXT   NOT NULL,
    enrolled_at     TEXT NOT NULL,
    UNIQUE (course_id, seeker_id)
);
