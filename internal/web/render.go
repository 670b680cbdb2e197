package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"groundwork/internal/identity"
)

// Source is one package's templates: every *.html file at the root of FS is
// a page named Namespace/<file name without .html>; files under partials/
// are shared by that package's pages.
type Source struct {
	Namespace string
	FS        fs.FS
}

// Renderer renders pages inside the shared layout. All templates are parsed
// once, when the renderer is made; a template that fails to parse, or a page
// a handler asks for that does not exist, fails the start, not a request.
type Renderer struct {
	pages  map[string]*template.Template
	assets *Assets
}

// Page is one parsed page, looked up once at start-up by the handler that
// renders it.
type Page struct {
	name  string
	tmpl  *template.Template
	cache sync.Map // key -> *cachedPage
	size  atomic.Int64

	stencils     sync.Map // key -> *stencil
	stencilCount atomic.Int64
}

// cachedPage is a rendered page, plain and gzip-compressed, with the
// entity tag browsers revalidate it with.
type cachedPage struct {
	plain, gzipped []byte
	etag           string
}

// maxCachedPages bounds each page's render cache; it is emptied when full.
const maxCachedPages = 4096

// View is what every template receives: the page's own Data plus what the
// layout needs.
type View struct {
	Viewer    *identity.Viewer
	Flashes   []Flash
	RequestID string
	Path      string
	Data      any
	// Problems are the failures of the page's forms (see formsIn): the
	// layout lists them at the top of the page and starts the title with
	// "Error: ".
	Problems []Problem

	c         echo.Context
	usedToken *bool
	// stencilToken stands in for the CSRF token while a stencil is made.
	stencilToken string
}

// CSRF returns the token for the page's forms. It is made on first use, so
// pages without forms set no cookie and can be cached.
func (v View) CSRF() string {
	*v.usedToken = true
	if v.stencilToken != "" {
		return v.stencilToken
	}
	return CSRFToken(v.c)
}

// CacheKeyer is implemented by page data that renders the same for every
// visitor who is not signed in; such pages are rendered once per key.
type CacheKeyer interface {
	CacheKey() string
}

// NewRenderer parses the kit's layout, partials and error page, then every
// source's pages.
func NewRenderer(assets *Assets, sources ...Source) (*Renderer, error) {
	r := &Renderer{pages: map[string]*template.Template{}, assets: assets}
	base, err := template.New("layout").Funcs(r.funcs()).ParseFS(kitTemplates, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	kit := Source{Namespace: "web", FS: MustSub(kitTemplates, "templates")}
	for _, src := range append([]Source{kit}, sources...) {
		if err := r.addSource(base, src); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (r *Renderer) addSource(base *template.Template, src Source) error {
	set, err := base.Clone()
	if err != nil {
		return err
	}
	partials, _ := fs.Glob(src.FS, "partials/*.html")
	if len(partials) > 0 {
		if set, err = set.ParseFS(src.FS, partials...); err != nil {
			return fmt.Errorf("parse %s partials: %w", src.Namespace, err)
		}
	}
	files, err := fs.Glob(src.FS, "*.html")
	if err != nil {
		return err
	}
	for _, file := range files {
		if file == "layout.html" && src.Namespace == "web" {
			continue
		}
		name := src.Namespace + "/" + strings.TrimSuffix(path.Base(file), ".html")
		if _, dup := r.pages[name]; dup {
			return fmt.Errorf("template %s defined twice", name)
		}
		page, err := set.Clone()
		if err != nil {
			return err
		}
		if page, err = page.ParseFS(src.FS, file); err != nil {
			return fmt.Errorf("parse %s: %w", name, err)
		}
		if page.Lookup("content") == nil {
			return fmt.Errorf("template %s does not define \"content\"", name)
		}
		r.pages[name] = page
	}
	return nil
}

// Page returns the named page ("namespace/name"), or an error when it does
// not exist. Call it while wiring routes so that a missing page fails start-up.
func (r *Renderer) Page(name string) (*Page, error) {
	t, ok := r.pages[name]
	if !ok {
		return nil, fmt.Errorf("no template %q", name)
	}
	return &Page{name: name, tmpl: t}, nil
}

// Pages resolves a capability's pages at registration: dst points to a
// struct whose *Page fields carry a tag `page:"name"`, and each is set to
// the page namespace/name. A page that does not exist is an error, so a
// missing or misnamed template fails the start, and handlers reach their
// pages through fields the compiler checks.
func (r *Renderer) Pages(namespace string, dst any) error {
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("web.Pages: %T is not a pointer to a struct", dst)
	}
	v = v.Elem()
	pageType := reflect.TypeFor[*Page]()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		name, ok := f.Tag.Lookup("page")
		if !ok {
			continue
		}
		if f.Type != pageType || !f.IsExported() {
			return fmt.Errorf("web.Pages: field %s has a page tag but is not an exported *web.Page", f.Name)
		}
		page, err := r.Page(namespace + "/" + name)
		if err != nil {
			return err
		}
		v.Field(i).Set(reflect.ValueOf(page))
	}
	return nil
}

// MustPage is Page for wiring code that returns its own error on failure.
func (r *Renderer) MustPage(name string) *Page {
	p, err := r.Page(name)
	if err != nil {
		panic(err)
	}
	return p
}

// Render writes the page with status. Pages are never stored by browsers
// or proxies (no-store): they carry a CSRF token and, for signed-in people,
// personal data. Pages whose data is a CacheKeyer are rendered once per key
// for people who are not signed in, and those may be kept and revalidated;
// pages whose data is a ViewerCacheKeyer are rendered once per key and role
// for people who are.
func (p *Page) Render(c echo.Context, status int, data any) error {
	used := false
	view := View{
		Viewer:    ViewerFrom(c),
		Flashes:   TakeFlashes(c),
		RequestID: c.Response().Header().Get(echo.HeaderXRequestID),
		Path:      c.Request().URL.Path,
		Data:      data,
		Problems:  formsIn(data),
		c:         c,
		usedToken: &used,
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	if keyer, ok := data.(ViewerCacheKeyer); ok && view.Viewer != nil && status == http.StatusOK &&
		len(view.Flashes) == 0 && len(view.Problems) == 0 {
		return p.renderStencil(c, view, keyer.ViewerCacheKey())
	}
	keyer, cacheable := data.(CacheKeyer)
	cacheable = cacheable && view.Viewer == nil && len(view.Flashes) == 0 && status == http.StatusOK
	var key string
	if cacheable {
		key = keyer.CacheKey() + "\x00" + view.Path
		if hit, ok := p.cache.Load(key); ok {
			return writeCached(c, hit.(*cachedPage))
		}
	}
	var buf bytes.Buffer
	if err := p.tmpl.ExecuteTemplate(&buf, "layout", view); err != nil {
		return fmt.Errorf("render %s: %w", p.name, err)
	}
	if cacheable && !used {
		return writeCached(c, p.store(key, buf.Bytes()))
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// store keeps html as the page for key and returns what it keeps.
func (p *Page) store(key string, html []byte) *cachedPage {
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	_, _ = zw.Write(html)
	_ = zw.Close()
	if p.size.Add(1) > maxCachedPages {
		p.cache.Clear()
		p.size.Store(1)
	}
	sum := sha256.Sum256(html)
	etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
	page := &cachedPage{plain: bytes.Clone(html), gzipped: gz.Bytes(), etag: etag}
	p.cache.Store(key, page)
	return page
}

// writeCached sends a page that is the same for everyone who is not signed
// in. Browsers may keep it but ask again each time (no-cache), and get 304
// while it is unchanged; the gzip wrapper has already said it varies with
// Accept-Encoding.
func writeCached(c echo.Context, page *cachedPage) error {
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "no-cache")
	h.Set("ETag", page.etag)
	if c.Request().Header.Get("If-None-Match") == page.etag {
		return c.NoContent(http.StatusNotModified)
	}
	body := page.plain
	if strings.Contains(c.Request().Header.Get(echo.HeaderAcceptEncoding), "gzip") {
		h.Set(echo.HeaderContentEncoding, "gzip")
		body = page.gzipped
	}
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	return c.Blob(http.StatusOK, echo.MIMETextHTMLCharsetUTF8, body)
}

func (r *Renderer) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": r.assets.URL,
		// date and datetime show t in the zone given (the viewer's: $.Zone),
		// or in UTC.
		"date": func(t time.Time, zone ...*time.Location) string {
			return inZone(t, zone).Format("2 January 2006")
		},
		"datetime": func(t time.Time, zone ...*time.Location) string {
			return inZone(t, zone).Format("2 January 2006, 15:04 MST")
		},
		// timestamp is datetime for logs and tables: sortable, to the second.
		"timestamp": func(t time.Time, zone ...*time.Location) string {
			return inZone(t, zone).Format("2006-01-02 15:04:05 MST")
		},
		"statusText": http.StatusText,
		"deref":      deref,
		"add":        func(a, b int) int { return a + b },
		"thousands":  Thousands,
		"sub":        func(a, b int) int { return a - b },
		"navCurrent": func(current, prefix string) bool {
			if prefix == "/" {
				return current == "/"
			}
			return current == prefix || strings.HasPrefix(current, prefix+"/")
		},
	}
}

// MustSub returns the subtree of fsys at dir; it panics on a bad dir, a
// programming error found at start-up.
func MustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}

// deref returns the value behind an optional (pointer) field, for templates.
func deref(v any) any {
	switch p := v.(type) {
	case *string:
		if p != nil {
			return *p
		}
		return ""
	case *time.Time:
		if p != nil {
			return *p
		}
		return time.Time{}
	case *int:
		if p != nil {
			return *p
		}
		return 0
	case *bool:
		return p != nil && *p
	}
	return v
}

// Thousands writes n with commas between groups of three digits, as
// 10,000.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return sign + s
}
