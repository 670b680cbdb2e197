package learning_test

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/app/apptest"
	"groundwork/internal/clock"
	"groundwork/internal/learning"
)

// site runs the app on the example curriculum, whose first-contact quiz has
// two questions: first-words (option 0 is right) and labels (option 1,
// "False", is right); the pass mark is 80% and the retake wait 10 minutes.
func site(t *testing.T) (*app.App, string) {
	t.Helper()
	dir, _ := filepath.Abs("../catalog/testdata/example")
	return siteFrom(t, dir)
}

// siteFrom starts Groundwork on the curriculum in dir.
func siteFrom(t *testing.T, dir string) (*app.App, string) {
	t.Helper()
	s := apptest.Start(t, dir)
	return s.App, s.Base
}

// clockedSite starts Groundwork on the curriculum in dir and returns the
// clock every service reads. Tests move it by hours, so sessions may idle
// as long as they may last.
func clockedSite(t *testing.T, dir string) (*app.App, string, *clock.Moving) {
	t.Helper()
	s := apptest.Start(t, dir, func(c *app.Config) { c.SessionIdle = c.SessionMaxAge })
	return s.App, s.Base, s.Clock
}

// trainee creates a trainee enrolled in the programme and signs them in.
func trainee(t *testing.T, a *app.App, base, email string) *apptest.Person {
	t.Helper()
	const password = "a long enough passphrase"
	u, _, err := a.Accounts.CreateUser(context.Background(), email, "Trainee", account.Trainee, password)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Learning.Enrol(context.Background(), a.DB, learning.ProgrammeScope, "", u.ID); err != nil {
		t.Fatal(err)
	}
	return apptest.Visit(t, base).SignInAs(email, password)
}

var formAction = regexp.MustCompile(`action="(/modules/first-contact/quiz/[0-9a-f-]{36})"`)

// startQuiz opens the quiz form and returns its submit path.
func startQuiz(t *testing.T, v *apptest.Person) string {
	t.Helper()
	code, page := v.Get("/modules/first-contact/quiz")
	m := formAction.FindStringSubmatch(page)
	if code != 200 || m == nil {
		t.Fatalf("quiz form = %d", code)
	}
	return m[1]
}

func TestKnowledgeCheckFailRetakePass(t *testing.T) {
	t.Parallel()
	dir, _ := filepath.Abs("../catalog/testdata/example")
	a, base, clk := clockedSite(t, dir)
	v := trainee(t, a, base, "t@example.org")
	ctx := context.Background()

	action := startQuiz(t, v)
	if again := startQuiz(t, v); again != action {
		t.Fatal("reloading the form started a second attempt")
	}
	if code, _ := v.Post(action, "/modules/first-contact/quiz", url.Values{"q-first-words": {"0"}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("an unanswered question = %d, want 422", code)
	}
	if code, _ := v.Post(action, "/modules/first-contact/quiz", url.Values{"q-first-words": {"7"}, "q-labels": {"1"}}); code != http.StatusBadRequest {
		t.Fatalf("an option that does not exist = %d, want 400", code)
	}

	// One right, one wrong: 50%, below the pass mark.
	code, loc := v.Post(action, "/modules/first-contact/quiz", url.Values{"q-first-words": {"0"}, "q-labels": {"0"}})
	if code != http.StatusSeeOther || loc != action {
		t.Fatalf("submit = %d %q", code, loc)
	}
	_, result := v.Get(loc)
	// The question answered right is explained; the one answered wrong
	// shows the answer given, but neither the right option nor any
	// explanation of it.
	for _, want := range []string{"Not passed yet", "50%", "It gives them information and control.", "✗ not right"} {
		if !strings.Contains(result, want) {
			t.Errorf("failed result page lacks %q", want)
		}
	}
	for _, key := range []string{"Labels like this are linked to stigma", "Person-first words respect the person", "(correct)", "option-correct"} {
		if strings.Contains(result, key) {
			t.Errorf("failed result page hands over %q", key)
		}
	}
	// A second submit of the same attempt changes nothing.
	v.Post(action, "/modules/first-contact/quiz", url.Values{"q-first-words": {"0"}, "q-labels": {"1"}})
	if _, again := v.Get(loc); !strings.Contains(again, "50%") {
		t.Fatal("a double submit changed the score")
	}

	if _, page := v.Get("/modules/first-contact/quiz"); !strings.Contains(page, "try the knowledge check again after") {
		t.Fatal("no cool-down after a failed attempt")
	}
	// Ten minutes later the retake opens, as a new attempt.
	clk.Move(11 * time.Minute)
	retake := startQuiz(t, v)
	if retake == action {
		t.Fatal("the retake reused the submitted attempt")
	}
	v.Post(retake, "/modules/first-contact/quiz", url.Values{"q-first-words": {"0"}, "q-labels": {"1"}})
	_, passed := v.Get(retake)
	if !strings.Contains(passed, "Passed") || !strings.Contains(passed, "100%") || !strings.Contains(passed, "Your attempts") {
		t.Fatal("the retake did not pass or the attempts are not listed")
	}
	// Once passed, every review is full, the failed attempt's included.
	_, review := v.Get(action)
	for _, want := range []string{"Labels like this are linked to stigma", "Person-first words respect the person", "(correct)", "(your answer)"} {
		if !strings.Contains(review, want) {
			t.Errorf("the review after a pass lacks %q", want)
		}
	}
	n, _ := a.DB.NewSelect().Table("quiz_attempts").Where("submitted_at IS NOT NULL").Count(ctx)
	if n != 2 {
		t.Fatalf("%d submitted attempts kept, want 2", n)
	}

	other := trainee(t, a, base, "other@example.org")
	if code, _ := other.Get(retake); code != http.StatusNotFound {
		t.Fatalf("another trainee reading the attempt = %d, want 404", code)
	}
	if code, _ := apptest.Visit(t, base).Get("/modules/first-contact/quiz"); code != http.StatusSeeOther {
		t.Fatalf("anonymous quiz = %d, want a redirect to sign in", code)
	}
}

func TestConcurrentSubmitsCountOnce(t *testing.T) {
	t.Parallel()
	a, base := site(t)
	v := trainee(t, a, base, "t@example.org")
	action := startQuiz(t, v)
	_, page := v.Get("/modules/first-contact/quiz")
	token := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(page)[1]
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			labels := "1"
			if i%2 == 0 {
				labels = "0"
			}
			form := url.Values{"_csrf": {token}, "q-first-words": {"0"}, "q-labels": {labels}}
			resp, err := v.Client().PostForm(base+action, form)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				t.Errorf("concurrent submit = %d", resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	var scores []int
	if err := a.DB.NewSelect().Table("quiz_attempts").Column("score").Where("submitted_at IS NOT NULL").Scan(context.Background(), &scores); err != nil {
		t.Fatal(err)
	}
	if len(scores) != 1 {
		t.Fatalf("%d submitted attempts, want exactly 1", len(scores))
	}
}
