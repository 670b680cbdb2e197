// Package static holds Groundwork's stylesheets, scripts and images, served
// from the binary. vendor/pico is Pico CSS (MIT licence), unmodified.
package static

import "embed"

// FS holds every static file.
//
//go:embed css js vendor
var FS embed.FS
