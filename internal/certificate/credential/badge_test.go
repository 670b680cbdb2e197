package credential

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/piprate/json-gold/ld"
)

func sampleBadge() Badge {
	issuer := Issuer{ID: "https://training.example.org/issuer", Name: "Harbour Lane Drug Service", URL: "https://training.example.org"}
	return Badge{ID: "https://training.example.org/credentials/k2w7c4q9m3x8v6b1n5r0t2y7z4", Name: "The drug and alcohol worker's role",
		Description: "What a groupworker does and where the role ends.", Issuer: issuer,
		ValidFrom: time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC), RecipientSalt: "pepper", RecipientHash: HashEmail("tia@example.org", "pepper"),
		Achievement: Achievement{ID: "https://training.example.org/modules/the-workers-role", Name: "The drug and alcohol worker's role",
			Description: "What a groupworker does.", Criteria: "Completed every lesson and had each competency signed off."},
		Status: &StatusEntry{ListURL: "https://training.example.org/issuer/status/revocation", Index: 70321}}
}

func TestHashEmail(t *testing.T) {
	sum := sha256.Sum256([]byte("tia@example.org" + "pepper"))
	want := "sha256$" + hex.EncodeToString(sum[:])
	if got := HashEmail("  Tia@Example.org ", "pepper"); got != want {
		t.Fatalf("HashEmail = %s, want %s", got, want)
	}
}

// Every term of our credentials and profile is defined by the bundled
// contexts: expansion in safe mode fails on any term it would drop.
func TestOurDocumentsUseOnlyDefinedTerms(t *testing.T) {
	doc, err := sampleBadge().Document()
	if err != nil {
		t.Fatal(err)
	}
	pub, _, _ := ed25519.GenerateKey(nil)
	profile, err := Profile(sampleBadge().Issuer, pub)
	if err != nil {
		t.Fatal(err)
	}
	for name, raw := range map[string][]byte{"credential": doc, "profile": profile} {
		var parsed map[string]any
		if err := json.Unmarshal(raw, &parsed); err != nil {
			t.Fatal(err)
		}
		opts := ld.NewJsonLdOptions("")
		opts.DocumentLoader, opts.SafeMode = Loader(), true
		if _, err := ld.NewJsonLdProcessor().Expand(parsed, opts); err != nil {
			t.Errorf("the %s does not expand cleanly: %v", name, err)
		}
	}
	if !strings.Contains(string(profile), PublicKeyMultibase(pub)) {
		t.Fatal("the profile does not publish the key")
	}
}

func TestOurSignaturesVerifyAndTamperingFails(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	doc, _ := sampleBadge().Document()
	signed, err := Sign(doc, priv, KeyID(sampleBadge().Issuer), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(signed, pub); err != nil {
		t.Fatalf("our own credential does not verify: %v", err)
	}
	other, _, _ := ed25519.GenerateKey(nil)
	if err := Verify(signed, other); err == nil {
		t.Error("verifies with another key")
	}
	for what, changed := range map[string]string{
		"name":       strings.Replace(string(signed), `"name":"The drug`, `"name":"A drug`, 1),
		"hash":       strings.Replace(string(signed), "sha256$", "sha256$0", 1),
		"proofValue": strings.Replace(string(signed), `"proofValue":"z`, `"proofValue":"z2`, 1),
		"created":    strings.Replace(string(signed), `"created":"2`, `"created":"1`, 1),
	} {
		if changed == string(signed) {
			t.Fatalf("the %s change did not apply", what)
		}
		if err := Verify([]byte(changed), pub); err == nil {
			t.Errorf("a credential with a changed %s verifies", what)
		}
	}
	if _, err := Sign(signed, priv, "x", time.Now()); err == nil {
		t.Error("signing twice is allowed")
	}
	if again, err := Sign(doc, priv, KeyID(sampleBadge().Issuer), time.Now()); err != nil || !json.Valid(again) {
		t.Errorf("signing changed the document it was given: %v", err)
	}
}

// The proof is a list of one, as 1EdTech's JSON Schema requires, and the
// credential's status entry is a Bitstring Status List entry the signature
// covers: moving the credential to another place in the list breaks it.
func TestTheProofIsAListAndCoversTheStatus(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	doc, _ := sampleBadge().Document()
	signed, err := Sign(doc, priv, KeyID(sampleBadge().Issuer), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		Proof            []map[string]any
		CredentialStatus map[string]any
	}
	if err := json.Unmarshal(signed, &parsed); err != nil {
		t.Fatalf("the proof is not a list: %v", err)
	}
	if len(parsed.Proof) != 1 || parsed.Proof[0]["cryptosuite"] != Cryptosuite {
		t.Fatalf("proof = %v", parsed.Proof)
	}
	want := map[string]any{"id": "https://training.example.org/issuer/status/revocation#70321", "type": "BitstringStatusListEntry",
		"statusPurpose": "revocation", "statusListIndex": "70321", "statusListCredential": "https://training.example.org/issuer/status/revocation"}
	for k, v := range want {
		if parsed.CredentialStatus[k] != v {
			t.Errorf("credentialStatus.%s = %v, want %v", k, parsed.CredentialStatus[k], v)
		}
	}
	for what, changed := range map[string]string{
		"index":   strings.Replace(string(signed), `"statusListIndex":"70321"`, `"statusListIndex":"70322"`, 1),
		"list":    strings.Replace(string(signed), `"statusListCredential":"https://training`, `"statusListCredential":"https://elsewhere`, 1),
		"purpose": strings.Replace(string(signed), `"statusPurpose":"revocation"`, `"statusPurpose":"suspension"`, 1),
	} {
		if changed == string(signed) {
			t.Fatalf("the %s change did not apply", what)
		}
		if err := Verify([]byte(changed), pub); err == nil {
			t.Errorf("a credential with a changed status %s verifies", what)
		}
	}
}

// A type the contexts do not define would be signed as a relative IRI,
// which safe mode lets through and other verifiers reject: signing refuses
// it.
func TestUndefinedTypesAreNotSigned(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(nil)
	doc, _ := sampleBadge().Document()
	old := strings.Replace(string(doc), `"type":"BitstringStatusListEntry"`, `"type":"1EdTechRevocationList"`, 1)
	if old == string(doc) {
		t.Fatal("the change did not apply")
	}
	if _, err := Sign([]byte(old), priv, "https://training.example.org/issuer#key-1", time.Now()); err == nil ||
		!strings.Contains(err.Error(), "1EdTechRevocationList") {
		t.Fatalf("an undefined status type is signed: %v", err)
	}
}

func TestRelativeIRIsAreFound(t *testing.T) {
	for nq, want := range map[string]string{
		`<https://a.example/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <Thing> .`:      "Thing",
		`_:c14n0 <https://schema.org/name> "a <b> \"c\" <d>" .` + "\n" + `_:c14n0 <p> _:c14n1 .`: "p",
		`_:c14n0 <https://schema.org/name> "x"^^<http://www.w3.org/2001/XMLSchema#string> .`:     "",
		`<urn:uuid:1> <https://schema.org/name> "a\\" <not-an-iri> .`:                            "not-an-iri",
	} {
		got, found := relativeIRI(nq)
		if got != want || found != (want != "") {
			t.Errorf("relativeIRI(%s) = %q, %v; want %q", nq, got, found, want)
		}
	}
}

func TestUnknownContextsAreRefused(t *testing.T) {
	if _, err := Loader().LoadDocument("https://example.org/context.jsonld"); err == nil {
		t.Fatal("the loader fetched a context it does not bundle")
	}
}

func TestRevocationList(t *testing.T) {
	b, err := RevocationList("https://x.example/issuer/revocations", "https://x.example/issuer", nil)
	if err != nil || !strings.Contains(string(b), `"revokedCredentials": []`) {
		t.Fatalf("empty list = %s, %v", b, err)
	}
}

// BenchmarkSign signs one credential, as serving it does.
func BenchmarkSign(b *testing.B) {
	_, priv, _ := ed25519.GenerateKey(nil)
	doc, _ := sampleBadge().Document()
	for b.Loop() {
		if _, err := Sign(doc, priv, "https://training.example.org/issuer#key-1", time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify verifies one signed credential.
func BenchmarkVerify(b *testing.B) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	doc, _ := sampleBadge().Document()
	signed, _ := Sign(doc, priv, "https://training.example.org/issuer#key-1", time.Now())
	for b.Loop() {
		if err := Verify(signed, pub); err != nil {
			b.Fatal(err)
		}
	}
}
