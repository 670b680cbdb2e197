package credential

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// vector is 1EdTech's published Open Badges 3.0 eddsa-rdfc-2022 test
// vector (see testdata/README.md).
type vector struct {
	PublicKeyHex, PrivateKeyHex, PublicKeyMultibase string
	Created, VerificationMethod, ProofValue         string
	DocumentHashHex, ProofHashHex, SignatureHex     string
}

func loadVector(t *testing.T) (vector, map[string]any, []byte) {
	t.Helper()
	var v vector
	raw, err := os.ReadFile("testdata/ob-vector.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	unsigned, err := os.ReadFile("testdata/ob-vector-unsigned.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(unsigned, &doc); err != nil {
		t.Fatal(err)
	}
	return v, doc, unsigned
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func hexHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// Every intermediate step of the vector is reproduced: the canonical
// N-Quads, both hashes, the signature and the proof value.
func TestReproducesThe1EdTechVector(t *testing.T) {
	v, doc, unsigned := loadVector(t)
	created, _ := time.Parse(time.RFC3339, v.Created)

	docNQ, err := canonical(doc)
	if err != nil {
		t.Fatal(err)
	}
	if want := readFile(t, "testdata/ob-vector-document.nq"); docNQ != want {
		t.Fatalf("canonical document differs:\n got %s\nwant %s", docNQ, want)
	}
	proofNQ, err := canonical(proofOptions(doc["@context"], v.VerificationMethod, created))
	if err != nil {
		t.Fatal(err)
	}
	if want := readFile(t, "testdata/ob-vector-proof.nq"); proofNQ != want {
		t.Fatalf("canonical proof options differ:\n got %s\nwant %s", proofNQ, want)
	}
	if got := hexHash(docNQ); got != v.DocumentHashHex {
		t.Fatalf("document hash %s, want %s", got, v.DocumentHashHex)
	}
	if got := hexHash(proofNQ); got != v.ProofHashHex {
		t.Fatalf("proof hash %s, want %s", got, v.ProofHashHex)
	}

	priv, _ := hex.DecodeString(v.PrivateKeyHex)
	signed, err := Sign(unsigned, ed25519.PrivateKey(priv), v.VerificationMethod, created)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Proof []struct{ ProofValue string } `json:"proof"`
	}
	if err := json.Unmarshal(signed, &out); err != nil || len(out.Proof) != 1 {
		t.Fatalf("the proof is not a list of one: %v\n%s", err, signed)
	}
	if got := out.Proof[0].ProofValue; got != v.ProofValue {
		t.Fatalf("proofValue %s, want %s", got, v.ProofValue)
	}
	sig, _ := unbase58(out.Proof[0].ProofValue)
	if hex.EncodeToString(sig) != v.SignatureHex {
		t.Fatalf("signature %x, want %s", sig, v.SignatureHex)
	}
	pub, _ := hex.DecodeString(v.PublicKeyHex)
	if got := PublicKeyMultibase(pub); got != v.PublicKeyMultibase {
		t.Fatalf("multikey %s, want %s", got, v.PublicKeyMultibase)
	}
}

func TestVerifiesThe1EdTechSignedCredential(t *testing.T) {
	v, _, _ := loadVector(t)
	pub, _ := hex.DecodeString(v.PublicKeyHex)
	signed := readFile(t, "testdata/ob-vector-signed.json")
	if err := Verify([]byte(signed), pub); err != nil {
		t.Fatalf("the published credential does not verify: %v", err)
	}
	tampered := strings.Replace(signed, `"Teamwork Badge"`, `"Teamwork Badge!"`, 1)
	if err := Verify([]byte(tampered), pub); err == nil {
		t.Fatal("a tampered credential verifies")
	}
}
