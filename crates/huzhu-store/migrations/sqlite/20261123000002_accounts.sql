-- Accounts and sessions (SPEC section 1), SQLite flavour. Keep in step with ../postgres.

-- One account per person and duty; its rights are scoped to org_id and its subtree (SPEC 2).
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    tenant_id     BIGINT  NOT NULL,            -- the city federation of org_id
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,            -- PHC string (argon2id); never the password
    role          TEXT    NOT NULL,            -- huzhu_domain::access::Role::code
    org_id        BIGINT  NOT NULL REFERENCES orgs (id),
    member_id     BIGINT  REFERENCES members (id), -- for role 'member' only
    active        BOOLEAN NOT NULL DEFAULT 1,
    created_at    TEXT    NOT NULL
);
CREATE INDEX users_org ON users (org_id);

-- A signed-in browser or script. Only the SHA-256 of the token is kept: a copy of this table
-- cannot be replayed as sessions.
CREATE TABLE sessions (
    token_hash   TEXT   PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    created_at   TEXT   NOT NULL,
    expires_at   TEXT   NOT NULL,            -- the absolute limit; idle expiry is the app's rule
    last_seen_at TEXT   NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
