package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestTablesShowWhatTheRunsMeasured reads saved benchmark output and checks
// the figures in the tables against the lines they come from.
func TestTablesShowWhatTheRunsMeasured(t *testing.T) {
	names, _ := filepath.Glob("testdata/*.txt")
	var runs []run
	for _, name := range names {
		r, err := readFile(name)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, r)
	}
	var out bytes.Buffer
	write(&out, runs)
	for _, want := range []string{
		// testdata/sqlite-100.txt: TraineeDashboard 4.296 ms median and p90,
		// 6 queries; BareEcho 0.6870 ms.
		"| 100 | sqlite | trainee dashboard | 4.30 | 4.30 | 6.00 | 0.69 |",
		// Registration beside BareEchoRegistration (1.010 ms), with its
		// queries a request and throughput.
		"| 100 | sqlite | registration, 20 at once | 49.6 | 116 | 9.00 | 1.01 |  | 314 a second |",
		"| item analysis | 4.82 | 4.82 | 2.00 | 0.69 |  | 124 attempts |",
		"| progress CSV | 247 | – | – | 0.69 |  | 0.05 MB, peak heap 21.6 MB |",
		"- Filling the organisation of 100 trainees took 2.884s on sqlite.",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("tables lack %q:\n%s", want, out.String())
		}
	}
}

// TestLessonShareIsTheMedianOfEachRound checks that the lesson page's
// share of bare Echo's throughput compares each round's figures with the
// same round's baseline.
func TestLessonShareIsTheMedianOfEachRound(t *testing.T) {
	r := run{Engine: "sqlite"}
	in := `BenchmarkLessonPage/groundwork-2   1000   200000 ns/op   10 MB/s
BenchmarkLessonPage/bare-echo-2    1000   100000 ns/op   20 MB/s
BenchmarkLessonPage/groundwork-signed-in-2   1000   400000 ns/op   5 MB/s
BenchmarkLessonPage/groundwork-2   1000   900000 ns/op   10 MB/s
BenchmarkLessonPage/bare-echo-2    1000   900000 ns/op   20 MB/s
BenchmarkLessonPage/groundwork-signed-in-2   1000   900000 ns/op   5 MB/s
BenchmarkLessonPage/groundwork-2   1000   100000 ns/op   10 MB/s
BenchmarkLessonPage/bare-echo-2    1000    80000 ns/op   20 MB/s
BenchmarkLessonPage/groundwork-signed-in-2   1000   800000 ns/op   5 MB/s
`
	if err := r.read(strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	// Rounds: anonymous 0.5, 1, 0.8; signed in 0.25, 1, 0.1.
	if got := r.share("groundwork"); got != 0.8 {
		t.Errorf("anonymous share = %v, want 0.8", got)
	}
	if got := r.share("groundwork-signed-in"); got != 0.25 {
		t.Errorf("signed-in share = %v, want 0.25", got)
	}
	var out bytes.Buffer
	write(&out, []run{r})
	if !strings.Contains(out.String(), "| sqlite | signed in | 800 | 0.25 | >= 0.5: **not met** |") {
		t.Errorf("lesson table:\n%s", out.String())
	}
}

func TestBadFileNamesAreRefused(t *testing.T) {
	for _, name := range []string{"testdata/nodash.txt", "testdata/sqlite-many.txt"} {
		if _, err := readFile(name); err == nil {
			t.Errorf("%s was read", name)
		}
	}
}
