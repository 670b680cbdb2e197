package authoring_test

import (
	"archive/zip"
	"bytes"
	"context"
	"strings"
	"testing"

	"groundwork/courses"
	"groundwork/internal/app/apptest"
	"groundwork/internal/catalog"
	"groundwork/internal/fault"
)

// zipOf exports module ("" for everything) from site as ZIP bytes.
func zipOf(t *testing.T, site *apptest.Site, module string) []byte {
	t.Helper()
	files, err := site.App.Authoring.Export(context.Background(), module)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := catalog.WriteZip(&buf, files); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestExportImportExportIsByteIdentical publishes a local module and a
// local copy of a built-in lesson on one server, exports the module and
// the whole curriculum, imports each on a second server and exports them
// there: the same bytes.
func TestExportImportExportIsByteIdentical(t *testing.T) {
	t.Parallel()
	one, two := apptest.Start(t, ""), apptest.Start(t, "")
	_, by1 := lead(t, one)
	_, by2 := lead(t, two)
	ctx := context.Background()
	save(t, one.App.Authoring, by1, localModule)
	if _, err := one.App.Authoring.Publish(ctx, by1, "local-referrals", ""); err != nil {
		t.Fatal(err)
	}
	p := "talking-about-drugs-in-schools/lessons/01-what-works-in-drug-education.md"
	save(t, one.App.Authoring, by1, map[string]string{p: overrideOf(t, one, p, "Northtown schools ask us in.")})
	if _, err := one.App.Authoring.Publish(ctx, by1, "talking-about-drugs-in-schools", ""); err != nil {
		t.Fatal(err)
	}
	module, whole := zipOf(t, one, "local-referrals"), zipOf(t, one, "")
	imp, err := two.App.Authoring.Import(ctx, by2, module)
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Modules) != 1 || !imp.Modules[0].New || imp.Modules[0].Title != "Referral pathways in Northtown" {
		t.Fatalf("preview = %+v", imp.Modules)
	}
	if _, err := two.App.Authoring.PublishImport(ctx, by2, imp.ID); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(zipOf(t, two, "local-referrals"), module) {
		t.Fatal("the module's export differs after a round trip")
	}
	imp, err = two.App.Authoring.Import(ctx, by2, whole)
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Modules) != 1 || !imp.Modules[0].BuiltIn || strings.Join(imp.Modules[0].Changed, ",") != p {
		t.Fatalf("preview of the whole curriculum = %+v", imp.Modules)
	}
	if _, err := two.App.Authoring.PublishImport(ctx, by2, imp.ID); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(zipOf(t, two, ""), whole) {
		t.Fatal("the curriculum's export differs after a round trip")
	}
	checkWithCommand(t, module, whole)
}

// checkWithCommand checks each ZIP as `groundwork courses check` reads
// one (cmd/groundwork's TestCoursesCheckReadsAZip runs the command on
// exports): its files laid over the built-in curriculum, loaded and checked
// by the one loader.
func checkWithCommand(t *testing.T, zips ...[]byte) {
	t.Helper()
	for i, z := range zips {
		files, err := catalog.ReadZip(z)
		if err != nil {
			t.Fatalf("ZIP %d: %v", i, err)
		}
		if _, err := catalog.Load(catalog.Overlay(courses.FS, files)); err != nil {
			t.Errorf("ZIP %d does not pass the check: %v", i, err)
		}
	}
}

// TestABadZipChangesNothing uploads unsafe and wrong archives: each is
// refused with a clear message and nothing is kept.
func TestABadZipChangesNothing(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, "")
	_, by := lead(t, site)
	ctx := context.Background()
	wrongField := map[string][]byte{}
	for p, c := range localModule {
		wrongField[p] = []byte(strings.Replace(c, "minutes: 15", "minutes: 15\npass_marks: 80", 1))
	}
	cases := []struct {
		name string
		zip  []byte
		want string
	}{
		{"not a zip", []byte("just text"), "not a ZIP"},
		{"path traversal", rawZip(t, "../outside/module.yaml", "x"), "climbs out"},
		{"absolute path", rawZip(t, "/etc/module.yaml", "x"), "absolute"},
		{"zip bomb", rawZip(t, "local-referrals/module.yaml", strings.Repeat("a", catalog.MaxZipFileBytes+1)), "at most"},
		{"stray file", rawZip(t, "local-referrals/notes.txt", "x", "local-referrals/module.yaml", "x"), "not part of a module"},
		{"checker problem", zipFiles(t, wrongField), `unknown field "pass_marks"`},
		{"nothing new", zipOf(t, site, "the-workers-role"), "nothing to import"},
	}
	for _, c := range cases {
		_, err := site.App.Authoring.Import(ctx, by, c.zip)
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		if fault.CodeOf(err) != fault.CodeInvalid || !strings.Contains(msg, c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	for _, table := range []string{"curriculum_imports", "curriculum_versions", "curriculum_drafts", "curriculum_overrides"} {
		var n int
		if err := site.App.DB.NewRaw("SELECT COUNT(*) FROM "+table).Scan(ctx, &n); err != nil || n != 0 {
			t.Fatalf("%d rows in %s after refused imports (%v)", n, table, err)
		}
	}
}

// rawZip makes a ZIP of name, content pairs as they are given.
func rawZip(t *testing.T, pairs ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i < len(pairs); i += 2 {
		w, err := zw.Create(pairs[i])
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(pairs[i+1]))
	}
	_ = zw.Close()
	return buf.Bytes()
}

func zipFiles(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := catalog.WriteZip(&buf, files); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
