package demo

import "testing"

// SetBatch makes Fill write n trainees a transaction until t ends. Tests
// that call it must not run in parallel.
func SetBatch(t testing.TB, n int) {
	old := batch
	batch = n
	t.Cleanup(func() { batch = old })
}
