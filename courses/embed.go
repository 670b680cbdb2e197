// Package courses holds Groundwork's curriculum as files: programme.yaml
// and one folder per module (see README.md in this folder). The files are
// embedded in the binary; GROUNDWORK_COURSES_DIR serves a folder instead.
package courses

import (
	"embed"
	"io/fs"
)

//go:embed *
var files embed.FS

// FS is the curriculum, rooted at this folder.
var FS fs.FS = files
