package account_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"groundwork/internal/account"
	"groundwork/internal/audit"
	"groundwork/internal/certificate"
	"groundwork/internal/db/dbtest"
	"groundwork/internal/demo"
	"groundwork/internal/supervision"
)

// victimOf picks a demonstration trainee who holds a certificate and whose
// name no other person's contains, so that finding the name means finding
// them.
func victimOf(t *testing.T, s *site) *account.User {
	t.Helper()
	ctx := context.Background()
	var holders []string
	err := s.app.DB.NewSelect().Table("certificates").Column("holder_id").Where("holder_id IS NOT NULL").
		GroupExpr("holder_id").OrderExpr("count(*) DESC, holder_id").Scan(ctx, &holders)
	if err != nil {
		t.Fatal(err)
	}
	all, err := account.ListUsers(ctx, s.app.DB, account.UserFilter{Page: 1, PerPage: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range holders {
		u, err := account.UserByID(ctx, s.app.DB, id)
		if err != nil {
			t.Fatal(err)
		}
		unique := true
		for _, other := range all.Users {
			if other.ID != u.ID && strings.Contains(strings.ToLower(other.Name), strings.ToLower(u.Name)) {
				unique = false
			}
		}
		if unique {
			return u
		}
	}
	t.Fatal("no demonstration trainee holds a certificate")
	return nil
}

func count(t *testing.T, s *site, table, where string, args ...any) int {
	t.Helper()
	n, err := s.app.DB.NewSelect().Table(table).Where(where, args...).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// TestDeletePersonRemovesTheirData: a trainee with lessons read, attempts,
// reflections, supervision records (one they wrote, with a private note),
// certificates, a session, a failed sign-in and mail, sent and waiting, is
// deleted by an admin; nothing in any table names them or their email, and
// the records others rely on remain under "Deleted person".
func TestDeletePersonRemovesTheirData(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	res, err := demo.Fill(ctx, s.app.DB, s.app.Accounts, s.app.Courses.Catalog(), demo.Options{Trainees: 12, Learning: s.app.Learning, Certificates: s.app.Certificates})
	if err != nil {
		t.Fatal(err)
	}
	victim := victimOf(t, s)
	for table, col := range map[string]string{"lesson_progress": "user_id", "quiz_attempts": "user_id", "reflections": "user_id",
		"enrolments": "user_id", "cohort_members": "user_id", "supervision_records": "trainee_id", "certificates": "holder_id"} {
		if count(t, s, table, col+" = ?", victim.ID) == 0 {
			t.Fatalf("the trainee has no %s to delete", table)
		}
	}
	const note = "PRIVATE NOTE about my own burnout"
	own, err := s.app.Supervision.Create(ctx, victim, victim, supervision.Content{HeldOn: time.Now().UTC().Truncate(24 * time.Hour),
		Minutes: 60, Kind: supervision.Peer, Summary: "Peer session on boundaries."}, note)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	if err := s.app.DB.NewSelect().Table("certificates").Column("holder_name").Where("holder_id = ?", victim.ID).Scan(ctx, &names); err != nil {
		t.Fatal(err)
	}
	records := count(t, s, "supervision_records", "trainee_id = ?", victim.ID)
	var bySupervisor string
	if err := s.app.DB.NewSelect().Table("supervision_records").Column("id").Where("trainee_id = ?", victim.ID).
		Where("author_id <> ?", victim.ID).Limit(1).Scan(ctx, &bySupervisor); err != nil {
		t.Fatalf("no record by their supervisor: %v", err)
	}
	supervisor, err := account.UserByID(ctx, s.app.DB, *victim.SupervisorID)
	if err != nil {
		t.Fatal(err)
	}

	// Their session, a failed sign-in, and mail: one sent, one waiting.
	them := s.browser()
	if r := them.signIn(victim.Email, res.Password); r.Code != http.StatusSeeOther {
		t.Fatalf("the trainee cannot sign in: %d", r.Code)
	}
	s.browser().signIn(victim.Email, "not their password at all")
	s.browser().post("/forgot", "/forgot", url.Values{"email": {victim.Email}})
	s.lastLink(victim.Email)
	s.browser().post("/forgot", "/forgot", url.Values{"email": {victim.Email}})
	if count(t, s, "mail_outbox", "to_addr = ?", victim.Email) != 1 || count(t, s, "sign_in_failures", "key LIKE ?", "email:%") == 0 {
		t.Fatal("the trainee has no waiting mail or failed sign-in")
	}

	admin := s.browser()
	if r := admin.signIn("lead@demo.groundwork.example", res.Password); r.Code != http.StatusSeeOther {
		t.Fatalf("the lead cannot sign in: %d", r.Code)
	}
	path := "/admin/users/" + victim.ID + "/delete"
	if page := admin.get(path); page.Code != http.StatusOK || !strings.Contains(page.Body, victim.Email) || !strings.Contains(page.Body, "withdrawn at the holder") {
		t.Fatalf("the confirmation page = %d", page.Code)
	}
	if r := admin.post(path, path, url.Values{"email": {"someone.else@example.org"}}); r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "not their email") {
		t.Fatalf("a wrong confirmation = %d", r.Code)
	}
	if u, _ := account.UserByID(ctx, s.app.DB, victim.ID); u.Email != victim.Email {
		t.Fatal("a wrong confirmation changed the account")
	}
	if r := admin.post(path, path, url.Values{"email": {strings.ToUpper(victim.Email)}}); r.Code != http.StatusSeeOther {
		t.Fatalf("delete = %d\n%s", r.Code, text(r.Body))
	}

	needles := append([]string{victim.Name, victim.Email, note}, names...)
	if found := dbtest.Mentions(t, s.app.DB, needles...); len(found) > 0 {
		t.Fatalf("the database still names the deleted person:\n%s", strings.Join(found, "\n"))
	}
	if them.signedIn() {
		t.Fatal("the deleted person's session still works")
	}
	if r := s.browser().signIn(victim.Email, res.Password); r.Code == http.StatusSeeOther {
		t.Fatal("the deleted person can still sign in")
	}
	for table, col := range map[string]string{"lesson_progress": "user_id", "quiz_attempts": "user_id", "reflections": "user_id",
		"enrolments": "user_id", "cohort_members": "user_id", "sessions": "user_id", "account_tokens": "user_id"} {
		if n := count(t, s, table, col+" = ?", victim.ID); n != 0 {
			t.Errorf("%d rows of %s remain", n, table)
		}
	}
	if n := count(t, s, "supervision_records", "trainee_id = ?", victim.ID); n != records {
		t.Fatalf("%d supervision records remain of %d", n, records)
	}
	if r, err := supervision.Get(ctx, s.app.DB, own.ID); err != nil || r.PrivateNote != "" {
		t.Fatalf("their own record: %+v, %v", r, err)
	}
	sup := s.browser()
	if r := sup.signIn(supervisor.Email, res.Password); r.Code != http.StatusSeeOther {
		t.Fatalf("the supervisor cannot sign in: %d", r.Code)
	}
	if page := sup.get("/supervision/records/" + bySupervisor); page.Code != http.StatusOK || !strings.Contains(page.Body, account.DeletedName) {
		t.Fatalf("the supervisor's record = %d", page.Code)
	}
	certs := count(t, s, "certificates", "holder_id = ?", victim.ID)
	withdrawn := count(t, s, "certificate_revocations", "certificate_id IN (SELECT id FROM certificates WHERE holder_id = ?)", victim.ID)
	if withdrawn != certs {
		t.Fatalf("%d of %d certificates revoked", withdrawn, certs)
	}
	if n := count(t, s, "certificate_revocations", "reason = ?", certificate.WithdrawnReason); n == 0 {
		t.Fatal("no certificate says it was withdrawn at the holder's request")
	}
	entries, err := audit.List(ctx, s.app.DB, audit.Filter{Action: audit.UserDeleted})
	if err != nil || len(entries) != 1 || entries[0].SubjectID != victim.ID || entries[0].ActorID == "" {
		t.Fatalf("audit: %+v, %v", entries, err)
	}
}

// TestDeleteRefusesSelfAndLastAdmin: an admin cannot delete themselves, nor
// the only active admin; the refusal says why and changes nothing.
func TestDeleteRefusesSelfAndLastAdmin(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	lead := s.user("lead@example.org", "Lead", account.Admin)
	other := s.user("other@example.org", "Other Admin", account.Admin)
	admin := s.browser()
	admin.signIn(lead.Email, testPassword)
	self := "/admin/users/" + lead.ID + "/delete"
	if r := admin.post(self, self, url.Values{"email": {lead.Email}}); r.Code != http.StatusConflict || !strings.Contains(text(r.Body), "your own account") {
		t.Fatalf("deleting oneself = %d", r.Code)
	}
	// Other Admin is deactivated: Lead is then the only active admin, and
	// Other Admin cannot be made to delete Lead.
	if err := s.service().SetActive(context.Background(), lead, other, false, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if err := s.service().DeleteUser(context.Background(), other, lead, "127.0.0.1"); err == nil || !strings.Contains(err.Error(), "only active admin") {
		t.Fatalf("deleting the last admin: %v", err)
	}
	if u, _ := account.UserByID(context.Background(), s.app.DB, lead.ID); u.Deleted() || u.Name != "Lead" {
		t.Fatal("a refused deletion changed the account")
	}
	// With two active admins, one can delete the other.
	if err := s.service().SetActive(context.Background(), lead, other, true, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	path := "/admin/users/" + other.ID + "/delete"
	if r := admin.post(path, path, url.Values{"email": {other.Email}}); r.Code != http.StatusSeeOther {
		t.Fatalf("deleting another admin = %d", r.Code)
	}
	if r := admin.post(path, "/admin/users/"+other.ID, url.Values{"email": {other.Email}}); r.Code != http.StatusUnprocessableEntity && r.Code != http.StatusConflict {
		t.Fatalf("deleting twice = %d", r.Code)
	}
}
