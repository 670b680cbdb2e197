package learning

import "testing"

// SetExportBatch makes the CSV export load n trainees at a time until t
// ends. Tests that call it must not run in parallel.
func SetExportBatch(t testing.TB, n int) {
	old := exportBatch
	exportBatch = n
	t.Cleanup(func() { exportBatch = old })
}
