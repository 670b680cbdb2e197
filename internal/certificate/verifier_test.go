package certificate_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"groundwork/internal/certificate"
	"groundwork/internal/certificate/credential"
	"groundwork/internal/outside"
)

// schemaEnv names a copy of 1EdTech's AchievementCredential JSON Schema
// (https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json)
// for the verifier to validate credentials against; without it that check
// is skipped.
const schemaEnv = "GROUNDWORK_OB_SCHEMA"

// verifierDir holds the Node verifier: Digital Bazaar's VC libraries and
// 1EdTech's JSON Schema with Ajv, installed by `npm ci`.
const verifierDir = "credential/testdata/verifier"

// nodeVerifier returns the verifier's folder, or skips the test when Node
// or the installed packages are missing (package outside's rule).
func nodeVerifier(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(verifierDir)
	if err != nil {
		t.Fatal(err)
	}
	_, noNode := exec.LookPath("node")
	_, noPackages := os.Stat(filepath.Join(dir, "node_modules", "@digitalbazaar", "vc"))
	outside.Need(t, "Digital Bazaar's verifier", noNode == nil && noPackages == nil,
		"install node and run `npm ci` in "+verifierDir)
	return dir
}

// verdict is what the independent verifier says of one credential.
type verdict struct {
	Verified     bool     `json:"verified"`
	Error        string   `json:"error"`
	Status       string   `json:"status"` // current, revoked or unchecked
	StatusError  string   `json:"statusError"`
	SchemaValid  *bool    `json:"schemaValid"` // nil without the schema
	SchemaErrors []string `json:"schemaErrors"`
}

// verifyIndependently runs the Node verifier over credentials, fetching
// the issuer's profile and status list from the running site.
func verifyIndependently(t *testing.T, dir, issuerURL, serverURL string, credentials map[string]string) map[string]verdict {
	t.Helper()
	tmp := t.TempDir()
	args := []string{"verify.mjs", issuerURL, serverURL}
	for name, body := range credentials {
		file := filepath.Join(tmp, name+".json")
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, file)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "OB_SCHEMA="+os.Getenv(schemaEnv))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the verifier failed: %v\n%s", err, stderr.String())
	}
	var byFile map[string]verdict
	if err := json.Unmarshal(out, &byFile); err != nil {
		t.Fatalf("the verifier's report is not JSON: %v\n%s", err, out)
	}
	byName := map[string]verdict{}
	for file, v := range byFile {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		byName[name] = v
		t.Logf("%s: %+v", name, v)
	}
	return byName
}

// Digital Bazaar's verifier, which shares no code with Groundwork, accepts
// an issued credential, reports a revoked and a superseded one as revoked
// through the status list, and rejects tampered copies; 1EdTech's JSON
// Schema accepts every credential served.
func TestAnIndependentVerifierAgrees(t *testing.T) {
	t.Parallel()
	dir := nodeVerifier(t)
	tm := newTeam(t)
	svc := tm.site.App.Certificates
	ctx := context.Background()

	replaced := tm.complete(t, tm.trainee, tm.module(t, "the-workers-role"))
	current, err := svc.Reissue(ctx, tm.admin, replaced, "Name changed.")
	if err != nil {
		t.Fatal(err)
	}
	revoked := tm.complete(t, tm.trainee, tm.module(t, "harm-reduction-social-work"))
	if err := svc.Revoke(ctx, tm.admin, revoked, "Issued in error."); err != nil {
		t.Fatal(err)
	}

	public := tm.site.Anonymous()
	fetch := func(c *certificate.Certificate) string {
		t.Helper()
		resp, err := http.Get(tm.site.Base + "/credentials/" + c.Token)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != certificate.CredentialMediaType {
			t.Fatalf("credential = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		return string(body)
	}
	valid, gone, old := fetch(current), fetch(revoked), fetch(replaced)
	if code, _ := public.Get("/issuer/status/revocation"); code != http.StatusOK {
		t.Fatalf("status list = %d", code)
	}

	index := func(c *certificate.Certificate) string {
		return `"statusListIndex":"` + strconv.Itoa(c.StatusIndex) + `"`
	}
	tampered := map[string]string{
		"tampered-name":        strings.Replace(valid, `"name":"`+current.Title, `"name":"Advanced `+current.Title, 1),
		"tampered-achievement": strings.Replace(valid, "/modules/the-workers-role", "/modules/groupwork-practice", 1),
		"tampered-index":       strings.Replace(gone, index(revoked), index(current), 1),
	}
	credentials := map[string]string{"valid": valid, "revoked": gone, "superseded": old}
	for name, body := range tampered {
		if body == valid || body == gone {
			t.Fatalf("the %s change did not apply", name)
		}
		credentials[name] = body
	}
	verdicts := verifyIndependently(t, dir, svc.Issuer.BaseURL, tm.site.Base, credentials)

	for name, want := range map[string]string{"valid": "current", "revoked": "revoked", "superseded": "revoked"} {
		v := verdicts[name]
		if !v.Verified {
			t.Errorf("the %s credential's proof is rejected: %s", name, v.Error)
		}
		if v.Status != want {
			t.Errorf("the status list says the %s credential is %s, want %s %s", name, v.Status, want, v.StatusError)
		}
	}
	for name := range tampered {
		if v := verdicts[name]; v.Verified {
			t.Errorf("the %s credential verifies", name)
		}
	}
	if os.Getenv(schemaEnv) == "" {
		t.Logf("%s is not set: 1EdTech's JSON Schema check skipped", schemaEnv)
		return
	}
	for name, v := range verdicts {
		if v.SchemaValid == nil || !*v.SchemaValid {
			t.Errorf("1EdTech's schema rejects the %s credential: %v", name, v.SchemaErrors)
		}
	}
}

// The status list is a signed credential whose bits are the certificates
// that no longer stand, each at the certificate's own random place.
func TestTheStatusListSetsRevokedAndSupersededBits(t *testing.T) {
	t.Parallel()
	tm := newTeam(t)
	svc := tm.site.App.Certificates
	ctx := context.Background()
	replaced := tm.complete(t, tm.trainee, tm.module(t, "the-workers-role"))
	current, err := svc.Reissue(ctx, tm.admin, replaced, "Name changed.")
	if err != nil {
		t.Fatal(err)
	}
	revoked := tm.complete(t, tm.trainee, tm.module(t, "harm-reduction-social-work"))
	if err := svc.Revoke(ctx, tm.admin, revoked, "Issued in error."); err != nil {
		t.Fatal(err)
	}
	if replaced.StatusIndex == current.StatusIndex || current.StatusIndex == revoked.StatusIndex {
		t.Fatal("two certificates share a place in the status list")
	}

	code, body := tm.site.Anonymous().Get("/issuer/status/revocation")
	if code != http.StatusOK {
		t.Fatalf("status list = %d", code)
	}
	if err := credential.Verify([]byte(body), svc.Key.Public().(ed25519.PublicKey)); err != nil {
		t.Fatalf("the status list does not verify: %v", err)
	}
	var list struct {
		ID                string
		Issuer            string
		CredentialSubject struct{ StatusPurpose, EncodedList string }
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	if list.ID != svc.StatusListURL() || list.Issuer != svc.IssuerURL() || list.CredentialSubject.StatusPurpose != "revocation" {
		t.Fatalf("wrong status list: %s", body)
	}
	for c, want := range map[*certificate.Certificate]bool{replaced: true, current: false, revoked: true} {
		set, length, err := credential.StatusBit(list.CredentialSubject.EncodedList, c.StatusIndex)
		if err != nil || set != want || length < credential.MinStatusListLength {
			t.Errorf("bit %d = %v in a list of %d (%v); want %v", c.StatusIndex, set, length, err, want)
		}
	}

	// The 1EdTech list, for copies downloaded before, says the same.
	_, old := tm.site.Anonymous().Get("/issuer/revocations")
	for c, want := range map[*certificate.Certificate]bool{replaced: true, current: false, revoked: true} {
		if got := strings.Contains(old, svc.CredentialURL(c)); got != want {
			t.Errorf("the revocation list lists %s: %v, want %v", c.Number, got, want)
		}
	}
}
