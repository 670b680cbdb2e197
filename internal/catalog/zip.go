package catalog

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Limits on a curriculum ZIP, so that an upload cannot exhaust the server:
// the built-in curriculum is about 150 files and 2 MB.
const (
	MaxZipFiles     = 2000
	MaxZipFileBytes = 4 << 20  // one file, uncompressed
	MaxZipTotal     = 32 << 20 // every file, uncompressed
)

// zipTime is every file's modification time in a written ZIP, so that the
// same files always make the same bytes.
var zipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// WriteZip writes files (path -> bytes) as a ZIP in path order. The same
// files give the same bytes, so an export that is imported and exported
// again is byte for byte the same.
func WriteZip(w io.Writer, files map[string][]byte) error {
	zw := zip.NewWriter(w)
	names := make([]string, 0, len(files))
	for p := range files {
		names = append(names, p)
	}
	slices.Sort(names)
	for _, p := range names {
		h := &zip.FileHeader{Name: p, Method: zip.Deflate, Modified: zipTime}
		h.SetMode(0o644)
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := fw.Write(files[p]); err != nil {
			return err
		}
	}
	return zw.Close()
}

// ZipError is a ZIP that cannot be read as a curriculum: its message says
// what is wrong in words a training lead can act on.
type ZipError struct{ Message string }

// Error returns the message.
func (e *ZipError) Error() string { return e.Message }

func zipErr(format string, args ...any) error {
	return &ZipError{Message: fmt.Sprintf(format, args...)}
}

// ReadZip reads a curriculum ZIP into files keyed by path. It refuses what
// is not a ZIP, paths that are absolute or climb out of the folder ("..")
// or hold a backslash or control characters, links and other special
// files, encrypted files, repeated names, and archives past the limits
// (MaxZipFiles, MaxZipFileBytes, MaxZipTotal), counting the bytes actually
// inflated, not what the archive claims. A single folder holding everything
// (a zipped courses/ folder) is taken off the paths.
func ReadZip(data []byte) (map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, zipErr("This file is not a ZIP archive (or it is damaged). Export a module or the curriculum to get one.")
	}
	if len(zr.File) > MaxZipFiles {
		return nil, zipErr("The ZIP holds %d files; a curriculum may hold at most %d.", len(zr.File), MaxZipFiles)
	}
	files := map[string][]byte{}
	var total int64
	for _, f := range zr.File {
		name, skip, err := zipName(f)
		if err != nil {
			return nil, err
		}
		if skip {
			continue
		}
		if _, dup := files[name]; dup {
			return nil, zipErr("The ZIP holds %q twice.", name)
		}
		b, err := readZipFile(f, MaxZipTotal-total)
		if err != nil {
			return nil, err
		}
		total += int64(len(b))
		files[name] = b
	}
	if len(files) == 0 {
		return nil, zipErr("The ZIP holds no files.")
	}
	return stripFolder(files), nil
}

// zipName checks one entry's name and kind; folders and dot files are
// skipped.
func zipName(f *zip.File) (name string, skip bool, err error) {
	name = f.Name
	switch {
	case strings.ContainsFunc(name, unicode.IsControl):
		return "", false, zipErr("A file name in the ZIP holds control characters.")
	case strings.Contains(name, `\`):
		return "", false, zipErr("%q uses backslashes; a curriculum ZIP uses / between folders.", name)
	case strings.HasPrefix(name, "/") || (len(name) > 1 && name[1] == ':'):
		return "", false, zipErr("%q is an absolute path; every file must be inside the curriculum folder.", name)
	}
	mode := f.Mode()
	if mode&fs.ModeSymlink != 0 {
		return "", false, zipErr("%q is a link; a curriculum ZIP may hold only files and folders.", name)
	}
	if mode.IsDir() || strings.HasSuffix(name, "/") {
		return "", true, checkPath(strings.TrimSuffix(name, "/"))
	}
	if !mode.IsRegular() {
		return "", false, zipErr("%q is not an ordinary file.", name)
	}
	if f.Flags&0x1 != 0 {
		return "", false, zipErr("%q is encrypted; export the curriculum again without a password.", name)
	}
	if err := checkPath(name); err != nil {
		return "", false, err
	}
	base := path.Base(name)
	return name, strings.HasPrefix(base, ".") || strings.Contains(name, "/."), nil
}

func checkPath(name string) error {
	if name == "" {
		return nil
	}
	if !fs.ValidPath(name) || slices.Contains(strings.Split(name, "/"), "..") {
		return zipErr("%q climbs out of the curriculum folder or is not a clean path.", name)
	}
	return nil
}

// readZipFile inflates f, refusing more than MaxZipFileBytes or budget.
func readZipFile(f *zip.File, budget int64) ([]byte, error) {
	if f.UncompressedSize64 > MaxZipFileBytes {
		return nil, zipErr("%q is %d bytes; a file may be at most %d.", f.Name, f.UncompressedSize64, MaxZipFileBytes)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, zipErr("%q cannot be read: the ZIP is damaged or uses an unsupported compression.", f.Name)
	}
	defer rc.Close()
	limit := min(int64(MaxZipFileBytes), budget)
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	switch {
	case err != nil && !errors.Is(err, io.EOF):
		return nil, zipErr("%q cannot be read: the ZIP is damaged.", f.Name)
	case int64(len(b)) > limit && limit < MaxZipFileBytes:
		return nil, zipErr("The ZIP unpacks to more than %d bytes; a curriculum may be at most that.", MaxZipTotal)
	case int64(len(b)) > limit:
		return nil, zipErr("%q unpacks to more than %d bytes; a file may be at most that.", f.Name, MaxZipFileBytes)
	}
	return b, nil
}

// stripFolder takes off a single folder that holds every file and is not
// itself a module (no module.yaml in it).
func stripFolder(files map[string][]byte) map[string][]byte {
	var top string
	for p := range files {
		first, _, nested := strings.Cut(p, "/")
		if !nested || (top != "" && first != top) {
			return files
		}
		top = first
	}
	if _, isModule := files[top+"/module.yaml"]; isModule {
		return files
	}
	out := make(map[string][]byte, len(files))
	for p, b := range files {
		out[strings.TrimPrefix(p, top+"/")] = b
	}
	return out
}
