package catalog

import (
	"errors"
	"testing"
	"testing/fstest"
)

// The memo answers again for the same files, and only for the same files:
// a change of one byte that keeps the file's size loads anew, problems are
// kept like catalogues, and files seen lately are answered again.
func TestMemoAnswersForTheSameFilesOnly(t *testing.T) {
	files := example(t)
	var m memo
	first, err := m.load(files)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := m.load(files); err != nil || again != first {
		t.Fatalf("the same files were loaded anew: %v", err)
	}
	const file = "first-contact/module.yaml"
	original := files[file].Data
	sameSize := []byte(string(original))
	sameSize[0] ^= 0x20 // "title" becomes "Title": same size, other content
	files[file] = &fstest.MapFile{Data: sameSize}
	if other, _ := m.load(files); other == first {
		t.Fatal("a changed file was answered from memory")
	}
	set(files, file, "title: [unclosed\n")
	_, broken := m.load(files)
	_, brokenAgain := m.load(files)
	var problems Problems
	if !errors.As(broken, &problems) || broken.Error() != brokenAgain.Error() {
		t.Fatalf("problems were not kept: %v, %v", broken, brokenAgain)
	}
	files[file] = &fstest.MapFile{Data: original}
	if back, err := m.load(files); err != nil || back != first {
		t.Fatalf("the first files again were not answered from memory: %v", err)
	}
}
