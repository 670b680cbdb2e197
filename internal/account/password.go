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
	"sync"
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

// Hasher hashes and checks passwords with argon2id at one cost. A hash
// made at a lower cost than the hasher's is refused, so a weakened hash in
// the database never signs anyone in.
type Hasher struct {
	memory, time uint32 // KiB, passes
	threads      uint8

	once  sync.Once
	dummy string
}

// Passwords is the hasher Groundwork uses: OWASP's minimum of 19 MiB, two
// passes, one lane.
var Passwords = NewHasher(argonMemory, argonTime, argonThreads)

// NewHasher returns a hasher using memoryKiB of memory, time passes and
// threads lanes.
func NewHasher(memoryKiB, time uint32, threads uint8) *Hasher {
	return &Hasher{memory: memoryKiB, time: time, threads: threads}
}

// HashPassword returns an argon2id hash of password in the PHC string
// format, made by Passwords.
func HashPassword(password string) (string, error) { return Passwords.Hash(password) }

// VerifyPassword reports whether password matches hash, by Passwords.
func VerifyPassword(hash, password string) bool { return Passwords.Verify(hash, password) }

// Hash returns an argon2id hash of password in the PHC string format.
func (h *Hasher) Hash(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, h.time, h.memory, h.threads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.memory, h.time, h.threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var b64 = base64.RawStdEncoding

// dummyHash is verified against when no account matches, so that sign-in
// takes the same time for unknown and known emails.
func (h *Hasher) dummyHash() string {
	h.once.Do(func() { h.dummy, _ = h.Hash("groundwork-dummy-password-for-timing") })
	return h.dummy
}

var errBadHash = errors.New("malformed password hash")

// Verify reports whether password matches hash. An empty, malformed or
// too cheap hash never matches, but costs the same work.
func (h *Hasher) Verify(hash, password string) bool {
	params, salt, key, err := h.parseHash(hash)
	if err != nil {
		params, salt, key, _ = h.parseHash(h.dummyHash())
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

func (h *Hasher) parseHash(hash string) (argonParams, []byte, []byte, error) {
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
	if err1 != nil || err2 != nil || len(key) == 0 || p.memory < h.memory || p.time < 1 || p.threads < 1 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}
