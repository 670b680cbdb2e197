package credential

import (
	"embed"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/piprate/json-gold/ld"
)

// The JSON-LD contexts credentials use, bundled so that signing and
// verifying never reach the network.
//
//go:embed contexts/*.jsonld
var contextFiles embed.FS

// contextURLs maps each context's URL to its bundled file.
var contextURLs = map[string]string{
	"https://www.w3.org/ns/credentials/v2":                           "credentials-v2.jsonld",
	"https://www.w3.org/2018/credentials/v1":                         "credentials-v1.jsonld",
	"https://w3id.org/security/data-integrity/v1":                    "data-integrity-v1.jsonld",
	"https://w3id.org/security/data-integrity/v2":                    "data-integrity-v2.jsonld",
	"https://w3id.org/security/multikey/v1":                          "multikey-v1.jsonld",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json":     "ob-v3p0-3.0.3.jsonld",
	"https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld": "ob-v3p0-2022.jsonld",
}

// loader serves the bundled contexts, each parsed once.
type loader struct {
	once   sync.Once
	parsed map[string]any
	err    error
}

var bundled = &loader{}

// Loader returns the json-gold document loader serving the bundled
// contexts only; any other URL is an error.
func Loader() ld.DocumentLoader { return bundled }

// LoadDocument returns the bundled context at u.
func (l *loader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	l.once.Do(l.parse)
	if l.err != nil {
		return nil, l.err
	}
	doc, ok := l.parsed[u]
	if !ok {
		return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed, fmt.Sprintf("context %s is not bundled", u))
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: doc}, nil
}

func (l *loader) parse() {
	l.parsed = map[string]any{}
	for u, file := range contextURLs {
		data, err := contextFiles.ReadFile("contexts/" + file)
		if err != nil {
			l.err = fmt.Errorf("bundled context %s: %w", file, err)
			return
		}
		var doc any
		if err := json.Unmarshal(data, &doc); err != nil {
			l.err = fmt.Errorf("bundled context %s: %w", file, err)
			return
		}
		l.parsed[u] = doc
	}
}
