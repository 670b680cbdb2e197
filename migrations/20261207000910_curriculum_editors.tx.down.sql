ALTER TABLE users DROP COLUMN curriculum_editor;
