package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"groundwork/courses"
	"groundwork/internal/catalog"
)

func runCourses(_ context.Context, args []string, stdout, stderr io.Writer) error {
	const synopsis = "courses check|stats [DIR]\n\n" +
		"  check  report every problem in the curriculum, with file and line; exit 1 if any\n" +
		"  stats  print each module's lessons, words and reading level (Flesch-Kincaid grade)\n\n" +
		"DIR defaults to the curriculum built into this binary."
	fs := newFlags("courses", synopsis, stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	rest := fs.Args()
	if len(rest) < 1 || len(rest) > 2 || (rest[0] != "check" && rest[0] != "stats") {
		fs.Usage()
		return fmt.Errorf("%w: courses check|stats [DIR]", errUsage)
	}
	fsys, where := courses.FS, "the built-in curriculum"
	if len(rest) == 2 {
		if _, err := os.Stat(rest[1]); err != nil {
			return fmt.Errorf("cannot read %s: %w", rest[1], err)
		}
		fsys, where = os.DirFS(rest[1]), rest[1]
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
	if rest[0] == "stats" {
		return printStats(stdout, c)
	}
	fmt.Fprintf(stdout, "%s is fine: %d modules, %d lessons\n", where, len(c.Modules), lessonCount(c))
	return nil
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
	fmt.Fprintln(tw, "MODULE\tLESSONS\tWORDS\tMIN/MAX LESSON\tQUESTIONS\tCOMPETENCIES\tPROMPTS\tFK GRADE\tREADING EASE\t")
	for _, m := range c.Modules {
		r := m.Readability()
		lo, hi := lessonRange(m)
		questions := 0
		if m.Quiz != nil {
			questions = len(m.Quiz.Questions)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d/%d\t%d\t%d\t%d\t%.1f\t%.0f\t\n", m.Slug, len(m.Lessons), r.Words, lo, hi,
			questions, len(m.Competencies), len(m.ReflectionPrompts), r.FleschKincaidGrade, r.FleschReadingEase)
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
