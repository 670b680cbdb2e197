package demo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
	"groundwork/internal/demo"
)

func TestFillMakesAVariedOrganisationOnce(t *testing.T) {
	t.Parallel()
	a := apptest.New(t, apptest.Config(t))
	ctx := context.Background()
	res, err := demo.Fill(ctx, a.DB, a.Accounts, a.Courses.Catalog(), demo.Options{Trainees: 40, Learning: a.Learning, Certificates: a.Certificates, Events: a.Events})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows == 0 || len(res.SignIns) < 7 {
		t.Fatalf("result = %+v", res)
	}
	if _, err := a.Accounts.SignIn(ctx, "trainee00001@demo.groundwork.example", res.Password, "127.0.0.1"); err != nil {
		t.Fatalf("a demo trainee cannot sign in: %v", err)
	}
	trainees, err := account.UsersByRole(ctx, a.DB, account.Trainee)
	if err != nil || len(trainees) != 40 {
		t.Fatalf("%d trainees, %v", len(trainees), err)
	}
	var supervised int
	for _, tr := range trainees {
		if tr.SupervisorID != nil {
			supervised++
		}
	}
	cohorts, _ := account.ListCohorts(ctx, a.DB)
	if supervised != 40 || len(cohorts) != 2 || cohorts[0].Members+cohorts[1].Members != 40 {
		t.Fatalf("supervised %d, cohorts %+v", supervised, cohorts)
	}
	var stages []int
	if err := a.DB.NewSelect().Table("lesson_progress").ColumnExpr("count(*)").GroupExpr("user_id").Scan(ctx, &stages); err != nil {
		t.Fatal(err)
	}
	distinct := map[int]bool{}
	for _, n := range stages {
		distinct[n] = true
	}
	if len(distinct) < 5 {
		t.Fatalf("trainees are at only %d distinct stages", len(distinct))
	}
	for what, q := range map[string]string{
		"agreed records":          "SELECT count(*) FROM supervision_records WHERE other_signed_at IS NOT NULL",
		"records to agree":        "SELECT count(*) FROM supervision_records WHERE other_signed_at IS NULL",
		"pending evidence":        "SELECT count(*) FROM competency_status WHERE status = 'pending'",
		"sign-offs":               "SELECT count(*) FROM competency_events WHERE kind = 'signed_off'",
		"overdue trainees":        "SELECT count(*) FROM (SELECT trainee_id FROM supervision_records GROUP BY trainee_id HAVING MAX(held_on) < ?) AS o",
		"observed practice":       "SELECT count(*) FROM supervision_records WHERE kind = 'observed'",
		"certificates":            "SELECT count(*) FROM certificates WHERE reissue_of IS NULL",
		"revoked":                 "SELECT count(*) FROM certificate_revocations",
		"re-issued":               "SELECT count(*) FROM certificates WHERE reissue_of IS NOT NULL",
		"sessions":                "SELECT count(*) FROM events WHERE starts_at > ?",
		"waitlisted":              "SELECT count(*) FROM registrations WHERE status = 'waitlisted'",
		"attended":                "SELECT count(*) FROM registrations WHERE attended",
		"feedback":                "SELECT count(*) FROM event_feedback",
		"attendance certificates": "SELECT count(*) FROM certificates WHERE kind = 'attendance'",
	} {
		var n int
		if err := a.DB.NewRaw(q, time.Now().UTC().AddDate(0, 0, -42)).Scan(ctx, &n); err != nil || n == 0 {
			t.Errorf("the demo has %d %s (%v)", n, what, err)
		}
	}
	if _, err := demo.Fill(ctx, a.DB, a.Accounts, a.Courses.Catalog(), demo.Options{}); !errors.Is(err, demo.ErrPresent) {
		t.Fatalf("a second Fill = %v, want ErrPresent", err)
	}
}
