package certpdf

import (
	"bytes"
	"embed"
	"fmt"
	"sync"
	"unicode"

	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/language"
)

// The certificate fonts are Noto subsets (SIL Open Font License, see
// fonts/LICENSE): Noto Sans for Latin, Greek and Cyrillic, then Noto Sans
// Arabic, Hebrew, Devanagari and Thai, each in regular and bold, and one
// weight of Noto Sans CJK SC cut to the common Han characters of Chinese and
// Japanese with kana and CJK punctuation.
//
//go:embed fonts/*.ttf
var fontFiles embed.FS

// fontFile is one embedded font, parsed once and shared by every document.
type fontFile struct {
	name     string // the PostScript name used in the PDF
	tt       *trueType
	font     *font.Font
	fakeBold bool // a regular font standing in for a bold one: drawn with a stroke
}

// fontSet is the fonts tried, in order, for regular and for bold text.
type fontSet struct {
	regular, bold []*fontFile
}

// scriptFonts are the files per script, regular then bold; an empty bold
// name means the regular one is drawn heavier.
var scriptFonts = [][2]string{
	{"NotoSans-Regular", "NotoSans-Bold"},
	{"NotoSansArabic-Regular", "NotoSansArabic-Bold"},
	{"NotoSansHebrew-Regular", "NotoSansHebrew-Bold"},
	{"NotoSansDevanagari-Regular", "NotoSansDevanagari-Bold"},
	{"NotoSansThai-Regular", "NotoSansThai-Bold"},
	{"NotoSansCJKsc-Regular", ""},
}

// loadFonts parses the embedded fonts once.
var loadFonts = sync.OnceValues(func() (*fontSet, error) {
	set := &fontSet{}
	for _, pair := range scriptFonts {
		regular, err := readFont(pair[0])
		if err != nil {
			return nil, err
		}
		bold := &fontFile{name: regular.name + "-Bold", tt: regular.tt, font: regular.font, fakeBold: true}
		if pair[1] != "" {
			if bold, err = readFont(pair[1]); err != nil {
				return nil, err
			}
		}
		set.regular = append(set.regular, regular)
		set.bold = append(set.bold, bold)
	}
	return set, nil
})

func readFont(name string) (*fontFile, error) {
	b, err := fontFiles.ReadFile("fonts/" + name + ".ttf")
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", name, err)
	}
	tt, err := parseTrueType(b)
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", name, err)
	}
	face, err := font.ParseTTF(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", name, err)
	}
	return &fontFile{name: name, tt: tt, font: face.Font}, nil
}

// covers reports whether any font of the set has a glyph for r.
func (s *fontSet) covers(r rune) bool {
	for _, f := range s.regular {
		if _, ok := f.font.Cmap.Lookup(r); ok {
			return true
		}
	}
	return false
}

// replacement stands for a character that no font covers: it prints as a
// visible mark, while the PDF's text keeps the real character.
const replacement = '\uFFFD'

// printable returns the runes of s as they are drawn: characters no font
// covers become the replacement character (counted), controls become
// spaces, and invisible formatting characters pass to the shaper as they are.
func (s *fontSet) printable(text string) (runes []rune, missing int) {
	for _, r := range text {
		switch {
		case unicode.IsControl(r):
			r = ' '
		case unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) || unicode.Is(unicode.Variation_Selector, r) ||
			unicode.Is(unicode.Join_Control, r) || unicode.Is(unicode.Cf, r):
		case !s.covers(r):
			r = replacement
			missing++
		}
		runes = append(runes, r)
	}
	return runes, missing
}

// faces is one document's font map: a face per font, made when first
// needed, since faces cache glyph data and may not be shared between
// goroutines.
type faces struct {
	files  []*fontFile
	faces  []*font.Face
	script language.Script
	byFace map[*font.Face]*fontFile
}

func newFaces(files []*fontFile, byFace map[*font.Face]*fontFile) *faces {
	return &faces{files: files, faces: make([]*font.Face, len(files)), byFace: byFace}
}

func (f *faces) face(i int) *font.Face {
	if f.faces[i] == nil {
		f.faces[i] = font.NewFace(f.files[i].font)
		f.byFace[f.faces[i]] = f.files[i]
	}
	return f.faces[i]
}

// SetScript notes the script of the runes asked about next.
func (f *faces) SetScript(s language.Script) { f.script = s }

// scriptFont is the font made for a script, by its place in scriptFonts, so
// that spaces, digits and punctuation inside a run stay in the run's font.
var scriptFont = map[language.Script]int{language.Arabic: 1, language.Hebrew: 2, language.Devanagari: 3,
	language.Thai: 4, language.Han: 5, language.Hiragana: 5, language.Katakana: 5}

// ResolveFace picks the font made for the run's script when it has a glyph
// for r, else the first font with one, else Noto Sans.
func (f *faces) ResolveFace(r rune) *font.Face {
	if i, ok := scriptFont[f.script]; ok {
		if _, has := f.files[i].font.Cmap.Lookup(r); has {
			return f.face(i)
		}
	}
	for i, file := range f.files {
		if _, ok := file.font.Cmap.Lookup(r); ok {
			return f.face(i)
		}
	}
	return f.face(0)
}
