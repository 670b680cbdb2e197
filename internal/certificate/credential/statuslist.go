package credential

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// RevocationPurpose is the statusPurpose of Groundwork's status list: a
// set bit means the credential no longer stands (revoked or superseded).
const RevocationPurpose = "revocation"

// MinStatusListLength is the smallest status list, in bits: 16 KiB, the
// W3C Bitstring Status List minimum, so that fetching the list says little
// about which credential is being checked.
const MinStatusListLength = 131072

// StatusListLength is the length of a status list holding count
// credentials whose highest index is maxIndex: a multiple of
// MinStatusListLength at least twice count, so a random free index is
// quick to find, and long enough for maxIndex. A list only grows, so an
// index once given stays within it.
func StatusListLength(count, maxIndex int) int {
	need := max(2*count, maxIndex+1, 1)
	return (need + MinStatusListLength - 1) / MinStatusListLength * MinStatusListLength
}

// EncodeStatusList returns the encodedList of a bitstring of length bits
// with the bits at set on: GZIP-compressed, then base64url without padding
// behind the multibase prefix "u". Bit 0 is the highest bit of the first
// byte.
func EncodeStatusList(length int, set []int) (string, error) {
	if length <= 0 || length%8 != 0 {
		return "", fmt.Errorf("status list: length %d is not a positive multiple of 8", length)
	}
	bits := make([]byte, length/8)
	for _, i := range set {
		if i < 0 || i >= length {
			return "", fmt.Errorf("status list: index %d is outside a list of %d", i, length)
		}
		bits[i/8] |= 0x80 >> (i % 8)
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := zw.Write(bits); err != nil {
		return "", fmt.Errorf("status list: %w", err)
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("status list: %w", err)
	}
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// StatusBit reports whether the bit at index is set in encodedList, and
// the list's length in bits.
func StatusBit(encodedList string, index int) (set bool, length int, err error) {
	if len(encodedList) == 0 || encodedList[0] != 'u' {
		return false, 0, fmt.Errorf("status list: not base64url multibase")
	}
	zipped, err := base64.RawURLEncoding.DecodeString(encodedList[1:])
	if err != nil {
		return false, 0, fmt.Errorf("status list: %w", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped))
	if err != nil {
		return false, 0, fmt.Errorf("status list: %w", err)
	}
	bits, err := io.ReadAll(zr)
	if err != nil {
		return false, 0, fmt.Errorf("status list: %w", err)
	}
	if index < 0 || index >= 8*len(bits) {
		return false, 8 * len(bits), fmt.Errorf("status list: index %d is outside a list of %d", index, 8*len(bits))
	}
	return bits[index/8]&(0x80>>(index%8)) != 0, 8 * len(bits), nil
}

// StatusList is a BitstringStatusListCredential: the issuer's list of the
// credentials that no longer stand.
type StatusList struct {
	ID        string // the list's stable URL
	Issuer    Issuer
	ValidFrom time.Time
	Length    int   // in bits
	Set       []int // the indexes whose bit is on
}

// Document returns the unsigned BitstringStatusListCredential JSON of l.
func (l StatusList) Document() ([]byte, error) {
	encoded, err := EncodeStatusList(l.Length, l.Set)
	if err != nil {
		return nil, err
	}
	type subject struct {
		ID            string `json:"id"`
		Type          string `json:"type"`
		StatusPurpose string `json:"statusPurpose"`
		EncodedList   string `json:"encodedList"`
	}
	return json.Marshal(struct {
		Context           []string `json:"@context"`
		ID                string   `json:"id"`
		Type              []string `json:"type"`
		Issuer            string   `json:"issuer"`
		ValidFrom         string   `json:"validFrom"`
		CredentialSubject subject  `json:"credentialSubject"`
	}{
		Context: credentialContext[:1], ID: l.ID,
		Type:   []string{"VerifiableCredential", "BitstringStatusListCredential"},
		Issuer: l.Issuer.ID, ValidFrom: l.ValidFrom.UTC().Format(time.RFC3339),
		CredentialSubject: subject{ID: l.ID + "#list", Type: "BitstringStatusList",
			StatusPurpose: RevocationPurpose, EncodedList: encoded},
	})
}
