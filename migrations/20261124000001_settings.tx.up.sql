-- Settings: process-wide values kept in the database, such as generated
-- secrets, so that a restart keeps them and every replica shares them.
CREATE TABLE settings (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
