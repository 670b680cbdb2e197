-- Invitations can be revoked, and each email has at most one live
-- invitation: inviting again replaces its link in place.
ALTER TABLE account_tokens ADD COLUMN revoked_at TIMESTAMPTZ;
--bun:split
-- Older duplicate invitations (unused, for the same email) are revoked,
-- keeping the newest, so the unique index below can be built.
UPDATE account_tokens SET revoked_at = created_at
WHERE kind = 'invitation' AND used_at IS NULL AND EXISTS (
    SELECT 1 FROM account_tokens newer
    WHERE newer.kind = 'invitation' AND newer.used_at IS NULL AND newer.email = account_tokens.email
      AND (newer.created_at > account_tokens.created_at
           OR (newer.created_at = account_tokens.created_at AND newer.id > account_tokens.id)));
--bun:split
CREATE UNIQUE INDEX account_tokens_live_invitation_key ON account_tokens (email)
    WHERE kind = 'invitation' AND used_at IS NULL AND revoked_at IS NULL;
--bun:split
-- The checked rows of an uploaded people file, kept between its preview
-- and its import for an hour, under the SHA-256 of a random key that only
-- the uploading admin's form holds.
CREATE TABLE import_previews (
    id         TEXT PRIMARY KEY,
    created_by {{if eq .Dialect "pg"}}UUID{{else}}TEXT{{end}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    rows       TEXT NOT NULL
);
--bun:split
CREATE INDEX import_previews_expires_idx ON import_previews (expires_at);
