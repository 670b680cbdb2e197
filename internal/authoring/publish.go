package authoring

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/audit"
	"groundwork/internal/catalog"
	"groundwork/internal/db"
	"groundwork/internal/fault"
	"groundwork/internal/identity"
)

// Actor is who makes a change, and from which address, for the audit log.
type Actor struct {
	Viewer *identity.Viewer
	IP     string
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// check loads base with files laid over it and applies the rule that a
// competency with sign-offs stays, reading the sign-offs through idb. It
// returns the loaded catalogue, or the problems found.
func (s *Service) check(ctx context.Context, idb bun.IDB, files map[string][]byte) (*catalog.Catalog, catalog.Problems, error) {
	c, err := s.Store.Load(catalog.Overlay(s.Base, files))
	var problems catalog.Problems
	if errors.As(err, &problems) {
		return nil, problems, nil
	}
	if err != nil {
		return nil, nil, err
	}
	ids, err := s.SignOffs.EverSignedOffIn(ctx, idb)
	if err != nil {
		return nil, nil, err
	}
	if problems := catalog.CheckCompetencies(c, ids); len(problems) > 0 {
		return nil, problems, nil
	}
	return c, nil, nil
}

// errProblems wraps the problems that stop a publish.
func errProblems(problems catalog.Problems) error {
	return &fault.Error{Code: fault.CodeInvalid, Err: problems,
		Message: "The curriculum checker found problems; fix them, then publish."}
}

// ProblemsOf returns the checker's problems carried by err, if any.
func ProblemsOf(err error) catalog.Problems {
	var problems catalog.Problems
	if errors.As(err, &problems) {
		return problems
	}
	return nil
}

// Publish checks module's draft with the rest of the curriculum and, when
// it has no problems, makes it the module's next version, serves it here at
// once and bumps the revision the other replicas poll.
func (s *Service) Publish(ctx context.Context, by Actor, module, note string) (int, error) {
	var number int
	var rev int64
	var files map[string][]byte
	err := db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if rev, err = bump(ctx, tx); err != nil {
			return err
		}
		d, draft, err := draftFiles(ctx, tx, module)
		if err != nil {
			return err
		}
		if d == nil {
			return fault.Errorf(fault.CodeConflict, "There is no draft of this module to publish.")
		}
		if number, files, err = s.publishFiles(ctx, tx, by, module, draft, note); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Table("curriculum_drafts").Where("module = ?", module).Exec(ctx); err != nil {
			return fmt.Errorf("drop published draft: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{At: s.Clock.Now(), ActorID: by.Viewer.ID, Action: audit.CurriculumPublished,
			IP: by.IP, Detail: fmt.Sprintf("%s version %d", module, number)})
	})
	if err != nil {
		return 0, err
	}
	s.served(rev, files)
	return number, nil
}

// publishFiles checks the curriculum with module's files replaced by
// files and stores them as its next version, returning its number and
// every published file.
func (s *Service) publishFiles(ctx context.Context, tx bun.Tx, by Actor, module string, files map[string][]byte, note string) (int, map[string][]byte, error) {
	all, err := published(ctx, tx)
	if err != nil {
		return 0, nil, err
	}
	all = withModule(all, module, files)
	_, problems, err := s.check(ctx, tx, all)
	if err != nil {
		return 0, nil, err
	}
	if len(problems) > 0 {
		return 0, nil, errProblems(problems)
	}
	n, err := s.storeVersion(ctx, tx, by, module, files, note)
	return n, all, err
}

// storeVersion stores files as module's next version and returns its
// number.
func (s *Service) storeVersion(ctx context.Context, tx bun.Tx, by Actor, module string, files map[string][]byte, note string) (int, error) {
	n, err := latest(ctx, tx, module)
	if err != nil {
		return 0, err
	}
	v := &Version{Module: module, Number: n + 1, PublishedAt: s.Clock.Now(), PublishedBy: by.Viewer.ID, Note: note}
	if _, err := tx.NewInsert().Model(v).Exec(ctx); err != nil {
		return 0, fmt.Errorf("insert version: %w", err)
	}
	for p, b := range files {
		row := map[string]any{"module": module, "number": v.Number, "path": p, "content": b}
		if _, err := tx.NewInsert().Table("curriculum_files").Model(&row).Exec(ctx); err != nil {
			return 0, fmt.Errorf("insert file: %w", err)
		}
	}
	return v.Number, nil
}

// served serves files at once on this replica as revision rev.
func (s *Service) served(rev int64, files map[string][]byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rev > s.revision.Load() {
		s.layer(rev, files)
	}
}

// Draft is a module's work in progress, with what the checker says of it.
type Draft struct {
	Module   string
	Files    map[string][]byte // the module's local files in the draft
	BasedOn  int               // the version it started from (0: none)
	Problems catalog.Problems
	Exists   bool
	// SavedAt and SavedBy say when the draft was last saved and by whom
	// (a name), when it exists.
	SavedAt time.Time
	SavedBy string
}

// Draft returns module's draft (or its published local files when it has
// none) and the checker's problems with it.
func (s *Service) Draft(ctx context.Context, module string) (*Draft, error) {
	d, files, err := draftFiles(ctx, s.DB, module)
	if err != nil {
		return nil, err
	}
	out := &Draft{Module: module, Files: files, Exists: d != nil}
	if d == nil {
		if out.BasedOn, err = latest(ctx, s.DB, module); err != nil {
			return nil, err
		}
		if out.Files, err = versionFiles(ctx, s.DB, module, out.BasedOn); err != nil {
			return nil, err
		}
		return out, nil
	}
	out.BasedOn, out.SavedAt = d.BasedOn, d.UpdatedAt
	names, err := s.People.Names(ctx, []string{d.UpdatedBy})
	if err != nil {
		return nil, err
	}
	out.SavedBy = cmpName(names[d.UpdatedBy])
	out.Problems, err = s.CheckDraft(ctx, module, files)
	return out, err
}

// CheckDraft runs the checker over the published curriculum with module's
// files replaced by files.
func (s *Service) CheckDraft(ctx context.Context, module string, files map[string][]byte) (catalog.Problems, error) {
	all, err := published(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	_, problems, err := s.check(ctx, s.DB, withModule(all, module, files))
	return problems, err
}

// SaveFile saves content as the file at p (a path inside module) in the
// module's draft, starting the draft from the published version when there
// is none. A draft may hold problems; SaveFile returns them. The first
// local copy of a built-in file records the built-in file's hash, so that
// a later upgrade that changes it can be shown for review.
func (s *Service) SaveFile(ctx context.Context, by Actor, module, p string, content []byte) (catalog.Problems, error) {
	if err := checkFilePath(module, p); err != nil {
		return nil, err
	}
	if len(content) > MaxFileBytes {
		return nil, fault.Errorf(fault.CodeInvalid, "A file may be at most %d KB.", MaxFileBytes>>10)
	}
	var files map[string][]byte
	err := db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if files, err = s.openDraft(ctx, tx, by, module); err != nil {
			return err
		}
		files[p] = content
		if err := s.rememberBase(ctx, tx, by, p); err != nil {
			return err
		}
		return putDraftFile(ctx, tx, module, p, content)
	})
	if err != nil {
		return nil, err
	}
	return s.CheckDraft(ctx, module, files)
}

// DeleteFile takes the file at p out of module's draft: a local lesson is
// removed, and a local copy of a built-in file gives way to the built-in
// file again.
func (s *Service) DeleteFile(ctx context.Context, by Actor, module, p string) error {
	if err := checkFilePath(module, p); err != nil {
		return err
	}
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		files, err := s.openDraft(ctx, tx, by, module)
		if err != nil {
			return err
		}
		if _, ok := files[p]; !ok {
			return fault.NotFound()
		}
		_, err = tx.NewDelete().Table("curriculum_draft_files").Where("module = ? AND path = ?", module, p).Exec(ctx)
		return err
	})
}

// openDraft returns module's draft files, first copying the published
// version into a new draft when there is none, and marks who changed it.
func (s *Service) openDraft(ctx context.Context, tx bun.Tx, by Actor, module string) (map[string][]byte, error) {
	d, files, err := draftFiles(ctx, tx, module)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	if d != nil {
		_, err := tx.NewUpdate().Model(d).Set("updated_at = ?, updated_by = ?", now, by.Viewer.ID).WherePK().Exec(ctx)
		return files, err
	}
	n, err := latest(ctx, tx, module)
	if err != nil {
		return nil, err
	}
	if files, err = versionFiles(ctx, tx, module, n); err != nil {
		return nil, err
	}
	return files, replaceDraft(ctx, tx, &draft{Module: module, BasedOn: n, UpdatedAt: now, UpdatedBy: by.Viewer.ID}, files)
}

// replaceDraft makes files the whole of d's draft.
func replaceDraft(ctx context.Context, tx bun.Tx, d *draft, files map[string][]byte) error {
	if _, err := tx.NewDelete().Table("curriculum_drafts").Where("module = ?", d.Module).Exec(ctx); err != nil {
		return err
	}
	if _, err := tx.NewInsert().Model(d).Exec(ctx); err != nil {
		return fmt.Errorf("create draft: %w", err)
	}
	for p, b := range files {
		if err := putDraftFile(ctx, tx, d.Module, p, b); err != nil {
			return err
		}
	}
	return nil
}

func putDraftFile(ctx context.Context, tx bun.Tx, module, p string, content []byte) error {
	row := map[string]any{"module": module, "path": p, "content": content}
	_, err := tx.NewInsert().Table("curriculum_draft_files").Model(&row).
		On("CONFLICT (module, path) DO UPDATE").Set("content = EXCLUDED.content").Exec(ctx)
	if err != nil {
		return fmt.Errorf("save draft file: %w", err)
	}
	return nil
}

// rememberBase records the built-in file's hash the first time p overrides
// it.
func (s *Service) rememberBase(ctx context.Context, tx bun.Tx, by Actor, p string) error {
	h := baseHash(s.Base, p)
	if h == "" {
		return nil
	}
	row := map[string]any{"path": p, "base_hash": h, "reviewed_at": s.Clock.Now(), "reviewed_by": by.Viewer.ID}
	_, err := tx.NewInsert().Table("curriculum_overrides").Model(&row).On("CONFLICT (path) DO NOTHING").Exec(ctx)
	return err
}

// Restore replaces module's draft with the files of version number, for
// the author to check and publish.
func (s *Service) Restore(ctx context.Context, by Actor, module string, number int) error {
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		var v Version
		err := tx.NewSelect().Model(&v).Where("module = ? AND number = ?", module, number).Scan(ctx)
		if isNoRows(err) {
			return fault.Errorf(fault.CodeInvalid, "Choose a version of this module to restore.")
		}
		if err != nil {
			return err
		}
		files, err := versionFiles(ctx, tx, module, number)
		if err != nil {
			return err
		}
		d := &draft{Module: module, BasedOn: number, UpdatedAt: s.Clock.Now(), UpdatedBy: by.Viewer.ID}
		if err := replaceDraft(ctx, tx, d, files); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: s.Clock.Now(), ActorID: by.Viewer.ID, Action: audit.CurriculumRestored,
			IP: by.IP, Detail: fmt.Sprintf("%s version %d", module, number)})
	})
}

// sameFiles reports whether a and b hold the same paths with the same bytes.
func sameFiles(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for p, x := range a {
		if y, ok := b[p]; !ok || !bytes.Equal(x, y) {
			return false
		}
	}
	return true
}
