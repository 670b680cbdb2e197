package learning_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
)

// attentionWorld is a staff world whose trainees fall in every group of the
// attention order, with the group each trainee's name belongs to as the
// order defines it.
type attentionWorld struct {
	*staffWorld
	group  map[string]int
	active map[string]bool // accounts not deactivated
	theirs map[string]bool // supervised by someone other than w.sup
}

func newAttentionWorld(t *testing.T) *attentionWorld {
	t.Helper()
	ctx := context.Background()
	w := &attentionWorld{staffWorld: newStaffWorld(t, false), group: map[string]int{}, active: map[string]bool{}, theirs: map[string]bool{}}
	a := w.site.App
	other := w.site.User("other@example.org", "Olga Other", account.Supervisor)
	mix := w.trainees(t, 120, "Mix", w.sup.ID)
	others := w.trainees(t, 10, "Other", other.ID)
	gone := w.trainees(t, 1, "Gone", w.sup.ID)[0]
	if _, err := a.DB.NewUpdate().Table("users").Set("active = ?", false).Where("id = ?", gone.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	w.group[gone.Name] = 2
	w.site.Clock.Move(20 * 24 * time.Hour)
	now := w.site.Clock.Now()
	late, future := now.AddDate(0, 0, -3), now.AddDate(0, 1, 0)
	lateCohort := w.cohortDue(t, "Late", late)
	futureCohort := w.cohortDue(t, "Future", future)
	for i := range mix {
		u := &mix[i]
		w.active[u.Name] = true
		w.group[u.Name] = 2
		switch i % 10 {
		case 0:
			w.request(t, u)
			w.group[u.Name] = 0
		case 1:
			w.submitted(t, u.ID, "first-contact", 1, now.Add(-time.Hour))
			w.group[u.Name] = 0
		case 2:
			w.submitted(t, u.ID, "first-contact", 1, now.Add(-time.Hour))
			w.commented(t, u.ID, "first-contact")
			w.lastStep(t, u.ID, now.Add(-time.Hour))
			w.group[u.Name] = 3
		case 3:
			w.join(t, lateCohort, u.ID)
			w.group[u.Name] = 1
			if i%20 == 3 {
				w.request(t, u)
				w.group[u.Name] = 0
			}
		case 4:
			w.lastStep(t, u.ID, now.Add(-24*time.Hour))
			w.group[u.Name] = 3
		case 5:
			w.lastStep(t, u.ID, now.Add(-15*24*time.Hour))
		case 6:
			w.join(t, futureCohort, u.ID)
			w.lastStep(t, u.ID, now.Add(-24*time.Hour))
			w.group[u.Name] = 3
		}
	}
	for i := range others {
		w.active[others[i].Name], w.theirs[others[i].Name], w.group[others[i].Name] = true, true, 2
		if i%2 == 0 {
			w.request(t, &others[i])
			w.group[others[i].Name] = 0
		}
	}
	for _, u := range w.trainees(t, 8, "New", w.sup.ID) {
		w.active[u.Name], w.group[u.Name] = true, 3
	}
	return w
}

func (w *attentionWorld) cohortDue(t *testing.T, name string, by time.Time) *account.Cohort {
	t.Helper()
	co := &account.Cohort{Name: name, ExpectedBy: &by}
	if err := w.site.App.Accounts.SaveCohort(context.Background(), co); err != nil {
		t.Fatal(err)
	}
	return co
}

func (w *attentionWorld) join(t *testing.T, co *account.Cohort, userID string) {
	t.Helper()
	if err := w.site.App.Accounts.AddMembers(context.Background(), w.site.App.DB, co.ID, []string{userID}); err != nil {
		t.Fatal(err)
	}
}

// commented has the supervisor comment on each of userID's reflections on
// module.
func (w *attentionWorld) commented(t *testing.T, userID, module string) {
	t.Helper()
	ctx := context.Background()
	p := w.site.App.Learning
	reflections, err := p.Reflections(ctx, userID, module)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reflections {
		if err := p.Comment(ctx, w.sup, r, "Thank you: the round at the start worked well."); err != nil {
			t.Fatal(err)
		}
	}
}

func (w *attentionWorld) lastStep(t *testing.T, userID string, at time.Time) {
	t.Helper()
	w.exec(t, "DELETE FROM learning_activity WHERE user_id = ?", userID)
	w.exec(t, "INSERT INTO learning_activity (user_id, last_at) VALUES (?, ?)", userID, at)
}

func (w *attentionWorld) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	if _, err := w.site.App.DB.NewRaw(query, args...).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// expected lists the names of the trainees keep selects in the attention
// order: by group, then by name.
func (w *attentionWorld) expected(keep func(name string) bool) []string {
	var out []string
	for name := range w.group {
		if keep(name) {
			out = append(out, name)
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		if w.group[a] != w.group[b] {
			return w.group[a] - w.group[b]
		}
		return strings.Compare(strings.ToLower(a), strings.ToLower(b))
	})
	return out
}

// allPages lists the trainees on every page of path, in order.
func allPages(t *testing.T, p *apptest.Person, path string) []string {
	t.Helper()
	var out []string
	for n := 1; n <= 10; n++ {
		page := get(t, p, fmt.Sprintf("%s&page=%d", path, n))
		out = append(out, names(page)...)
		if !strings.Contains(page, `rel="next"`) {
			return out
		}
	}
	t.Fatal("more than 10 pages")
	return nil
}

func TestStaffDashboardAttentionOrderOnAMixedSet(t *testing.T) {
	t.Parallel()
	w := newAttentionWorld(t)
	admin := allPages(t, w.site.SignIn(w.admin), "/dashboard?sort=attention")
	if want := w.expected(func(n string) bool { return w.active[n] }); !slices.Equal(admin, want) {
		t.Errorf("the admin's order is\n%v\nwant\n%v", admin, want)
	}
	mine := allPages(t, w.site.SignIn(w.sup), "/dashboard?sort=attention")
	if want := w.expected(func(n string) bool { return !w.theirs[n] }); !slices.Equal(mine, want) {
		t.Errorf("the supervisor's order is\n%v\nwant\n%v", mine, want)
	}
	found := allPages(t, w.site.SignIn(w.sup), "/dashboard?sort=attention&q=mix+01")
	if want := w.expected(func(n string) bool { return strings.HasPrefix(n, "Mix 01") }); !slices.Equal(found, want) {
		t.Errorf("the search's order is %v, want %v", found, want)
	}
}
