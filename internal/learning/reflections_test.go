package learning_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/app/apptest"
)

func TestReflectionsDraftSubmitAndWhoMaySee(t *testing.T) {
	t.Parallel()
	a, base := site(t)
	ctx := context.Background()
	const password = "a long enough passphrase"
	sup, _, _ := a.Accounts.CreateUser(ctx, "sup@example.org", "Sam Supervisor", account.Supervisor, password)
	a.Accounts.CreateUser(ctx, "other@example.org", "Other Supervisor", account.Supervisor, password)
	admin, _, _ := a.Accounts.CreateUser(ctx, "admin@example.org", "Admin", account.Admin, password)
	tv := trainee(t, a, base, "t@example.org")
	tr, _ := account.UserByID(ctx, a.DB, mustUserID(t, a, "t@example.org"))
	if err := a.Accounts.AssignSupervisor(ctx, admin, tr, sup.ID, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	const page = "/modules/first-contact/reflections"
	theirs := "/trainees/" + tr.ID + page

	draft := url.Values{"prompt-1": {"A private first draft about feeling unwelcome."}, "prompt-2": {""}, "action": {"save"}}
	if code, _ := tv.Post(page, page, draft); code != http.StatusSeeOther {
		t.Fatalf("save draft = %d", code)
	}
	if _, body := tv.Get(page); !strings.Contains(body, "A private first draft") {
		t.Fatal("the draft was not kept")
	}
	supv := signIn(t, base, "sup@example.org", password)
	if code, body := supv.Get(theirs); code != 200 || strings.Contains(body, "private first draft") {
		t.Fatalf("the supervisor saw a draft (%d)", code)
	}

	incomplete := url.Values{"prompt-1": {"Answer one."}, "prompt-2": {"  "}, "action": {"submit"}}
	if code, _ := tv.Post(page, page, incomplete); code != http.StatusUnprocessableEntity {
		t.Fatalf("submit with an empty answer = %d, want 422", code)
	}
	full := url.Values{"prompt-1": {"Answer one, in my words."}, "prompt-2": {"I will say my name and offer a tea."}, "action": {"submit"}}
	if code, _ := tv.Post(page, page, full); code != http.StatusSeeOther {
		t.Fatalf("submit = %d", code)
	}
	if code, _ := tv.Post(page, theirs, url.Values{"prompt-1": {"Changed"}, "prompt-2": {"Changed"}, "action": {"save"}}); code != http.StatusConflict {
		t.Fatalf("changing submitted reflections = %d, want 409", code)
	}

	if _, body := supv.Get(theirs); !strings.Contains(body, "offer a tea") {
		t.Fatal("the supervisor cannot read submitted reflections")
	}
	if code, _ := supv.Post(theirs+"/2/comments", theirs, url.Values{"comment": {"Good plan. Try it on Tuesday."}}); code != http.StatusSeeOther {
		t.Fatalf("comment = %d", code)
	}
	if _, body := tv.Get(page); !strings.Contains(body, "Good plan. Try it on Tuesday.") || !strings.Contains(body, "Sam Supervisor") {
		t.Fatal("the trainee does not see the comment")
	}
	if code, _ := signIn(t, base, "admin@example.org", password).Get(theirs); code != 200 {
		t.Fatalf("admin = %d", code)
	}
	for _, who := range []string{"other@example.org"} {
		v := signIn(t, base, who, password)
		if code, _ := v.Get(theirs); code != http.StatusNotFound {
			t.Errorf("%s reading another's trainee = %d, want 404", who, code)
		}
		if code, _ := v.Post(theirs+"/2/comments", "/modules", url.Values{"comment": {"x"}}); code != http.StatusNotFound {
			t.Errorf("%s commenting = %d, want 404", who, code)
		}
	}
	peer := trainee(t, a, base, "peer@example.org")
	if code, _ := peer.Get(theirs); code != http.StatusNotFound {
		t.Errorf("another trainee = %d, want 404", code)
	}
}

func signIn(t testing.TB, base, email, password string) *apptest.Person {
	t.Helper()
	return apptest.Visit(t, base).SignInAs(email, password)
}

// mustUserID returns the ID of the account with email.
func mustUserID(t *testing.T, a *app.App, email string) string {
	t.Helper()
	var id string
	if err := a.DB.NewSelect().Table("users").Column("id").Where("email = ?", email).Scan(context.Background(), &id); err != nil {
		t.Fatal(err)
	}
	return id
}
