package certpdf

import (
	"slices"
	"strings"

	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/bidi"
)

// unitsPerEm is the size text is shaped at: advances come out in
// thousandths of an em, the unit of PDF glyph widths, and scale to any size.
const unitsPerEm = 1000

// typesetter shapes one document's text: it splits text into runs of one
// direction, script and font, shapes each with HarfBuzz's rules, and breaks
// lines (UAX #14), ordering runs for display (UAX #9). Not safe for
// concurrent use.
type typesetter struct {
	set           *fontSet
	shaper        shaping.HarfbuzzShaper
	seg           shaping.Segmenter
	wrapper       shaping.LineWrapper
	regular, bold *faces
	byFace        map[*font.Face]*fontFile
	lang          language.Language
	missing       int // characters drawn as the replacement mark
}

func newTypesetter(set *fontSet, lang string) *typesetter {
	byFace := map[*font.Face]*fontFile{}
	return &typesetter{set: set, byFace: byFace, lang: language.NewLanguage(lang),
		regular: newFaces(set.regular, byFace), bold: newFaces(set.bold, byFace)}
}

// line is one line of shaped text, runs in visual order, widths in
// thousandths of an em.
type line struct {
	runs  []shaping.Output
	width float64
	text  string // what the line says, as written (the PDF's text layer)
	shown []rune // the paragraph as drawn, for the fonts' Unicode maps
}

// direction is the paragraph direction of text: that of its first strong
// character (UAX #9, P2 and P3).
func direction(text []rune) di.Direction {
	for _, r := range text {
		p, _ := bidi.LookupRune(r)
		switch p.Class() {
		case bidi.L:
			return di.DirectionLTR
		case bidi.R, bidi.AL:
			return di.DirectionRTL
		}
	}
	return di.DirectionLTR
}

func (t *typesetter) shape(text []rune, bold bool) []shaping.Output {
	fm := t.regular
	if bold {
		fm = t.bold
	}
	in := shaping.Input{Text: text, RunEnd: len(text), Direction: direction(text), Size: fixed.I(unitsPerEm), Language: t.lang}
	var out []shaping.Output
	for _, run := range t.seg.Split(in, fm) {
		out = append(out, t.shaper.Shape(run))
	}
	return out
}

// fit sets s in at most maxLines lines of width (points), at the largest
// size from maxSize down to minSize that holds it all; it prefers one line
// down to three quarters of maxSize. At minSize what does not fit ends in an
// ellipsis. It returns the lines and the size.
func (t *typesetter) fit(s string, bold bool, width, maxSize, minSize float64, maxLines int) ([]line, float64) {
	text := []rune(strings.TrimSpace(s))
	shown, missing := t.set.printable(string(text))
	t.missing += missing
	if len(text) == 0 {
		return nil, maxSize
	}
	one := t.lines(text, shown, bold, 1e9, 1)
	w := one[0].width
	size := min(maxSize, width*unitsPerEm/max(w, 1))
	if size >= minSize && (size >= 0.75*maxSize || maxLines == 1) {
		return one, size
	}
	for size = maxSize; size > minSize; size -= 1 {
		if ls := t.lines(text, shown, bold, width*unitsPerEm/size, maxLines); ls != nil {
			return ls, size
		}
	}
	return t.lines(text, shown, bold, width*unitsPerEm/minSize, -maxLines), minSize
}

// lines breaks text into lines no wider than maxWidth (thousandths of an
// em). With more than maxLines it returns nil, unless maxLines is negative:
// then it cuts the text to -maxLines lines ending in an ellipsis.
func (t *typesetter) lines(text, shown []rune, bold bool, maxWidth float64, maxLines int) []line {
	cfg := shaping.WrapConfig{Direction: direction(shown), BreakPolicy: shaping.WhenNecessary}
	if maxLines < 0 {
		cfg.TruncateAfterLines = -maxLines
		ellipsis := []rune("…")
		cfg.Truncator = t.shape(ellipsis, bold)[0]
	}
	t.wrapper.Prepare(cfg, shown, shaping.NewSliceIterator(t.shape(shown, bold)))
	var out []line
	start := 0
	for done := false; !done; {
		var wl shaping.WrappedLine
		wl, done = t.wrapper.WrapNextLineF(fixed.I(int(min(maxWidth, 1<<24))))
		if len(wl.Line) == 0 {
			break
		}
		end := wl.NextLine
		l := line{shown: shown, text: strings.TrimSpace(string(text[start:end]))}
		if wl.Truncated > 0 {
			l.text = strings.TrimSpace(string(text[start:len(text)-wl.Truncated])) + "…"
		}
		for _, run := range wl.Line {
			run.Glyphs = slices.Clone(run.Glyphs)
			for _, g := range run.Glyphs {
				l.width += float64(g.Advance) / 64
			}
			l.runs = append(l.runs, run)
		}
		slices.SortStableFunc(l.runs, func(a, b shaping.Output) int { return int(a.VisualIndex - b.VisualIndex) })
		out = append(out, l)
		start = end
	}
	if maxLines > 0 && len(out) > maxLines {
		return nil
	}
	return out
}

// rightToLeft reports whether any run of l runs right to left.
func (l line) rightToLeft() bool {
	for _, r := range l.runs {
		if r.Direction.Progression() == di.TowardTopLeft {
			return true
		}
	}
	return false
}
