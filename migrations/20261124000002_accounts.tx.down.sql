DROP TABLE cohort_members;
--bun:split
DROP TABLE cohorts;
--bun:split
DROP TABLE account_tokens;
--bun:split
DROP TABLE sign_in_failures;
--bun:split
DROP TABLE sessions;
--bun:split
DROP TABLE users;
