// Command table reads the output of Groundwork's benchmarks, as bench/run
// saves it, and prints the figures as Markdown tables: the lesson page
// against a bare Echo handler, every page at every organisation size on
// every engine beside its bare Echo baseline, and how each page's median
// grows with the organisation.
//
//	go run ./bench/table sqlite-lesson.txt sqlite-1000.txt postgres-1000.txt
//
// Each file is named ENGINE-SIZE.txt (the output of BenchmarkAtScale for
// SIZE trainees) or ENGINE-lesson.txt (the output of BenchmarkLessonPage).
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: table ENGINE-SIZE.txt|ENGINE-lesson.txt ...")
		os.Exit(2)
	}
	var runs []run
	for _, name := range os.Args[1:] {
		r, err := readFile(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		runs = append(runs, r)
	}
	write(os.Stdout, runs)
}

// run is one benchmark run: one engine and either one organisation size
// or the lesson page.
type run struct {
	Engine string
	Size   int // 0 for the lesson page
	Fill   string
	// Attempts is how many knowledge-check attempts the item analysis read.
	Attempts string
	// Results holds each sub-benchmark's results, one per -count.
	Results map[string][]result
}

// result is one line of benchmark output: its metrics by unit.
type result map[string]float64

var (
	benchLine = regexp.MustCompile(`^Benchmark\S+/(\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)
	fillLine  = regexp.MustCompile(`demo: (\d+) trainees, \d+ progress rows in (\S+)`)
	itemsLine = regexp.MustCompile(`item analysis of \S+: (\d+) submitted attempts`)
)

// readFile reads the run saved in name.
func readFile(name string) (run, error) {
	base := strings.TrimSuffix(filepath.Base(name), ".txt")
	engine, label, ok := strings.Cut(base, "-")
	if !ok {
		return run{}, fmt.Errorf("%s: want a name ENGINE-SIZE.txt or ENGINE-lesson.txt", name)
	}
	r := run{Engine: engine}
	if label != "lesson" {
		n, err := strconv.Atoi(label)
		if err != nil {
			return run{}, fmt.Errorf("%s: %q is neither a size nor lesson", name, label)
		}
		r.Size = n
	}
	f, err := os.Open(name)
	if err != nil {
		return run{}, err
	}
	defer f.Close()
	if err := r.read(f); err != nil {
		return run{}, fmt.Errorf("%s: %w", name, err)
	}
	if len(r.Results) == 0 {
		return run{}, fmt.Errorf("%s: no benchmark results (did the run fail?)", name)
	}
	return r, nil
}

// read parses benchmark output.
func (r *run) read(in io.Reader) error {
	r.Results = map[string][]result{}
	s := bufio.NewScanner(in)
	for s.Scan() {
		line := s.Text()
		if m := fillLine.FindStringSubmatch(line); m != nil {
			r.Fill = m[2]
			continue
		}
		if m := itemsLine.FindStringSubmatch(line); m != nil {
			r.Attempts = m[1]
			continue
		}
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		fields := strings.Fields(m[2])
		res := result{}
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return fmt.Errorf("%q: %w", line, err)
			}
			res[fields[i+1]] = v
		}
		r.Results[m[1]] = append(r.Results[m[1]], res)
	}
	return s.Err()
}

// metric is the median over the run's counts of unit in sub-benchmark
// name, and whether it was reported.
func (r run) metric(name, unit string) (float64, bool) {
	var vs []float64
	for _, res := range r.Results[name] {
		if v, ok := res[unit]; ok {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return 0, false
	}
	slices.Sort(vs)
	return vs[len(vs)/2], true
}

// share is the median over the rounds of the run of bare Echo's time a
// request over the lesson page name's: the share of bare Echo's throughput
// it reaches.
func (r run) share(name string) float64 {
	var shares []float64
	for i, res := range r.Results[name] {
		if i < len(r.Results["bare-echo"]) && res["ns/op"] > 0 {
			shares = append(shares, r.Results["bare-echo"][i]["ns/op"]/res["ns/op"])
		}
	}
	if len(shares) == 0 {
		return 0
	}
	slices.Sort(shares)
	return shares[len(shares)/2]
}

// lessonPages are BenchmarkLessonPage's sub-benchmarks, their names in the
// table and the share of bare Echo's throughput each must reach.
var lessonPages = []struct {
	name, label string
	budget      float64
}{
	{"groundwork", "anonymous", 0.7},
	{"groundwork-signed-in", "signed in", 0.5},
	{"signed-in-lookups", "signed in: its two lookups alone, no HTTP", 0},
	{"bare-echo", "bare Echo, same bytes", 0},
}

// scalePages are BenchmarkAtScale's pages in table order, with the
// sub-benchmark that is each one's bare Echo baseline.
var scalePages = []struct {
	name, label, baseline string
}{
	{"TraineeDashboard", "trainee dashboard", "BareEcho"},
	{"SupervisorDashboard", "supervisor dashboard", "BareEcho"},
	{"AdminDashboard", "admin dashboard", "BareEcho"},
	{"CohortMatrix500", "cohort matrix, 500", "BareEcho"},
	{"ItemAnalysis", "item analysis", "BareEcho"},
	{"Registration", "registration, 20 at once", "BareEchoRegistration"},
	{"ProgressCSV", "progress CSV", "BareEcho"},
}

// write prints the tables for runs.
func write(w io.Writer, runs []run) {
	slices.SortStableFunc(runs, func(a, b run) int {
		if a.Size != b.Size {
			return a.Size - b.Size
		}
		return strings.Compare(engineOrder(a.Engine), engineOrder(b.Engine))
	})
	writeLesson(w, runs)
	writeScale(w, runs)
	writeGrowth(w, runs)
}

func engineOrder(e string) string {
	if e == "postgres" {
		return "0"
	}
	return "1" + e
}

func writeLesson(w io.Writer, runs []run) {
	header := false
	for _, r := range runs {
		if r.Size != 0 {
			continue
		}
		if _, ok := r.metric("bare-echo", "ns/op"); !ok {
			continue
		}
		if !header {
			fmt.Fprintln(w, "Lesson page, throughput against a bare Echo handler serving the same bytes:")
			fmt.Fprintln(w)
			fmt.Fprintln(w, "| engine | lesson page | µs a request | share of bare Echo's throughput | budget |")
			fmt.Fprintln(w, "| --- | --- | ---: | ---: | --- |")
			header = true
		}
		for _, p := range lessonPages {
			ns, ok := r.metric(p.name, "ns/op")
			if !ok {
				continue
			}
			share := r.share(p.name)
			budget := ""
			if p.budget > 0 {
				budget = fmt.Sprintf(">= %.1f: %s", p.budget, met(share >= p.budget))
			}
			fmt.Fprintf(w, "| %s | %s | %.0f | %.2f | %s |\n", r.Engine, p.label, ns/1e3, share, budget)
		}
	}
	if header {
		fmt.Fprintln(w)
	}
}

func writeScale(w io.Writer, runs []run) {
	fmt.Fprintln(w, "Pages at scale, each request over real HTTP, beside a bare Echo handler in the same run:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| trainees | engine | page | median ms | p90 ms | queries a request | bare Echo median ms | SQLite ÷ PostgreSQL | also |")
	fmt.Fprintln(w, "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |")
	for _, r := range runs {
		if r.Size == 0 {
			continue
		}
		for _, p := range scalePages {
			median, ok := r.metric(p.name, "ms-median")
			if !ok {
				continue
			}
			fmt.Fprintf(w, "| %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", r.Size, r.Engine, p.label,
				figure(median, true), cell(r, p.name, "ms-p90"), queries(r, p.name), cell(r, p.baseline, "ms-median"),
				versusPostgres(runs, r, p.name, median), also(r, p.name))
		}
	}
	fmt.Fprintln(w)
	for _, r := range runs {
		if r.Fill != "" {
			fmt.Fprintf(w, "- Filling the organisation of %d trainees took %s on %s.\n", r.Size, r.Fill, r.Engine)
		}
	}
}

// writeGrowth prints each page's median at each size, when there is more
// than one size, with the largest size's median over the smallest's.
func writeGrowth(w io.Writer, runs []run) {
	var sizes []int
	for _, r := range runs {
		if r.Size != 0 && !slices.Contains(sizes, r.Size) {
			sizes = append(sizes, r.Size)
		}
	}
	if len(sizes) < 2 {
		return
	}
	slices.Sort(sizes)
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Growth of the median (ms) with the organisation (%d× the trainees from first to last column):\n\n",
		sizes[len(sizes)-1]/sizes[0])
	fmt.Fprint(w, "| page | engine |")
	for _, s := range sizes {
		fmt.Fprintf(w, " %d |", s)
	}
	fmt.Fprintln(w, " last ÷ first |")
	fmt.Fprint(w, "| --- | --- |")
	for range sizes {
		fmt.Fprint(w, " ---: |")
	}
	fmt.Fprintln(w, " ---: |")
	var engines []string
	for _, r := range runs {
		if r.Size != 0 && !slices.Contains(engines, r.Engine) {
			engines = append(engines, r.Engine)
		}
	}
	for _, p := range scalePages {
		for _, e := range engines {
			row := make([]float64, len(sizes))
			any := false
			for i, s := range sizes {
				if r, ok := find(runs, e, s); ok {
					row[i], ok = r.metric(p.name, "ms-median")
					any = any || ok
				}
			}
			if !any {
				continue
			}
			fmt.Fprintf(w, "| %s | %s |", p.label, e)
			for _, v := range row {
				fmt.Fprintf(w, " %s |", figure(v, v > 0))
			}
			growth := "–"
			if row[0] > 0 && row[len(row)-1] > 0 {
				growth = fmt.Sprintf("%.1f", row[len(row)-1]/row[0])
			}
			fmt.Fprintf(w, " %s |\n", growth)
		}
	}
}

func find(runs []run, engine string, size int) (run, bool) {
	for _, r := range runs {
		if r.Engine == engine && r.Size == size {
			return r, true
		}
	}
	return run{}, false
}

// versusPostgres is a SQLite page's median over the same page's on
// PostgreSQL at the same size, when both were run.
func versusPostgres(runs []run, r run, name string, median float64) string {
	if r.Engine != "sqlite" {
		return ""
	}
	pg, ok := find(runs, "postgres", r.Size)
	if !ok {
		return ""
	}
	if m, ok := pg.metric(name, "ms-median"); ok && m > 0 {
		return fmt.Sprintf("%.1f", median/m)
	}
	return ""
}

func cell(r run, name, unit string) string {
	v, ok := r.metric(name, unit)
	return figure(v, ok)
}

func queries(r run, name string) string {
	if v, ok := r.metric(name, "queries/op"); ok {
		return figure(v, true)
	}
	return cell(r, name, "queries/req")
}

// also lists the other figures a page reports: sizes, heap, throughput.
func also(r run, name string) string {
	var out []string
	for _, u := range []struct{ unit, format string }{
		{"kB", "%s kB"}, {"MB", "%s MB"}, {"MB-peak-heap", "peak heap %s MB"}, {"req/s", "%s a second"},
	} {
		if v, ok := r.metric(name, u.unit); ok {
			out = append(out, fmt.Sprintf(u.format, figure(v, true)))
		}
	}
	if name == "ItemAnalysis" && r.Attempts != "" {
		out = append(out, r.Attempts+" attempts")
	}
	return strings.Join(out, ", ")
}

// figure shows v with two decimals below 10, one below 100 and none
// above, or a dash when it was not measured.
func figure(v float64, ok bool) string {
	switch {
	case !ok:
		return "–"
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "**not met**"
}
