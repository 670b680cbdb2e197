package account

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password limits (OWASP ASVS 5.0 level 2: at least 12 characters, long
// passphrases allowed, no composition rules, common passwords refused).
const (
	MinPasswordLength = 12
	MaxPasswordLength = 256
)

// argon2id parameters: OWASP's minimum of 19 MiB, two passes, one lane.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

//go:embed commonpasswords.txt
var commonPasswordsText string

// commonPasswords is the set of the 10,000 most common passwords, from the
// zxcvbn-ts common password list (MIT licence), lower-cased.
var commonPasswords = func() map[string]struct{} {
	set := make(map[string]struct{}, 10000)
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsText))
	for sc.Scan() {
		set[sc.Text()] = struct{}{}
	}
	return set
}()

// CheckPassword returns a message for people when password is not acceptable,
// or "" when it is.
func CheckPassword(password string) string {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return "The password contains characters we cannot read."
	case n < MinPasswordLength:
		return fmt.Sprintf("Use at least %d characters. A few ordinary words in a row make a strong, memorable password.", MinPasswordLength)
	case n > MaxPasswordLength:
		return fmt.Sprintf("Use at most %d characters.", MaxPasswordLength)
	}
	if _, common := commonPasswords[strings.ToLower(password)]; common {
		return "This password is one of the most common ones and easy to guess. Choose another."
	}
	return ""
}

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var b64 = base64.RawStdEncoding

// dummyHash is verified against when no account matches, so that sign-in
// takes the same time for unknown and known emails.
var dummyHash, _ = HashPassword("groundwork-dummy-password-for-timing")

var errBadHash = errors.New("malformed password hash")

// VerifyPassword reports whether password matches hash. An empty or
// malformed hash never matches, but costs the same work.
func VerifyPassword(hash, password string) bool {
	params, salt, key, err := parseHash(hash)
	if err != nil {
		params, salt, key, _ = parseHash(dummyHash)
		argon2.IDKey([]byte(password), salt, params.time, params.memory, params.threads, uint32(len(key)))
		return false
	}
	got := argon2.IDKey([]byte(password), salt, params.time, params.memory, params.threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

type argonParams struct {
	memory, time uint32
	threads      uint8
}

func parseHash(hash string) (argonParams, []byte, []byte, error) {
	var p argonParams
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return p, nil, nil, errBadHash
	}
	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) == 0 || p.memory < argonMemory || p.time < 1 || p.threads < 1 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}
