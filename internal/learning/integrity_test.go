package learning_test

import (
	"context"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"groundwork/internal/app"
	"groundwork/internal/app/apptest"
	"groundwork/internal/catalog"
	"groundwork/internal/learning"
)

// attempts reads every knowledge-check attempt, oldest first.
func attempts(t *testing.T, a *app.App) []learning.Attempt {
	t.Helper()
	var list []learning.Attempt
	if err := a.DB.NewSelect().Model(&list).OrderExpr("started_at, id").Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	return list
}

// parallelStarts opens the quiz form n times at once and returns the
// submit paths the forms carried.
func parallelStarts(t *testing.T, v *apptest.Person, n int) []string {
	t.Helper()
	actions := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			resp, err := v.Client().Get(v.URL("/modules/first-contact/quiz"))
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			m := formAction.FindStringSubmatch(string(body))
			if resp.StatusCode != http.StatusOK || m == nil {
				t.Errorf("parallel start = %d without a form", resp.StatusCode)
				return
			}
			actions[i] = m[1]
		})
	}
	wg.Wait()
	return actions
}

func TestParallelStartsOpenOneAttempt(t *testing.T) {
	t.Parallel()
	dir, _ := filepath.Abs("../catalog/testdata/example")
	a, base, clk := clockedSite(t, dir)
	v := trainee(t, a, base, "t@example.org")

	first := parallelStarts(t, v, 20)
	for _, action := range first {
		if action != first[0] {
			t.Fatalf("parallel starts gave different attempts: %q and %q", first[0], action)
		}
	}
	if list := attempts(t, a); len(list) != 1 {
		t.Fatalf("20 parallel starts made %d attempts, want 1", len(list))
	}

	// An attempt left open past its limit is closed, kept, and replaced by
	// exactly one new attempt however many starts race.
	clk.Move(learning.OpenAttemptFor + time.Minute)
	second := parallelStarts(t, v, 20)
	for _, action := range second {
		if action != second[0] || action == first[0] {
			t.Fatalf("parallel starts after expiry gave %q (first attempt %q, another %q)", action, first[0], second[0])
		}
	}
	list := attempts(t, a)
	if len(list) != 2 || list[0].ExpiredAt == nil || list[1].ExpiredAt != nil || list[0].SubmittedAt != nil {
		t.Fatalf("after expiry: %d attempts, want the old one expired and kept and one open", len(list))
	}
}

func TestFailedAttemptsAnswersRefusedDuringWait(t *testing.T) {
	t.Parallel()
	dir, _ := filepath.Abs("../catalog/testdata/example")
	a, base, clk := clockedSite(t, dir)
	v := trainee(t, a, base, "t@example.org")
	ctx := context.Background()
	right := url.Values{"q-first-words": {"0"}, "q-labels": {"1"}}
	withRight := func() url.Values {
		return url.Values{"q-first-words": right["q-first-words"], "q-labels": right["q-labels"]}
	}

	failed := startQuiz(t, v)
	if code, _ := v.Post(failed, "/dashboard", url.Values{"q-first-words": {"0"}, "q-labels": {"0"}}); code != http.StatusSeeOther {
		t.Fatalf("failing submit = %d", code)
	}
	before := attempts(t, a)

	// The failed attempt again, now with the right answers: the first
	// submission stands.
	if code, loc := v.Post(failed, "/dashboard", withRight()); code != http.StatusSeeOther || loc != failed {
		t.Fatalf("resubmitting the failed attempt = %d %q, want its result", code, loc)
	}
	// A second attempt opened before the failure (as parallel forms once
	// could) is refused with the wait, and nothing is recorded.
	raced := learning.Attempt{ID: uuid.Must(uuid.NewV7()).String(), UserID: before[0].UserID, ModuleSlug: "first-contact",
		ModuleVersion: before[0].ModuleVersion, OptionOrder: before[0].OptionOrder, StartedAt: before[0].StartedAt, Answers: ""}
	if _, err := a.DB.NewInsert().Model(&raced).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	before = attempts(t, a)
	racedPath := "/modules/first-contact/quiz/" + raced.ID
	code, page := v.PostPage(racedPath, "/dashboard", withRight())
	if code != http.StatusConflict || !strings.Contains(page, "try the knowledge check again after") {
		t.Fatalf("submitting another attempt during the wait = %d, want 409 with the wait", code)
	}
	if code, page := v.Get("/modules/first-contact/quiz"); code != http.StatusOK || !strings.Contains(page, "try the knowledge check again after") {
		t.Fatalf("starting during the wait = %d, want the wait page", code)
	}
	if after := attempts(t, a); !reflect.DeepEqual(after, before) {
		t.Fatalf("refused submissions changed the attempts:\n%+v\n%+v", before, after)
	}

	// After the wait, the attempt begun during it still cannot be
	// submitted; it is closed, and a new attempt can be.
	clk.Move(11 * time.Minute)
	code, page = v.PostPage(racedPath, "/dashboard", withRight())
	if code != http.StatusConflict || !strings.Contains(page, "This attempt has closed") {
		t.Fatalf("submitting an attempt begun during the wait = %d, want 409 closed", code)
	}
	retake := startQuiz(t, v)
	if retake == failed || retake == racedPath {
		t.Fatal("the retake reused an earlier attempt")
	}
	if code, _ := v.Post(retake, "/dashboard", withRight()); code != http.StatusSeeOther {
		t.Fatalf("retake after the wait = %d", code)
	}
	var scores []int
	if err := a.DB.NewSelect().Table("quiz_attempts").Column("score").Where("submitted_at IS NOT NULL").
		OrderExpr("submitted_at").Scan(ctx, &scores); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(scores, []int{50, 100}) {
		t.Fatalf("submitted scores = %v, want [50 100]", scores)
	}
}

func TestExpiredAttemptCannotBeSubmitted(t *testing.T) {
	t.Parallel()
	dir, _ := filepath.Abs("../catalog/testdata/example")
	a, base, clk := clockedSite(t, dir)
	v := trainee(t, a, base, "t@example.org")

	old := startQuiz(t, v)
	clk.Move(learning.OpenAttemptFor + time.Second)
	code, page := v.PostPage(old, "/dashboard", url.Values{"q-first-words": {"0"}, "q-labels": {"1"}})
	if code != http.StatusConflict || !strings.Contains(page, "This attempt has closed") || !strings.Contains(page, "It does not count as a try") {
		t.Fatalf("submitting an expired attempt = %d, want 409 saying it closed", code)
	}
	list := attempts(t, a)
	if len(list) != 1 || list[0].SubmittedAt != nil || list[0].ExpiredAt == nil || list[0].Score != nil {
		t.Fatal("the expired attempt was recorded, or not kept as expired")
	}
	// It does not count as a failure: a new attempt starts at once, and a
	// second submit of the expired one is still refused.
	fresh := startQuiz(t, v)
	if fresh == old {
		t.Fatal("the expired attempt was offered again")
	}
	if code, _ := v.Post(old, "/dashboard", url.Values{"q-first-words": {"0"}, "q-labels": {"1"}}); code != http.StatusConflict {
		t.Fatalf("a second submit of the expired attempt = %d, want 409", code)
	}
	if code, loc := v.Post(fresh, "/dashboard", url.Values{"q-first-words": {"0"}, "q-labels": {"1"}}); code != http.StatusSeeOther || loc != fresh {
		t.Fatalf("the new attempt = %d %q", code, loc)
	}
	if _, result := v.Get(fresh); !strings.Contains(result, "Passed") {
		t.Fatal("the new attempt did not pass")
	}
}

// escaped is s as html/template writes it into a page.
func escaped(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	if err := template.Must(template.New("").Parse("{{.}}")).Execute(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// answers answers the quiz: question i right when right(i), otherwise
// wrong (a wrong option, or too few of the right ones).
func answers(quiz *catalog.Quiz, right func(i int) bool) url.Values {
	form := url.Values{}
	for i, q := range quiz.Questions {
		chosen := q.CorrectSet()
		if !right(i) {
			chosen = chosen[:1]
			for idx, o := range q.Options {
				if !o.Correct {
					chosen = []int{idx}
					break
				}
			}
		}
		for _, idx := range chosen {
			form.Add("q-"+q.ID, strconv.Itoa(idx))
		}
	}
	return form
}

func TestFailedResultKeepsTheAnswerKey(t *testing.T) {
	t.Parallel()
	dir, _ := filepath.Abs("../../courses")
	a, base, clk := clockedSite(t, dir)
	v := trainee(t, a, base, "t@example.org")
	m, ok := a.Courses.Catalog().Module("the-workers-role")
	if !ok || len(m.Quiz.Questions) < 5 {
		t.Fatal("the curriculum's first module has no knowledge check to test")
	}
	quizPath := "/modules/" + m.Slug + "/quiz"
	start := func() string {
		_, page := v.Get(quizPath)
		action := strings.Split(strings.SplitN(page, `action="`+quizPath+"/", 2)[1], `"`)[0]
		return quizPath + "/" + action
	}

	// Only the first question right.
	failed := start()
	if code, _ := v.Post(failed, quizPath, answers(m.Quiz, func(i int) bool { return i == 0 })); code != http.StatusSeeOther {
		t.Fatalf("submit = %d", code)
	}
	_, result := v.Get(failed)
	if !strings.Contains(result, "Not passed yet") {
		t.Fatal("the attempt did not fail")
	}
	for _, idx := range m.Quiz.Questions[0].CorrectSet() {
		if want := escaped(t, m.Quiz.Questions[0].Options[idx].Explanation); !strings.Contains(result, want) {
			t.Errorf("the question answered right is not explained: lacks %q", want)
		}
	}
	_, dashboard := v.Get("/dashboard")
	_, module := v.Get("/modules/" + m.Slug)
	pages := map[string]string{"failed result": result, "dashboard": dashboard, "module page": module}
	for name, page := range pages {
		if strings.Contains(page, "(correct)") || strings.Contains(page, "option-correct") {
			t.Errorf("the %s marks the correct options", name)
		}
		for _, q := range m.Quiz.Questions[1:] {
			for _, o := range q.Options {
				if strings.Contains(page, escaped(t, o.Explanation)) {
					t.Errorf("the %s explains an option of %q, answered wrong: %q", name, q.ID, o.Explanation)
				}
				if o.Correct && q.Type != catalog.QuestionTrueFalse && strings.Contains(page, escaped(t, o.Text)) {
					t.Errorf("the %s names a correct option of %q, answered wrong: %q", name, q.ID, o.Text)
				}
			}
		}
	}

	// After the wait, a pass opens the full review of every attempt.
	clk.Move(time.Duration(m.RetakeAfterMinutes+1) * time.Minute)
	passed := start()
	if code, _ := v.Post(passed, quizPath, answers(m.Quiz, func(int) bool { return true })); code != http.StatusSeeOther {
		t.Fatalf("passing submit = %d", code)
	}
	for _, path := range []string{passed, failed} {
		_, review := v.Get(path)
		for _, q := range m.Quiz.Questions {
			for _, o := range q.Options {
				if !strings.Contains(review, escaped(t, o.Explanation)) {
					t.Fatalf("after the pass, %s does not explain %q", path, o.Text)
				}
			}
		}
	}
}
