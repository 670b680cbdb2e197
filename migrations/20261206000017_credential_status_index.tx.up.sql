-- Each certificate's place in the issuer's Bitstring Status List, where its
-- bit is set once it is revoked or superseded. Places are random over the
-- whole list (at least 131,072 places, twice as many as certificates), so
-- an index tells nothing about when or to whom a certificate was issued.
ALTER TABLE certificates ADD COLUMN status_index BIGINT CHECK (status_index >= 0);
--bun:split
-- Existing certificates get distinct random places: shuffled, then each
-- put at a random place within its own equal share of the list.
UPDATE certificates SET status_index = picked.place
FROM (
    SELECT shuffled.id,
           (shuffled.n - 1) * share.width + {{if eq .Dialect "pg"}}floor(random() * share.width)::BIGINT{{else}}abs(random() % share.width){{end}} AS place
    FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY random()) AS n FROM certificates) AS shuffled
    CROSS JOIN (
        SELECT CASE WHEN total = 0 THEN 1
                    ELSE ((2 * total + 131071) / 131072) * 131072 / total END AS width
        FROM (SELECT count(*) AS total FROM certificates) AS counted
    ) AS share
) AS picked
WHERE certificates.id = picked.id;
--bun:split
CREATE UNIQUE INDEX certificates_status_index ON certificates (status_index);
{{if eq .Dialect "pg"}}
--bun:split
ALTER TABLE certificates ALTER COLUMN status_index SET NOT NULL;
{{end}}
