package supervision_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"groundwork/internal/supervision"
)

var versionField = regexp.MustCompile(`name="version" value="(\d+)"`)

// versionShown returns the version a record's page or amend form carries.
func versionShown(t *testing.T, page string) string {
	t.Helper()
	m := versionField.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the page has no version field")
	}
	return m[1]
}

// signedVersion is the version r was agreed to, or 0.
func signedVersion(r *supervision.Record) int {
	if r.SignedVersion == nil {
		return 0
	}
	return *r.SignedVersion
}

func loadRecord(t *testing.T, tm *team, rec string) *supervision.Record {
	t.Helper()
	r, err := supervision.Get(context.Background(), tm.site.App.DB, strings.TrimPrefix(rec, "/supervision/records/"))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestAgreementCoversTheVersionRead(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	rec := record(t, tm.s1, tm.traineeA, nil)

	// The trainee opens the record; their supervisor then changes it.
	_, page := tm.a.Get(rec)
	read := versionShown(t, page)
	if read != "1" || !strings.Contains(page, "I agree with version 1") {
		t.Fatalf("a new record's form carries version %s", read)
	}
	edit := url.Values{"held_on": {time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)}, "minutes": {"60"},
		"kind": {"one_to_one"}, "summary": {"Talked through the first weeks. You will do night shifts alone from May."}}
	if code, _ := tm.s1.Post(rec+"/edit", rec+"/edit", edit); code != http.StatusSeeOther {
		t.Fatalf("edit = %d", code)
	}

	// Agreeing to what they read is refused, with the record as it is now.
	code, page := tm.a.PostPage(rec+"/sign", rec, url.Values{"version": {read}, "comment": {"Thanks for today."}})
	for _, want := range []string{"This record changed after you opened it", "you read version 1, and it is now version 2",
		"Read it again before you agree", "night shifts alone from May", "I agree with version 2", "Thanks for today."} {
		if !strings.Contains(page, want) {
			t.Errorf("the refusal lacks %q", want)
		}
	}
	if code != http.StatusConflict {
		t.Errorf("agreeing to an old version = %d, want 409", code)
	}
	if r := loadRecord(t, tm, rec); r.Locked() || r.SignedVersion != nil || r.Comment != "" || r.Version != 2 {
		t.Fatalf("after a refused agreement: locked %v, signed %d, comment %q, version %d", r.Locked(), signedVersion(r), r.Comment, r.Version)
	}
	if code, _ := tm.a.Post(rec+"/sign", rec, url.Values{}); code != http.StatusBadRequest {
		t.Errorf("agreeing without a version = %d, want 400", code)
	}
	assertUnsigned(t, tm, rec)

	// A change to the private note alone is no new version.
	edit.Set("private_note", "Check in about nights.")
	if code, _ := tm.s1.Post(rec+"/edit", rec+"/edit", edit); code != http.StatusSeeOther {
		t.Fatalf("edit of the note = %d", code)
	}
	if r := loadRecord(t, tm, rec); r.Version != 2 {
		t.Errorf("a private note edit made version %d, want 2", r.Version)
	}

	// Agreeing to the version read now works and keeps that version.
	_, page = tm.a.Get(rec)
	if code, _ := tm.a.Post(rec+"/sign", rec, url.Values{"version": {versionShown(t, page)}}); code != http.StatusSeeOther {
		t.Fatalf("agreeing to the current version = %d", code)
	}
	r := loadRecord(t, tm, rec)
	if !r.Locked() || signedVersion(r) != 2 {
		t.Fatalf("after agreement: locked %v, signed version %d", r.Locked(), signedVersion(r))
	}
	if _, page = tm.s1.Get(rec); !strings.Contains(page, "Agreed to version 2") {
		t.Error("the record page does not say which version was agreed")
	}
}

func TestAmendmentsCoverTheVersionRead(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	rec := record(t, tm.s1, tm.traineeA, nil)
	if code, _ := tm.a.Post(rec+"/sign", rec, url.Values{"version": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("agree = %d", code)
	}
	// The supervisor and an admin both open the amend form at version 1.
	_, form := tm.s1.Get(rec + "/amend")
	_, adminForm := tm.adminP.Get(rec + "/amend")
	if versionShown(t, form) != "1" || versionShown(t, adminForm) != "1" {
		t.Fatal("the amend forms do not carry version 1")
	}
	amend := func(minutes, reason string) url.Values {
		return url.Values{"version": {"1"}, "held_on": {time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)},
			"minutes": {minutes}, "kind": {"one_to_one"}, "summary": {"Talked through the first weeks at the drop-in."}, "reason": {reason}}
	}
	if code, _ := tm.s1.Post(rec+"/amend", rec+"/amend", amend("90", "It ran on.")); code != http.StatusSeeOther {
		t.Fatalf("the first amendment = %d", code)
	}
	code, page := tm.adminP.PostPage(rec+"/amend", rec+"/amend", amend("30", "It was cut short."))
	if code != http.StatusConflict || !strings.Contains(page, "you read version 1, and it is now version 2") || !strings.Contains(page, "It was cut short.") {
		t.Errorf("an amendment of an old version = %d, want 409 with the reason and the amendment kept", code)
	}
	amendments, err := supervision.Amendments(context.Background(), tm.site.App.DB, loadRecord(t, tm, rec).ID)
	if err != nil || len(amendments) != 1 || amendments[0].Before().Minutes != 60 {
		t.Fatalf("amendments = %+v (%v), want the one made on version 1", amendments, err)
	}
	r := loadRecord(t, tm, rec)
	if r.Minutes != 90 || r.Version != 2 || signedVersion(r) != 1 {
		t.Errorf("after the amendments: %d minutes, version %d, agreed to %d", r.Minutes, r.Version, signedVersion(r))
	}
	_, page = tm.a.Get(rec)
	for _, want := range []string{"Agreed to version 1", "amended since", "making version 2"} {
		if !strings.Contains(page, want) {
			t.Errorf("the amended record's page lacks %q", want)
		}
	}
}

// TestConcurrentEditAndAgreeSignTheVersionRead races a supervisor editing a
// record against several agreements, each made on the version its signer
// had just read: whichever agreement wins, the record holds exactly what
// its signer read, and the version kept is the one they submitted.
func TestConcurrentEditAndAgreeSignTheVersionRead(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	ctx := context.Background()
	svc := tm.site.App.Supervision
	const rounds, signers, edits = 8, 6, 6
	won := 0
	for round := range rounds {
		c := supervision.Content{HeldOn: time.Now().UTC().Truncate(24 * time.Hour), Minutes: 60, Kind: supervision.OneToOne,
			Summary: "round " + strconv.Itoa(round) + " as written"}
		c.SetActions(nil)
		r, err := svc.Create(ctx, tm.sup1, tm.traineeA, c, "")
		if err != nil {
			t.Fatal(err)
		}
		type agreement struct {
			read    string
			version int
			err     error
		}
		results := make([]agreement, signers)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range edits {
				c := c
				c.Summary = fmt.Sprintf("round %d, edit %d", round, k)
				if err := svc.Edit(ctx, r, c, ""); err != nil && !errors.Is(err, supervision.ErrLocked) {
					t.Errorf("edit: %v", err)
				}
			}
		}()
		for i := range signers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				seen, err := supervision.Get(ctx, svc.DB, r.ID)
				if err != nil {
					results[i].err = err
					return
				}
				results[i] = agreement{read: seen.Summary, version: seen.Version}
				results[i].err = svc.Sign(ctx, seen, seen.Version, "")
			}()
		}
		wg.Wait()
		final, err := supervision.Get(ctx, svc.DB, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		winners := 0
		for _, a := range results {
			switch {
			case a.err == nil:
				winners++
				if signed := signedVersion(final); signed != a.version || final.Summary != a.read {
					t.Errorf("round %d: agreed to version %d reading %q; the record holds an agreement to version %d saying %q",
						round, a.version, a.read, signed, final.Summary)
				}
			case !errors.Is(a.err, supervision.ErrChanged) && !errors.Is(a.err, supervision.ErrSigned):
				t.Errorf("round %d: agreement failed with %v", round, a.err)
			}
		}
		if winners > 1 {
			t.Errorf("round %d: %d agreements recorded, want at most one", round, winners)
		}
		if winners == 0 && final.Locked() {
			t.Errorf("round %d: the record is locked, but every agreement was refused", round)
		}
		won += winners
	}
	if won == 0 {
		t.Fatal("no agreement won in any round: the race was never run to a signature")
	}
}

func TestCompetencySignOffCoversTheEvidenceRead(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	ctx := context.Background()
	A := tm.traineeA.ID
	own, theirs := "/supervision/competencies", "/trainees/"+A+"/competencies"
	const id = "ethics-records-consent"
	seenField := regexp.MustCompile(`name="seen-` + id + `" value="(\d+)"`)
	ask := func(evidence string) {
		t.Helper()
		if code, _ := tm.a.Post(theirs+"/request", own, url.Values{"competency": {id}, "evidence": {evidence}}); code != http.StatusSeeOther {
			t.Fatalf("request = %d", code)
		}
	}
	ask("Recorded consent in the visitor's own words.")

	// The supervisor opens the page; meanwhile an admin returns the request
	// and the trainee asks again with other evidence.
	_, page := tm.s1.Get(theirs)
	read := seenField.FindStringSubmatch(page)
	if read == nil || read[1] != "1" {
		t.Fatalf("the sign-off form carries %v, want version 1", read)
	}
	if code, _ := tm.adminP.Post(theirs+"/return", theirs, url.Values{"competency": {id}, "seen": {"1"}, "feedback": {"Say more."}}); code != http.StatusSeeOther {
		t.Fatalf("return = %d", code)
	}
	ask("I copied a colleague's note.")
	signOff := url.Values{"module": {"ethics-and-boundaries"}, "competencies": {id}, "seen-" + id: {read[1]},
		"comment": {"Good evidence of consent in their own words."}}
	code, page := tm.s1.PostPage(theirs+"/sign-off", theirs, signOff)
	if code != http.StatusConflict || !strings.Contains(page, "changed after you opened the page") {
		t.Errorf("a sign-off on replaced evidence = %d, want 409 with the reason", code)
	}
	if code, _ := tm.s1.Post(theirs+"/return", theirs, url.Values{"competency": {id}, "seen": {"1"}, "feedback": {"Stale."}}); code != http.StatusConflict {
		t.Errorf("returning replaced evidence = %d, want 409", code)
	}
	signed, _ := tm.site.App.Supervision.SignedOff(ctx, []string{A})
	events, _ := tm.site.App.DB.NewSelect().Table("competency_events").Where("kind IN ('signed_off', 'returned')").Count(ctx)
	if signed[A][id] || events != 1 {
		t.Fatalf("after refused reviews: signed off %v, %d reviews kept (want the admin's return alone)", signed[A][id], events)
	}
	if code, _ := tm.s1.Post(theirs+"/sign-off", theirs, url.Values{"module": {"ethics-and-boundaries"}, "competencies": {id}, "comment": {"x"}}); code != http.StatusBadRequest {
		t.Errorf("a sign-off that does not say what was read = %d, want 400", code)
	}

	// Read again, the sign-off goes through.
	_, page = tm.s1.Get(theirs)
	read = seenField.FindStringSubmatch(page)
	signOff.Set("seen-"+id, read[1])
	if code, _ := tm.s1.Post(theirs+"/sign-off", theirs, signOff); code != http.StatusSeeOther {
		t.Fatalf("a sign-off on the evidence read = %d (read version %s)", code, read[1])
	}
	if signed, _ = tm.site.App.Supervision.SignedOff(ctx, []string{A}); !signed[A][id] {
		t.Error("the sign-off on the evidence read did not count")
	}
}

func TestRecordDatesOutsideSaneYearsChangeNothing(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	ctx := context.Background()
	rec := record(t, tm.s1, tm.traineeA, nil)
	valid := func() url.Values {
		return url.Values{"held_on": {time.Now().UTC().AddDate(0, 0, -2).Format(time.DateOnly)}, "minutes": {"60"},
			"kind": {"one_to_one"}, "summary": {"Changed."}, "version": {"1"}, "reason": {"A date fix."}}
	}
	newPath := "/trainees/" + tm.traineeA.ID + "/supervision"
	for _, field := range []string{"held_on", "next_on", "due-1"} {
		for _, date := range []string{"0000-01-01", "1899-12-31", "2101-01-01", "9999-12-31"} {
			form := valid()
			form.Set(field, date)
			if field == "due-1" {
				form.Set("action-1", "Read the policy")
			}
			for _, to := range []struct{ who, path, from string }{{"create", newPath, newPath + "/new"}, {"edit", rec + "/edit", rec + "/edit"}} {
				code, page := tm.s1.PostPage(to.path, to.from, form)
				if code != http.StatusUnprocessableEntity || !strings.Contains(page, `id="f-`+field+`-error"`) || !strings.Contains(page, "between 1900 and 2100") {
					t.Errorf("%s with %s = %s: %d, want 422 with the field's message", to.who, field, date, code)
				}
			}
		}
	}
	if n, _ := tm.site.App.DB.NewSelect().Table("supervision_records").Count(ctx); n != 1 {
		t.Errorf("%d records after bad dates, want the one made first", n)
	}
	if r := loadRecord(t, tm, rec); r.Version != 1 || r.Summary == "Changed." {
		t.Errorf("bad dates changed the record: version %d, %q", r.Version, r.Summary)
	}
	// Amending a locked record refuses them as well.
	if code, _ := tm.a.Post(rec+"/sign", rec, url.Values{"version": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("agree = %d", code)
	}
	form := valid()
	form.Set("held_on", "0000-01-01")
	if code, page := tm.s1.PostPage(rec+"/amend", rec+"/amend", form); code != http.StatusUnprocessableEntity || !strings.Contains(page, "f-held_on-error") {
		t.Errorf("an amendment dated 0000-01-01 = %d, want 422", code)
	}
	if amendments, _ := supervision.Amendments(ctx, tm.site.App.DB, loadRecord(t, tm, rec).ID); len(amendments) != 0 {
		t.Errorf("%d amendments kept from a bad date", len(amendments))
	}
}
