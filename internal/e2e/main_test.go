package e2e

import (
	"os"
	"testing"
)

// TestMain stops the shared browser once every test has run.
func TestMain(m *testing.M) {
	code := m.Run()
	shared.close()
	os.Exit(code)
}
