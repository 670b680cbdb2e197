package learning_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"groundwork/internal/account"
	"groundwork/internal/web"
)

func TestTraineeSeesTimesInTheirZone(t *testing.T) {
	t.Parallel()
	a, base := site(t)
	ctx := context.Background()
	v := trainee(t, a, base, "kenji@example.org")
	u, err := account.UserByID(ctx, a.DB, mustUserID(t, a, "kenji@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Accounts.SetTimeZone(ctx, u, "Asia/Tokyo", web.Zones); err != nil {
		t.Fatal(err)
	}
	action := startQuiz(t, v)
	_, result := v.Post(action, "/modules/first-contact/quiz", url.Values{"q-first-words": {"1"}, "q-labels": {"0"}})
	_, page := v.Get(result)
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	retake := a.Config.Clock.Now().Add(10 * time.Minute).In(tokyo)
	if !strings.Contains(page, "try again after "+retake.Format("2 January 2006, 15:")) || !strings.Contains(page, "JST") {
		t.Fatalf("the retake time is not in Tokyo time (%s):\n%s", retake.Format("15:04 MST"), page)
	}
}
