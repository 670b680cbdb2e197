-- Indexes for the pages every trainee opens. certificates_once is partial
-- (reissue_of IS NULL), so nothing served "a trainee's certificates" and
-- each dashboard read the whole table. The pending-requests index only
-- ever serves pending rows; kept whole, SQLite chose it for "signed off"
-- and walked every signed-off row of the organisation.
CREATE INDEX certificates_holder_idx ON certificates (holder_id);
--bun:split
DROP INDEX competency_status_pending_idx;
--bun:split
CREATE INDEX competency_status_pending_idx ON competency_status (updated_at) WHERE status = 'pending';
