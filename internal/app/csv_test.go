package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/app/apptest"
	"groundwork/internal/demo"
	"groundwork/internal/outside"
	"groundwork/internal/supervision"
	"groundwork/internal/web"
)

// Names outside ASCII, from several scripts, that the CSVs must carry
// intact.
const (
	traineeName    = "Zoë Łukasz-Nguyễn 山田"
	supervisorName = "Siobhán Ní Bhriain · 中村 أمل"
)

// csvFile is one CSV download: where it is, who may fetch it, the header
// it must start with, and the names that must come back in one column.
type csvFile struct {
	name, path string
	by         *apptest.Person
	header     []string // the first cells of the header row
	column     int      // the column that holds names
	names      []string
}

// TestCSVsRoundTripWithNamesOutsideASCII downloads the progress report and
// a trainee's portfolio through the running server, for people whose names
// are in Latin with diacritics, Vietnamese, Chinese and Arabic, and reads
// each file with Python's csv module the way spreadsheet-compatible
// readers treat a byte-order mark (encoding utf-8-sig): the header and the
// names come back exactly, and every cell matches what was written. With
// LibreOffice installed (see package outside), each file also goes through
// LibreOffice's CSV import and export.
func TestCSVsRoundTripWithNamesOutsideASCII(t *testing.T) {
	t.Parallel()
	python := outside.Program(t, "apt-get install python3", "python3")
	site := apptest.Start(t, "")
	files := csvFiles(t, site)
	dir := t.TempDir()
	for _, f := range files {
		code, body := f.by.Get(f.path)
		if code != http.StatusOK {
			t.Fatalf("%s = %d", f.path, code)
		}
		if !strings.HasPrefix(body, "\xef\xbb\xbf") {
			t.Fatalf("%s does not start with the UTF-8 byte-order mark: %q", f.path, body[:min(len(body), 8)])
		}
		path := filepath.Join(dir, f.name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		rows := readWithPython(t, python, path)
		checkNames(t, f, rows)
		written, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, web.ByteOrderMark))).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", f.path, err)
		}
		if !slices.EqualFunc(rows, written, slices.Equal) {
			t.Errorf("%s: Python reads %d rows that differ from the %d written", f.path, len(rows), len(written))
		}
	}
	t.Run("LibreOffice", func(t *testing.T) {
		soffice := outside.Program(t, "apt-get install libreoffice-calc-nogui", "soffice")
		out := throughLibreOffice(t, soffice, dir, files)
		for _, f := range files {
			checkNames(t, f, readWithPython(t, python, filepath.Join(out, f.name)))
		}
	})
}

// csvFiles fills the demonstration organisation, gives a trainee who has
// asked for a sign-off and their supervisor names outside ASCII, and
// returns the two downloads: the progress report as an admin, the
// trainee's portfolio as their supervisor.
func csvFiles(t *testing.T, site *apptest.Site) []csvFile {
	t.Helper()
	ctx := context.Background()
	a := site.App
	res, err := demo.Fill(ctx, a.DB, a.Accounts, a.Courses.Catalog(), demo.Options{Trainees: 6, Learning: a.Learning})
	if err != nil {
		t.Fatal(err)
	}
	trainee, supervisor := askedForSignOff(t, a)
	if err := a.Accounts.ChangeName(ctx, trainee, traineeName); err != nil {
		t.Fatal(err)
	}
	if err := a.Accounts.ChangeName(ctx, supervisor, supervisorName); err != nil {
		t.Fatal(err)
	}
	admin := site.SignIn(site.User("csv-admin@example.org", "Ada Admin", account.Admin))
	sup := site.Anonymous()
	if code, _ := sup.Post("/signin", "/signin", url.Values{"email": {supervisor.Email}, "password": {res.Password}}); code != http.StatusSeeOther {
		t.Fatalf("the supervisor's sign-in = %d", code)
	}
	return []csvFile{
		{name: "progress.csv", path: "/admin/reports/progress.csv", by: admin,
			header: []string{"name", "email", "cohort", "supervisor", "last activity"}, column: 0, names: []string{traineeName}},
		{name: "portfolio.csv", path: "/trainees/" + trainee.ID + "/portfolio.csv", by: sup,
			header: []string{"section", "date", "type or step", "minutes", "modules", "competencies", "by", "agreed on", "text"},
			column: 6, names: []string{traineeName, supervisorName}},
	}
}

// askedForSignOff returns a demonstration trainee who has asked for a
// competency sign-off (so their name is in their portfolio), and their
// supervisor (who wrote their supervision records).
func askedForSignOff(t *testing.T, a *app.App) (trainee, supervisor *account.User) {
	t.Helper()
	ctx := context.Background()
	var trainees []account.User
	if err := a.DB.NewSelect().Model(&trainees).Where("role = ?", account.Trainee).Where("supervisor_id IS NOT NULL").
		OrderExpr("email").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range trainees {
		history, err := a.Supervision.History(ctx, trainees[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(history, func(e supervision.Event) bool { return e.Kind == supervision.Requested }) {
			sup := new(account.User)
			if err := a.DB.NewSelect().Model(sup).Where("id = ?", *trainees[i].SupervisorID).Scan(ctx); err != nil {
				t.Fatal(err)
			}
			return &trainees[i], sup
		}
	}
	t.Fatal("no demonstration trainee has asked for a sign-off")
	return nil, nil
}

// checkNames checks that rows start with f's header and hold each of its
// names, exactly, in its column.
func checkNames(t *testing.T, f csvFile, rows [][]string) {
	t.Helper()
	if len(rows) < 2 || len(rows[0]) < len(f.header) || !slices.Equal(rows[0][:len(f.header)], f.header) {
		t.Fatalf("%s: the header reads back as %q, want it to start with %q", f.name, rows[0], f.header)
	}
	for _, name := range f.names {
		if !slices.ContainsFunc(rows[1:], func(r []string) bool { return len(r) > f.column && r[f.column] == name }) {
			t.Errorf("%s: no row holds %q in column %q:\n%q", f.name, name, f.header[f.column], rows)
		}
	}
}

// readPython reads a CSV file with Python's csv module, opening it as
// utf-8-sig (a leading byte-order mark is dropped), and prints the rows as
// JSON in ASCII, so that no terminal encoding stands between.
const readPython = `
import csv, json, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    print(json.dumps(list(csv.reader(f))))
`

func readWithPython(t *testing.T, python, path string) [][]string {
	t.Helper()
	out, err := exec.Command(python, "-c", readPython, path).Output()
	if err != nil {
		t.Fatalf("python3 cannot read %s: %v %s", path, err, stderrOf(err))
	}
	var rows [][]string
	if err := json.Unmarshal(out, &rows); err != nil {
		t.Fatalf("python3's answer: %v", err)
	}
	return rows
}

// throughLibreOffice imports each file into LibreOffice Calc as UTF-8 (the
// character set LibreOffice's import picks for a file with a byte-order
// mark) and exports it again as CSV; it returns the folder of the exports.
// Dates and numbers may change form on the way; headers and names must not.
func throughLibreOffice(t *testing.T, soffice, dir string, files []csvFile) string {
	t.Helper()
	out := filepath.Join(dir, "libreoffice")
	args := []string{"--headless", "-env:UserInstallation=file://" + filepath.Join(t.TempDir(), "profile"),
		"--infilter=CSV:44,34,76,1", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", out}
	for _, f := range files {
		args = append(args, filepath.Join(dir, f.name))
	}
	cmd := exec.Command(soffice, args...)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Run(); err != nil {
		t.Fatalf("LibreOffice: %v\n%s", err, log.String())
	}
	return out
}

// stderrOf is what a failed command wrote to standard error.
func stderrOf(err error) string {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(exit.Stderr)
	}
	return ""
}
