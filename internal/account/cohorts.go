package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"groundwork/internal/clock"
	"groundwork/internal/db"
	"groundwork/internal/fault"
)

// Cohort is a group of trainees who start the programme together.
type Cohort struct {
	bun.BaseModel `bun:"table:cohorts"`

	ID          string     `bun:"id,pk"`
	Name        string     `bun:"name,notnull"`
	Description string     `bun:"description,notnull"`
	StartsOn    *time.Time `bun:"starts_on"`
	EndsOn      *time.Time `bun:"ends_on"`
	// ExpectedBy is the date by which the cohort's trainees are expected
	// to have finished the programme; nil means none is set.
	ExpectedBy *time.Time `bun:"expected_by"`
	CreatedAt  time.Time  `bun:"created_at,notnull"`
	Members    int        `bun:"members,scanonly"`
}

type cohortMember struct {
	bun.BaseModel `bun:"table:cohort_members"`

	CohortID string    `bun:"cohort_id,pk"`
	UserID   string    `bun:"user_id,pk"`
	AddedAt  time.Time `bun:"added_at,notnull"`
}

// ErrCohortNameTaken means another cohort has the name.
var ErrCohortNameTaken = errors.New("cohort name taken")

// ListCohorts returns every cohort with its member count, newest first.
func ListCohorts(ctx context.Context, idb bun.IDB) ([]Cohort, error) {
	var cohorts []Cohort
	err := idb.NewSelect().Model(&cohorts).
		ColumnExpr("cohort.*").
		ColumnExpr("(SELECT count(*) FROM cohort_members m WHERE m.cohort_id = cohort.id) AS members").
		OrderExpr("cohort.created_at DESC").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("list cohorts: %w", err)
	}
	return cohorts, nil
}

// CohortChoices lists every cohort by name, without counting members, for
// choosing one in a filter.
func CohortChoices(ctx context.Context, idb bun.IDB) ([]Cohort, error) {
	var cohorts []Cohort
	if err := idb.NewSelect().Model(&cohorts).OrderExpr("lower(cohort.name), cohort.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list cohorts: %w", err)
	}
	return cohorts, nil
}

// CohortByID returns the cohort, or a not-found error.
func CohortByID(ctx context.Context, idb bun.IDB, id string) (*Cohort, error) {
	if !validID(id) {
		return nil, fault.NotFound()
	}
	c := new(Cohort)
	err := idb.NewSelect().Model(c).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.NotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("read cohort: %w", err)
	}
	return c, nil
}

// saveCohort inserts c when it has no ID, or updates it.
func (s *Service) saveCohort(ctx context.Context, idb bun.IDB, c *Cohort) error {
	var err error
	if c.ID == "" {
		c.ID, c.CreatedAt = clock.NewID(), s.Clock.Now()
		_, err = idb.NewInsert().Model(c).Exec(ctx)
	} else {
		_, err = idb.NewUpdate().Model(c).Column("name", "description", "starts_on", "ends_on", "expected_by").WherePK().Exec(ctx)
	}
	if db.IsUniqueViolation(err) {
		return ErrCohortNameTaken
	}
	if err != nil {
		return fmt.Errorf("save cohort: %w", err)
	}
	return nil
}

// CohortMembers returns the cohort's members, by name.
func CohortMembers(ctx context.Context, idb bun.IDB, cohortID string) ([]User, error) {
	var users []User
	err := idb.NewSelect().Model(&users).
		Join("JOIN cohort_members AS m ON m.user_id = u.id").Where("m.cohort_id = ?", cohortID).
		OrderExpr("lower(u.name)").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("list cohort members: %w", err)
	}
	return users, nil
}

// CohortsOf returns the cohorts userID belongs to, by name.
func CohortsOf(ctx context.Context, idb bun.IDB, userID string) ([]Cohort, error) {
	var cohorts []Cohort
	err := idb.NewSelect().Model(&cohorts).
		Join("JOIN cohort_members AS m ON m.cohort_id = cohort.id").Where("m.user_id = ?", userID).
		OrderExpr("cohort.name").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("list cohorts of user: %w", err)
	}
	return cohorts, nil
}

// addMember puts a trainee in a cohort; adding twice changes nothing.
func (s *Service) addMember(ctx context.Context, idb bun.IDB, cohortID, userID string) error {
	m := &cohortMember{CohortID: cohortID, UserID: userID, AddedAt: s.Clock.Now()}
	if _, err := idb.NewInsert().Model(m).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("add cohort member: %w", err)
	}
	return nil
}

// removeMember takes a trainee out of a cohort.
func removeMember(ctx context.Context, idb bun.IDB, cohortID, userID string) error {
	_, err := idb.NewDelete().Model((*cohortMember)(nil)).Where("cohort_id = ?", cohortID).Where("user_id = ?", userID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("remove cohort member: %w", err)
	}
	return nil
}

// AddMembers puts trainees in a cohort in one statement, for bulk loading.
func (s *Service) AddMembers(ctx context.Context, idb bun.IDB, cohortID string, userIDs []string) error {
	if len(userIDs) == 0 {
		return nil
	}
	rows := make([]cohortMember, len(userIDs))
	for i, id := range userIDs {
		rows[i] = cohortMember{CohortID: cohortID, UserID: id, AddedAt: s.Clock.Now()}
	}
	if _, err := idb.NewInsert().Model(&rows).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("add cohort members: %w", err)
	}
	return nil
}

// Overdue reports whether a trainee expected to finish by expectedBy (a
// date) is late at now: the whole day has passed.
func Overdue(expectedBy *time.Time, now time.Time) bool {
	return expectedBy != nil && !now.Before(expectedBy.AddDate(0, 0, 1))
}

// ExpectedBy returns, per trainee of userIDs in a cohort with an expected
// completion date, the earliest such date.
func ExpectedBy(ctx context.Context, idb bun.IDB, userIDs []string) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	if len(userIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		UserID     string    `bun:"user_id"`
		ExpectedBy time.Time `bun:"expected_by"`
	}
	err := idb.NewSelect().TableExpr("cohort_members AS m").Join("JOIN cohorts AS c ON c.id = m.cohort_id").
		ColumnExpr("m.user_id, min(c.expected_by) AS expected_by").
		Where("m.user_id IN (?)", bun.List(userIDs)).Where("c.expected_by IS NOT NULL").
		GroupExpr("m.user_id").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("read expected completion dates: %w", err)
	}
	for _, r := range rows {
		out[r.UserID] = r.ExpectedBy.UTC()
	}
	return out, nil
}

// AnyPastExpectedBy reports whether the expected completion date of any
// of cohorts has passed at now, as Overdue says.
func AnyPastExpectedBy(cohorts []Cohort, now time.Time) bool {
	for _, c := range cohorts {
		if Overdue(c.ExpectedBy, now) {
			return true
		}
	}
	return false
}

// CohortsPastExpectedBy lists the IDs of the cohorts whose expected
// completion date has passed at now, as Overdue says.
func CohortsPastExpectedBy(ctx context.Context, idb bun.IDB, now time.Time) ([]string, error) {
	var ids []string
	err := idb.NewSelect().Model((*Cohort)(nil)).Column("id").
		Where("expected_by <= ?", now.AddDate(0, 0, -1)).Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("list cohorts past their date: %w", err)
	}
	return ids, nil
}

// PastExpectedBy selects the cohort memberships of the person whose ID is
// the SQL expression userID (a column of the outer query) in a cohort whose
// expected completion date has passed at now (from the day after, as
// Overdue says), for EXISTS.
func PastExpectedBy(idb bun.IDB, userID string, now time.Time) *bun.SelectQuery {
	return idb.NewSelect().TableExpr("cohort_members AS m").Join("JOIN cohorts AS c ON c.id = m.cohort_id").
		ColumnExpr("1").Where("m.user_id = "+userID).Where("c.expected_by <= ?", now.AddDate(0, 0, -1))
}
