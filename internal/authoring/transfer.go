package authoring

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/audit"
	"groundwork/internal/catalog"
	"groundwork/internal/clock"
	"groundwork/internal/db"
	"groundwork/internal/fault"
)

// Export returns the files of the published curriculum, as courses/ lays
// them out: module's folder, or with module "" the whole curriculum
// (programme.yaml and every module), built-in files with local ones laid
// over them.
func (s *Service) Export(ctx context.Context, module string) (map[string][]byte, error) {
	local, err := published(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	fsys := catalog.Overlay(s.Base, local)
	if module != "" {
		if _, err := fs.Stat(fsys, module+"/module.yaml"); err != nil {
			return nil, fault.NotFound()
		}
		return catalog.Files(fsys, module)
	}
	out := map[string][]byte{}
	if b, err := fs.ReadFile(fsys, "programme.yaml"); err == nil {
		out["programme.yaml"] = b
	}
	for _, slug := range moduleFolders(fsys) {
		files, err := catalog.Files(fsys, slug)
		if err != nil {
			return nil, err
		}
		maps.Copy(out, files)
	}
	return out, nil
}

// moduleFolders lists the top-level folders of fsys that hold a module.
func moduleFolders(fsys fs.FS) []string {
	entries, _ := fs.ReadDir(fsys, ".")
	var out []string
	for _, e := range entries {
		if _, err := fs.Stat(fsys, e.Name()+"/module.yaml"); e.IsDir() && !strings.HasPrefix(e.Name(), ".") && err == nil {
			out = append(out, e.Name())
		}
	}
	return out
}

// ImportedModule is what an import does to one module.
type ImportedModule struct {
	Slug, Title string
	BuiltIn     bool     // a built-in module: the files are local copies
	New         bool     // no local version of it was published yet
	Changed     []string // files added or changed, by path
	Lessons     []*catalog.Lesson
}

// Import is a checked upload waiting to be published.
type Import struct {
	ID      string
	Modules []ImportedModule
	Notes   []string // what was left out, and why
	local   map[string]map[string][]byte
}

// importTTL is how long a checked upload waits for its publish.
const importTTL = time.Hour

// Import checks an uploaded ZIP: it must be a safe ZIP of curriculum files
// that, laid over the published curriculum, passes the checker. Nothing is
// published yet; the checked upload waits (for its uploader, an hour) to
// be previewed and published.
func (s *Service) Import(ctx context.Context, by Actor, zip []byte) (*Import, error) {
	imp, err := s.readImport(ctx, zip)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	imp.ID = clock.NewID()
	row := map[string]any{"id": imp.ID, "created_by": by.Viewer.ID, "created_at": now, "expires_at": now.Add(importTTL), "archive": zip}
	err = db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Table("curriculum_imports").Where("expires_at < ? OR created_by = ?", now, by.Viewer.ID).Exec(ctx); err != nil {
			return err
		}
		_, err := tx.NewInsert().Table("curriculum_imports").Model(&row).Exec(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("keep import: %w", err)
	}
	return imp, nil
}

// PendingImport returns by's checked upload with id, read again.
func (s *Service) PendingImport(ctx context.Context, by Actor, id string) (*Import, error) {
	var archive []byte
	err := s.DB.NewSelect().Table("curriculum_imports").Column("archive").
		Where("id = ? AND created_by = ? AND expires_at > ?", id, by.Viewer.ID, s.Clock.Now()).Scan(ctx, &archive)
	if isNoRows(err) {
		return nil, fault.Errorf(fault.CodeNotFound, "That upload has expired or was published already. Upload the ZIP again.")
	}
	if err != nil {
		return nil, err
	}
	imp, err := s.readImport(ctx, archive)
	if err != nil {
		return nil, err
	}
	imp.ID = id
	return imp, nil
}

// PublishImport publishes by's checked upload with id: each module it
// changes gets its next version, checked again with what was published
// since the upload.
func (s *Service) PublishImport(ctx context.Context, by Actor, id string) ([]string, error) {
	imp, err := s.PendingImport(ctx, by, id)
	if err != nil {
		return nil, err
	}
	var rev int64
	var all map[string][]byte
	err = db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		if rev, err = bump(ctx, tx); err != nil {
			return err
		}
		if all, err = s.publishImport(ctx, tx, by, imp); err != nil {
			return err
		}
		_, err := tx.NewDelete().Table("curriculum_imports").Where("id = ?", id).Exec(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.served(rev, all)
	return slices.Sorted(maps.Keys(imp.local)), nil
}

func (s *Service) publishImport(ctx context.Context, tx bun.Tx, by Actor, imp *Import) (map[string][]byte, error) {
	all, err := published(ctx, tx)
	if err != nil {
		return nil, err
	}
	for slug, files := range imp.local {
		all = withModule(all, slug, files)
	}
	if _, problems, err := s.check(ctx, tx, all); err != nil || len(problems) > 0 {
		return nil, cmpErr(err, problems)
	}
	var done []string
	for _, slug := range slices.Sorted(maps.Keys(imp.local)) {
		n, err := s.storeVersion(ctx, tx, by, slug, imp.local[slug], "imported from a ZIP")
		if err != nil {
			return nil, err
		}
		done = append(done, fmt.Sprintf("%s version %d", slug, n))
	}
	return all, audit.Record(ctx, tx, audit.Entry{At: s.Clock.Now(), ActorID: by.Viewer.ID, Action: audit.CurriculumImported,
		IP: by.IP, Detail: strings.Join(done, ", ")})
}

func cmpErr(err error, problems catalog.Problems) error {
	if err != nil {
		return err
	}
	return errProblems(problems)
}

// readImport reads and checks an uploaded ZIP.
func (s *Service) readImport(ctx context.Context, zip []byte) (*Import, error) {
	files, err := catalog.ReadZip(zip)
	if err != nil {
		return nil, &fault.Error{Code: fault.CodeInvalid, Message: err.Error(), Err: err}
	}
	imp := &Import{local: map[string]map[string][]byte{}}
	if err := s.sortImport(imp, files); err != nil {
		return nil, err
	}
	all, err := published(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	fresh := map[string]bool{}
	for slug, local := range imp.local {
		before := onlyModule(all, slug)
		if sameFiles(local, before) {
			delete(imp.local, slug)
			continue
		}
		fresh[slug] = len(before) == 0
		all = withModule(all, slug, local)
	}
	if len(imp.local) == 0 {
		return nil, fault.Errorf(fault.CodeInvalid, "Every module in the ZIP is the same as the one published here: there is nothing to import.")
	}
	c, problems, err := s.check(ctx, s.DB, all)
	if err != nil || len(problems) > 0 {
		return nil, cmpErr(err, problems)
	}
	imp.describe(c, s.Base, fresh)
	return imp, nil
}

// sortImport sorts the files of an upload into modules, keeping only what
// differs from the built-in curriculum, and refuses files that are not
// part of a module.
func (s *Service) sortImport(imp *Import, files map[string][]byte) error {
	var bad catalog.Problems
	for p, b := range files {
		slug, _, nested := strings.Cut(p, "/")
		if !nested {
			if p == "programme.yaml" && !sameAsBase(s.Base, p, b) {
				imp.Notes = append(imp.Notes, "programme.yaml differs from this server's and is not imported: add modules to the programme in courses/programme.yaml.")
			}
			continue
		}
		if imp.local[slug] == nil {
			imp.local[slug] = map[string][]byte{}
		}
		if sameAsBase(s.Base, p, b) {
			continue // a built-in file as it is, whatever its name
		}
		if err := checkFilePath(slug, p); err != nil {
			bad = append(bad, catalog.Problem{File: p, Message: "this file is not part of a module (module.yaml, quiz.yaml, lessons/NN-name.md, images/name.png)"})
			continue
		}
		imp.local[slug][p] = b
	}
	if len(bad) > 0 {
		slices.SortFunc(bad, func(a, b catalog.Problem) int { return strings.Compare(a.File, b.File) })
		return errProblems(bad)
	}
	return nil
}

func sameAsBase(base fs.FS, p string, b []byte) bool {
	old, err := fs.ReadFile(base, p)
	return err == nil && bytes.Equal(old, b)
}

// onlyModule returns the files of all inside module.
func onlyModule(all map[string][]byte, module string) map[string][]byte {
	out := map[string][]byte{}
	for p, b := range all {
		if inModule(p, module) {
			out[p] = b
		}
	}
	return out
}

// describe fills in what the import does to each module, for its preview.
func (imp *Import) describe(c *catalog.Catalog, base fs.FS, fresh map[string]bool) {
	for _, slug := range slices.Sorted(maps.Keys(imp.local)) {
		m := ImportedModule{Slug: slug, BuiltIn: isBuiltIn(base, slug), New: fresh[slug],
			Changed: slices.Sorted(maps.Keys(imp.local[slug]))}
		if mod, ok := c.Module(slug); ok {
			m.Title, m.Lessons = mod.Title, mod.Lessons
		}
		imp.Modules = append(imp.Modules, m)
	}
}
