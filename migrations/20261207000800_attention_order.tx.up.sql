-- Trainees whose account was created recently, for the attention order:
-- those without a learning step yet count as active until inactiveAfter
-- has passed since their account was made.
CREATE INDEX users_trainee_created_idx ON users (created_at) WHERE role = 'trainee';
