package credential

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// The contexts of every credential Groundwork issues.
var credentialContext = []string{
	"https://www.w3.org/ns/credentials/v2",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
}

// Badge is what an OpenBadgeCredential says.
type Badge struct {
	ID          string // the credential's stable URL
	Name        string
	Description string
	Issuer      Issuer
	ValidFrom   time.Time
	// RecipientSalt and RecipientHash identify the holder by a salted hash
	// of their email (see HashEmail), never by name.
	RecipientSalt, RecipientHash string
	Achievement                  Achievement
	// Status is the credential's entry in the issuer's status list; nil
	// for none.
	Status *StatusEntry
}

// StatusEntry places a credential in a Bitstring Status List: the bit at
// Index of the list published at ListURL is set once the credential no
// longer stands.
type StatusEntry struct {
	ListURL string
	Index   int
}

// Achievement is what was achieved; ID is its stable URL.
type Achievement struct{ ID, Name, Description, Criteria string }

// Issuer is the issuing organisation; ID is the stable URL of its profile.
type Issuer struct{ ID, Name, URL string }

// HashEmail returns the identityHash of email with salt:
// "sha256$" + hex(SHA-256(email + salt)), the email lower-cased and
// trimmed, as Open Badges' IdentityObject defines it.
func HashEmail(email, salt string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email)) + salt))
	return "sha256$" + hex.EncodeToString(sum[:])
}

// The JSON shapes, in the order people read them.
type (
	credentialJSON struct {
		Context           []string    `json:"@context"`
		ID                string      `json:"id"`
		Type              []string    `json:"type"`
		Issuer            profileJSON `json:"issuer"`
		ValidFrom         string      `json:"validFrom"`
		Name              string      `json:"name"`
		Description       string      `json:"description,omitempty"`
		CredentialSubject subjectJSON `json:"credentialSubject"`
		CredentialStatus  *statusJSON `json:"credentialStatus,omitempty"`
	}
	profileJSON struct {
		Context            []any          `json:"@context,omitempty"`
		ID                 string         `json:"id"`
		Type               []string       `json:"type"`
		Name               string         `json:"name"`
		URL                string         `json:"url,omitempty"`
		VerificationMethod []multikeyJSON `json:"verificationMethod,omitempty"`
		AssertionMethod    []string       `json:"assertionMethod,omitempty"`
	}
	multikeyJSON struct {
		ID                 string `json:"id"`
		Type               string `json:"type"`
		Controller         string `json:"controller"`
		PublicKeyMultibase string `json:"publicKeyMultibase"`
	}
	subjectJSON struct {
		Type        []string        `json:"type"`
		Identifier  []identityJSON  `json:"identifier"`
		Achievement achievementJSON `json:"achievement"`
	}
	identityJSON struct {
		Type         string `json:"type"`
		IdentityHash string `json:"identityHash"`
		IdentityType string `json:"identityType"`
		Hashed       bool   `json:"hashed"`
		Salt         string `json:"salt"`
	}
	achievementJSON struct {
		ID          string       `json:"id"`
		Type        []string     `json:"type"`
		Name        string       `json:"name"`
		Description string       `json:"description"`
		Criteria    criteriaJSON `json:"criteria"`
	}
	criteriaJSON struct {
		Narrative string `json:"narrative"`
	}
	statusJSON struct {
		ID                   string `json:"id"`
		Type                 string `json:"type"`
		StatusPurpose        string `json:"statusPurpose"`
		StatusListIndex      string `json:"statusListIndex"`
		StatusListCredential string `json:"statusListCredential"`
	}
)

// Document returns the unsigned OpenBadgeCredential JSON of b.
func (b Badge) Document() ([]byte, error) {
	c := credentialJSON{
		Context: credentialContext, ID: b.ID, Type: []string{"VerifiableCredential", "OpenBadgeCredential"},
		Issuer:    profileJSON{ID: b.Issuer.ID, Type: []string{"Profile"}, Name: b.Issuer.Name, URL: b.Issuer.URL},
		ValidFrom: b.ValidFrom.UTC().Format(time.RFC3339), Name: b.Name, Description: b.Description,
		CredentialSubject: subjectJSON{
			Type: []string{"AchievementSubject"},
			Identifier: []identityJSON{{Type: "IdentityObject", IdentityHash: b.RecipientHash,
				IdentityType: "emailAddress", Hashed: true, Salt: b.RecipientSalt}},
			Achievement: achievementJSON{ID: b.Achievement.ID, Type: []string{"Achievement"}, Name: b.Achievement.Name,
				Description: b.Achievement.Description, Criteria: criteriaJSON{Narrative: b.Achievement.Criteria}},
		},
	}
	if e := b.Status; e != nil {
		index := strconv.Itoa(e.Index)
		c.CredentialStatus = &statusJSON{ID: e.ListURL + "#" + index, Type: "BitstringStatusListEntry",
			StatusPurpose: RevocationPurpose, StatusListIndex: index, StatusListCredential: e.ListURL}
	}
	return json.Marshal(c)
}

// keyTerms defines, for the issuer profile, the two terms of a controller
// document that the credential contexts leave out.
var keyTerms = map[string]any{
	"verificationMethod": map[string]any{"@id": "https://w3id.org/security#verificationMethod", "@type": "@id", "@container": "@set"},
	"assertionMethod":    map[string]any{"@id": "https://w3id.org/security#assertionMethod", "@type": "@id", "@container": "@set"},
}

// KeyID is the ID of the issuer's signing key within its profile.
func KeyID(issuer Issuer) string { return issuer.ID + "#key-1" }

// Profile returns the issuer Profile published at issuer.ID, with the
// Multikey that verifies its credentials as its assertion method.
func Profile(issuer Issuer, pub ed25519.PublicKey) ([]byte, error) {
	key := KeyID(issuer)
	return json.MarshalIndent(profileJSON{
		Context: []any{credentialContext[0], credentialContext[1], "https://w3id.org/security/multikey/v1", keyTerms},
		ID:      issuer.ID, Type: []string{"Profile"}, Name: issuer.Name, URL: issuer.URL,
		VerificationMethod: []multikeyJSON{{ID: key, Type: "Multikey", Controller: issuer.ID, PublicKeyMultibase: PublicKeyMultibase(pub)}},
		AssertionMethod:    []string{key},
	}, "", "  ")
}

// RevokedCredential is one entry of the revocation list.
type RevokedCredential struct {
	ID     string `json:"id"`
	Reason string `json:"revocationReason,omitempty"`
}

// RevocationList returns the body of a 1EdTech revocation list: the list's
// ID, its issuer and the revoked credentials with their reasons. Current
// credentials carry a Bitstring Status List entry instead; the list serves
// copies downloaded when credentials pointed at it.
func RevocationList(listID, issuerID string, revoked []RevokedCredential) ([]byte, error) {
	if revoked == nil {
		revoked = []RevokedCredential{}
	}
	return json.MarshalIndent(struct {
		ID                 string              `json:"id"`
		Issuer             string              `json:"issuer"`
		RevokedCredentials []RevokedCredential `json:"revokedCredentials"`
	}{listID, issuerID, revoked}, "", "  ")
}
