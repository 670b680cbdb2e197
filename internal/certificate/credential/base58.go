package credential

import (
	"crypto/ed25519"
	"errors"
	"math/big"
	"strings"
)

// alphabet is Bitcoin's base58 alphabet, which multibase's "z" prefix
// names.
const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// base58 encodes b in base58btc; leading zero bytes become leading 1s.
func base58(b []byte) string {
	n := new(big.Int).SetBytes(b)
	var out []byte
	radix, mod := big.NewInt(58), new(big.Int)
	for n.Sign() > 0 {
		n.DivMod(n, radix, mod)
		out = append(out, alphabet[mod.Int64()])
	}
	for _, c := range b {
		if c != 0 {
			break
		}
		out = append(out, '1')
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}

// unbase58 decodes a multibase base58btc string ("z…").
func unbase58(s string) ([]byte, error) {
	if !strings.HasPrefix(s, "z") || len(s) < 2 {
		return nil, errors.New("not multibase base58btc")
	}
	s = s[1:]
	n := new(big.Int)
	for _, c := range s {
		i := strings.IndexRune(alphabet, c)
		if i < 0 {
			return nil, errors.New("not base58")
		}
		n.Mul(n, big.NewInt(58)).Add(n, big.NewInt(int64(i)))
	}
	out := n.Bytes()
	for _, c := range s {
		if c != '1' {
			break
		}
		out = append([]byte{0}, out...)
	}
	return out, nil
}

// multikeyEd25519 is the multicodec prefix of an Ed25519 public key.
var multikeyEd25519 = []byte{0xed, 0x01}

// PublicKeyMultibase encodes pub as a Multikey publicKeyMultibase
// ("z6Mk…").
func PublicKeyMultibase(pub ed25519.PublicKey) string {
	return "z" + base58(append(append([]byte{}, multikeyEd25519...), pub...))
}
