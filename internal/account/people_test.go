package account_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"groundwork/internal/account"
	"groundwork/internal/audit"
	"groundwork/internal/clock"
)

// upload sends a people file to the import form, as a browser does.
func (b *browser) upload(name string, data []byte) response {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", b.csrf("/admin/users/import"))
	part, _ := w.CreateFormFile("file", name)
	_, _ = part.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.URL("/admin/users/import"), &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

var previewKey = regexp.MustCompile(`name="key" value="([^"]+)"`)

// key returns the preview key in a preview page.
func key(t *testing.T, page string) string {
	t.Helper()
	m := previewKey.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no preview key on the page:\n%s", text(page))
	}
	return m[1]
}

// liveInvitations counts the live invitations for email.
func (s *site) liveInvitations(email string) int {
	s.t.Helper()
	n, err := s.app.DB.NewSelect().Table("account_tokens").Where("kind = 'invitation'").Where("email = ?", email).
		Where("used_at IS NULL").Where("revoked_at IS NULL").Count(context.Background())
	if err != nil {
		s.t.Fatal(err)
	}
	return int(n)
}

// audited reports whether the audit log holds action.
func (s *site) audited(action audit.Action) int {
	s.t.Helper()
	entries, err := audit.List(context.Background(), s.app.DB, audit.Filter{Action: action})
	if err != nil {
		s.t.Fatal(err)
	}
	return len(entries)
}

// userCount counts accounts.
func (s *site) userCount() int {
	s.t.Helper()
	n, err := s.app.DB.NewSelect().Model((*account.User)(nil)).Count(context.Background())
	if err != nil {
		s.t.Fatal(err)
	}
	return int(n)
}

func (s *site) cohort(name string) *account.Cohort {
	s.t.Helper()
	co := &account.Cohort{Name: name}
	if err := s.service().SaveCohort(context.Background(), co); err != nil {
		s.t.Fatal(err)
	}
	return co
}

func (s *site) members(co *account.Cohort) []string {
	s.t.Helper()
	users, err := account.CohortMembers(context.Background(), s.app.DB, co.ID)
	if err != nil {
		s.t.Fatal(err)
	}
	var emails []string
	for _, u := range users {
		emails = append(emails, u.Email)
	}
	return emails
}

func TestAccountActionsAskForConfirmation(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("admin@example.org", "Admin", account.Admin)
	tr := s.user("tr@example.org", "Tia Trainee", account.Trainee)
	co := s.cohort("Spring")
	if err := s.service().AddToCohort(context.Background(), tr, co, tr); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.signIn("admin@example.org", testPassword)
	phone := s.browser()
	phone.signIn("tr@example.org", testPassword)

	remove := "/admin/cohorts/" + co.ID + "/members/" + tr.ID + "/remove"
	if r := b.get(remove); r.Code != http.StatusOK || !strings.Contains(r.Body, "Yes, remove Tia Trainee") {
		t.Fatalf("GET the removal = %d", r.Code)
	}
	if r := b.post(remove, remove, nil); r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Yes, remove Tia Trainee") {
		t.Fatalf("removal without confirmation = %d, want 422 with the confirmation page", r.Code)
	}
	if got := s.members(co); len(got) != 1 {
		t.Fatalf("an unconfirmed removal changed the cohort: %v", got)
	}
	if r := b.post(remove, remove, url.Values{"confirmed": {"yes"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("confirmed removal = %d", r.Code)
	}
	if got := s.members(co); len(got) != 0 || s.audited(audit.CohortLeft) != 1 {
		t.Fatalf("after the removal: members %v, %d audit entries", got, s.audited(audit.CohortLeft))
	}

	signout := "/admin/users/" + tr.ID + "/signout"
	if r := b.get(signout); r.Code != http.StatusOK || !strings.Contains(r.Body, "Yes, sign Tia Trainee out everywhere") {
		t.Fatalf("GET sign out everywhere = %d", r.Code)
	}
	if r := b.post(signout, signout, nil); r.Code != http.StatusUnprocessableEntity || !phone.signedIn() {
		t.Fatalf("sign out without confirmation = %d, signed in %v", r.Code, phone.signedIn())
	}
	if r := b.post(signout, signout, url.Values{"confirmed": {"no"}}); r.Code != http.StatusUnprocessableEntity || !phone.signedIn() {
		t.Fatalf("sign out with a wrong confirmation = %d", r.Code)
	}
	if r := b.post(signout, signout, url.Values{"confirmed": {"yes"}}); r.Code != http.StatusSeeOther || phone.signedIn() {
		t.Fatalf("confirmed sign out = %d, still signed in %v", r.Code, phone.signedIn())
	}

	b.post("/admin/users/invite", "/admin/users/invite", url.Values{"email": {"new@example.org"}, "role": {"trainee"}})
	link := s.lastLink("new@example.org")
	list := s.service()
	pending, err := list.PendingInvitations(context.Background())
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending = %v, %v", pending, err)
	}
	revoke := "/admin/invitations/" + pending[0].ID + "/revoke"
	if r := b.get(revoke); r.Code != http.StatusOK || !strings.Contains(r.Body, "Yes, revoke the invitation") {
		t.Fatalf("GET revoke = %d", r.Code)
	}
	if r := b.post(revoke, revoke, nil); r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("revoke without confirmation = %d", r.Code)
	}
	if r := s.browser().get(link); r.Code != http.StatusOK {
		t.Fatalf("an unconfirmed revocation killed the link: %d", r.Code)
	}
	if r := b.post(revoke, revoke, url.Values{"confirmed": {"yes"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("confirmed revoke = %d", r.Code)
	}
	if r := s.browser().get(link); r.Code != http.StatusNotFound {
		t.Fatalf("a revoked link = %d, want 404", r.Code)
	}
	if s.audited(audit.InvitationRevoked) != 1 {
		t.Fatal("the revocation is not audited")
	}
	if r := b.post(revoke, "/admin/invitations", url.Values{"confirmed": {"yes"}}); r.Code != http.StatusNotFound {
		t.Fatalf("revoking twice = %d, want 404", r.Code)
	}
}

func TestPendingInvitationsResendAndReplace(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("admin@example.org", "Admin", account.Admin)
	b := s.browser()
	b.signIn("admin@example.org", testPassword)
	invite := func() {
		t.Helper()
		if r := b.post("/admin/users/invite", "/admin/users/invite", url.Values{"email": {"Kai@Example.org"}, "role": {"supervisor"}}); r.Code != http.StatusSeeOther {
			t.Fatalf("invite = %d", r.Code)
		}
	}
	invite()
	first := s.lastLink("kai@example.org")
	page := b.get("/admin/invitations")
	if page.Code != http.StatusOK || !strings.Contains(page.Body, "kai@example.org") || !strings.Contains(text(page.Body), "Supervisor") {
		t.Fatalf("the pending list = %d:\n%s", page.Code, text(page.Body))
	}
	if strings.Contains(page.Body, strings.TrimPrefix(first, "/invitations/")) {
		t.Fatal("the pending list shows the invitation's link")
	}

	// Inviting the same email again replaces the link.
	invite()
	second := s.lastLink("kai@example.org")
	if second == first {
		t.Fatal("inviting again gave the same link")
	}
	if r := s.browser().get(first); r.Code != http.StatusNotFound {
		t.Fatalf("the replaced link = %d, want 404", r.Code)
	}
	if n := s.liveInvitations("kai@example.org"); n != 1 {
		t.Fatalf("%d live invitations after inviting twice, want 1", n)
	}

	// Resending gives a new link and kills the old one.
	pending, _ := s.service().PendingInvitations(context.Background())
	if len(pending) != 1 {
		t.Fatalf("pending = %+v", pending)
	}
	if r := b.post("/admin/invitations/"+pending[0].ID+"/resend", "/admin/invitations", nil); r.Code != http.StatusSeeOther {
		t.Fatalf("resend = %d", r.Code)
	}
	third := s.lastLink("kai@example.org")
	if third == second {
		t.Fatal("resending sent the same link")
	}
	if r := s.browser().get(second); r.Code != http.StatusNotFound {
		t.Fatalf("the link before the resend = %d, want 404", r.Code)
	}
	if s.audited(audit.InvitationResent) != 1 || s.audited(audit.Invited) != 2 {
		t.Fatal("the invitations are not audited")
	}
	kai := s.browser()
	r := kai.post(third, third, url.Values{"name": {"Kai"}, "password": {testPassword}, "confirm": {testPassword}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("accepting the resent invitation = %d", r.Code)
	}
	if list, _ := s.service().PendingInvitations(context.Background()); len(list) != 0 {
		t.Fatalf("an accepted invitation is still pending: %+v", list)
	}
	if r := b.post("/admin/invitations/"+pending[0].ID+"/resend", "/admin/invitations", nil); r.Code != http.StatusNotFound {
		t.Fatalf("resending an accepted invitation = %d, want 404", r.Code)
	}
}

func TestOneLiveInvitationWhenInvitesRace(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.user("admin@example.org", "Admin", account.Admin)
	const n = 8
	links := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			links[i], errs[i] = s.service().Invite(context.Background(), admin, "race@example.org", account.Trainee, "127.0.0.1")
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := s.liveInvitations("race@example.org"); got != 1 {
		t.Fatalf("%d live invitations after %d racing invites, want 1", got, n)
	}
	working := 0
	for _, link := range links {
		if r := s.browser().get(strings.TrimPrefix(link, s.Base)); r.Code == http.StatusOK {
			working++
		}
	}
	if working != 1 {
		t.Fatalf("%d links work, want 1", working)
	}
	// The database itself refuses a second live invitation for the email.
	_, err := s.app.DB.NewRaw(`INSERT INTO account_tokens (id, kind, token_hash, email, role, created_at, expires_at)
		VALUES (?, 'invitation', 'another-hash', 'race@example.org', 'trainee', ?, ?)`,
		clock.NewID(), s.clock.Now(), s.clock.Now().Add(account.InvitationTTL)).Exec(context.Background())
	if err == nil {
		t.Fatal("the database accepted a second live invitation for one email")
	}
}

func TestImportPeopleFromAFile(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("admin@example.org", "Admin", account.Admin)
	sam := s.user("sam@example.org", "Sam Supervisor", account.Supervisor)
	spring := s.cohort("Spring 2027")
	b := s.browser()
	b.signIn("admin@example.org", testPassword)
	before := s.userCount()

	// A spreadsheet's CSV: a byte-order mark, semicolons, a header in its
	// own order, quoted names, a supervisor listed in the same file.
	file := "\ufeffEmail;Name;Role;Cohort;Supervisor email\r\n" +
		"ana@example.org;\"Ana Ngata\";Trainee;spring 2027;sam@example.org\r\n" +
		"ben@example.org;\"Ben O'Neil; the second\";trainee;;new.sup@example.org\r\n" +
		"new.sup@example.org;Nia Supervisor;Supervisor;;\r\n" +
		";;;;\r\n"
	r := b.upload("people.csv", []byte(file))
	if r.Code != http.StatusOK || !strings.Contains(text(r.Body), "3 ready to import") {
		t.Fatalf("preview = %d:\n%s", r.Code, text(r.Body))
	}
	if s.userCount() != before {
		t.Fatal("the preview saved people")
	}
	if !strings.Contains(text(r.Body), "Ben O'Neil; the second") {
		t.Fatal("the preview does not show the quoted name")
	}
	k := key(t, r.Body)
	if r := b.post("/admin/users/import/confirm", "/admin/users/import", url.Values{"key": {k}}); r.Code != http.StatusSeeOther {
		t.Fatalf("import = %d:\n%s", r.Code, text(r.Body))
	}
	if got := s.userCount(); got != before+3 {
		t.Fatalf("%d people after the import, want %d", got, before+3)
	}
	ctx := context.Background()
	ana, err := account.UserByID(ctx, s.app.DB, idOf(t, s, "ana@example.org"))
	if err != nil || ana.Name != "Ana Ngata" || ana.Role != account.Trainee || ana.SupervisorID == nil || *ana.SupervisorID != sam.ID {
		t.Fatalf("Ana: %+v, %v", ana, err)
	}
	ben, _ := account.UserByID(ctx, s.app.DB, idOf(t, s, "ben@example.org"))
	nia := idOf(t, s, "new.sup@example.org")
	if ben.SupervisorID == nil || *ben.SupervisorID != nia {
		t.Fatalf("Ben's supervisor from the same file: %+v", ben)
	}
	if got := s.members(spring); len(got) != 1 || got[0] != "ana@example.org" {
		t.Fatalf("cohort members = %v", got)
	}
	if s.audited(audit.UserImported) != 3 || s.audited(audit.CohortJoined) != 1 {
		t.Fatal("the import is not audited")
	}
	// The same preview cannot be imported twice.
	if r := b.post("/admin/users/import/confirm", "/admin/users/import", url.Values{"key": {k}}); r.Code != http.StatusNotFound {
		t.Fatalf("importing the preview again = %d, want 404", r.Code)
	}
	if page := b.get("/admin/users?q=ana"); !strings.Contains(page.Body, "Invited, not yet joined") {
		t.Fatal("the user list does not say the imported person has not joined yet")
	}
	// Inviting an imported person again points to their waiting invitation.
	if r := b.post("/admin/users/invite", "/admin/users/invite", url.Values{"email": {"ana@example.org"}, "role": {"trainee"}}); r.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "Resend it from Pending invitations") {
		t.Fatalf("inviting an imported person = %d", r.Code)
	}
	// Each person got an invitation; accepting it sets their password.
	if r := s.browser().signIn("ana@example.org", testPassword); r.Code == http.StatusSeeOther {
		t.Fatal("an imported account without a password signs in")
	}
	link := s.lastLink("ana@example.org")
	ana2 := s.browser()
	if r := ana2.post(link, link, url.Values{"name": {"Ana Ngata"}, "password": {testPassword}, "confirm": {testPassword}}); r.Code != http.StatusSeeOther {
		t.Fatalf("accepting the imported invitation = %d:\n%s", r.Code, text(r.Body))
	}
	if r := ana2.signIn("ana@example.org", testPassword); r.Code != http.StatusSeeOther {
		t.Fatalf("the imported person cannot sign in: %d", r.Code)
	}
	if s.lastLink("new.sup@example.org") == "" {
		t.Fatal("the imported supervisor got no invitation")
	}
}

// idOf returns the ID of the account with email.
func idOf(t *testing.T, s *site, email string) string {
	t.Helper()
	var id string
	if err := s.app.DB.NewSelect().Table("users").Column("id").Where("email = ?", email).Scan(context.Background(), &id); err != nil {
		t.Fatalf("no account for %s: %v", email, err)
	}
	return id
}

func TestImportShowsEachRowsProblemsAndSavesNothing(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("admin@example.org", "Admin", account.Admin)
	s.user("taken@example.org", "Already Here", account.Trainee)
	s.user("tr@example.org", "Not A Supervisor", account.Trainee)
	s.cohort("Autumn")
	b := s.browser()
	b.signIn("admin@example.org", testPassword)
	before := s.userCount()
	file := "name,email,role,cohort,supervisor\n" +
		"Good One,good1@example.org,trainee,Autumn,\n" + // line 2
		"Bad Email,not-an-email,trainee,,\n" + // 3
		"Good Two,good2@example.org,supervisor,,\n" + // 4
		"Twice,good1@example.org,trainee,,\n" + // 5
		"Existing,taken@example.org,trainee,,\n" + // 6
		"No Cohort,nc@example.org,trainee,Winter,\n" + // 7
		"No Sup,ns@example.org,trainee,,tr@example.org\n" + // 8
		"Bad Role,br@example.org,wizard,,\n" + // 9
		",noname@example.org,trainee,,\n" + // 10
		"Bad Sup,badsup@example.org,supervisor,Autumn,\n" + // 11: only trainees join cohorts
		"Needs Bad Sup,nbs@example.org,trainee,,badsup@example.org\n" // 12: their supervisor has a problem
	r := b.upload("people.csv", []byte(file))
	page := text(r.Body)
	if r.Code != http.StatusOK {
		t.Fatalf("preview = %d:\n%s", r.Code, page)
	}
	for _, want := range []string{
		"2 ready to import", "9 with problems",
		"Only trainees can be members of a cohort.",
		"No active supervisor, here or in the file, has the email “badsup@example.org”.",
		"“not-an-email” is not an email address",
		"This email is already on line 2 of the file.",
		"Someone already has an account with this email.",
		"There is no cohort called “Winter”.",
		"No active supervisor, here or in the file, has the email “tr@example.org”.",
		"The role must be trainee, supervisor or admin.",
		"The name is missing.",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the preview does not say %q", want)
		}
	}
	if strings.Contains(r.Body, `>Import 2 people`) {
		t.Fatal("a file with problems offers a plain import")
	}
	k := key(t, r.Body)
	// Without choosing "only the good rows", nothing is saved.
	if r := b.post("/admin/users/import/confirm", "/admin/users/import", url.Values{"key": {k}}); r.Code != http.StatusConflict {
		t.Fatalf("importing a file with problems = %d, want 409", r.Code)
	}
	if s.userCount() != before || s.liveInvitations("good1@example.org") != 0 {
		t.Fatal("a file with problems saved people")
	}
	// A stale count (the file checks differently now) saves nothing either.
	if r := b.post("/admin/users/import/confirm", "/admin/users/import", url.Values{"key": {k}, "only_good": {"yes"}, "good": {"3"}}); r.Code != http.StatusConflict {
		t.Fatalf("importing with a stale count = %d, want 409", r.Code)
	}
	if s.userCount() != before {
		t.Fatal("a stale import saved people")
	}
	if !strings.Contains(r.Body, "Import the 2 good rows only") {
		t.Fatal("the preview does not offer to import the good rows")
	}
	if r := b.post("/admin/users/import/confirm", "/admin/users/import", url.Values{"key": {k}, "only_good": {"yes"}, "good": {"2"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("importing the good rows = %d:\n%s", r.Code, text(r.Body))
	}
	if got := s.userCount(); got != before+2 {
		t.Fatalf("%d people after importing the good rows, want %d", got, before+2)
	}
	idOf(t, s, "good1@example.org")
	idOf(t, s, "good2@example.org")
}

func TestImportLimits(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("admin@example.org", "Admin", account.Admin)
	b := s.browser()
	b.signIn("admin@example.org", testPassword)
	var many strings.Builder
	for i := range account.MaxImportRows + 1 {
		fmt.Fprintf(&many, "Person %d,p%d@example.org,trainee\n", i, i)
	}
	big := strings.Repeat("x", account.MaxImportBytes+1)
	cases := []struct {
		file, want string
	}{
		{many.String(), "more than 500 people"},
		{big, "larger than 256 KB"},
		{"", "has nobody in it"},
		{"name,email,role\n", "has nobody in it"},
		{"a,\"b,c\n", "cannot be read as CSV"},
		{"Ana,\xff@example.org,trainee\n", "not UTF-8"},
	}
	before := s.userCount()
	for _, c := range cases {
		r := b.upload("people.csv", []byte(c.file))
		if r.Code != http.StatusUnprocessableEntity || !strings.Contains(text(r.Body), c.want) {
			t.Errorf("upload of %.20q = %d, want 422 saying %q", c.file, r.Code, c.want)
		}
	}
	if s.userCount() != before {
		t.Fatal("a refused file saved people")
	}
	if r := b.post("/admin/users/import/confirm", "/admin/users/import", url.Values{"key": {"made-up"}}); r.Code != http.StatusNotFound {
		t.Fatalf("an unknown preview key = %d, want 404", r.Code)
	}
	// Another admin cannot import someone else's preview.
	r := b.upload("people.csv", []byte("Ana,ana@example.org,trainee\n"))
	k := key(t, r.Body)
	s.user("other@example.org", "Other Admin", account.Admin)
	other := s.browser()
	other.signIn("other@example.org", testPassword)
	if r := other.post("/admin/users/import/confirm", "/admin/users/import", url.Values{"key": {k}}); r.Code != http.StatusNotFound {
		t.Fatalf("another admin's import = %d, want 404", r.Code)
	}
}

func TestAddSeveralPeopleToACohort(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	s.user("admin@example.org", "Admin", account.Admin)
	a := s.user("a@example.org", "Ari", account.Trainee)
	bo := s.user("b@example.org", "Bo", account.Trainee)
	s.user("c@example.org", "Cy", account.Trainee)
	s.user("d@example.org", "Di", account.Trainee)
	s.user("sup@example.org", "Sam", account.Supervisor)
	co := s.cohort("Winter")
	b := s.browser()
	b.signIn("admin@example.org", testPassword)
	path := "/admin/cohorts/" + co.ID
	page := b.get(path)
	if !strings.Contains(page.Body, `type="checkbox" name="user" value="`+a.ID+`"`) {
		t.Fatal("the cohort page has no checkboxes for trainees")
	}
	// An unknown email refuses the lot, keeping the ticks and the list.
	r := b.post(path+"/members", path, url.Values{"user": {a.ID, bo.ID}, "emails": {"c@example.org\nnobody@example.org"}})
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(text(r.Body), "Nobody has an account with nobody@example.org") {
		t.Fatalf("an unknown email = %d:\n%s", r.Code, text(r.Body))
	}
	if !strings.Contains(r.Body, `value="`+bo.ID+`" checked`) || !strings.Contains(r.Body, "nobody@example.org") {
		t.Fatal("the form lost what was chosen")
	}
	if got := s.members(co); len(got) != 0 {
		t.Fatalf("a refused add changed the cohort: %v", got)
	}
	if r := b.post(path+"/members", path, url.Values{"emails": {"sup@example.org"}}); r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("adding a supervisor by email = %d, want 422", r.Code)
	}
	if r := b.post(path+"/members", path, nil); r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("adding nobody = %d, want 422", r.Code)
	}
	r = b.post(path+"/members", path, url.Values{"user": {a.ID, bo.ID}, "emails": {"C@example.org, d@example.org; a@example.org"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("adding four = %d:\n%s", r.Code, text(r.Body))
	}
	if got := s.members(co); len(got) != 4 {
		t.Fatalf("members = %v, want four", got)
	}
	if s.audited(audit.CohortJoined) != 4 {
		t.Fatalf("%d cohort joins audited, want 4", s.audited(audit.CohortJoined))
	}
}
