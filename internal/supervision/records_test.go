package supervision_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"groundwork/internal/supervision"
)

func TestLockedRecordsRefuseEditsAndKeepAmendments(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	ctx := context.Background()
	rec := record(t, tm.s1, tm.traineeA, nil)

	// Before agreement the author edits in place; the trainee comments.
	edit := url.Values{"held_on": {time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)}, "minutes": {"75"},
		"kind": {"one_to_one"}, "summary": {"Talked through the first weeks, and the night shift."}}
	if code, _ := tm.s1.Post(rec+"/edit", rec+"/edit", edit); code != http.StatusSeeOther {
		t.Fatalf("edit before agreement = %d", code)
	}
	if code, _ := tm.a.Post(rec+"/comment", rec, url.Values{"comment": {"We also agreed I would read the lone working policy."}}); code != http.StatusSeeOther {
		t.Fatalf("trainee comment = %d", code)
	}
	if code, _ := tm.s1.Post(rec+"/amend", rec, url.Values{"reason": {"x"}}); code != http.StatusConflict {
		t.Errorf("amending an unlocked record = %d, want 409", code)
	}

	// The trainee agrees: the record locks.
	if code, _ := tm.a.Post(rec+"/sign", rec, url.Values{"comment": {"Agreed, thank you."}, "version": {"2"}}); code != http.StatusSeeOther {
		t.Fatalf("agree = %d", code)
	}
	if code, _ := tm.a.Post(rec+"/sign", "/dashboard", url.Values{"version": {"2"}}); code != http.StatusConflict {
		t.Errorf("agreeing twice = %d, want 409", code)
	}
	if code, _ := tm.s1.Post(rec+"/edit", "/dashboard", edit); code != http.StatusConflict {
		t.Errorf("editing a locked record = %d, want 409", code)
	}
	id := strings.TrimPrefix(rec, "/supervision/records/")
	r, err := supervision.Get(ctx, tm.site.App.DB, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := tm.site.App.Supervision.Edit(ctx, r, r.Content, ""); err != supervision.ErrLocked {
		t.Errorf("Edit on a locked record = %v, want ErrLocked", err)
	}

	// An amendment needs a reason, keeps the old content and who, when, why.
	amend := url.Values{"version": {"2"}, "held_on": edit["held_on"], "minutes": {"90"}, "kind": {"one_to_one"},
		"summary": {"Talked through the first weeks, the night shift and lone working."}}
	if code, page := tm.s1.PostPage(rec+"/amend", rec+"/amend", amend); code != http.StatusUnprocessableEntity || !strings.Contains(page, "Say why the record changes") {
		t.Errorf("an amendment without a reason = %d", code)
	}
	amend.Set("reason", "The session ran on; 90 minutes, not 75.")
	if code, _ := tm.s1.Post(rec+"/amend", rec+"/amend", amend); code != http.StatusSeeOther {
		t.Fatalf("amend = %d", code)
	}
	if code, _ := tm.a.Post(rec+"/amend", rec, amend); code != http.StatusForbidden {
		t.Errorf("the trainee amending their supervisor's record = %d, want 403", code)
	}
	amendments, err := supervision.Amendments(ctx, tm.site.App.DB, id)
	if err != nil || len(amendments) != 1 {
		t.Fatalf("%d amendments kept (%v), want 1", len(amendments), err)
	}
	before := amendments[0].Before()
	if before.Minutes != 75 || !strings.Contains(before.Summary, "and the night shift.") || amendments[0].AmendedBy != tm.sup1.ID {
		t.Errorf("amendment kept %+v by %s", before, amendments[0].AmendedBy)
	}
	_, page := tm.a.Get(rec)
	for _, want := range []string{"90 minutes", "The session ran on; 90 minutes, not 75.", "Sam Supervisor", "Agreed and locked", "We also agreed I would read"} {
		if !strings.Contains(page, want) {
			t.Errorf("the record page lacks %q", want)
		}
	}
	if r, _ = supervision.Get(ctx, tm.site.App.DB, id); !r.Locked() || r.Minutes != 90 {
		t.Errorf("after amendment: locked %v, %d minutes", r.Locked(), r.Minutes)
	}
}

func TestTraineeRecordsPeerSupervisionForConfirmation(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	rec := record(t, tm.a, tm.traineeA, url.Values{"kind": {"peer"}, "minutes": {"45"}})
	if code, _ := tm.a.Post(rec+"/sign", rec, url.Values{}); code != http.StatusForbidden {
		t.Errorf("the trainee confirming their own record = %d, want 403", code)
	}
	_, queue := tm.s1.Get("/supervision")
	if !strings.Contains(queue, "waiting for you to confirm") {
		t.Error("the supervisor's queue does not show the record to confirm")
	}
	if code, _ := tm.s1.Post(rec+"/sign", rec, url.Values{"version": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("the supervisor confirming = %d", code)
	}
	totals, err := supervision.HoursBetween(context.Background(), tm.site.App.DB, tm.traineeA.ID, time.Time{}, time.Time{})
	if err != nil || totals.All != 0.75 || totals.ByKind[supervision.Peer] != 0.75 {
		t.Errorf("hours after confirmation = %+v (%v)", totals, err)
	}
}

func TestBadRecordInputChangesNothing(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	path := "/trainees/" + tm.traineeA.ID + "/supervision"
	for name, form := range map[string]url.Values{
		"no date":         {"minutes": {"60"}, "kind": {"one_to_one"}, "summary": {"x"}},
		"a bad date":      {"held_on": {"31/02/2026"}, "minutes": {"60"}, "kind": {"one_to_one"}, "summary": {"x"}},
		"a future date":   {"held_on": {"2099-01-01"}, "minutes": {"60"}, "kind": {"one_to_one"}, "summary": {"x"}},
		"no minutes":      {"held_on": {"2026-01-05"}, "kind": {"one_to_one"}, "summary": {"x"}},
		"too long":        {"held_on": {"2026-01-05"}, "minutes": {"721"}, "kind": {"one_to_one"}, "summary": {"x"}},
		"an unknown kind": {"held_on": {"2026-01-05"}, "minutes": {"60"}, "kind": {"coffee"}, "summary": {"x"}},
		"no summary":      {"held_on": {"2026-01-05"}, "minutes": {"60"}, "kind": {"one_to_one"}},
		"next before":     {"held_on": {"2026-01-05"}, "minutes": {"60"}, "kind": {"one_to_one"}, "summary": {"x"}, "next_on": {"2026-01-01"}},
		"a due date only": {"held_on": {"2026-01-05"}, "minutes": {"60"}, "kind": {"one_to_one"}, "summary": {"x"}, "due-2": {"2026-02-01"}},
	} {
		code, page := tm.s1.PostPage(path, path+"/new", form)
		if code != http.StatusUnprocessableEntity || !strings.Contains(page, "field-error") {
			t.Errorf("%s = %d, want 422 with the field marked", name, code)
		}
	}
	n, _ := tm.site.App.DB.NewSelect().Table("supervision_records").Count(context.Background())
	if n != 0 {
		t.Errorf("%d records saved from bad input", n)
	}
}
