package app_test

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// moduleRoot is the repository root, two levels above this package.
const moduleRoot = "../.."

// deps returns every package pkg imports, directly or not, outside tests.
// Groundwork's own packages are followed; others are listed, not followed.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	seen := map[string]bool{}
	var walk func(string)
	walk = func(path string) {
		dir := filepath.Join(moduleRoot, strings.TrimPrefix(path, "groundwork"))
		p, err := build.ImportDir(dir, 0)
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		for _, imp := range p.Imports {
			if seen[imp] {
				continue
			}
			seen[imp] = true
			if imp == "groundwork" || strings.HasPrefix(imp, "groundwork/") {
				walk(imp)
			}
		}
	}
	walk(pkg)
	var out []string
	for imp := range seen {
		out = append(out, imp)
	}
	slices.Sort(out)
	return out
}

// TestLeafPackages holds the import graph's shape: domain errors and the
// clock are leaves, and the HTTP kit does not reach the database.
func TestLeafPackages(t *testing.T) {
	t.Parallel()
	for _, leaf := range []string{"groundwork/internal/fault", "groundwork/internal/clock", "groundwork/internal/identity"} {
		for _, imp := range deps(t, leaf) {
			if strings.HasPrefix(imp, "groundwork/") || strings.Contains(imp, "echo") || strings.HasPrefix(imp, "net/") {
				t.Errorf("%s imports %s; it must stay a leaf (no Groundwork packages, no HTTP)", leaf, imp)
			}
		}
	}
	for _, imp := range deps(t, "groundwork/internal/web") {
		if imp == "groundwork/internal/db" || imp == "groundwork/migrations" || strings.HasPrefix(imp, "github.com/uptrace/bun") {
			t.Errorf("web imports %s; the HTTP kit must not depend on the database", imp)
		}
	}
	for _, imp := range deps(t, "groundwork/internal/catalog") {
		if imp == "groundwork/internal/db" || imp == "groundwork/migrations" {
			t.Errorf("catalog imports %s; the curriculum does not need the database", imp)
		}
	}
}

// TestWebHasNoDomainErrors checks that capabilities cannot take their
// errors from the HTTP kit: web declares no error codes or constructors,
// only the mapping from fault codes to statuses.
func TestWebHasNoDomainErrors(t *testing.T) {
	t.Parallel()
	forbidden := []string{"Code", "Error", "Errorf", "NotFound", "Forbidden", "ErrorCode", "CodeOf"}
	fset := token.NewFileSet()
	dir := filepath.Join(moduleRoot, "internal/web")
	p, err := build.ImportDir(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range p.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for ident, obj := range declared(f) {
			if slices.Contains(forbidden, ident) || (strings.HasPrefix(ident, "Code") && obj == "const") {
				t.Errorf("web/%s declares %s %s; domain errors belong in internal/fault", name, obj, ident)
			}
		}
	}
}

// declared returns the top-level names f declares, with their kind.
func declared(f *ast.File) map[string]string {
	out := map[string]string{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				out[d.Name.Name] = "func"
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					out[s.Name.Name] = "type"
				case *ast.ValueSpec:
					for _, n := range s.Names {
						out[n.Name] = d.Tok.String()
					}
				}
			}
		}
	}
	return out
}
