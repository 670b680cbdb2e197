// Package migrations holds Groundwork's SQL migrations, one set for both
// PostgreSQL and SQLite. Files are named NNNNNNNNNNNNNN_name.tx.up.sql and
// .tx.down.sql; where the dialects differ a file uses the template value
// {{.Dialect}} ("pg" or "sqlite").
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
