package learning_test

import (
	"context"
	"encoding/csv"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/demo"
	"groundwork/internal/web"
)

func TestReports(t *testing.T) {
	t.Parallel()
	a, base := site(t)
	ctx := context.Background()
	res, err := demo.Fill(ctx, a.DB, a.Accounts, a.Courses.Catalog(), demo.Options{Trainees: 30, Learning: a.Learning})
	if err != nil {
		t.Fatal(err)
	}
	// One real attempt through the site, for the item analysis.
	v := trainee(t, a, base, "extra@example.org")
	action := startQuiz(t, v)
	v.Post(action, "/modules/first-contact/quiz", url.Values{"q-first-words": {"0"}, "q-labels": {"0"}})

	admin := signIn(t, base, "lead@demo.groundwork.example", res.Password)
	cohorts, _ := account.ListCohorts(ctx, a.DB)
	_, page := admin.Get("/admin/reports?cohort=" + cohorts[0].ID)
	if !strings.Contains(page, `class="bar-chart" role="img"`) || !strings.Contains(page, `id="chart-desc"`) || !strings.Contains(page, "First contact at the drop-in") {
		t.Fatal("the matrix lacks its chart, text alternative or module")
	}
	if n := strings.Count(page, `<th scope="row"><a href="/admin/users/`); n != cohorts[0].Members {
		t.Fatalf("matrix rows = %d, cohort has %d", n, cohorts[0].Members)
	}
	_, filtered := admin.Get("/admin/reports?cohort=" + cohorts[0].ID + "&status=Not+started")
	if strings.Count(filtered, `<th scope="row"><a href="/admin/users/`) > cohorts[0].Members {
		t.Fatal("the status filter added rows")
	}

	_, items := admin.Get("/admin/reports/items?module=first-contact")
	if !strings.Contains(items, "What is a good first response?") || len(regexp.MustCompile(`<td>[0-9]+%</td>`).FindAllString(items, -1)) != 2 {
		t.Fatalf("item analysis does not show per-question shares")
	}

	code, body := admin.Get("/admin/reports/progress.csv")
	body, bom := strings.CutPrefix(body, web.ByteOrderMark)
	if !bom {
		t.Errorf("the CSV does not start with a byte-order mark, so Excel would garble names")
	}
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if code != 200 || err != nil {
		t.Fatalf("csv = %d, %v", code, err)
	}
	if len(records) != 1+31 || records[0][0] != "name" || records[0][6] != "cleared for unsupervised practice" || records[0][7] != "First contact at the drop-in" {
		t.Fatalf("csv has %d records, header %v", len(records), records[0])
	}
}
