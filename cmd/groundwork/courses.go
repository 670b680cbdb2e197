package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"

	"groundwork/courses"
	"groundwork/internal/authoring"
	"groundwork/internal/catalog"
	"groundwork/internal/db"
	"groundwork/internal/supervision"
)

func runCourses(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const synopsis = "courses check|stats [--database-url URL] [DIR]\n\n" +
		"  check  report every problem in the curriculum, with file and line; exit 1 if any\n" +
		"  stats  print each module's lessons, words and reading level (Flesch-Kincaid grade)\n\n" +
		"DIR defaults to the curriculum built into this binary. DIR may also be a ZIP exported from\n" +
		"Groundwork; a folder or ZIP without programme.yaml (one module, say) is checked laid over the\n" +
		"built-in curriculum, as an import would be."
	fs := newFlags("courses", synopsis, stderr)
	dbURL := fs.String("database-url", "", "check also the local curriculum published in this database, laid over DIR, and that no competency signed off in it was removed")
	// The subcommand comes first; flags may come before or after the directory.
	var sub string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if (sub != "check" && sub != "stats") || len(rest) > 1 {
		fs.Usage()
		return fmt.Errorf("%w: courses check|stats [--database-url URL] [DIR]", errUsage)
	}
	fsys, where := courses.FS, "the built-in curriculum"
	if len(rest) == 1 {
		if fsys, err = curriculumAt(rest[0]); err != nil {
			return err
		}
		where = rest[0]
	}
	if *dbURL != "" && sub == "check" {
		if fsys, err = withLocal(ctx, *dbURL, fsys); err != nil {
			return err
		}
		where += " with the local curriculum in the database"
	}
	c, err := catalog.Load(fsys)
	var problems catalog.Problems
	if errors.As(err, &problems) {
		for _, p := range problems {
			fmt.Fprintln(stdout, p)
		}
		return fmt.Errorf("%d problems in %s", len(problems), where)
	}
	if err != nil {
		return err
	}
	if sub == "stats" {
		return printStats(stdout, c)
	}
	if *dbURL != "" {
		if err := checkSignOffs(ctx, *dbURL, c, stdout); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%s is fine: %d modules, %d lessons\n", where, len(c.Modules), lessonCount(c))
	return nil
}

// withLocal lays the local curriculum published in the database at url
// over fsys, as a server running this build on it would serve it.
func withLocal(ctx context.Context, url string, fsys fs.FS) (fs.FS, error) {
	conn, err := db.Open(ctx, url, db.Options{MaxOpenConns: 1, ApplicationName: "groundwork-courses"})
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	local, err := authoring.Published(ctx, conn)
	if err != nil {
		return nil, fmt.Errorf("%w (run `groundwork migrate` first)", err)
	}
	return catalog.Overlay(fsys, local), nil
}

// curriculumAt opens a curriculum folder or ZIP. One without
// programme.yaml is laid over the built-in curriculum.
func curriculumAt(name string) (fs.FS, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", name, err)
	}
	var fsys fs.FS = os.DirFS(name)
	if !info.IsDir() {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", name, err)
		}
		files, err := catalog.ReadZip(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		fsys = catalog.Overlay(emptyFS{}, files)
	}
	if _, err := fs.Stat(fsys, "programme.yaml"); err != nil {
		files, err := catalog.Files(fsys, ".")
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", name, err)
		}
		fsys = catalog.Overlay(courses.FS, files)
	}
	return fsys, nil
}

// emptyFS is a folder with nothing in it.
type emptyFS struct{}

func (emptyFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func lessonCount(c *catalog.Catalog) int {
	n := 0
	for _, m := range c.Modules {
		n += len(m.Lessons)
	}
	return n
}

func printStats(w io.Writer, c *catalog.Catalog) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "MODULE\tLESSONS\tWORDS\tMIN/MAX LESSON\tQUESTIONS\tSCENARIOS\tLONGEST CORRECT\tCOMPETENCIES\tPROMPTS\tFK GRADE\tREADING EASE\t")
	for _, m := range c.Modules {
		r := m.Readability()
		lo, hi := lessonRange(m)
		questions, scenarios, longest := 0, "-", "-"
		if m.Quiz != nil {
			s := m.Quiz.Stats()
			questions = s.Questions
			scenarios = fmt.Sprintf("%.0f%%", 100*s.ScenarioShare())
			if s.Single > 0 {
				longest = fmt.Sprintf("%d/%d %.0f%%", s.LongestCorrect, s.Single, 100*s.LongestCorrectShare())
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d/%d\t%d\t%s\t%s\t%d\t%d\t%.1f\t%.0f\t\n", m.Slug, len(m.Lessons), r.Words, lo, hi,
			questions, scenarios, longest, len(m.Competencies), len(m.ReflectionPrompts), r.FleschKincaidGrade, r.FleschReadingEase)
	}
	return tw.Flush()
}

func lessonRange(m *catalog.Module) (lo, hi int) {
	for i, l := range m.Lessons {
		if i == 0 || l.Words < lo {
			lo = l.Words
		}
		hi = max(hi, l.Words)
	}
	return lo, hi
}

// checkSignOffs reports competencies that have sign-offs in the database
// but are gone from the curriculum c.
func checkSignOffs(ctx context.Context, url string, c *catalog.Catalog, stdout io.Writer) error {
	conn, err := db.Open(ctx, url, db.Options{MaxOpenConns: 1, ApplicationName: "groundwork-courses"})
	if err != nil {
		return err
	}
	defer conn.Close()
	ids, err := (&supervision.Service{DB: conn}).EverSignedOff(ctx)
	if err != nil {
		return err
	}
	if problems := catalog.CheckCompetencies(c, ids); len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(stdout, p)
		}
		return fmt.Errorf("%d competencies with sign-offs are missing", len(problems))
	}
	return nil
}
