package learning

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/account"
	"groundwork/internal/audit"
	"groundwork/internal/catalog"
	"groundwork/internal/db"
	"groundwork/internal/fault"
)

// ProgrammeScope is the enrolment scope of the whole programme.
const ProgrammeScope = "programme"

type enrolment struct {
	bun.BaseModel `bun:"table:enrolments"`

	UserID     string    `bun:"user_id,pk"`
	Scope      string    `bun:"scope,pk"`
	EnrolledAt time.Time `bun:"enrolled_at,notnull"`
	EnrolledBy *string   `bun:"enrolled_by"`
}

// Enrol enrols userIDs in scope (ProgrammeScope or a module slug); an
// existing enrolment is kept. by is who enrolled them, or "" for the
// system. Call it with the transaction of the change that causes it.
func (p *Progress) Enrol(ctx context.Context, idb bun.IDB, scope, by string, userIDs ...string) error {
	if len(userIDs) == 0 {
		return nil
	}
	var who *string
	if by != "" {
		who = &by
	}
	rows := make([]enrolment, len(userIDs))
	for i, id := range userIDs {
		rows[i] = enrolment{UserID: id, Scope: scope, EnrolledAt: p.Clock.Now(), EnrolledBy: who}
	}
	if _, err := idb.NewInsert().Model(&rows).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("enrol: %w", err)
	}
	return nil
}

// EnrolByAdmin enrols u in scope (ProgrammeScope or a module of cat) on
// by's request from client ip, with an audit entry in the same transaction.
func (p *Progress) EnrolByAdmin(ctx context.Context, by, u *account.User, cat *catalog.Catalog, scope, ip string) error {
	if !slices.ContainsFunc(scopeOptions(cat), func(o scopeOption) bool { return o.Scope == scope }) {
		return fault.Errorf(fault.CodeInvalid, "Choose the programme or a module to enrol them in.")
	}
	return p.audited(ctx, audit.Entry{ActorID: by.ID, SubjectID: u.ID, Action: audit.Enrolled, IP: ip, Detail: scope},
		func(ctx context.Context, tx bun.Tx) error { return p.Enrol(ctx, tx, scope, by.ID, u.ID) })
}

// Withdraw ends u's enrolment in scope on by's request from client ip,
// keeping their progress, with an audit entry in the same transaction.
func (p *Progress) Withdraw(ctx context.Context, by, u *account.User, scope, ip string) error {
	return p.audited(ctx, audit.Entry{ActorID: by.ID, SubjectID: u.ID, Action: audit.Unenrolled, IP: ip, Detail: scope},
		func(ctx context.Context, tx bun.Tx) error {
			res, err := tx.NewDelete().Model((*enrolment)(nil)).Where("user_id = ?", u.ID).Where("scope = ?", scope).Exec(ctx)
			if err != nil {
				return fmt.Errorf("withdraw enrolment: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return fault.Errorf(fault.CodeConflict, "They were not enrolled in that; the page may be out of date.")
			}
			return nil
		})
}

// audited runs fn and writes entry in one transaction.
func (p *Progress) audited(ctx context.Context, entry audit.Entry, fn func(context.Context, bun.Tx) error) error {
	return db.InTx(ctx, p.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := fn(ctx, tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, entry)
	})
}

// enrolledIn reports whether scopes cover module m.
func enrolledIn(scopes []string, m *catalog.Module, c *catalog.Catalog) bool {
	if slices.Contains(scopes, m.Slug) {
		return true
	}
	return slices.Contains(scopes, ProgrammeScope) && slices.Contains(c.Programme.Modules, m.Slug)
}

// enrolledModules returns the trainee modules the scopes cover, in
// catalogue order.
func enrolledModules(scopes []string, c *catalog.Catalog) []*catalog.Module {
	var out []*catalog.Module
	for _, m := range c.TraineeModules() {
		if enrolledIn(scopes, m, c) {
			out = append(out, m)
		}
	}
	return out
}

// OwnPartDone reports whether the trainee has done everything in the module
// that is theirs to do, leaving only sign-offs.
func (p ModuleProgress) OwnPartDone() bool {
	m := p.Module
	return p.LessonsRead >= len(m.Lessons) && (m.Quiz == nil || p.QuizPassed) &&
		(len(m.ReflectionPrompts) == 0 || p.ReflectionsSubmitted)
}
