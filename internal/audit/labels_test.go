package audit_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"groundwork/internal/audit"
)

// TestEveryActionHasALabel reads every Go file of the module and checks that
// each audit action it declares or records has a plain-language label.
func TestEveryActionHasALabel(t *testing.T) {
	t.Parallel()
	codes := map[string]string{}
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != "../.." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		file, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		for _, code := range actionCodes(file) {
			codes[code] = path
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) < 20 {
		t.Fatalf("found only %d action codes; the scan is broken", len(codes))
	}
	for code, path := range codes {
		a := audit.Action(code)
		if !a.Known() || a.Label() == code {
			t.Errorf("audit action %q (%s) has no label in internal/audit/labels.go", code, path)
		}
	}
}

// actionCodes finds the string literals a file uses as audit actions:
// constants and variables of type Action, conversions to Action, and the
// Action field of Entry literals.
func actionCodes(file *ast.File) []string {
	var codes []string
	add := func(e ast.Expr) {
		if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				codes = append(codes, s)
			}
		}
	}
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ValueSpec:
			if isNamed(n.Type, "Action") {
				for _, v := range n.Values {
					add(v)
				}
			}
		case *ast.CallExpr:
			if isNamed(n.Fun, "Action") && len(n.Args) == 1 {
				add(n.Args[0])
			}
		case *ast.CompositeLit:
			if isNamed(n.Type, "Entry") {
				for _, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok && isNamed(kv.Key, "Action") {
						add(kv.Value)
					}
				}
			}
		}
		return true
	})
	return codes
}

// isNamed reports whether e is name or audit.name.
func isNamed(e ast.Expr, name string) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name == name
	case *ast.SelectorExpr:
		pkg, ok := e.X.(*ast.Ident)
		return ok && pkg.Name == "audit" && e.Sel.Name == name
	}
	return false
}
