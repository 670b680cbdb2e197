-- A supervisor an admin has made a curriculum editor may write, check and
-- publish the curriculum in the browser, as admins do.
ALTER TABLE users ADD COLUMN curriculum_editor BOOLEAN NOT NULL DEFAULT FALSE;
