package authoring_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"groundwork/internal/app/apptest"
	"groundwork/internal/authoring"
	"groundwork/internal/catalog"
)

// TestPublishesAtOnceAreBothKept publishes two modules at the same moment
// and starts one module twice at once: both versions are served, and the
// module is started once.
func TestPublishesAtOnceAreBothKept(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, "")
	_, by := lead(t, site)
	svc, ctx := site.App.Authoring, context.Background()
	save(t, svc, by, localModule)
	other := map[string]string{}
	for p, c := range localModule {
		other[strings.Replace(p, "local-referrals", "local-housing", 1)] = strings.Replace(c, "Referral pathways", "Housing", 1)
	}
	save(t, svc, by, other)
	errs := make([]error, 4)
	var wg sync.WaitGroup
	for i, module := range []string{"local-referrals", "local-housing"} {
		wg.Go(func() { _, errs[i] = svc.Publish(ctx, by, module, "") })
	}
	for i := 2; i < 4; i++ {
		wg.Go(func() {
			errs[i] = svc.CreateModule(ctx, by, authoring.NewModule{Slug: "twice", Title: "Twice", Audience: catalog.AudiencePublic})
		})
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("publishes: %v, %v", errs[0], errs[1])
	}
	if (errs[2] == nil) == (errs[3] == nil) {
		t.Fatalf("starting a module twice at once: %v, %v; want one to succeed", errs[2], errs[3])
	}
	c := site.App.Courses.Catalog()
	for _, slug := range []string{"local-referrals", "local-housing"} {
		if _, ok := c.Module(slug); !ok {
			t.Errorf("%s is not served", slug)
		}
	}
	var rev int64
	if err := site.App.DB.NewRaw("SELECT revision FROM curriculum_revision").Scan(ctx, &rev); err != nil || rev != 2 {
		t.Fatalf("revision %d (%v), want 2", rev, err)
	}
}
