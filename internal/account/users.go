package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"groundwork/internal/clock"
	"groundwork/internal/db"
	"groundwork/internal/fault"
)

// ErrEmailTaken means another account already uses the email address.
var ErrEmailTaken = errors.New("email already registered")

// UserByID returns the user with id, or a not-found error.
func UserByID(ctx context.Context, idb bun.IDB, id string) (*User, error) {
	if !validID(id) {
		return nil, fault.NotFound()
	}
	u := new(User)
	err := idb.NewSelect().Model(u).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.NotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("read user: %w", err)
	}
	return u, nil
}

// UsersByIDs returns the users with ids, in no particular order; ids
// that name nobody are left out.
func UsersByIDs(ctx context.Context, idb bun.IDB, ids []string) ([]User, error) {
	var users []User
	if len(ids) == 0 {
		return users, nil
	}
	if err := idb.NewSelect().Model(&users).Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("read users: %w", err)
	}
	return users, nil
}

// userByEmail returns the user with email (any case), or nil.
func userByEmail(ctx context.Context, idb bun.IDB, email string) (*User, error) {
	u := new(User)
	err := idb.NewSelect().Model(u).Where("email = ?", NormalizeEmail(email)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read user: %w", err)
	}
	return u, nil
}

// createUser inserts a new active user with a password hash.
func (s *Service) createUser(ctx context.Context, idb bun.IDB, email, name string, role Role, passwordHash string) (*User, error) {
	t := s.Clock.Now()
	u := &User{ID: clock.NewID(), Email: NormalizeEmail(email), Name: name, Role: role, PasswordHash: passwordHash,
		Active: true, CreatedAt: t, UpdatedAt: t}
	if _, err := idb.NewInsert().Model(u).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return nil, ErrEmailTaken
		}
		return nil, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// updateUser sets columns of user id to the values in u.
func (s *Service) updateUser(ctx context.Context, idb bun.IDB, u *User, columns ...string) error {
	u.UpdatedAt = s.Clock.Now()
	_, err := idb.NewUpdate().Model(u).Column(append(columns, "updated_at")...).WherePK().Exec(ctx)
	if db.IsUniqueViolation(err) {
		return ErrEmailTaken
	}
	if err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	return nil
}

// UserFilter selects users for the admin list.
type UserFilter struct {
	Query   string // matches name or email, any case
	Role    Role   // "" for every role
	Page    int    // 1-based
	PerPage int
}

// UserPage is one page of users and the total that matched.
type UserPage struct {
	Users []User
	Total int
}

// ListUsers returns the users matching f, by name.
func ListUsers(ctx context.Context, idb bun.IDB, f UserFilter) (UserPage, error) {
	var page UserPage
	q := idb.NewSelect().Model(&page.Users)
	if f.Query != "" {
		like := "%" + escapeLike(strings.ToLower(f.Query)) + "%"
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("lower(name) LIKE ? ESCAPE '\\'", like).WhereOr("email LIKE ? ESCAPE '\\'", like)
		})
	}
	if f.Role != "" {
		q = q.Where("role = ?", f.Role)
	}
	total, err := q.OrderExpr("lower(name), id").Limit(int64(f.PerPage)).Offset(int64((f.Page - 1) * f.PerPage)).ScanAndCount(ctx)
	if err != nil {
		return page, fmt.Errorf("list users: %w", err)
	}
	page.Total = int(total)
	return page, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// UsersByRole returns the active users with role, by name.
func UsersByRole(ctx context.Context, idb bun.IDB, role Role) ([]User, error) {
	var users []User
	err := idb.NewSelect().Model(&users).Where("role = ?", role).Where("active").OrderExpr("lower(name)").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("list %s users: %w", role, err)
	}
	return users, nil
}

// TraineesOf returns the trainees assigned to supervisorID, by name.
func TraineesOf(ctx context.Context, idb bun.IDB, supervisorID string) ([]User, error) {
	var users []User
	err := idb.NewSelect().Model(&users).Where("supervisor_id = ?", supervisorID).Where("role = ?", Trainee).
		OrderExpr("lower(name)").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("list trainees: %w", err)
	}
	return users, nil
}

// adminExists reports whether any active admin exists.
func adminExists(ctx context.Context, idb bun.IDB) (bool, error) {
	return idb.NewSelect().Model((*User)(nil)).Where("role = ?", Admin).Where("active").Exists(ctx)
}

// ImportUsers inserts ready-made accounts in multi-row statements, for bulk
// loading such as demonstration data. Emails are normalised; IDs and
// timestamps are filled in when empty.
func (s *Service) ImportUsers(ctx context.Context, idb bun.IDB, users []User) error {
	t := s.Clock.Now()
	for i := range users {
		u := &users[i]
		u.Email = NormalizeEmail(u.Email)
		if u.ID == "" {
			u.ID = clock.NewID()
		}
		if u.CreatedAt.IsZero() {
			u.CreatedAt = t
		}
		u.UpdatedAt = u.CreatedAt
	}
	if err := db.InsertAll(ctx, idb, users); err != nil {
		return fmt.Errorf("import users: %w", err)
	}
	return nil
}
