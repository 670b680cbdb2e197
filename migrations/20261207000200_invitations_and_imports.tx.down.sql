DROP TABLE import_previews;
--bun:split
DROP INDEX account_tokens_live_invitation_key;
--bun:split
ALTER TABLE account_tokens DROP COLUMN revoked_at;
