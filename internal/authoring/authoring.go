// Package authoring lets training leads adapt and extend the curriculum in
// the browser. What they write is kept in the database as the same files
// (path -> bytes) as courses/ holds: local modules, and local copies of
// built-in lessons laid over the built-in files. Drafts may hold problems;
// publishing checks the whole curriculum with catalog.Load, makes the
// module's next version and bumps a revision that every replica polls.
package authoring

import (
	"context"
	"io/fs"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/uptrace/bun"

	"groundwork/internal/catalog"
	"groundwork/internal/clock"
)

// SignOffs tells which competencies people have been signed off for; the
// supervision capability provides it. A competency with sign-offs cannot be
// removed from the curriculum.
type SignOffs interface {
	// EverSignedOffIn lists the competencies ever signed off, read through
	// idb (a publish's own transaction, so that it needs no other
	// connection while it holds the write lock).
	EverSignedOffIn(ctx context.Context, idb bun.IDB) ([]string, error)
}

// People names the authors of versions; the account capability provides it.
type People interface {
	Names(ctx context.Context, ids []string) (map[string]string, error)
}

// Service keeps the local curriculum and serves it through Store.
type Service struct {
	DB       *bun.DB
	Clock    clock.Clock
	Store    *catalog.Store
	Base     fs.FS // the built-in curriculum (or the configured folder)
	SignOffs SignOffs
	People   People
	Logger   *slog.Logger

	mu       sync.Mutex // serialises refreshes
	revision atomic.Int64
	loaded   atomic.Bool
	broken   atomic.Pointer[catalog.Problems] // published files this build cannot serve
}

// Problems returns the problems of the published local curriculum when
// this build of Groundwork cannot serve it (after an upgrade, say), or nil.
func (s *Service) Problems() catalog.Problems {
	if p := s.broken.Load(); p != nil {
		return *p
	}
	return nil
}
