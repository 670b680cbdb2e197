package web

import (
	"net/url"
	"strings"
)

// LocalPath returns next if it is a path on this site that a browser will
// also read as one, or "/" otherwise. Browsers drop tabs and line breaks
// from URLs and read a backslash as a slash, so "/\t/evil.example" and
// "/\evil.example" lead off the site; both are refused, as is anything with
// a scheme or a host.
func LocalPath(next string) string {
	if next == "" || strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}
