package audit_test

import (
	"context"
	"testing"
	"time"

	"groundwork/internal/audit"
	"groundwork/internal/db/dbtest"
)

func TestRecordAndList(t *testing.T) {
	t.Parallel()
	conn := dbtest.New(t)
	ctx := context.Background()
	actor := "0192f0a0-0000-7000-8000-000000000001"
	subject := "0192f0a0-0000-7000-8000-000000000002"
	base := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	entries := []audit.Entry{
		{At: base, Action: audit.SignInFailed, IP: "192.0.2.1"},
		{At: base.Add(time.Minute), ActorID: actor, SubjectID: actor, Action: audit.SignIn, IP: "192.0.2.1"},
		{At: base.Add(2 * time.Minute), ActorID: actor, SubjectID: subject, Action: audit.RoleChanged, Detail: "trainee -> supervisor"},
	}
	for _, e := range entries {
		if err := audit.Record(ctx, conn, e); err != nil {
			t.Fatal(err)
		}
	}
	all, err := audit.List(ctx, conn, audit.Filter{})
	if err != nil || len(all) != 3 {
		t.Fatalf("List = %d entries, %v", len(all), err)
	}
	if all[0].Action != audit.RoleChanged || all[2].Action != audit.SignInFailed {
		t.Fatalf("not newest first: %v", all)
	}
	if all[2].ActorID != "" {
		t.Fatal("an anonymous entry gained an actor")
	}
	byActor, _ := audit.List(ctx, conn, audit.Filter{ActorID: actor})
	bySubject, _ := audit.List(ctx, conn, audit.Filter{SubjectID: subject})
	byAction, _ := audit.List(ctx, conn, audit.Filter{Action: audit.SignIn})
	if len(byActor) != 2 || len(bySubject) != 1 || len(byAction) != 1 {
		t.Fatalf("filters: actor %d, subject %d, action %d", len(byActor), len(bySubject), len(byAction))
	}
	page, _ := audit.List(ctx, conn, audit.Filter{Limit: 1, Offset: 1})
	if len(page) != 1 || page[0].Action != audit.SignIn {
		t.Fatalf("paging: %v", page)
	}
}
