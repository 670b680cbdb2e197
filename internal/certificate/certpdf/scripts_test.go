package certpdf_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"groundwork/internal/certificate/certpdf"
	"groundwork/internal/certificate/certpdf/pdftest"
)

// names are holders' names in the scripts a certificate must print.
var names = []struct{ script, name string }{
	{"Latin with diacritics", "Łucja Żółć-Wiśniewska"},
	{"Vietnamese", "Nguyễn Thị Minh Khai"},
	{"Greek", "Αικατερίνη Παπαδοπούλου"},
	{"Cyrillic", "Екатерина Смирнова"},
	{"Arabic", "محمد بن عبد الله"},
	{"Hebrew", "שרה לוי"},
	{"Devanagari", "अनुष्का शर्मा"},
	{"Thai", "สมชาย ใจดี"},
	{"Chinese", "王小明"},
	{"Japanese", "山田 はなこ"},
	{"emoji", "Tia 😀 Ngata"},
}

// words is s with its whitespace runs made single spaces.
func words(s string) string { return strings.Join(strings.Fields(s), " ") }

// The name area is where a one-line name is drawn: between "This is to
// certify that" and "has completed the module", across the text width.
const nameX, nameY, nameW, nameH = 28.0, 93.0, 241.0, 12.0

// Every name is drawn (the page has ink where it stands), reads back from
// the PDF's text in poppler as written, and the file passes qpdf's check
// and says it is tagged.
func TestEveryScriptPrintsTheName(t *testing.T) {
	for _, n := range names {
		t.Run(n.script, func(t *testing.T) {
			b := render(t, sample(n.name))
			if text := plainText(t, open(t, b)); !strings.Contains(text, n.name) {
				t.Errorf("the PDF's text lacks %q:\n%s", n.name, text)
			}
			if text := pdftest.PopplerText(t, b); !strings.Contains(words(text), n.name) {
				t.Errorf("pdftotext does not read %q:\n%s", n.name, text)
			}
			if ink := pdftest.Ink(t, b, nameX, nameY, nameW, nameH); ink < 100 {
				t.Errorf("the name area has %d dark pixels: the name is not drawn", ink)
			}
			if err := pdftest.QPDFCheck(t, b); err != nil {
				t.Error(err)
			}
			if info := pdftest.PDFInfo(t, b); info["Tagged"] != "yes" || info["PDF version"] != "1.7" {
				t.Errorf("pdfinfo says Tagged: %q, PDF version %q", info["Tagged"], info["PDF version"])
			}
		})
	}
}

// An empty name area has no ink: the check above can fail.
func TestTheNameAreaIsBlankWithoutAName(t *testing.T) {
	d := sample("Tia Ngata")
	d.Holder = strings.Repeat(" ", 3)
	if ink := pdftest.Ink(t, render(t, d), nameX, nameY+2, nameW, nameH-4); ink > 0 {
		t.Fatalf("%d dark pixels where no name is", ink)
	}
}

// A character no font covers prints as a replacement mark, is counted in
// the log, and stays in the PDF's text; it never fails the certificate.
func TestUncoveredCharactersPrintAReplacementAndAreLogged(t *testing.T) {
	var log bytes.Buffer
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewTextHandler(&log, nil)))
	b := render(t, sample("Tia 😀 Ngata 🌿"))
	if !strings.Contains(log.String(), "count=2") || !strings.Contains(log.String(), "GW-7K3M-Q9PX-2HTD-R") {
		t.Errorf("the log does not count the two characters: %s", log.String())
	}
	if strings.Contains(log.String(), "Ngata") {
		t.Errorf("the log holds the name: %s", log.String())
	}
	if text := plainText(t, open(t, b)); !strings.Contains(text, "Tia 😀 Ngata 🌿") {
		t.Errorf("the PDF's text lost the characters:\n%s", text)
	}
}

// A 120-character name wraps onto two lines at a readable size instead of
// being squeezed onto one.
func TestALongNameWrapsOntoTwoLines(t *testing.T) {
	name := "Maria Josefina Alessandra Bernadette Cunningham-Featherstonehaugh Wolfeschlegelstein de la Santísima Trinidad López"
	if n := len([]rune(name)); n < 110 {
		t.Fatalf("the name has %d characters", n)
	}
	text := plainText(t, open(t, render(t, sample(name))))
	var lines []string
	for l := range strings.Lines(text) {
		if l = strings.TrimSpace(l); l != "" && strings.Contains(name, l) && len(l) > 20 {
			lines = append(lines, l)
		}
	}
	if len(lines) != 2 || lines[0]+" "+lines[1] != name {
		t.Fatalf("the name is drawn as %q, want two lines that read as the name", lines)
	}
}

func TestThePDFIsTagged(t *testing.T) {
	if !open(t, render(t, sample("Tia Ngata"))).Tagged() {
		t.Fatal("the PDF is not marked as tagged with a structure tree")
	}
}

// BenchmarkRenderArabic draws a certificate whose name needs shaping and
// right-to-left layout.
func BenchmarkRenderArabic(b *testing.B) {
	benchmarkName(b, "محمد بن عبد الله")
}

// BenchmarkRenderDevanagari draws one whose name needs reordering and
// conjuncts.
func BenchmarkRenderDevanagari(b *testing.B) {
	benchmarkName(b, "अनुष्का शर्मा")
}

// BenchmarkRenderChinese draws one whose name comes from the CJK font.
func BenchmarkRenderChinese(b *testing.B) {
	benchmarkName(b, "王小明")
}

func benchmarkName(b *testing.B, name string) {
	d := sample(name)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := certpdf.Render(&buf, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}
