package certificate

import (
	"crypto/rand"
	"strings"
)

// crockford is Crockford's base32 alphabet: no I, L, O or U, so a number
// read aloud or copied by hand is hard to get wrong.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// numberPrefix starts every certificate number.
const numberPrefix = "GW"

// numberChars is how many random symbols a number has: 12 × 5 = 60 bits.
const numberChars = 12

// NewNumber returns a fresh certificate number such as GW-7K3M-Q9PX-2HTD-R:
// 60 random bits in three groups of four Crockford base32 symbols, then a
// check symbol that catches any single mistyped symbol and most swaps of
// two neighbours.
func NewNumber() string {
	buf := make([]byte, numberChars)
	_, _ = rand.Read(buf) // never fails (crypto/rand panics instead)
	body := make([]byte, numberChars)
	for i, b := range buf {
		body[i] = crockford[b&31]
	}
	return format(string(body) + string(checkSymbol(string(body))))
}

// format groups 13 symbols as GW-XXXX-XXXX-XXXX-C.
func format(symbols string) string {
	return numberPrefix + "-" + symbols[0:4] + "-" + symbols[4:8] + "-" + symbols[8:12] + "-" + symbols[12:]
}

// checkSymbol is the Luhn mod 32 check symbol of body, which must hold
// Crockford symbols only.
func checkSymbol(body string) byte {
	factor, sum := 2, 0
	for i := len(body) - 1; i >= 0; i-- {
		addend := factor * strings.IndexByte(crockford, body[i])
		factor = 3 - factor
		sum += addend/32 + addend%32
	}
	return crockford[(32-sum%32)%32]
}

// ParseNumber reads a certificate number as a person may type it: any case,
// with or without the GW prefix, spaces or dashes, O for 0 and I or L for
// 1. It returns the number in its printed form, or false when it cannot be
// a certificate number (wrong length, a stray symbol or a failed check).
func ParseNumber(typed string) (string, bool) {
	s := strings.ToUpper(typed)
	s = strings.NewReplacer(" ", "", "-", "", "\t", "", "O", "0", "I", "1", "L", "1").Replace(s)
	if len(s) == len(numberPrefix)+numberChars+1 {
		s = strings.TrimPrefix(s, numberPrefix)
	}
	if len(s) != numberChars+1 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(crockford, s[i]) < 0 {
			return "", false
		}
	}
	if checkSymbol(s[:numberChars]) != s[numberChars] {
		return "", false
	}
	return format(s), true
}

// NewToken returns an unguessable token of 130 random bits (26 base32
// symbols) for a
// certificate's verification URL.
func NewToken() string {
	return strings.ToLower(rand.Text())
}
