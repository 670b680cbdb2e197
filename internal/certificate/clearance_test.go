package certificate_test

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
	"groundwork/internal/certificate"
	"groundwork/internal/learning"
	"groundwork/internal/supervision"
)

// TestProgrammeCertificateWaitsForClearance walks a trainee through a
// programme with a safety-critical competency: with their own part done,
// the hours agreed and the ordinary competency signed off, there is no
// certificate; signing off the safety-critical one clears them and issues
// both the module's and the programme's.
func TestProgrammeCertificateWaitsForClearance(t *testing.T) {
	t.Parallel()
	dir, _ := filepath.Abs("../catalog/testdata/safety")
	s := apptest.Start(t, dir)
	ctx := context.Background()
	tm := &team{site: s,
		admin:   s.User("lead@example.org", "Lea Lead", account.Admin),
		sup:     s.User("sup@example.org", "Sam Supervisor", account.Supervisor),
		trainee: s.User("tia@example.org", "Tia Trainee", account.Trainee)}
	if err := s.App.Accounts.AssignSupervisor(ctx, tm.admin, tm.trainee, tm.sup.ID, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	tiaAt := s.SignIn(tm.trainee)
	cat := s.App.Courses.Catalog()
	m := tm.module(t, "first-contact")
	tm.doOwnPart(t, tm.trainee, m)
	r, err := s.App.Supervision.Create(ctx, tm.sup, tm.trainee, supervision.Content{
		HeldOn: time.Now().UTC().Truncate(24 * time.Hour), Minutes: cat.Programme.SupervisionHours * 60,
		Kind: supervision.OneToOne, Summary: "Review of the programme.", Actions: "[]"}, "")
	if err != nil {
		t.Fatal(err)
	}
	record := "/supervision/records/" + r.ID
	if code, _ := tiaAt.Post(record+"/sign", record, url.Values{"version": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("agree = %d", code)
	}
	if err := s.App.Supervision.SignOff(ctx, tm.sup, tm.trainee, m, []string{"contact-welcome"}, "Seen at the drop-in.", ""); err != nil {
		t.Fatal(err)
	}
	progress := &learning.Progress{DB: s.App.DB, Clock: s.App.Clock, SignOffs: s.App.Supervision, Supervision: s.App.Supervision}
	st, err := progress.Standing(ctx, tm.trainee.ID, cat)
	if err != nil {
		t.Fatal(err)
	}
	if st.Programme || st.Clearance.Cleared() || len(st.Clearance.Missing) != 1 || st.Clearance.Missing[0].ID != "contact-overdose-drill" {
		t.Fatalf("standing before the drill = %+v", st)
	}
	if n := tm.count(t, "certificates"); n != 0 {
		t.Fatalf("%d certificates before the safety-critical sign-off", n)
	}
	if err := s.App.Supervision.SignOff(ctx, tm.sup, tm.trainee, m, []string{"contact-overdose-drill"}, "Drill with a training kit.", ""); err != nil {
		t.Fatal(err)
	}
	if st, err = progress.Standing(ctx, tm.trainee.ID, cat); err != nil || !st.Programme || !st.Clearance.Cleared() {
		t.Fatalf("standing after the drill = %+v, %v", st, err)
	}
	if c := tm.certificateOf(t, tm.trainee, certificate.ProgrammeAchievement); c.Kind != certificate.ProgrammeKind {
		t.Fatalf("programme certificate = %+v", c)
	}
}
