package learning_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"groundwork/internal/account"
	"groundwork/internal/learning"
	"groundwork/internal/notify"
	"groundwork/internal/supervision"
)

var needsYouItem = regexp.MustCompile(`<li><a href="[^"]*">([^<]+)</a>`)

// needsYouList lists the texts of the "Needs you" items on a page, in
// order.
func needsYouList(page string) []string {
	start := strings.Index(page, `class="needs-you"`)
	if start < 0 {
		return nil
	}
	section := page[start:]
	section = section[:strings.Index(section, "</section>")]
	var out []string
	for _, m := range needsYouItem.FindAllStringSubmatch(section, -1) {
		out = append(out, m[1])
	}
	return out
}

// request has trainee ask for sign-off of the first module's first
// competency.
func (w *staffWorld) request(t *testing.T, trainee *account.User) {
	t.Helper()
	m, _ := w.site.App.Courses.Catalog().Module("first-contact")
	err := w.site.App.Supervision.Request(context.Background(), trainee, m, "contact-welcome", supervision.Evidence{Text: "I welcomed two first-time visitors."})
	if err != nil {
		t.Fatal(err)
	}
}

// submitted records a submitted reflection of userID on module at at,
// nobody having commented on it.
func (w *staffWorld) submitted(t *testing.T, userID, module string, prompt int, at time.Time) {
	t.Helper()
	r := learning.Reflection{ID: uuid.NewString(), UserID: userID, ModuleSlug: module, Prompt: prompt,
		Body: "What I noticed in the group.", UpdatedAt: at, SubmittedAt: &at}
	if err := learning.Import(context.Background(), w.site.App.DB, learning.Records{Reflections: []learning.Reflection{r}}); err != nil {
		t.Fatal(err)
	}
}

func TestStaffDashboardNeedsYouShowsTheNewest(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t, false)
	other := w.site.User("other@example.org", "Olga Other", account.Supervisor)
	mine := w.trainees(t, 25, "Req", w.sup.ID)
	theirs := w.trainees(t, 3, "Theirs", other.ID)
	for i := range mine {
		w.site.Clock.Move(time.Hour)
		w.request(t, &mine[i])
	}
	for i := range theirs {
		w.site.Clock.Move(time.Hour)
		w.request(t, &theirs[i])
	}
	page := get(t, w.site.SignIn(w.sup), "/dashboard")
	items := needsYouList(page)
	if len(items) != 20 {
		t.Fatalf("%d items shown, want 20: %v", len(items), items)
	}
	for i, text := range items {
		if want := fmt.Sprintf("Req %03d asks for sign-off", 25-i); !strings.HasPrefix(text, want) {
			t.Fatalf("item %d is %q, want the newest first (%s)", i+1, text, want)
		}
	}
	if !strings.Contains(page, "And 5 more.") {
		t.Error("the 5 requests not shown are not counted")
	}
	if strings.Contains(page, "Theirs 00") {
		t.Error("another supervisor's trainees' requests are listed")
	}
}

// sameItems reports how got differs from want, or "".
func sameItems(got, want []notify.Item) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d items, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].Kind != want[i].Kind || got[i].Text != want[i].Text || got[i].Link != want[i].Link || !got[i].At.Equal(want[i].At) {
			return fmt.Sprintf("item %d is %+v, want %+v", i+1, got[i], want[i])
		}
	}
	return ""
}

func TestNeedsYouNewestIsTheHeadOfTheWholeList(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t, false)
	ctx := context.Background()
	a := w.site.App
	other := w.site.User("other@example.org", "Olga Other", account.Supervisor)
	mine := w.trainees(t, 30, "Mine", w.sup.ID)
	theirs := w.trainees(t, 3, "Theirs", other.ID)
	start := w.site.Clock.Now()
	for i := range 8 {
		w.site.Clock.Move(time.Hour)
		w.request(t, &mine[i])
	}
	for i := 8; i < 20; i++ {
		w.submitted(t, mine[i].ID, "first-contact", 1, start.Add(time.Duration(i)*time.Minute))
		if i%3 == 0 {
			w.submitted(t, mine[i].ID, "first-contact", 2, start.Add(time.Duration(i)*time.Minute+time.Second))
			w.submitted(t, mine[i].ID, "first-contact", 3, start.Add(time.Duration(i)*time.Minute+30*time.Second))
		}
	}
	for i := 20; i < 25; i++ {
		by := start.AddDate(0, 0, -10-i)
		co := &account.Cohort{Name: fmt.Sprintf("Late %d", i), ExpectedBy: &by}
		if err := a.Accounts.SaveCohort(ctx, co); err != nil {
			t.Fatal(err)
		}
		if err := a.Accounts.AddMembers(ctx, a.DB, co.ID, []string{mine[i].ID}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range theirs {
		w.submitted(t, theirs[i].ID, "first-contact", 1, start.Add(time.Duration(i)*time.Second))
		w.request(t, &theirs[i])
	}
	gone := mine[29]
	w.request(t, &gone)
	w.submitted(t, gone.ID, "first-contact", 1, start.Add(time.Hour))
	if _, err := a.DB.NewUpdate().Table("users").Set("active = ?", false).Where("id = ?", gone.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		w.site.Clock.Move(time.Minute)
		if err := a.Notify.Tell(ctx, a.DB, w.sup.ID, notify.CertificateIssued, fmt.Sprint(i), fmt.Sprintf("Notice %d", i), "/certificates"); err != nil {
			t.Fatal(err)
		}
	}

	whole, err := a.Notify.NeedsYou(ctx, w.sup)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[notify.Kind]int{}
	for _, it := range whole {
		counts[it.Kind]++
	}
	if counts[notify.EvidenceToReview] != 8 || counts[notify.ReflectionToRead] != 12 || counts[notify.TraineeOverdue] != 5 || counts[notify.CertificateIssued] != 3 {
		t.Fatalf("the whole list has %v", counts)
	}
	for _, limit := range []int{1, 5, 20, len(whole), len(whole) + 10} {
		head, err := a.Notify.NeedsYouNewest(ctx, w.sup, limit)
		if err != nil {
			t.Fatal(err)
		}
		if diff := sameItems(head.Items, whole[:min(limit, len(whole))]); diff != "" {
			t.Errorf("limit %d: %s", limit, diff)
		}
		for k, n := range counts {
			if head.Counts[k] != n {
				t.Errorf("limit %d: %d of %s counted, want %d", limit, head.Counts[k], k, n)
			}
		}
		if head.Total() != len(whole) {
			t.Errorf("limit %d: total %d, want %d", limit, head.Total(), len(whole))
		}
	}
}

// TestNeedsYouNewestWalksWhenManyWait gives a supervisor more modules with
// reflections to read than are grouped from their own trainees straight
// away, so that the newest are looked for among the organisation's newest
// waiting reflections: the head is still the head of the whole list,
// including modules whose newest reflection is much newer than their
// oldest, modules partly commented on, other supervisors' trainees and a
// deactivated account. Then another supervisor's trainees submit more
// reflections than are looked through, all newer, and the head is found
// from the supervisor's own trainees instead.
func TestNeedsYouNewestWalksWhenManyWait(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t, false)
	ctx := context.Background()
	a := w.site.App
	other := w.site.User("other@example.org", "Olga Other", account.Supervisor)
	mine := w.trainees(t, 520, "Many", w.sup.ID)
	theirs := w.trainees(t, 40, "Theirs", other.ID)
	// Every module's oldest waiting reflection has a time of its own (the
	// seconds end in 0, 3, 4 or 7), so the order has no ties.
	start := w.site.Clock.Now().Add(-30 * 24 * time.Hour)
	var rec learning.Records
	add := func(u *account.User, module string, prompt int, at time.Time) {
		rec.Reflections = append(rec.Reflections, learning.Reflection{ID: uuid.NewString(), UserID: u.ID, ModuleSlug: module,
			Prompt: prompt, Body: "What I noticed in the group.", UpdatedAt: at, SubmittedAt: &at})
	}
	for i := range mine {
		at := start.Add(time.Duration(i) * 10 * time.Second)
		add(&mine[i], "first-contact", 1, at)
		if i%4 == 0 {
			add(&mine[i], "first-contact", 2, at.Add(5004*time.Second))
		}
		if i%5 == 0 {
			add(&mine[i], "group-work", 1, at.Add(3*time.Second))
		}
	}
	for i := range theirs {
		add(&theirs[i], "first-contact", 1, start.Add(time.Duration(i)*10*time.Second+7*time.Second))
	}
	if err := learning.Import(ctx, a.DB, rec); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(mine); i += 7 {
		reflections, err := a.Learning.Reflections(ctx, mine[i].ID, "first-contact")
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Learning.Comment(ctx, w.sup, reflections[1], "Thank you."); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.DB.NewUpdate().Table("users").Set("active = ?", false).Where("id = ?", mine[len(mine)-1].ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}

	w.headIsNewest(t, 500)

	rec = learning.Records{}
	later := w.site.Clock.Now().Add(-time.Hour)
	for i := range theirs {
		for m := range 30 {
			add(&theirs[i], fmt.Sprintf("module-%02d", m), 1, later.Add(time.Duration(i*30+m)*time.Second))
		}
	}
	if err := learning.Import(ctx, a.DB, rec); err != nil {
		t.Fatal(err)
	}
	w.headIsNewest(t, 500)
}

// headIsNewest checks that the head of the supervisor's "Needs you" list,
// of several lengths, is the head of the whole list, which holds more
// than atLeast items.
func (w *staffWorld) headIsNewest(t *testing.T, atLeast int) {
	t.Helper()
	ctx := context.Background()
	whole, err := w.site.App.Notify.NeedsYou(ctx, w.sup)
	if err != nil {
		t.Fatal(err)
	}
	if len(whole) <= atLeast {
		t.Fatalf("%d items wait, want more than %d", len(whole), atLeast)
	}
	for _, limit := range []int{1, 20, 300} {
		head, err := w.site.App.Notify.NeedsYouNewest(ctx, w.sup, limit)
		if err != nil {
			t.Fatal(err)
		}
		if diff := sameItems(head.Items, whole[:limit]); diff != "" {
			t.Errorf("limit %d: %s", limit, diff)
		}
		if head.Total() != len(whole) {
			t.Errorf("limit %d: total %d, want %d", limit, head.Total(), len(whole))
		}
	}
}

// TestReflectionsWaitingFollowSubmitAndComment checks the count of modules
// with reflections to read, kept per trainee as reflections change,
// against the whole list at each step: a draft adds nothing, submitting
// adds the module, a comment on one of its two reflections leaves it
// waiting, a comment on the other settles it.
func TestReflectionsWaitingFollowSubmitAndComment(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t, false)
	ctx := context.Background()
	a := w.site.App
	trainee := w.trainees(t, 1, "Tia", w.sup.ID)[0]
	m, _ := a.Courses.Catalog().Module("first-contact")
	answers := map[int]string{1: "A hostel where nobody said hello.", 2: "Welcome, and what brings you in today."}
	counted := func(step string, want int) {
		t.Helper()
		whole, err := a.Notify.NeedsYou(ctx, w.sup)
		if err != nil {
			t.Fatal(err)
		}
		head, err := a.Notify.NeedsYouNewest(ctx, w.sup, 20)
		if err != nil {
			t.Fatal(err)
		}
		if n := head.Counts[notify.ReflectionToRead]; n != want || len(whole) != want {
			t.Errorf("%s: %d modules counted and %d listed, want %d", step, n, len(whole), want)
		}
	}
	if err := a.Learning.SaveReflections(ctx, trainee.ID, m, answers, false); err != nil {
		t.Fatal(err)
	}
	counted("after a draft", 0)
	if err := a.Learning.SaveReflections(ctx, trainee.ID, m, answers, true); err != nil {
		t.Fatal(err)
	}
	counted("once submitted", 1)
	reflections, err := a.Learning.Reflections(ctx, trainee.ID, m.Slug)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{1, 0} {
		if err := a.Learning.Comment(ctx, w.sup, reflections[i+1], "Thank you."); err != nil {
			t.Fatal(err)
		}
		counted(fmt.Sprintf("after %d comments", i+1), want)
	}
}
