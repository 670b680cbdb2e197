DROP TABLE quiz_attempts;
