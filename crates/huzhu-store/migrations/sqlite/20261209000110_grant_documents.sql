-- Documents handed in to a relief application after it was made (docs/grants.md, "Required
-- documents block approval"), SQLite flavour. Keep in step with ../postgres. The bytes are the
-- claims' `blobs` (stored once by content hash, never overwritten).
CREATE TABLE grant_documents (
    id           INTEGER PRIMARY KEY,
    tenant_id    BIGINT NOT NULL,
    grant_id     BIGINT NOT NULL REFERENCES grants (id),
    kind         TEXT   NOT NULL,            -- the programme file's document id
    sha256       TEXT   NOT NULL REFERENCES blobs (sha256),
    file_name    TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    size         BIGINT NOT NULL,
    uploaded_by  TEXT   NOT NULL,
    uploaded_at  TEXT   NOT NULL
);
CREATE INDEX grant_documents_grant ON grant_documents (grant_id, id);
