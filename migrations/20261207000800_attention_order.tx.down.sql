DROP INDEX users_trainee_created_idx;
