package authoring

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/catalog"
	"groundwork/internal/clock"
)

// Watch polls the curriculum revision every interval and reloads the
// catalogue when another replica (or this one) has published. It returns
// when ctx is done.
func (s *Service) Watch(ctx context.Context, interval time.Duration) {
	clock.Every(ctx, interval, func(ctx context.Context) {
		if err := s.Refresh(ctx); err != nil {
			s.Logger.Warn("curriculum refresh", slog.String("error", err.Error()))
		}
	})
}

// Refresh loads the published local curriculum when its revision changed
// since the last load (or on the first call). Published files that this
// build cannot serve (an upgrade changed what they rely on) leave the
// current catalogue in place; Problems then lists why, for admins.
func (s *Service) Refresh(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rev, err := revision(ctx, s.DB)
	if err != nil {
		return err
	}
	if s.loaded.Load() && rev == s.revision.Load() {
		return nil
	}
	files, err := published(ctx, s.DB)
	if err != nil {
		return err
	}
	s.layer(rev, files)
	return nil
}

// layer serves base + files as revision rev.
func (s *Service) layer(rev int64, files map[string][]byte) {
	err := s.Store.Layer(s.Base, files)
	s.revision.Store(rev)
	s.loaded.Store(true)
	var problems catalog.Problems
	if errors.As(err, &problems) {
		s.broken.Store(&problems)
		s.Logger.Error("the published local curriculum has problems with this version of Groundwork",
			slog.Int("problems", len(problems)))
		s.layerWithout(files, problems)
		return
	}
	s.broken.Store(nil)
	s.Logger.Info("curriculum loaded", slog.Int64("revision", rev), slog.Int("local_files", len(files)))
}

// layerWithout serves the local files of every module the problems do
// not name, so that one module broken by an upgrade does not take the
// others offline. When that fails too, the previous catalogue stays.
func (s *Service) layerWithout(files map[string][]byte, problems catalog.Problems) {
	named := map[string]bool{}
	for _, p := range problems {
		module, _, _ := strings.Cut(p.File, "/")
		named[module] = true
	}
	rest := map[string][]byte{}
	for p, b := range files {
		if module, _, _ := strings.Cut(p, "/"); !named[module] {
			rest[p] = b
		}
	}
	if len(rest) == len(files) || s.Store.Layer(s.Base, rest) != nil {
		s.Logger.Error("serving the curriculum as it was before")
		return
	}
	s.Logger.Error("serving the local curriculum without the modules with problems", slog.Int("modules", len(named)))
}

func revision(ctx context.Context, idb bun.IDB) (int64, error) {
	var rev int64
	if err := idb.NewSelect().Table("curriculum_revision").Column("revision").Where("id = 1").Scan(ctx, &rev); err != nil {
		return 0, fmt.Errorf("read curriculum revision: %w", err)
	}
	return rev, nil
}

// bump raises the revision inside tx, which also makes publishes run one
// at a time (the row is locked until tx ends).
func bump(ctx context.Context, tx bun.Tx) (int64, error) {
	var rev int64
	err := tx.NewRaw("UPDATE curriculum_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision").Scan(ctx, &rev)
	if err != nil {
		return 0, fmt.Errorf("bump curriculum revision: %w", err)
	}
	return rev, nil
}
