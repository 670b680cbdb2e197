package catalog

import (
	"bytes"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// Overlay returns the curriculum base with files laid over it: a file of
// files (keyed by slash-separated path, like "naloxone/lessons/06-local.md")
// replaces the base file of the same path or adds a new one, and folders
// list the files of both. It is how a service's local modules and lessons
// join the built-in curriculum, loaded and checked by the same Load.
func Overlay(base fs.FS, files map[string][]byte) fs.FS {
	o := &overlay{base: base, files: files, dirs: map[string][]string{}}
	for p := range files {
		for child, dir := p, path.Dir(p); ; child, dir = dir, path.Dir(dir) {
			o.dirs[dir] = append(o.dirs[dir], path.Base(child))
			if dir == "." {
				break
			}
		}
	}
	for d, names := range o.dirs {
		slices.Sort(names)
		o.dirs[d] = slices.Compact(names)
	}
	return o
}

type overlay struct {
	base  fs.FS
	files map[string][]byte
	dirs  map[string][]string // folder -> names the overlay adds to it
}

// Open implements fs.FS.
func (o *overlay) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if data, ok := o.files[name]; ok {
		return &memFile{info: memInfo{name: path.Base(name), size: int64(len(data))}, r: bytes.NewReader(data)}, nil
	}
	if _, ok := o.dirs[name]; !ok {
		return o.base.Open(name)
	}
	entries, err := o.ReadDir(name)
	if err != nil {
		return nil, err
	}
	return &memDir{info: memInfo{name: path.Base(name), dir: true}, entries: entries}, nil
}

// ReadDir implements fs.ReadDirFS: the base folder's entries with the
// overlay's added or replaced, sorted by name.
func (o *overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	added, ok := o.dirs[name]
	baseEntries, err := fs.ReadDir(o.base, name)
	if err != nil && !ok {
		return nil, err
	}
	byName := map[string]fs.DirEntry{}
	for _, e := range baseEntries {
		byName[e.Name()] = e
	}
	for _, n := range added {
		p := path.Join(name, n)
		if data, isFile := o.files[p]; isFile {
			byName[n] = fs.FileInfoToDirEntry(memInfo{name: n, size: int64(len(data))})
		} else {
			byName[n] = fs.FileInfoToDirEntry(memInfo{name: n, dir: true})
		}
	}
	out := make([]fs.DirEntry, 0, len(byName))
	for _, e := range byName {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

// memInfo is the fs.FileInfo of an overlay file or folder: read-only, with
// no modification time (the content hash is the version, not the time).
type memInfo struct {
	name string
	size int64
	dir  bool
}

func (i memInfo) Name() string { return i.name }
func (i memInfo) Size() int64  { return i.size }
func (i memInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return i.dir }
func (i memInfo) Sys() any           { return nil }

// memFile is an open overlay file.
type memFile struct {
	info memInfo
	r    *bytes.Reader
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Read(p []byte) (int, error) { return f.r.Read(p) }
func (f *memFile) Close() error               { return nil }

// memDir is an open overlay folder, listing the entries of both layers.
type memDir struct {
	info    memInfo
	entries []fs.DirEntry
	off     int
}

func (d *memDir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *memDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: fs.ErrInvalid}
}
func (d *memDir) Close() error { return nil }

// ReadDir implements fs.ReadDirFile.
func (d *memDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.off += n
	return rest[:n], nil
}

// Files reads every file of fsys under dir ("." for all) into a map keyed
// by path, skipping dot files and folders as Load does.
func Files(fsys fs.FS, dir string) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != dir {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		out[p] = data
		return nil
	})
	return out, err
}
