package catalog_test

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"groundwork/internal/catalog"
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
