package outside

import (
	"runtime"
	"testing"
)

// recorder stands in for a test, remembering whether it was skipped or
// failed; like testing.T, both end the test's goroutine.
type recorder struct {
	testing.TB
	skipped, failed bool
}

func (r *recorder) Helper() {}

func (r *recorder) Skipf(string, ...any) { r.skipped = true; runtime.Goexit() }

func (r *recorder) Fatalf(string, ...any) { r.failed = true; runtime.Goexit() }

// outcome runs f as a test of its own and says how it ended.
func outcome(f func(testing.TB)) string {
	r := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	switch {
	case r.failed:
		return "failed"
	case r.skipped:
		return "skipped"
	}
	return "ran"
}

func TestOneSwitchForEveryOutsideProgram(t *testing.T) {
	present := func(tb testing.TB) { Need(tb, "a tool", true, "install it") }
	missing := func(tb testing.TB) { Need(tb, "a tool", false, "install it") }
	onPath := func(tb testing.TB) { Program(tb, "install it", "no-such-program-here", "go") }
	absent := func(tb testing.TB) { Program(tb, "install it", "no-such-program-here") }
	for _, c := range []struct {
		setting string
		test    func(testing.TB)
		want    string
	}{
		{"", present, "ran"}, {"", missing, "skipped"}, {"", onPath, "ran"}, {"", absent, "skipped"},
		{"0", present, "skipped"}, {"0", missing, "skipped"}, {"0", onPath, "skipped"},
		{"1", present, "ran"}, {"1", missing, "failed"}, {"1", onPath, "ran"}, {"1", absent, "failed"},
	} {
		t.Setenv(Switch, c.setting)
		if got := outcome(c.test); got != c.want {
			t.Errorf("%s=%q: the test %s, want %s", Switch, c.setting, got, c.want)
		}
	}
}

func TestProgramFindsTheFirstNameOnThePath(t *testing.T) {
	t.Setenv(Switch, "")
	var path string
	if got := outcome(func(tb testing.TB) { path = Program(tb, "install it", "no-such-program-here", "go") }); got != "ran" || path == "" {
		t.Fatalf("Program found %q and the test %s; want go's path", path, got)
	}
}
