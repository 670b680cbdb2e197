package authoring

import (
	"bytes"
	"maps"
	"slices"
	"strings"
)

// DiffLine is one line of a file's changes.
type DiffLine struct {
	Kind string // "same", "added", "removed" or "gap" (unchanged lines left out)
	Text string
}

// FileDiff is how one file changed between two versions.
type FileDiff struct {
	Path   string
	Change string // "added", "removed" or "changed"
	Lines  []DiffLine
	Binary bool // an image: its lines are not shown
}

// maxDiffCells bounds the work of one file's diff (lines before × lines
// after); a larger file is shown as removed and added whole.
const maxDiffCells = 4_000_000

// Diff compares two sets of files, by path.
func Diff(before, after map[string][]byte) []FileDiff {
	paths := slices.Sorted(maps.Keys(maps.Collect(func(yield func(string, bool) bool) {
		for p := range before {
			yield(p, true)
		}
		for p := range after {
			yield(p, true)
		}
	})))
	var out []FileDiff
	for _, p := range paths {
		a, inA := before[p]
		b, inB := after[p]
		if inA && inB && bytes.Equal(a, b) {
			continue
		}
		d := FileDiff{Path: p, Change: "changed", Binary: !strings.HasSuffix(p, ".md") && !strings.HasSuffix(p, ".yaml")}
		switch {
		case !inA:
			d.Change = "added"
		case !inB:
			d.Change = "removed"
		}
		if !d.Binary {
			d.Lines = context3(lineDiff(lines(a), lines(b)))
		}
		out = append(out, d)
	}
	return out
}

func lines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// lineDiff is a longest-common-subsequence diff of two lists of lines.
func lineDiff(a, b []string) []DiffLine {
	if len(a)*len(b) > maxDiffCells {
		return whole(a, b)
	}
	n, m := len(a), len(b)
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []DiffLine
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			out = append(out, DiffLine{"same", a[i]})
			i, j = i+1, j+1
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			out = append(out, DiffLine{"removed", a[i]})
			i++
		default:
			out = append(out, DiffLine{"added", b[j]})
			j++
		}
	}
	return out
}

func whole(a, b []string) []DiffLine {
	var out []DiffLine
	for _, l := range a {
		out = append(out, DiffLine{"removed", l})
	}
	for _, l := range b {
		out = append(out, DiffLine{"added", l})
	}
	return out
}

// context3 keeps three unchanged lines around each change and replaces
// longer unchanged runs with a gap.
func context3(ls []DiffLine) []DiffLine {
	const keep = 3
	near := make([]bool, len(ls))
	for i, l := range ls {
		if l.Kind == "same" {
			continue
		}
		for k := max(0, i-keep); k <= min(len(ls)-1, i+keep); k++ {
			near[k] = true
		}
	}
	var out []DiffLine
	for i, l := range ls {
		switch {
		case near[i]:
			out = append(out, l)
		case len(out) == 0 || out[len(out)-1].Kind != "gap":
			out = append(out, DiffLine{Kind: "gap"})
		}
	}
	return out
}
