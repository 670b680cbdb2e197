package learning

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/catalog"
	"groundwork/internal/clock"
	"groundwork/internal/db"
	"groundwork/internal/fault"
	"groundwork/internal/notify"
)

// Reflection is a trainee's answer to one of a module's prompts.
type Reflection struct {
	bun.BaseModel `bun:"table:reflections,alias:r"`

	ID          string     `bun:"id,pk"`
	UserID      string     `bun:"user_id,notnull"`
	ModuleSlug  string     `bun:"module_slug,notnull"`
	Prompt      int        `bun:"prompt,notnull"` // 1-based
	Body        string     `bun:"body,notnull"`
	UpdatedAt   time.Time  `bun:"updated_at,notnull"`
	SubmittedAt *time.Time `bun:"submitted_at"`
	Comments    []Comment  `bun:"rel:has-many,join:id=reflection_id"`
}

// Comment is a supervisor's or admin's note on a reflection.
type Comment struct {
	bun.BaseModel `bun:"table:reflection_comments"`

	ID           string        `bun:"id,pk"`
	ReflectionID string        `bun:"reflection_id,notnull"`
	AuthorID     string        `bun:"author_id,notnull"`
	Body         string        `bun:"body,notnull"`
	CreatedAt    time.Time     `bun:"created_at,notnull"`
	Author       *account.User `bun:"rel:belongs-to,join:author_id=id"`
}

// MaxReflection is the longest answer accepted, in characters.
const MaxReflection = 5000

// Reflections returns userID's reflections on a module by prompt number,
// with comments, oldest first.
func (p *Progress) Reflections(ctx context.Context, userID, module string) (map[int]*Reflection, error) {
	var list []*Reflection
	err := p.DB.NewSelect().Model(&list).
		Relation("Comments", func(q *bun.SelectQuery) *bun.SelectQuery { return q.OrderExpr("comment.created_at") }).
		Relation("Comments.Author").
		Where("r.user_id = ?", userID).Where("r.module_slug = ?", module).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("read reflections: %w", err)
	}
	out := map[int]*Reflection{}
	for _, r := range list {
		out[r.Prompt] = r
	}
	return out, nil
}

// ErrSubmitted means the reflections were already submitted and are kept
// as written.
var ErrSubmitted = fault.Errorf(fault.CodeConflict, "These reflections were already submitted, so they can no longer be changed.")

// SaveReflections stores answers (by prompt number) as drafts, or submits
// them all when submit is true. Submitted reflections do not change.
func (p *Progress) SaveReflections(ctx context.Context, userID string, m *catalog.Module, answers map[int]string, submit bool) error {
	err := db.InTx(ctx, p.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		t := p.Clock.Now()
		for prompt := 1; prompt <= len(m.ReflectionPrompts); prompt++ {
			r := &Reflection{ID: clock.NewID(), UserID: userID, ModuleSlug: m.Slug,
				Prompt: prompt, Body: answers[prompt], UpdatedAt: t}
			if submit {
				r.SubmittedAt = &t
			}
			res, err := tx.NewInsert().Model(r).
				On("CONFLICT (user_id, module_slug, prompt) DO UPDATE").
				Set("body = EXCLUDED.body, updated_at = EXCLUDED.updated_at, submitted_at = EXCLUDED.submitted_at").
				Where("r.submitted_at IS NULL").Exec(ctx)
			if err != nil {
				return fmt.Errorf("save reflection: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return ErrSubmitted
			}
		}
		if !submit {
			return nil
		}
		if err := countWaiting(ctx, tx, []string{userID}); err != nil {
			return err
		}
		return recordActivity(ctx, tx, []activityRow{{UserID: userID, LastAt: t}})
	})
	if err == nil && submit {
		p.changed(ctx, userID)
	}
	return err
}

// Comment adds a comment by author on a submitted reflection.
func (p *Progress) Comment(ctx context.Context, author *account.User, r *Reflection, body string) error {
	if r.SubmittedAt == nil {
		return fault.Errorf(fault.CodeConflict, "You can comment once the trainee has submitted their reflections.")
	}
	c := &Comment{ID: clock.NewID(), ReflectionID: r.ID, AuthorID: author.ID, Body: body, CreatedAt: p.Clock.Now()}
	return db.InTx(ctx, p.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(c).Exec(ctx); err != nil {
			return fmt.Errorf("add comment: %w", err)
		}
		_, err := tx.NewUpdate().Table("reflections").Set("commented_at = ?", c.CreatedAt).
			Where("id = ?", r.ID).Where("commented_at IS NULL").Exec(ctx)
		if err != nil {
			return fmt.Errorf("mark reflection commented: %w", err)
		}
		if err := countWaiting(ctx, tx, []string{r.UserID}); err != nil {
			return err
		}
		return p.Notices.Tell(ctx, tx, r.UserID, notify.ReflectionComment, r.ModuleSlug,
			"A comment on your reflections for "+p.moduleTitle(r.ModuleSlug), "/modules/"+r.ModuleSlug+"/reflections")
	})
}

// moduleTitle is the title of the module slug names, or slug.
func (p *Progress) moduleTitle(slug string) string {
	if p.Courses != nil {
		if m, ok := p.Courses.Catalog().Module(slug); ok {
			return m.Title
		}
	}
	return slug
}
