package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"groundwork/internal/fault"
)

// AssetPrefix is where static files are served.
const AssetPrefix = "/static/"

// Assets serves embedded static files with cache validation: each URL made
// by URL carries the file's content hash, so a browser may keep it for a
// year, and an ETag answers revalidation of any other URL with 304.
type Assets struct {
	fsys   fs.FS
	hashes map[string]string // path -> first 16 hex digits of SHA-256
}

// NewAssets hashes every file in fsys once.
func NewAssets(fsys fs.FS) (*Assets, error) {
	a := &Assets{fsys: fsys, hashes: map[string]string{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.hashes[p] = hex.EncodeToString(sum[:8])
		return nil
	})
	return a, err
}

// URL returns the cache-busting URL of the file at p, such as
// /static/css/groundwork.css?v=1a2b3c4d5e6f7a8b. It panics on an unknown
// file, which surfaces at the first render in tests.
func (a *Assets) URL(p string) string {
	h, ok := a.hashes[p]
	if !ok {
		panic("web: unknown asset " + p)
	}
	return AssetPrefix + p + "?v=" + h
}

// Handler serves GET /static/*.
func (a *Assets) Handler(c echo.Context) error {
	p := strings.TrimPrefix(c.Request().URL.Path, AssetPrefix)
	h, ok := a.hashes[p]
	if !ok || strings.HasPrefix(path.Base(p), ".") {
		return fault.NotFound()
	}
	etag := `"` + h + `"`
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderContentType, contentType(p))
	hdr.Set("ETag", etag)
	if c.QueryParam("v") == h {
		hdr.Set(echo.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		hdr.Set(echo.HeaderCacheControl, "public, no-cache")
	}
	if match := c.Request().Header.Get("If-None-Match"); match == etag {
		return c.NoContent(http.StatusNotModified)
	}
	b, err := fs.ReadFile(a.fsys, p)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, contentType(p), b)
}

func contentType(p string) string {
	if t := mime.TypeByExtension(path.Ext(p)); t != "" {
		return t
	}
	return "application/octet-stream"
}
