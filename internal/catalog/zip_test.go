package catalog_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"groundwork/courses"
	"groundwork/internal/catalog"
	"groundwork/internal/outside"
)

// TestZipRoundTripIsByteIdentical writes files, reads them back and
// writes them again: the same bytes.
func TestZipRoundTripIsByteIdentical(t *testing.T) {
	t.Parallel()
	files := map[string][]byte{"m/module.yaml": []byte("title: M\n"), "m/lessons/01-a.md": []byte("---\n"), "programme.yaml": []byte("slug: p\n")}
	var one, two bytes.Buffer
	if err := catalog.WriteZip(&one, files); err != nil {
		t.Fatal(err)
	}
	back, err := catalog.ReadZip(one.Bytes())
	if err != nil || len(back) != 3 {
		t.Fatalf("read back %d files: %v", len(back), err)
	}
	if err := catalog.WriteZip(&two, back); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(one.Bytes(), two.Bytes()) {
		t.Fatal("the round trip changed the bytes")
	}
}

// entry is one file of a hand-made ZIP.
type entry struct {
	name string
	data []byte
	link bool
}

func makeZip(t *testing.T, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.link {
			h.SetMode(0o777 | 1<<27) // os.ModeSymlink
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestReadZipRefusesUnsafeArchives: each unsafe archive is refused with a
// message that says what is wrong.
func TestReadZipRefusesUnsafeArchives(t *testing.T) {
	t.Parallel()
	many := make([]entry, catalog.MaxZipFiles+1)
	for i := range many {
		many[i] = entry{name: "m/lessons/" + strings.Repeat("x", 1+i%50) + string(rune('a'+i%26)) + ".md"}
	}
	bomb := bytes.Repeat([]byte{0}, catalog.MaxZipFileBytes+1)
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"not a zip", []byte("PK nothing here"), "not a ZIP"},
		{"climbs out", makeZip(t, entry{name: "../../etc/passwd", data: []byte("x")}), "climbs out"},
		{"climbs out inside", makeZip(t, entry{name: "m/../../x.md", data: []byte("x")}), "climbs out"},
		{"absolute", makeZip(t, entry{name: "/etc/passwd", data: []byte("x")}), "absolute"},
		{"drive letter", makeZip(t, entry{name: "C:/x.md", data: []byte("x")}), "absolute"},
		{"backslash", makeZip(t, entry{name: `m\lessons\01-a.md`, data: []byte("x")}), "backslashes"},
		{"link", makeZip(t, entry{name: "m/module.yaml", data: []byte("/etc/passwd"), link: true}), "is a link"},
		{"too many files", makeZip(t, many...), "at most"},
		{"zip bomb", makeZip(t, entry{name: "m/lessons/01-a.md", data: bomb}), "at most"},
		{"empty", makeZip(t), "no files"},
		{"twice", makeZip(t, entry{name: "m/a.md"}, entry{name: "m/a.md"}), "twice"},
	}
	for _, c := range cases {
		_, err := catalog.ReadZip(c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

// TestReadZipTakesOffOneFolder: a zipped courses/ folder reads as its
// contents.
func TestReadZipTakesOffOneFolder(t *testing.T) {
	t.Parallel()
	files, err := catalog.ReadZip(makeZip(t, entry{name: "courses/"}, entry{name: "courses/programme.yaml", data: []byte("x")}, entry{name: "courses/m/module.yaml", data: []byte("y")}))
	if err != nil || string(files["m/module.yaml"]) != "y" || len(files) != 2 {
		t.Fatalf("files = %v, %v", files, err)
	}
}

// readZipPython lists every file of a ZIP as Python's zipfile reads it,
// after checking every file's CRC: path, then the file's SHA-256.
const readZipPython = `
import hashlib, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    if bad is not None:
        sys.exit("bad CRC in " + bad)
    for info in z.infolist():
        print(info.filename, hashlib.sha256(z.read(info)).hexdigest())
`

// An exported curriculum reads back in another implementation of ZIP,
// Python's zipfile: every CRC checks out and every file comes back with
// its path and bytes.
func TestAnExportReadsBackInPython(t *testing.T) {
	t.Parallel()
	python := outside.Program(t, "apt-get install python3", "python3")
	files, err := catalog.Files(courses.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := catalog.WriteZip(&b, files); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "curriculum.zip")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, "-c", readZipPython, path).CombinedOutput()
	if err != nil {
		t.Fatalf("python3 cannot read the export: %v\n%s", err, out)
	}
	var want []string
	for p, data := range files {
		want = append(want, fmt.Sprintf("%s %x", p, sha256.Sum256(data)))
	}
	got := strings.Fields(strings.TrimSpace(string(out)))
	var lines []string
	for i := 0; i+1 < len(got); i += 2 {
		lines = append(lines, got[i]+" "+got[i+1])
	}
	slices.Sort(want)
	slices.Sort(lines)
	if !slices.Equal(lines, want) {
		t.Fatalf("python3 reads %d files that differ from the %d written", len(lines), len(want))
	}
}
