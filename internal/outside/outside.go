// Package outside finds the programs outside Groundwork that tests check
// its output with: Chromium and axe-core for pages, poppler and qpdf for
// certificate PDFs, Node with Digital Bazaar's verifier for badges, Python
// and LibreOffice for CSV files. One switch governs all of them:
//
//   - GROUNDWORK_E2E=0 skips every test that needs one, so that
//     `go test ./...` runs Groundwork's own code alone;
//   - GROUNDWORK_E2E=1 makes a missing one a failure (CI sets it);
//   - unset, a test runs when its program is installed and skips when not.
package outside

import (
	"os"
	"os/exec"
	"testing"
)

// Switch is the environment variable that governs tests of outside programs.
const Switch = "GROUNDWORK_E2E"

// Off reports whether GROUNDWORK_E2E=0 leaves outside programs out.
func Off() bool { return os.Getenv(Switch) == "0" }

// Required reports whether GROUNDWORK_E2E=1 demands every outside program.
func Required() bool { return os.Getenv(Switch) == "1" }

// Need skips t when GROUNDWORK_E2E=0, and when what is missing (found is
// false) skips t or, with GROUNDWORK_E2E=1, fails it; install says how to
// get what is missing.
func Need(t testing.TB, what string, found bool, install string) {
	t.Helper()
	if Off() {
		t.Skipf("%s=0 leaves out the tests that run %s", Switch, what)
	}
	if found {
		return
	}
	if Required() {
		t.Fatalf("%s=1 but %s is not installed: %s", Switch, what, install)
	}
	t.Skipf("%s is not installed (%s); set %s=1 to make this a failure", what, install, Switch)
}

// Program returns the path of the first of names on PATH, applying Need:
// install says how to get it.
func Program(t testing.TB, install string, names ...string) string {
	t.Helper()
	for _, name := range names {
		if path, err := exec.LookPath(name); err == nil {
			Need(t, name, true, install)
			return path
		}
	}
	Need(t, names[0], false, install)
	return ""
}
