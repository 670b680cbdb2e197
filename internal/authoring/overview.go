package authoring

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"groundwork/internal/audit"
	"groundwork/internal/catalog"
	"groundwork/internal/db"
	"groundwork/internal/fault"

	"github.com/uptrace/bun"
)

// LocalModule is a module with local files: a service's own, or a built-in
// one with local copies.
type LocalModule struct {
	Slug      string
	BuiltIn   bool
	Published int       // newest version, 0 when never published
	DraftAt   time.Time // zero when there is no draft
}

// LocalModules lists every module that has a published version or a
// draft, by slug.
func (s *Service) LocalModules(ctx context.Context) ([]LocalModule, error) {
	var versions []struct {
		Module string `bun:"module"`
		Number int    `bun:"number"`
	}
	if err := s.DB.NewSelect().Table("curriculum_versions").Column("module").ColumnExpr("MAX(number) AS number").
		Group("module").Scan(ctx, &versions); err != nil {
		return nil, fmt.Errorf("list local modules: %w", err)
	}
	var drafts []draft
	if err := s.DB.NewSelect().Model(&drafts).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list drafts: %w", err)
	}
	byslug := map[string]*LocalModule{}
	get := func(slug string) *LocalModule {
		if byslug[slug] == nil {
			byslug[slug] = &LocalModule{Slug: slug, BuiltIn: isBuiltIn(s.Base, slug)}
		}
		return byslug[slug]
	}
	for _, v := range versions {
		get(v.Module).Published = v.Number
	}
	for _, d := range drafts {
		get(d.Module).DraftAt = d.UpdatedAt
	}
	out := make([]LocalModule, 0, len(byslug))
	for _, slug := range slices.Sorted(maps.Keys(byslug)) {
		out = append(out, *byslug[slug])
	}
	return out, nil
}

// Versions lists module's published versions, newest first, with the
// names of who published them.
func (s *Service) Versions(ctx context.Context, module string) ([]Version, error) {
	var vs []Version
	if err := s.DB.NewSelect().Model(&vs).Where("module = ?", module).Order("number DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	ids := make([]string, len(vs))
	for i, v := range vs {
		ids[i] = v.PublishedBy
	}
	names, err := s.People.Names(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range vs {
		vs[i].ByName = cmpName(names[vs[i].PublishedBy])
	}
	return vs, nil
}

func cmpName(n string) string {
	if n == "" {
		return audit.DeletedPerson
	}
	return n
}

// VersionFiles returns the files of one published version of module.
func (s *Service) VersionFiles(ctx context.Context, module string, number int) (map[string][]byte, error) {
	return versionFiles(ctx, s.DB, module, number)
}

// BaseFiles returns the built-in files of module.
func (s *Service) BaseFiles(module string) map[string][]byte {
	if !isBuiltIn(s.Base, module) {
		return map[string][]byte{}
	}
	files, _ := catalog.Files(s.Base, module)
	return files
}

// IsBuiltIn reports whether module is part of the built-in curriculum.
func (s *Service) IsBuiltIn(module string) bool { return isBuiltIn(s.Base, module) }

// Exists reports whether module is built in, published or drafted.
func (s *Service) Exists(ctx context.Context, module string) (bool, error) {
	if isBuiltIn(s.Base, module) {
		return true, nil
	}
	n, err := s.DB.NewSelect().Table("curriculum_drafts").Where("module = ?", module).Count(ctx)
	if err != nil || n > 0 {
		return n > 0, err
	}
	n, err = s.DB.NewSelect().Table("curriculum_versions").Where("module = ?", module).Count(ctx)
	return n > 0, err
}

// NewModule is what a training lead gives to start a local module.
type NewModule struct {
	Slug, Title string
	Audience    catalog.Audience
}

// CreateModule starts a local module as a draft: a module.yaml to fill
// in, a first lesson and, for trainees, a knowledge check, laid out so
// that the checker passes once the placeholders are replaced.
func (s *Service) CreateModule(ctx context.Context, by Actor, m NewModule) error {
	exists, err := s.Exists(ctx, m.Slug)
	if err != nil {
		return err
	}
	if exists {
		return fault.Errorf(fault.CodeInvalid, "A module called %q exists already: choose another name.", m.Slug)
	}
	files := skeleton(m)
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		d := &draft{Module: m.Slug, UpdatedAt: s.Clock.Now(), UpdatedBy: by.Viewer.ID}
		// The draft's primary key decides between two leads starting the
		// same module at once.
		res, err := tx.NewInsert().Model(d).On("CONFLICT (module) DO NOTHING").Exec(ctx)
		if err != nil {
			return fmt.Errorf("create draft: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.Errorf(fault.CodeInvalid, "A module called %q exists already: choose another name.", m.Slug)
		}
		for p, b := range files {
			if err := putDraftFile(ctx, tx, m.Slug, p, b); err != nil {
				return err
			}
		}
		return nil
	})
}

// skeleton is a new module's first files.
func skeleton(m NewModule) map[string][]byte {
	meta := map[string]any{"title": m.Title, "summary": "Say in one or two sentences what this module is about.",
		"audience": string(m.Audience), "minutes": 15,
		"outcomes":   []string{"Say what a learner can do after this module."},
		"references": []map[string]string{{"text": "Name a source this module draws on."}}}
	files := map[string][]byte{m.Slug + "/lessons/01-introduction.md": LessonFile("Introduction", 5, "Write the lesson here.\n")}
	if m.Audience == catalog.AudienceTrainee {
		meta["pass_mark"] = 80
		meta["reflection_prompts"] = []string{"Ask a question the trainee answers in writing."}
		files[m.Slug+"/quiz.yaml"] = []byte(quizSkeleton)
	}
	files[m.Slug+"/module.yaml"] = marshal(meta)
	return files
}

const quizSkeleton = `questions:
  - id: first-question
    type: truefalse
    scenario: Describe a short case from practice.
    prompt: Write a statement about the case that is true or false.
    options:
      - text: "True"
        correct: true
        explanation: Say why it is true.
      - text: "False"
        explanation: Say why it is not false.
`

func marshal(v any) []byte {
	b, err := yaml.Marshal(v)
	if err != nil {
		panic(err) // maps of strings and numbers always marshal
	}
	return b
}

// LessonFile writes a lesson file: front matter with title and minutes,
// a blank line, then the Markdown body.
func LessonFile(title string, minutes int, body string) []byte {
	front := marshal(struct {
		Title   string `yaml:"title"`
		Minutes int    `yaml:"minutes"`
	}{title, minutes})
	return []byte("---\n" + string(front) + "---\n\n" + strings.TrimRight(body, "\n") + "\n")
}

// AddLesson adds a lesson to module's draft after its last lesson (built-in
// or local), and returns the new file's path.
func (s *Service) AddLesson(ctx context.Context, by Actor, module, slug, title string) (string, error) {
	d, err := s.Draft(ctx, module)
	if err != nil {
		return "", err
	}
	merged := catalog.Overlay(s.Base, d.Files)
	entries, _ := fs.ReadDir(merged, module+"/lessons")
	next := 1
	for _, e := range entries {
		var n int
		if _, err := fmt.Sscanf(e.Name(), "%02d-", &n); err == nil && n >= next {
			next = n + 1
		}
		if strings.HasSuffix(strings.TrimSuffix(e.Name(), ".md"), "-"+slug) && len(e.Name()) == len(slug)+6 {
			return "", fault.Errorf(fault.CodeInvalid, "This module has a lesson called %q already.", slug)
		}
	}
	if next > 99 {
		return "", fault.Errorf(fault.CodeInvalid, "A module can hold at most 99 lessons.")
	}
	p := path.Join(module, "lessons", fmt.Sprintf("%02d-%s.md", next, slug))
	_, err = s.SaveFile(ctx, by, module, p, LessonFile(title, 10, "Write the lesson here.\n"))
	return p, err
}

// Review is a local copy of a built-in file whose built-in file has
// changed since it was copied or last reviewed.
type Review struct {
	Path    string
	Module  string
	Local   []byte // the published local copy
	BuiltIn []byte // the built-in file now
	// Changes shows, line by line, how the built-in file now differs from
	// the local copy.
	Changes []DiffLine
}

// NeedsReview lists the published local copies whose built-in file changed
// (an upgrade of Groundwork) since they were copied or last reviewed.
func (s *Service) NeedsReview(ctx context.Context) ([]Review, error) {
	var rows []struct {
		Path     string `bun:"path"`
		BaseHash string `bun:"base_hash"`
	}
	if err := s.DB.NewSelect().Table("curriculum_overrides").Column("path", "base_hash").Order("path").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("list local copies: %w", err)
	}
	local, err := published(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	var out []Review
	for _, r := range rows {
		copyOf, ok := local[r.Path]
		now := baseHash(s.Base, r.Path)
		if !ok || now == "" || now == r.BaseHash {
			continue
		}
		module, _, _ := strings.Cut(r.Path, "/")
		built, _ := fs.ReadFile(s.Base, r.Path)
		out = append(out, Review{Path: r.Path, Module: module, Local: copyOf, BuiltIn: built,
			Changes: context3(lineDiff(lines(copyOf), lines(built)))})
	}
	return out, nil
}

// MarkReviewed records that by has read the changed built-in file at p
// against the local copy: it is not listed again until it changes again.
func (s *Service) MarkReviewed(ctx context.Context, by Actor, p string) error {
	h := baseHash(s.Base, p)
	if h == "" {
		return fault.NotFound()
	}
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Table("curriculum_overrides").Set("base_hash = ?, reviewed_at = ?, reviewed_by = ?", h, s.Clock.Now(), by.Viewer.ID).
			Where("path = ?", p).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.NotFound()
		}
		return audit.Record(ctx, tx, audit.Entry{At: s.Clock.Now(), ActorID: by.Viewer.ID, Action: audit.CurriculumReviewed, IP: by.IP, Detail: p})
	})
}
