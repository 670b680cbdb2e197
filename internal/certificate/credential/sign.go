// Package credential makes Open Badges 3.0 credentials and signs them with
// an eddsa-rdfc-2022 Data Integrity proof: the credential and the proof's
// options are canonicalised (RDFC-1.0), hashed with SHA-256 and signed
// with Ed25519.
package credential

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/piprate/json-gold/ld"
)

// Cryptosuite is the Data Integrity cryptosuite used.
const Cryptosuite = "eddsa-rdfc-2022"

// canonical returns the RDFC-1.0 canonical N-Quads of a JSON-LD document.
// Safe mode makes a term the contexts do not define an error rather than
// silently leaving it out of what is signed.
func canonical(doc map[string]any) (string, error) {
	opts := ld.NewJsonLdOptions("")
	opts.Algorithm = ld.AlgorithmURDNA2015
	opts.Format = "application/n-quads"
	opts.DocumentLoader = Loader()
	opts.SafeMode = true
	out, err := ld.NewJsonLdProcessor().Normalize(doc, opts)
	if err != nil {
		return "", fmt.Errorf("canonicalise: %w", err)
	}
	s, _ := out.(string)
	if iri, ok := relativeIRI(s); ok {
		return "", fmt.Errorf("canonicalise: %q is not an absolute IRI: a term or type is not defined by the contexts", iri)
	}
	return s, nil
}

// relativeIRI returns the first IRI of nquads that is not absolute. Safe
// mode does not catch a type the contexts leave undefined: it becomes a
// relative IRI, which other processors reject, so signing it would make a
// credential only this package can verify.
func relativeIRI(nquads string) (string, bool) {
	inLiteral := false
	for i := 0; i < len(nquads); i++ {
		switch c := nquads[i]; {
		case inLiteral && c == '\\':
			i++
		case c == '"':
			inLiteral = !inLiteral
		case !inLiteral && c == '<':
			end := strings.IndexByte(nquads[i:], '>')
			if end < 0 {
				return nquads[i:], true
			}
			if iri := nquads[i+1 : i+end]; !absolute(iri) {
				return iri, true
			}
			i += end
		}
	}
	return "", false
}

// absolute reports whether iri starts with a scheme (RFC 3986: a letter,
// then letters, digits, "+", "-" or ".", then ":").
func absolute(iri string) bool {
	for i, c := range iri {
		switch {
		case c == ':':
			return i > 0
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return false
}

// hashData is the data an eddsa-rdfc-2022 signature covers: the hash of
// the canonical proof options followed by the hash of the canonical
// document.
func hashData(doc, proofOptions map[string]any) ([]byte, error) {
	docNQ, err := canonical(doc)
	if err != nil {
		return nil, err
	}
	proofNQ, err := canonical(proofOptions)
	if err != nil {
		return nil, err
	}
	proofHash, docHash := sha256.Sum256([]byte(proofNQ)), sha256.Sum256([]byte(docNQ))
	return append(proofHash[:], docHash[:]...), nil
}

// proofOptions is a proof without its value, in the document's context.
func proofOptions(context any, vm string, created time.Time) map[string]any {
	return map[string]any{
		"@context":           context,
		"type":               "DataIntegrityProof",
		"cryptosuite":        Cryptosuite,
		"created":            created.UTC().Format(time.RFC3339),
		"verificationMethod": vm,
		"proofPurpose":       "assertionMethod",
	}
}

// Sign adds an eddsa-rdfc-2022 DataIntegrityProof (proofPurpose
// assertionMethod) to the JSON object doc and returns the signed JSON. The
// document keeps its own field order; the proof is appended as a list of
// one, the form both the VC data model and 1EdTech's JSON Schema accept.
func Sign(doc []byte, key ed25519.PrivateKey, verificationMethod string, created time.Time) ([]byte, error) {
	var parsed map[string]any
	if err := json.Unmarshal(doc, &parsed); err != nil {
		return nil, fmt.Errorf("sign credential: %w", err)
	}
	if _, ok := parsed["proof"]; ok {
		return nil, errors.New("sign credential: the document already has a proof")
	}
	opts := proofOptions(parsed["@context"], verificationMethod, created)
	data, err := hashData(parsed, opts)
	if err != nil {
		return nil, fmt.Errorf("sign credential: %w", err)
	}
	delete(opts, "@context")
	opts["proofValue"] = "z" + base58(ed25519.Sign(key, data))
	proof, err := json.Marshal(opts)
	if err != nil {
		return nil, fmt.Errorf("sign credential: %w", err)
	}
	body := bytes.TrimSuffix(bytes.TrimSpace(doc), []byte("}"))
	out := make([]byte, 0, len(body)+len(proof)+16)
	out = append(append(out, body...), `,"proof":[`...)
	return append(append(out, proof...), ']', '}'), nil
}

// singleProof returns the one proof of a credential, given alone or as a
// list of one.
func singleProof(v any) (map[string]any, bool) {
	if list, ok := v.([]any); ok {
		if len(list) != 1 {
			return nil, false
		}
		v = list[0]
	}
	proof, ok := v.(map[string]any)
	return proof, ok
}

// Verify checks the eddsa-rdfc-2022 proof of signed with pub; an error
// says why it fails.
func Verify(signed []byte, pub ed25519.PublicKey) error {
	var doc map[string]any
	if err := json.Unmarshal(signed, &doc); err != nil {
		return fmt.Errorf("verify credential: %w", err)
	}
	proof, ok := singleProof(doc["proof"])
	if !ok {
		return errors.New("verify credential: no single proof")
	}
	if proof["type"] != "DataIntegrityProof" || proof["cryptosuite"] != Cryptosuite {
		return fmt.Errorf("verify credential: proof is %v/%v, not DataIntegrityProof/%s", proof["type"], proof["cryptosuite"], Cryptosuite)
	}
	value, _ := proof["proofValue"].(string)
	sig, err := unbase58(value)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return errors.New("verify credential: malformed proofValue")
	}
	delete(doc, "proof")
	opts := map[string]any{"@context": doc["@context"]}
	for k, v := range proof {
		if k != "proofValue" {
			opts[k] = v
		}
	}
	data, err := hashData(doc, opts)
	if err != nil {
		return fmt.Errorf("verify credential: %w", err)
	}
	if !ed25519.Verify(pub, data, sig) {
		return errors.New("verify credential: the signature does not match")
	}
	return nil
}
