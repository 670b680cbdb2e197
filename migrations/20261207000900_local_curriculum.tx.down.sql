DROP TABLE curriculum_imports;
--bun:split
DROP TABLE curriculum_revision;
--bun:split
DROP TABLE curriculum_overrides;
--bun:split
DROP TABLE curriculum_draft_files;
--bun:split
DROP TABLE curriculum_drafts;
--bun:split
DROP TABLE curriculum_files;
--bun:split
DROP TABLE curriculum_versions;
