package authoring

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/fault"
)

// file is one stored file of a version or draft.
type file struct {
	Path    string `bun:"path"`
	Content []byte `bun:"content"`
}

// Version is one published version of a module's local files.
type Version struct {
	bun.BaseModel `bun:"table:curriculum_versions"`

	Module      string    `bun:"module,pk"`
	Number      int       `bun:"number,pk"`
	PublishedAt time.Time `bun:"published_at,notnull"`
	PublishedBy string    `bun:"published_by,notnull"`
	Note        string    `bun:"note,notnull"`
	// ByName is the publisher's name, filled in for pages.
	ByName string `bun:"-"`
}

// draft is a module's work in progress.
type draft struct {
	bun.BaseModel `bun:"table:curriculum_drafts"`

	Module    string    `bun:"module,pk"`
	BasedOn   int       `bun:"based_on,notnull"`
	UpdatedAt time.Time `bun:"updated_at,notnull"`
	UpdatedBy string    `bun:"updated_by,notnull"`
}

// published returns the newest published version's files of every module,
// keyed by path.
func published(ctx context.Context, idb bun.IDB) (map[string][]byte, error) {
	var rows []file
	err := idb.NewRaw(`SELECT f.path, f.content FROM curriculum_files f
		JOIN (SELECT module, MAX(number) AS number FROM curriculum_versions GROUP BY module) v
		ON v.module = f.module AND v.number = f.number`).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("read published curriculum: %w", err)
	}
	return toMap(rows), nil
}

// Published returns the local curriculum the servers on idb serve: the
// newest published version's files of every module, keyed by path.
func Published(ctx context.Context, idb bun.IDB) (map[string][]byte, error) {
	return published(ctx, idb)
}

// versionFiles returns the files of one version (0: none).
func versionFiles(ctx context.Context, idb bun.IDB, module string, number int) (map[string][]byte, error) {
	var rows []file
	err := idb.NewSelect().Table("curriculum_files").Column("path", "content").
		Where("module = ? AND number = ?", module, number).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("read version %d of %s: %w", number, module, err)
	}
	return toMap(rows), nil
}

// draftFiles returns a module's draft and its files; nil when it has none.
func draftFiles(ctx context.Context, idb bun.IDB, module string) (*draft, map[string][]byte, error) {
	d := &draft{}
	err := idb.NewSelect().Model(d).Where("module = ?", module).Limit(1).Scan(ctx)
	if isNoRows(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read draft of %s: %w", module, err)
	}
	var rows []file
	if err := idb.NewSelect().Table("curriculum_draft_files").Column("path", "content").
		Where("module = ?", module).Scan(ctx, &rows); err != nil {
		return nil, nil, fmt.Errorf("read draft files of %s: %w", module, err)
	}
	return d, toMap(rows), nil
}

// latest returns a module's newest version number, 0 when never published.
func latest(ctx context.Context, idb bun.IDB, module string) (int, error) {
	var n int
	err := idb.NewSelect().Table("curriculum_versions").ColumnExpr("COALESCE(MAX(number), 0)").
		Where("module = ?", module).Scan(ctx, &n)
	if err != nil {
		return 0, fmt.Errorf("latest version of %s: %w", module, err)
	}
	return n, nil
}

func toMap(rows []file) map[string][]byte {
	out := make(map[string][]byte, len(rows))
	for _, r := range rows {
		out[r.Path] = r.Content
	}
	return out
}

// withModule returns all with the files of module replaced by files.
func withModule(all map[string][]byte, module string, files map[string][]byte) map[string][]byte {
	out := make(map[string][]byte, len(all)+len(files))
	for p, b := range all {
		if !inModule(p, module) {
			out[p] = b
		}
	}
	for p, b := range files {
		out[p] = b
	}
	return out
}

func inModule(p, module string) bool { return strings.HasPrefix(p, module+"/") }

// Paths a module may hold, as courses/ lays them out.
var (
	slugPattern   = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	lessonPattern = regexp.MustCompile(`^lessons/\d\d-[a-z0-9]+(?:-[a-z0-9]+)*\.md$`)
	imagePattern  = regexp.MustCompile(`^images/[a-z0-9]+(?:[-_][a-z0-9]+)*\.(?:png|jpg|jpeg|gif|webp)$`)
)

// MaxFileBytes is the largest file an author may save.
const MaxFileBytes = 1 << 20

// checkFilePath refuses a path that is not a file of module in the format.
func checkFilePath(module, p string) error {
	if !slugPattern.MatchString(module) {
		return fault.Errorf(fault.CodeInvalid, "A module's name is lowercase words joined by hyphens, like local-referrals.")
	}
	rest, ok := strings.CutPrefix(p, module+"/")
	if ok && (rest == "module.yaml" || rest == "quiz.yaml" || lessonPattern.MatchString(rest) || imagePattern.MatchString(rest)) {
		return nil
	}
	return fault.Errorf(fault.CodeInvalid, "A module holds module.yaml, quiz.yaml, lessons/NN-name.md and images/name.png (or .jpg, .gif, .webp).")
}

// baseHash returns the SHA-256 of the built-in file at p, or "" when the
// built-in curriculum has no such file.
func baseHash(base fs.FS, p string) string {
	b, err := fs.ReadFile(base, p)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// isBuiltIn reports whether module is a folder of the built-in curriculum.
func isBuiltIn(base fs.FS, module string) bool {
	_, err := fs.Stat(base, path.Join(module, "module.yaml"))
	return err == nil
}
