package catalog

import (
	"bytes"
	"fmt"
	"html/template"
	"path"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// link is a reference from a lesson to another lesson or module, checked
// once every module is loaded.
type link struct {
	file, module, lesson string // lesson is "" for a link to a module
	line                 int
}

// lessonDoc carries one lesson's state through the Markdown transformer.
type lessonDoc struct {
	file      string
	module    string
	source    []byte
	firstLine int // file line of the body's first line
	r         *report
	links     []link
	images    []string // files under the module folder the lesson shows
	headings  []Heading
	text      []string
	callouts  int
}

var docKey = parser.NewContextKey()

// markdown is the one configured goldmark instance: GFM tables,
// footnotes, heading IDs, callouts and link rewriting; raw HTML is never
// rendered (goldmark's default) and is reported as a problem.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Footnote),
	goldmark.WithParserOptions(
		parser.WithAutoHeadingID(),
		parser.WithASTTransformers(util.Prioritized(lessonTransformer{}, 100)),
	),
	goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(calloutRenderer{}, 100))),
)

// renderLesson parses and renders a lesson body.
func renderLesson(doc *lessonDoc) template.HTML {
	ctx := parser.NewContext()
	ctx.Set(docKey, doc)
	var buf bytes.Buffer
	if err := markdown.Convert(doc.source, &buf, parser.WithContext(ctx)); err != nil {
		doc.r.add(doc.file, 0, "the Markdown could not be rendered: %v", err)
	}
	return template.HTML(buf.String()) //nolint:gosec // goldmark escapes text and drops raw HTML
}

// line returns the file line of a byte offset in the body.
func (d *lessonDoc) line(offset int) int {
	return d.firstLine + bytes.Count(d.source[:min(offset, len(d.source))], []byte("\n"))
}

// nodeLine finds the file line of n: the first source position in n or
// its descendants, else in its nearest ancestor that has one.
func (d *lessonDoc) nodeLine(n ast.Node) int {
	for p := n; p != nil; p = p.Parent() {
		if l := d.firstLineIn(p); l > 0 {
			return l
		}
	}
	return 0
}

func (d *lessonDoc) firstLineIn(n ast.Node) int {
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return d.line(n.Lines().At(0).Start)
	}
	if t, ok := n.(*ast.Text); ok {
		return d.line(t.Segment.Start)
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if l := d.firstLineIn(c); l > 0 {
			return l
		}
	}
	return 0
}

// lessonTransformer checks and rewrites the parsed lesson.
type lessonTransformer struct{}

func (lessonTransformer) Transform(root *ast.Document, reader text.Reader, pc parser.Context) {
	doc, ok := pc.Get(docKey).(*lessonDoc)
	if !ok {
		return
	}
	var callouts []*ast.Blockquote
	lastLevel := 1
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			lastLevel = doc.heading(n, lastLevel)
		case *ast.Link:
			doc.rewriteLink(n)
		case *ast.Image:
			doc.rewriteImage(n)
		case *ast.HTMLBlock, *ast.RawHTML:
			doc.r.add(doc.file, doc.nodeLine(n), "raw HTML is not allowed in lessons; use Markdown")
		case *ast.Blockquote:
			callouts = append(callouts, n)
		case *ast.Paragraph, *ast.TextBlock, *east.TableCell:
			doc.text = append(doc.text, plainText(n, doc.source))
		}
		return ast.WalkContinue, nil
	})
	for _, bq := range callouts {
		doc.makeCallout(bq)
	}
}

func (d *lessonDoc) heading(h *ast.Heading, last int) int {
	line := d.nodeLine(h)
	switch {
	case h.Level == 1:
		d.r.add(d.file, line, "start lesson headings at ## (the page shows the lesson title as the top heading)")
	case h.Level > last+1:
		d.r.add(d.file, line, "heading level jumps from %d to %d; do not skip levels", last, h.Level)
	}
	title := plainText(h, d.source)
	d.text = append(d.text, title)
	if id, ok := h.AttributeString("id"); ok && h.Level <= 3 {
		d.headings = append(d.headings, Heading{Level: h.Level, ID: fmt.Sprint(string(id.([]byte))), Text: title})
	}
	return h.Level
}

func (d *lessonDoc) rewriteLink(n *ast.Link) {
	dest := string(n.Destination)
	line := d.nodeLine(n)
	switch {
	case strings.HasPrefix(dest, "lesson:"):
		target := strings.TrimPrefix(dest, "lesson:")
		module, lesson, found := strings.Cut(target, "/")
		if !found {
			module, lesson = d.module, target
		}
		d.links = append(d.links, link{file: d.file, module: module, lesson: lesson, line: line})
		n.Destination = []byte("/modules/" + module + "/lessons/" + lesson)
	case strings.HasPrefix(dest, "module:"):
		module := strings.TrimPrefix(dest, "module:")
		d.links = append(d.links, link{file: d.file, module: module, line: line})
		n.Destination = []byte("/modules/" + module)
	case strings.HasPrefix(dest, "https://") || strings.HasPrefix(dest, "http://"):
		n.SetAttributeString("rel", []byte("noopener"))
	case strings.HasPrefix(dest, "#") || strings.HasPrefix(dest, "mailto:"):
	default:
		d.r.add(d.file, line, "link %q is not understood: use lesson:<slug>, module:<slug> or an https:// address", dest)
	}
}

func (d *lessonDoc) rewriteImage(n *ast.Image) {
	dest := string(n.Destination)
	line := d.nodeLine(n)
	if strings.TrimSpace(plainText(n, d.source)) == "" {
		d.r.add(d.file, line, "image %q has no alt text: describe it in the brackets, ![like this](%s)", dest, dest)
	}
	clean := path.Clean(dest)
	if !strings.HasPrefix(clean, "images/") || strings.Contains(dest, "://") {
		d.r.add(d.file, line, "image %q must be a file in the module's images folder, like images/diagram.png", dest)
		return
	}
	d.images = append(d.images, clean)
	n.Destination = []byte("/modules/" + d.module + "/" + clean)
}

// plainText returns the text inside n, without markup.
func plainText(n ast.Node, source []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(source))
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		case *ast.CodeSpan:
			for g := t.FirstChild(); g != nil; g = g.NextSibling() {
				if tx, ok := g.(*ast.Text); ok {
					b.Write(tx.Segment.Value(source))
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}
