package catalog

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"groundwork/internal/clock"
)

// Store holds the current catalogue; in development it reloads it when the
// files change. Readers always see a complete, checked catalogue.
type Store struct {
	current atomic.Pointer[Catalog]
	mu      sync.Mutex        // serialises reloads
	local   map[string][]byte // the files laid over the base (see Layer)
	loads   memo
}

// Load loads the catalogue in fsys as Load does, answering again from
// memory for files it loaded lately (the curriculum a draft is checked
// against, a publish's check and then its swap).
func (s *Store) Load(fsys fs.FS) (*Catalog, error) { return s.loads.load(fsys) }

// NewStore returns a store serving c.
func NewStore(c *Catalog) *Store {
	s := &Store{}
	s.current.Store(c)
	return s
}

// Catalog returns the current catalogue.
func (s *Store) Catalog() *Catalog { return s.current.Load() }

// Layer loads base with local laid over it (see Overlay) and serves the
// result. With problems it keeps serving the current catalogue and returns
// them (as Problems).
func (s *Store) Layer(base fs.FS, local map[string][]byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.Load(Overlay(base, local))
	if err != nil {
		return err
	}
	s.local = local
	s.current.Store(c)
	return nil
}

// Watch polls dir every interval and reloads the catalogue when a file
// changes. A broken edit keeps the last good catalogue and logs every
// problem. It returns when ctx is done.
func (s *Store) Watch(ctx context.Context, dir string, interval time.Duration, logger *slog.Logger) {
	w := s.Watcher(dir, logger)
	clock.Every(ctx, interval, func(context.Context) { w.Check() })
}

// Watcher remembers the state of a curriculum folder, so that Check can
// tell whether it changed since.
type Watcher struct {
	store  *Store
	fsys   fs.FS
	last   [32]byte
	logger *slog.Logger
}

// Watcher returns a watcher of dir that has taken its first look.
func (s *Store) Watcher(dir string, logger *slog.Logger) *Watcher {
	fsys := os.DirFS(dir)
	return &Watcher{store: s, fsys: fsys, last: fingerprint(fsys), logger: logger}
}

// Check reloads the catalogue if a file changed since the last look, and
// reports whether it found a change. A change with problems is logged and
// the last good catalogue kept.
func (w *Watcher) Check() (changed bool) {
	fp := fingerprint(w.fsys)
	if fp == w.last {
		return false
	}
	w.last = fp
	w.store.mu.Lock()
	local := w.store.local
	w.store.mu.Unlock()
	if err := w.store.Layer(w.fsys, local); err != nil {
		w.logger.Warn("curriculum changed but has problems; still serving the previous version", slog.String("problems", err.Error()))
		return true
	}
	w.logger.Info("curriculum reloaded", slog.Int("modules", len(w.store.Catalog().Modules)))
	return true
}

// fingerprint summarises every file's path, size and modification time.
func fingerprint(fsys fs.FS) [32]byte {
	h := sha256.New()
	_ = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		var buf [16]byte
		binary.LittleEndian.PutUint64(buf[:8], uint64(info.Size()))
		binary.LittleEndian.PutUint64(buf[8:], uint64(info.ModTime().UnixNano()))
		h.Write([]byte(p))
		h.Write(buf[:])
		return nil
	})
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}
