package account_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"groundwork/internal/account"
)

// TestOneFirstAdminUnderRaces: two replicas starting on an empty database
// each issue a setup link; people opening both at once must end with one
// admin, and everyone else told the link no longer works.
func TestOneFirstAdminUnderRaces(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	var tokens []string
	for range 2 {
		link, err := s.service().SetupLink(ctx)
		if err != nil || link == "" {
			t.Fatalf("SetupLink = %q, %v", link, err)
		}
		tokens = append(tokens, link[strings.LastIndex(link, "/")+1:])
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	created := 0
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.service().CompleteSetup(ctx, tokens[i%2], fmt.Sprintf("admin%d@example.org", i),
				"Admin", "a long enough passphrase", "192.0.2.1")
			if err == nil {
				mu.Lock()
				created++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	var admins int
	if err := s.app.DB.NewSelect().Table("users").ColumnExpr("count(*)").
		Where("role = ?", account.Admin).Scan(ctx, &admins); err != nil {
		t.Fatal(err)
	}
	if created != 1 || admins != 1 {
		t.Fatalf("%d setups succeeded and %d admins exist; want exactly one", created, admins)
	}
}
