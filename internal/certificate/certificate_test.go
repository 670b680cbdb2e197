package certificate_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"groundwork/internal/account"
	"groundwork/internal/app/apptest"
	"groundwork/internal/certificate"
	"groundwork/internal/certificate/certpdf/pdftest"
	"groundwork/internal/certificate/credential"
	"groundwork/internal/supervision"
)

func TestCompletionIssuesOneFrozenCertificate(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	ctx := context.Background()
	m := tm.module(t, "the-workers-role")
	tm.doOwnPart(t, tm.trainee, m)
	if n := tm.count(t, "certificates"); n != 0 {
		t.Fatalf("%d certificates before the sign-off; completion needs it", n)
	}
	tm.signOff(t, tm.trainee, m)
	c := tm.certificateOf(t, tm.trainee, m.Slug)
	if c.HolderName != tm.trainee.Name || c.Title != m.Title || c.Kind != certificate.ModuleKind ||
		c.ContentVersion != m.Version || !slices.Equal(c.Signers(), []string{tm.sup.Name}) {
		t.Fatalf("certificate = %+v; want %s, %s, version %s, signed off by %s", c, tm.trainee.Name, m.Title, m.Version, tm.sup.Name)
	}
	if _, ok := certificate.ParseNumber(c.Number); !ok {
		t.Fatalf("number %q does not pass its own check", c.Number)
	}

	// Frozen: a later name change does not touch it, and nothing is issued twice.
	if err := tm.site.App.Accounts.ChangeName(ctx, tm.trainee, "Tia Renamed"); err != nil {
		t.Fatal(err)
	}
	if again, err := tm.site.App.Certificates.IssueDue(ctx, tm.trainee.ID); err != nil || len(again) != 0 {
		t.Fatalf("IssueDue again = %d certificates, %v; want none", len(again), err)
	}
	if now := tm.certificateOf(t, tm.trainee, m.Slug); now.HolderName != "Tia Ngāti-Whātua Żółć" || now.Number != c.Number {
		t.Fatalf("after a name change the certificate says %q (%s)", now.HolderName, now.Number)
	}

	// The trainee's page lists it with its downloads; the dashboard links it.
	_, page := tm.tiaAt.Get("/certificates")
	for _, want := range []string{html.EscapeString(m.Title), c.Number, "/certificates/" + c.ID + "/pdf", "/credentials/" + c.Token, "linkedin.com/profile/add", "/verify/" + c.Token} {
		if !strings.Contains(page, want) {
			t.Errorf("the certificates page lacks %q", want)
		}
	}
	if _, dash := tm.tiaAt.Get("/dashboard"); !strings.Contains(dash, "Your certificates") || !strings.Contains(dash, html.EscapeString(m.Title)) {
		t.Error("the dashboard does not list the certificate")
	}
}

func TestFiftyConcurrentCompletionsIssueOneCertificate(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	ctx := context.Background()
	m := tm.module(t, "the-workers-role")
	tm.site.App.Supervision.OnChange = nil // issue below, all at once
	tm.doOwnPart(t, tm.trainee, m)
	tm.signOff(t, tm.trainee, m)

	const n = 50
	issued := make([]int, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			certs, err := tm.site.App.Certificates.IssueDue(ctx, tm.trainee.ID)
			issued[i], errs[i] = len(certs), err
		}()
	}
	close(start)
	wg.Wait()
	total := 0
	for i := range n {
		if errs[i] != nil {
			t.Errorf("completion %d failed: %v", i, errs[i])
		}
		total += issued[i]
	}
	if rows := tm.count(t, "certificates"); total != 1 || rows != 1 {
		t.Fatalf("%d completions reported %d certificates and %d rows exist; want exactly 1", n, total, rows)
	}
}

func TestVerificationSaysValidRevokedSupersededOrUnknown(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	public := tm.site.Anonymous()
	revoked := tm.complete(t, tm.trainee, tm.module(t, "the-workers-role"))
	renamed := tm.complete(t, tm.trainee, tm.module(t, "harm-reduction-social-work"))

	code, page := public.Get(tm.verifyPath(revoked))
	if code != http.StatusOK || !strings.Contains(page, "Valid certificate") || !strings.Contains(page, tm.trainee.Name) {
		t.Fatalf("verify a valid certificate = %d:\n%s", code, text(page))
	}
	if strings.Contains(page, tm.trainee.Email) || strings.Contains(page, tm.sup.Name) {
		t.Error("the public page shows more than the name, achievement, date and issuer")
	}
	typed := strings.ToLower(strings.ReplaceAll(revoked.Number, "-", " "))
	if _, page := public.Get("/verify?number=" + url.QueryEscape(typed)); !strings.Contains(page, "Valid certificate") {
		t.Fatalf("verify by a typed number:\n%s", text(page))
	}

	// Bad input answers clearly; a well-formed number nobody holds is unknown.
	if code, page := public.Get("/verify?number=GW-1234"); code != http.StatusUnprocessableEntity || !strings.Contains(page, "not a certificate number") {
		t.Fatalf("a malformed number = %d:\n%s", code, text(page))
	}
	if _, page := public.Get("/verify?number=" + certificate.NewNumber()); !strings.Contains(page, "Unknown certificate") {
		t.Fatal("an unissued number is not reported unknown")
	}
	if code, page := public.Get("/verify/" + certificate.NewToken()); code != http.StatusNotFound || !strings.Contains(page, "Unknown certificate") {
		t.Fatalf("an unknown token = %d", code)
	}

	// Revoking needs a reason; the page then says revoked, when and why.
	admin := "/admin/certificates/" + revoked.ID
	if code, page := tm.adminAt.PostPage(admin+"/revoke", admin, url.Values{"reason": {"  "}}); code != http.StatusUnprocessableEntity || !strings.Contains(page, "Give a reason") {
		t.Fatalf("revoke without a reason = %d", code)
	}
	if code, _ := tm.tiaAt.Post(admin+"/revoke", "/certificates", url.Values{"reason": {"Mine"}}); code != http.StatusForbidden {
		t.Fatalf("a trainee revoking = %d, want 403", code)
	}
	// Without the confirmation, the reason comes back on a page that asks.
	code, page = tm.adminAt.PostPage(admin+"/revoke", admin, url.Values{"reason": {"Issued in error: the sign-off was recorded against the wrong person."}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(page, "Yes, revoke the certificate") || !strings.Contains(page, "recorded against the wrong person") {
		t.Fatalf("revoke without confirmation = %d", code)
	}
	if _, page := public.Get(tm.verifyPath(revoked)); !strings.Contains(page, "Valid certificate") {
		t.Fatal("an unconfirmed revocation revoked the certificate")
	}
	if code, _ := tm.adminAt.Post(admin+"/revoke", admin, url.Values{"reason": {"Issued in error: the sign-off was recorded against the wrong person."}, "confirmed": {"yes"}}); code != http.StatusSeeOther {
		t.Fatalf("revoke = %d", code)
	}
	_, page = public.Get(tm.verifyPath(revoked))
	if !strings.Contains(page, "Revoked") || !strings.Contains(page, "Issued in error: the sign-off was recorded against the wrong person.") {
		t.Fatalf("the revoked certificate's page:\n%s", text(page))
	}
	if code, _ := tm.adminAt.Post(admin+"/revoke", admin, url.Values{"reason": {"Twice"}}); code != http.StatusConflict {
		t.Fatalf("revoking twice = %d, want 409", code)
	}

	// Re-issuing after a name change supersedes the old certificate.
	if err := tm.site.App.Accounts.ChangeName(context.Background(), tm.trainee, "Tia Whātua"); err != nil {
		t.Fatal(err)
	}
	admin = "/admin/certificates/" + renamed.ID
	if code, _ := tm.adminAt.Post(admin+"/reissue", admin, url.Values{"reason": {"Name changed"}}); code != http.StatusSeeOther {
		t.Fatalf("re-issue = %d", code)
	}
	fresh := tm.certificateOf(t, tm.trainee, renamed.Achievement)
	if fresh.HolderName != "Tia Whātua" || fresh.Number == renamed.Number {
		t.Fatalf("the re-issue says %q, number %s", fresh.HolderName, fresh.Number)
	}
	_, page = public.Get(tm.verifyPath(renamed))
	if !strings.Contains(page, "Superseded") || !strings.Contains(page, fresh.Number) {
		t.Fatalf("the superseded certificate's page:\n%s", text(page))
	}
	if _, page := public.Get(tm.verifyPath(fresh)); !strings.Contains(page, "Valid certificate") || !strings.Contains(page, "Tia Whātua") {
		t.Fatal("the re-issued certificate is not valid")
	}
	if code, _ := tm.adminAt.Post(admin+"/reissue", admin, url.Values{"reason": {"Again"}}); code != http.StatusConflict {
		t.Fatalf("re-issuing a superseded certificate = %d, want 409", code)
	}

	// The admin list finds them by name, number and status.
	row := func(c *certificate.Certificate) string { return `href="/admin/certificates/` + c.ID + `"` }
	if _, page := tm.adminAt.Get("/admin/certificates?status=superseded"); !strings.Contains(page, row(renamed)) || strings.Contains(page, row(fresh)) {
		t.Error("the superseded filter is wrong")
	}
	if _, page := tm.adminAt.Get("/admin/certificates?q=" + url.QueryEscape(strings.ToLower(fresh.Number))); !strings.Contains(page, row(fresh)) || strings.Contains(page, row(renamed)) {
		t.Error("search by number is wrong")
	}
	if _, page := tm.adminAt.Get("/admin/certificates?q=wh%C4%81tua"); !strings.Contains(page, row(fresh)) {
		t.Error("search by name is wrong")
	}
}

func TestCredentialsVerifyAndRevocationsAreListed(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	public := tm.site.Anonymous()
	c := tm.complete(t, tm.trainee, tm.module(t, "the-workers-role"))
	code, body := public.Get("/credentials/" + c.Token)
	if code != http.StatusOK {
		t.Fatalf("credential = %d", code)
	}
	key := tm.site.App.Certificates.Key.Public().(ed25519.PublicKey)
	if err := credential.Verify([]byte(body), key); err != nil {
		t.Fatalf("our own credential does not verify: %v\n%s", err, body)
	}
	tampered := strings.Replace(body, c.Title, "Something else", 1)
	if err := credential.Verify([]byte(tampered), key); err == nil {
		t.Fatal("a tampered credential verifies")
	}
	if strings.Contains(body, tm.trainee.Email) || strings.Contains(body, tm.trainee.Name) {
		t.Error("the credential names the trainee; it must identify them by a salted hash of their email")
	}
	if !strings.Contains(body, credential.HashEmail(tm.trainee.Email, c.RecipientSalt)) {
		t.Error("the credential does not carry the hashed email")
	}
	_, profile := public.Get("/issuer")
	if !strings.Contains(profile, credential.PublicKeyMultibase(key)) {
		t.Fatalf("the issuer profile does not publish the key:\n%s", profile)
	}

	if _, list := public.Get("/issuer/revocations"); strings.Contains(list, c.Token) {
		t.Fatal("an unrevoked credential is listed as revoked")
	}
	if err := tm.site.App.Certificates.Revoke(context.Background(), tm.admin, c, "Issued in error."); err != nil {
		t.Fatal(err)
	}
	_, list := public.Get("/issuer/revocations")
	if !strings.Contains(list, tm.site.App.Certificates.CredentialURL(c)) || !json.Valid([]byte(list)) {
		t.Fatalf("the revocation list lacks the revoked credential:\n%s", list)
	}
}

func TestOnlyTheHolderTheirSupervisorAndAdminsGetThePDF(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	c := tm.complete(t, tm.trainee, tm.module(t, "the-workers-role"))
	path := "/certificates/" + c.ID + "/pdf"
	for who, p := range map[string]*apptest.Person{"holder": tm.tiaAt, "supervisor": tm.supAt, "admin": tm.adminAt} {
		code, body := p.Get(path)
		if code != http.StatusOK || !strings.HasPrefix(body, "%PDF-") {
			t.Errorf("the %s gets the PDF: %d", who, code)
		}
	}
	// The PDF parses, names the holder as frozen, and its QR code opens the
	// verification page.
	_, body := tm.tiaAt.Get(path)
	doc, err := pdftest.Open([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if text, err := doc.Text(); err != nil || !strings.Contains(text, "Tia Ngāti-Whātua Żółć") || !strings.Contains(text, c.Number) {
		t.Fatalf("the PDF's text (%v):\n%s", err, text)
	}
	qr, err := doc.QR()
	if err != nil || qr != tm.site.App.Certificates.VerifyURL(c) {
		t.Fatalf("the QR code says %q (%v)", qr, err)
	}
	if _, page := tm.site.Anonymous().Get(strings.TrimPrefix(qr, tm.site.App.Config.BaseURL)); !strings.Contains(page, "Valid certificate") {
		t.Fatal("the QR code's page does not say valid")
	}
	other := tm.site.SignIn(tm.site.User("other@example.org", "Other Trainee", account.Trainee))
	if code, _ := other.Get(path); code != http.StatusNotFound {
		t.Errorf("another trainee gets the PDF: %d, want 404", code)
	}
	if code, _ := tm.site.Anonymous().Get(path); code != http.StatusSeeOther {
		t.Errorf("a visitor gets the PDF: %d, want a redirect to sign in", code)
	}
}

func TestWithdrawnSignOffFlagsTheCertificate(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	m := tm.module(t, "the-workers-role")
	c := tm.complete(t, tm.trainee, m)
	if err := tm.site.App.Supervision.Withdraw(context.Background(), tm.sup, tm.trainee, m, m.Competencies[0].ID, "Signed off too early."); err != nil {
		t.Fatal(err)
	}
	_, page := tm.adminAt.Get("/admin/certificates?flagged=1")
	if !strings.Contains(page, c.Number) || !strings.Contains(page, "needs a decision") {
		t.Fatalf("the flagged certificate is not listed:\n%s", text(page))
	}
	admin := "/admin/certificates/" + c.ID
	if _, page := tm.adminAt.Get(admin); !strings.Contains(page, "Signed off too early.") {
		t.Fatal("the flag's reason is not shown")
	}
	if code, _ := tm.adminAt.Post(admin+"/keep", admin, url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("keep = %d", code)
	}
	if _, page := tm.adminAt.Get("/admin/certificates?flagged=1"); strings.Contains(page, `href="/admin/certificates/`+c.ID+`"`) {
		t.Fatal("a kept certificate is still flagged")
	}
	if _, page := tm.site.Anonymous().Get(tm.verifyPath(c)); !strings.Contains(page, "Valid certificate") {
		t.Fatal("flagging changed what verifiers see")
	}
}

func TestCohortZipHoldsCurrentPDFs(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	ctx := context.Background()
	cohort := &account.Cohort{Name: "Spring 2026"}
	if err := tm.site.App.Accounts.SaveCohort(ctx, cohort); err != nil {
		t.Fatal(err)
	}
	if err := tm.site.App.Accounts.AddToCohort(ctx, tm.admin, cohort, tm.trainee); err != nil {
		t.Fatal(err)
	}
	kept := tm.complete(t, tm.trainee, tm.module(t, "the-workers-role"))
	gone := tm.complete(t, tm.trainee, tm.module(t, "harm-reduction-social-work"))
	if err := tm.site.App.Certificates.Revoke(ctx, tm.admin, gone, "Issued in error."); err != nil {
		t.Fatal(err)
	}
	code, body := tm.adminAt.Get("/admin/certificates/cohort.zip?cohort=" + cohort.ID)
	if code != http.StatusOK {
		t.Fatalf("cohort ZIP = %d", code)
	}
	zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 || !strings.Contains(zr.File[0].Name, kept.Number) || !strings.Contains(zr.File[0].Name, "Ngāti-Whātua") {
		t.Fatalf("the ZIP holds %d files (%v); want the one current certificate", len(zr.File), zr.File)
	}
	if code, _ := tm.supAt.Get("/admin/certificates/cohort.zip?cohort=" + cohort.ID); code != http.StatusForbidden {
		t.Fatalf("a supervisor downloading the ZIP = %d, want 403", code)
	}
}

func TestAgreedSupervisionCompletesTheProgramme(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	ctx := context.Background()
	cat := tm.site.App.Courses.Catalog()
	for _, slug := range cat.Programme.Modules {
		tm.complete(t, tm.trainee, tm.module(t, slug))
	}
	if n := tm.count(t, "certificates"); n != len(cat.Programme.Modules) {
		t.Fatalf("%d certificates for %d modules; the programme needs its supervision hours first", n, len(cat.Programme.Modules))
	}
	// One long session covers the programme's hours once the trainee agrees it.
	r, err := tm.site.App.Supervision.Create(ctx, tm.sup, tm.trainee, supervision.Content{
		HeldOn: time.Now().UTC().Truncate(24 * time.Hour), Minutes: cat.Programme.SupervisionHours * 60,
		Kind: supervision.OneToOne, Summary: "Review of the whole programme.", Actions: "[]"}, "")
	if err != nil {
		t.Fatal(err)
	}
	record := "/supervision/records/" + r.ID
	if code, _ := tm.tiaAt.Post(record+"/sign", record, url.Values{"version": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("agree = %d", code)
	}
	c := tm.certificateOf(t, tm.trainee, certificate.ProgrammeAchievement)
	if c.Kind != certificate.ProgrammeKind || c.Title != cat.Programme.Title || !slices.Equal(c.Signers(), []string{tm.sup.Name}) {
		t.Fatalf("programme certificate = %+v", c)
	}
}

func TestVerificationIsRateLimited(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	visitor := tm.site.Anonymous()
	limited := 0
	for range certificate.VerifyLimit.Burst + 10 {
		if code, page := visitor.Get("/verify?number=" + certificate.NewNumber()); code == http.StatusTooManyRequests {
			limited++
			if !strings.Contains(page, "Please wait a minute") {
				t.Fatal("a limited request does not say what to do")
			}
		}
	}
	if limited == 0 {
		t.Fatalf("%d lookups in a row were all answered", certificate.VerifyLimit.Burst+10)
	}
}
