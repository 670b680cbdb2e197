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
	return s, nil
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
// document keeps its own field order; the proof is appended.
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
	return append(append(append(body, `,"proof":`...), proof...), '}'), nil
}

// Verify checks the eddsa-rdfc-2022 proof of signed with pub; an error
// says why it fails.
func Verify(signed []byte, pub ed25519.PublicKey) error {
	var doc map[string]any
	if err := json.Unmarshal(signed, &doc); err != nil {
		return fmt.Errorf("verify credential: %w", err)
	}
	proof, ok := doc["proof"].(map[string]any)
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
