package catalog

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Problem is one mistake in the curriculum files.
type Problem struct {
	File    string // relative to the curriculum folder
	Line    int    // 0 when no line applies
	Message string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Message)
}

// Problems is every mistake found; as an error it prints one per line.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// sorted orders problems by file, then line.
func (ps Problems) sorted() Problems {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	return ps
}

// report collects problems while loading.
type report struct{ list Problems }

func (r *report) add(file string, line int, format string, args ...any) {
	r.list = append(r.list, Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
}
