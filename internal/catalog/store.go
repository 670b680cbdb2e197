package catalog

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"io/fs"
	"log/slog"
	"os"
	"sync/atomic"
	"time"
)

// Store holds the current catalogue; in development it reloads it when the
// files change. Readers always see a complete, checked catalogue.
type Store struct {
	current atomic.Pointer[Catalog]
}

// NewStore returns a store serving c.
func NewStore(c *Catalog) *Store {
	s := &Store{}
	s.current.Store(c)
	return s
}

// Catalog returns the current catalogue.
func (s *Store) Catalog() *Catalog { return s.current.Load() }

// Watch polls dir every interval and reloads the catalogue when a file
// changes. A broken edit keeps the last good catalogue and logs every
// problem. It returns when ctx is done.
func (s *Store) Watch(ctx context.Context, dir string, interval time.Duration, logger *slog.Logger) {
	fsys := os.DirFS(dir)
	last := fingerprint(fsys)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		fp := fingerprint(fsys)
		if fp == last {
			continue
		}
		last = fp
		c, err := Load(fsys)
		if err != nil {
			logger.Warn("curriculum changed but has problems; still serving the previous version", slog.String("problems", err.Error()))
			continue
		}
		s.current.Store(c)
		logger.Info("curriculum reloaded", slog.Int("modules", len(c.Modules)))
	}
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
