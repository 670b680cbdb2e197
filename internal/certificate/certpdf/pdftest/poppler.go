package pdftest

import (
	"bufio"
	"bytes"
	"fmt"
	"groundwork/internal/outside"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Tool returns the path of a command-line PDF tool (poppler-utils, qpdf),
// as package outside finds it: a test skips without it, unless
// GROUNDWORK_E2E=1 makes it a failure.
func Tool(t testing.TB, name string) string {
	t.Helper()
	return outside.Program(t, "apt-get install poppler-utils qpdf", name)
}

// file writes b to a temporary file for the tools.
func file(t testing.TB, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "certificate.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func run(t testing.TB, tool string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command(Tool(t, tool), args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("%s: %w: %s%s", tool, err, errOut.String(), out.String())
	}
	return out.String(), err
}

// PopplerText is the text poppler's pdftotext extracts, with the
// direction marks it adds around right-to-left text removed.
func PopplerText(t testing.TB, b []byte) string {
	t.Helper()
	out, err := run(t, "pdftotext", "-enc", "UTF-8", file(t, b), "-")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Map(func(r rune) rune {
		if r >= '\u202A' && r <= '\u202E' || r == '\u200E' || r == '\u200F' {
			return -1
		}
		return r
	}, out)
}

// QPDFCheck runs qpdf --check, which reads every object and stream.
func QPDFCheck(t testing.TB, b []byte) error {
	t.Helper()
	_, err := run(t, "qpdf", "--check", file(t, b))
	return err
}

// PDFInfo is what poppler's pdfinfo reports, field by field.
func PDFInfo(t testing.TB, b []byte) map[string]string {
	t.Helper()
	out, err := run(t, "pdfinfo", file(t, b))
	if err != nil {
		t.Fatal(err)
	}
	info := map[string]string{}
	for line := range strings.Lines(out) {
		if k, v, ok := strings.Cut(line, ":"); ok {
			info[k] = strings.TrimSpace(v)
		}
	}
	return info
}

// Ink renders page 1 with pdftoppm at 72 dpi in grey and counts the dark
// pixels in the box x, y, w, h (millimetres from the top left).
func Ink(t testing.TB, b []byte, x, y, w, h float64) int {
	t.Helper()
	px := func(mm float64) string { return fmt.Sprint(int(mm * 72 / 25.4)) }
	root := filepath.Join(t.TempDir(), "page")
	if _, err := run(t, "pdftoppm", "-r", "72", "-gray", "-singlefile", "-x", px(x), "-y", px(y), "-W", px(w), "-H", px(h),
		file(t, b), root); err != nil {
		t.Fatal(err)
	}
	img, err := os.ReadFile(root + ".pgm")
	if err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(bytes.NewReader(img))
	var magic string
	var width, height, maxVal int
	if _, err := fmt.Fscan(r, &magic, &width, &height, &maxVal); err != nil || magic != "P5" {
		t.Fatalf("pdftoppm wrote no greymap: %v", err)
	}
	r.ReadByte()
	dark := 0
	for range width * height {
		v, err := r.ReadByte()
		if err != nil {
			break
		}
		if int(v) < maxVal/2 {
			dark++
		}
	}
	return dark
}
