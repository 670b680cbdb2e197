package credential

import (
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"
)

func TestStatusListLength(t *testing.T) {
	for _, c := range []struct{ count, maxIndex, want int }{
		{0, -1, 131072}, {1, 0, 131072}, {65536, 131071, 131072},
		{65537, 10, 262144}, {10, 131072, 262144}, {200000, 5, 524288},
	} {
		if got := StatusListLength(c.count, c.maxIndex); got != c.want {
			t.Errorf("StatusListLength(%d, %d) = %d, want %d", c.count, c.maxIndex, got, c.want)
		}
	}
}

// The list is GZIP then base64url behind the multibase "u", bit 0 the
// highest bit of the first byte, decoded here with the standard library
// alone.
func TestStatusListEncoding(t *testing.T) {
	encoded, err := EncodeStatusList(MinStatusListLength, []int{0, 9, 131071})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(encoded, "u") || strings.ContainsAny(encoded, "+/=") {
		t.Fatalf("not base64url multibase: %s", encoded)
	}
	zipped, err := base64.RawURLEncoding.DecodeString(encoded[1:])
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped))
	if err != nil {
		t.Fatal(err)
	}
	bits, _ := io.ReadAll(zr)
	if len(bits) != 16384 || bits[0] != 0x80 || bits[1] != 0x40 || bits[16383] != 0x01 {
		t.Fatalf("wrong bits: %d bytes, %08b %08b … %08b", len(bits), bits[0], bits[1], bits[len(bits)-1])
	}
	for _, c := range []struct {
		index int
		want  bool
	}{{0, true}, {1, false}, {9, true}, {8, false}, {131071, true}, {131070, false}} {
		got, length, err := StatusBit(encoded, c.index)
		if err != nil || got != c.want || length != MinStatusListLength {
			t.Errorf("StatusBit(%d) = %v, %d, %v; want %v", c.index, got, length, err, c.want)
		}
	}
	if _, _, err := StatusBit(encoded, 131072); err == nil {
		t.Error("an index past the end reads")
	}
	if _, err := EncodeStatusList(MinStatusListLength, []int{MinStatusListLength}); err == nil {
		t.Error("an index past the end is encoded")
	}
}

func sampleStatusList() StatusList {
	return StatusList{ID: "https://training.example.org/issuer/status/revocation", Issuer: sampleBadge().Issuer,
		ValidFrom: time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC), Length: MinStatusListLength, Set: []int{70321}}
}

// The status list credential uses only defined terms, signs and verifies,
// and its list cannot be changed without breaking the signature.
func TestStatusListCredentialIsSigned(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	doc, err := sampleStatusList().Document()
	if err != nil {
		t.Fatal(err)
	}
	signed, err := Sign(doc, priv, KeyID(sampleBadge().Issuer), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(signed, pub); err != nil {
		t.Fatalf("the status list does not verify: %v", err)
	}
	var parsed struct {
		Type              []string
		CredentialSubject struct{ Type, StatusPurpose, EncodedList string }
	}
	if err := json.Unmarshal(signed, &parsed); err != nil {
		t.Fatal(err)
	}
	if parsed.Type[1] != "BitstringStatusListCredential" || parsed.CredentialSubject.Type != "BitstringStatusList" ||
		parsed.CredentialSubject.StatusPurpose != RevocationPurpose {
		t.Fatalf("not a revocation BitstringStatusListCredential: %s", signed)
	}
	if set, _, _ := StatusBit(parsed.CredentialSubject.EncodedList, 70321); !set {
		t.Fatal("the revoked index is not set")
	}
	cleared, _ := EncodeStatusList(MinStatusListLength, nil)
	tampered := strings.Replace(string(signed), parsed.CredentialSubject.EncodedList, cleared, 1)
	if tampered == string(signed) {
		t.Fatal("the change did not apply")
	}
	if err := Verify([]byte(tampered), pub); err == nil {
		t.Fatal("a status list with a cleared bit verifies")
	}
}

// BenchmarkSignStatusList encodes and signs a status list of the minimum
// length, as serving it does.
func BenchmarkSignStatusList(b *testing.B) {
	_, priv, _ := ed25519.GenerateKey(nil)
	l := sampleStatusList()
	for b.Loop() {
		doc, err := l.Document()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Sign(doc, priv, KeyID(l.Issuer), l.ValidFrom); err != nil {
			b.Fatal(err)
		}
	}
}
