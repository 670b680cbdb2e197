-- A service's own curriculum: local modules and its copies of built-in
-- lessons, kept as the same files (path -> bytes) as courses/ holds. The
-- curriculum served is the built-in files with the newest published
-- version of each module's local files laid over them.
CREATE TABLE curriculum_versions (
    module       TEXT NOT NULL,
    number       INTEGER NOT NULL CHECK (number > 0),
    published_at TIMESTAMPTZ NOT NULL,
    published_by {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id),
    note         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (module, number)
);
--bun:split
CREATE TABLE curriculum_files (
    module  TEXT NOT NULL,
    number  INTEGER NOT NULL,
    path    TEXT NOT NULL,
    content {{if eq .Dialect "pg"}}BYTEA{{else}}BLOB{{end}} NOT NULL,
    PRIMARY KEY (module, number, path),
    FOREIGN KEY (module, number) REFERENCES curriculum_versions (module, number)
);
--bun:split
-- One draft per module: what its authors are working on, saved even with
-- problems; publishing checks it and makes it the next version.
CREATE TABLE curriculum_drafts (
    module     TEXT PRIMARY KEY,
    based_on   INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id)
);
--bun:split
CREATE TABLE curriculum_draft_files (
    module  TEXT NOT NULL REFERENCES curriculum_drafts (module) ON DELETE CASCADE,
    path    TEXT NOT NULL,
    content {{if eq .Dialect "pg"}}BYTEA{{else}}BLOB{{end}} NOT NULL,
    PRIMARY KEY (module, path)
);
--bun:split
-- Every local copy of a built-in file records the built-in file's SHA-256
-- when it was copied (or last reviewed), so that an upgrade of Groundwork
-- that changes the built-in file is shown to admins to review.
CREATE TABLE curriculum_overrides (
    path        TEXT PRIMARY KEY,
    base_hash   TEXT NOT NULL,
    reviewed_at TIMESTAMPTZ NOT NULL,
    reviewed_by {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id)
);
--bun:split
-- Bumped by every publish; each replica polls it and reloads on a change.
CREATE TABLE curriculum_revision (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
--bun:split
INSERT INTO curriculum_revision (id, revision) VALUES (1, 0);
--bun:split
-- An uploaded ZIP that passed the checks, kept for its preview until it
-- is published or an hour has passed.
CREATE TABLE curriculum_imports (
    id         {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} PRIMARY KEY,
    created_by {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    archive    {{if eq .Dialect "pg"}}BYTEA{{else}}BLOB{{end}} NOT NULL
);
