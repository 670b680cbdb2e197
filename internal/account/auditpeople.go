package account

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"groundwork/internal/audit"
)

// AuditPeople gives the audit log people's names at read time
// (audit.People).
type AuditPeople struct {
	DB bun.IDB
}

// Names returns the name of each of ids that still exists: a deleted
// account (whose row stays, nameless) is left out like a missing one.
func (p AuditPeople) Names(ctx context.Context, ids []string) (map[string]string, error) {
	seen := map[string]bool{}
	var want []string
	for _, id := range ids {
		if id != "" && !seen[id] && validID(id) {
			seen[id] = true
			want = append(want, id)
		}
	}
	names := make(map[string]string, len(want))
	if len(want) == 0 {
		return names, nil
	}
	var users []User
	if err := p.DB.NewSelect().Model(&users).Column("id", "name").Where("id IN (?)", bun.List(want)).
		Where("email NOT LIKE ?", deletedEmailPrefix+"%").Scan(ctx); err != nil {
		return nil, fmt.Errorf("audit names: %w", err)
	}
	for _, u := range users {
		names[u.ID] = u.Name
	}
	return names, nil
}

// Everyone lists every person, active or not, by name; deleted accounts
// are left out.
func (p AuditPeople) Everyone(ctx context.Context) ([]audit.Person, error) {
	var users []User
	if err := p.DB.NewSelect().Model(&users).Column("id", "name", "email").
		Where("email NOT LIKE ?", deletedEmailPrefix+"%").OrderExpr("lower(name), id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("audit people: %w", err)
	}
	people := make([]audit.Person, len(users))
	for i, u := range users {
		people[i] = audit.Person{ID: u.ID, Name: u.Name, Email: u.Email}
	}
	return people, nil
}
