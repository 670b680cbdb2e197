package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"groundwork/internal/identity"
)

// ViewerCacheKeyer is implemented by page data that renders the same for
// every signed-in person with one role, but for their name and the page's
// CSRF token. Such a page is rendered once per key, role and path into a
// stencil with holes for those two, and each request fills the holes: a
// lesson costs its readers a copy, not a template walk.
type ViewerCacheKeyer interface {
	ViewerCacheKey() string
}

// The stand-ins a stencil is rendered with. Letters, digits and hyphens
// pass every escaper unchanged, so each is found in the output as it is.
const (
	holeName      = "gw-hole-name-5d1c"
	holeToken     = "gw-hole-token-5d1c"
	holePersonal  = "gw-hole-personal-5d1c"
	holeIndicator = "gw-hole-"
)

// stencil is a rendered page cut at its holes: parts[i] is followed by
// holes[i], and the last part by nothing.
type stencil struct {
	parts [][]byte
	holes []string
	// usesToken is set when the page has a form, so filling it makes the
	// CSRF token (and sets its cookie) as rendering would.
	usesToken bool
}

// renderStencil writes the page for view from its stencil, making the
// stencil on first use. A page whose template shows more of the viewer
// than their name is rendered in full instead, every time.
func (p *Page) renderStencil(c echo.Context, view View, key string) error {
	key = "viewer\x00" + string(view.Viewer.Role) + "\x00" + strconv.FormatBool(view.Viewer.Editor) + "\x00" + key + "\x00" + view.Path
	if hit, ok := p.stencils.Load(key); ok {
		return c.HTMLBlob(http.StatusOK, hit.(*stencil).fill(c, view.Viewer))
	}
	st, err := p.makeStencil(view)
	if err != nil {
		return err
	}
	if st == nil {
		var buf bytes.Buffer
		if err := p.tmpl.ExecuteTemplate(&buf, "layout", view); err != nil {
			return fmt.Errorf("render %s: %w", p.name, err)
		}
		return c.HTMLBlob(http.StatusOK, buf.Bytes())
	}
	if p.stencilCount.Add(1) > maxCachedPages {
		p.stencils.Clear()
		p.stencilCount.Store(1)
	}
	p.stencils.Store(key, st)
	return c.HTMLBlob(http.StatusOK, st.fill(c, view.Viewer))
}

// makeStencil renders view with stand-ins for the viewer and the token. It
// returns nil when the output holds a stand-in it cannot fill: the page
// shows something of the viewer's own beyond their name.
func (p *Page) makeStencil(view View) (*stencil, error) {
	used := false
	view.usedToken = &used
	view.stencilToken = holeToken
	view.RequestID = holePersonal
	view.Viewer = &identity.Viewer{ID: holePersonal, Name: holeName, Role: view.Viewer.Role, TimeZone: holePersonal, Editor: view.Viewer.Editor}
	var buf bytes.Buffer
	if err := p.tmpl.ExecuteTemplate(&buf, "layout", view); err != nil {
		return nil, fmt.Errorf("render %s: %w", p.name, err)
	}
	st := &stencil{usesToken: used}
	rest := buf.Bytes()
	for {
		i := bytes.Index(rest, []byte(holeIndicator))
		if i < 0 {
			st.parts = append(st.parts, bytes.Clone(rest))
			return st, nil
		}
		hole := ""
		switch {
		case bytes.HasPrefix(rest[i:], []byte(holeName)):
			hole = holeName
		case bytes.HasPrefix(rest[i:], []byte(holeToken)):
			hole = holeToken
		default:
			return nil, nil
		}
		st.parts = append(st.parts, bytes.Clone(rest[:i]))
		st.holes = append(st.holes, hole)
		rest = rest[i+len(hole):]
	}
}

// fill returns the page for viewer: their name, escaped as the layout's
// text escapes it, and the request's CSRF token in the holes.
func (st *stencil) fill(c echo.Context, viewer *identity.Viewer) []byte {
	name := textEscaper.Replace(viewer.Name)
	token := ""
	if st.usesToken {
		token = CSRFToken(c)
	}
	size := 0
	for _, part := range st.parts {
		size += len(part)
	}
	out := make([]byte, 0, size+len(st.holes)*max(len(name), len(token)))
	for i, part := range st.parts {
		out = append(out, part...)
		if i < len(st.holes) {
			if st.holes[i] == holeName {
				out = append(out, name...)
			} else {
				out = append(out, token...)
			}
		}
	}
	return out
}

// textEscaper escapes as html/template does for text in an element.
var textEscaper = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")
