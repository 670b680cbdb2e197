package catalog

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// calloutKinds maps a marker to its label; the marker is case-insensitive.
var calloutKinds = map[string]string{
	"SCENARIO":  "Scenario",
	"KEY POINT": "Key point",
	"NOTE":      "Note",
	"CAUTION":   "Caution",
	"REFLECT":   "Reflect",
}

// KindCallout is the AST kind of a callout.
var KindCallout = ast.NewNodeKind("Callout")

// Callout is a blockquote that starts with a marker such as [!SCENARIO].
type Callout struct {
	ast.BaseBlock
	Style string // CSS suffix, e.g. "key-point"
	Label string // e.g. "Key point"
	Title string
	ID    string
}

// Kind implements ast.Node.
func (*Callout) Kind() ast.NodeKind { return KindCallout }

// Dump implements ast.Node.
func (c *Callout) Dump(source []byte, level int) {
	ast.DumpHelper(c, source, level, map[string]string{"Style": c.Style, "Title": c.Title}, nil)
}

var calloutMarker = regexp.MustCompile(`^\[!([A-Za-z ]+)\]\s*(.*)$`)

// makeCallout turns bq into a Callout when its first line is a marker.
func (d *lessonDoc) makeCallout(bq *ast.Blockquote) {
	para, ok := bq.FirstChild().(*ast.Paragraph)
	if !ok {
		return
	}
	var marker []ast.Node
	var line strings.Builder
	for c := para.FirstChild(); c != nil; c = c.NextSibling() {
		marker = append(marker, c)
		if t, ok := c.(*ast.Text); ok {
			line.Write(t.Segment.Value(d.source))
			if t.SoftLineBreak() || t.HardLineBreak() {
				break
			}
		} else {
			line.WriteString(plainText(c, d.source))
		}
	}
	m := calloutMarker.FindStringSubmatch(strings.TrimSpace(line.String()))
	if m == nil {
		return
	}
	kind := strings.ToUpper(strings.TrimSpace(m[1]))
	label, known := calloutKinds[kind]
	if !known {
		d.r.add(d.file, d.nodeLine(bq), "unknown callout [!%s]: use SCENARIO, KEY POINT, NOTE, CAUTION or REFLECT", m[1])
		return
	}
	for _, n := range marker {
		para.RemoveChild(para, n)
	}
	if para.ChildCount() == 0 {
		bq.RemoveChild(bq, para)
	}
	d.callouts++
	c := &Callout{
		Style: strings.ReplaceAll(strings.ToLower(kind), " ", "-"),
		Label: label,
		Title: strings.TrimSpace(m[2]),
		ID:    fmt.Sprintf("callout-%d", d.callouts),
	}
	for child := bq.FirstChild(); child != nil; {
		next := child.NextSibling()
		c.AppendChild(c, child)
		child = next
	}
	bq.Parent().ReplaceChild(bq.Parent(), bq, c)
}

// calloutRenderer renders a Callout as a labelled aside.
type calloutRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (calloutRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindCallout, renderCallout)
}

func renderCallout(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	c := n.(*Callout)
	if !entering {
		_, _ = w.WriteString("</aside>\n")
		return ast.WalkContinue, nil
	}
	fmt.Fprintf(w, `<aside class="callout callout-%s" aria-labelledby="%s">`+"\n", c.Style, c.ID)
	fmt.Fprintf(w, `<p class="callout-title" id="%s"><span class="callout-kind">%s</span>`, c.ID, c.Label)
	if c.Title != "" {
		_, _ = w.WriteString(" ")
		_, _ = w.Write(util.EscapeHTML([]byte(c.Title)))
	}
	_, _ = w.WriteString("</p>\n")
	return ast.WalkContinue, nil
}
