package certificate

import (
	"regexp"
	"strings"
	"testing"
)

var printed = regexp.MustCompile(`^GW-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$`)

func TestNumbersAreWellFormedAndDistinct(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		n := NewNumber()
		if !printed.MatchString(n) {
			t.Fatalf("number %q is not GW-XXXX-XXXX-XXXX-C", n)
		}
		if seen[n] {
			t.Fatalf("number %q came up twice in 2000", n)
		}
		seen[n] = true
		if got, ok := ParseNumber(n); !ok || got != n {
			t.Fatalf("ParseNumber(%q) = %q, %v", n, got, ok)
		}
	}
}

func TestParseNumberForgivesHowPeopleType(t *testing.T) {
	n := NewNumber()
	body := strings.ReplaceAll(strings.TrimPrefix(n, "GW-"), "-", "")
	for _, typed := range []string{
		strings.ToLower(n),
		" " + n + " ",
		body,
		"gw " + body[:4] + " " + body[4:8] + " " + body[8:],
		strings.NewReplacer("0", "O", "1", "I").Replace(n),
		strings.ReplaceAll(strings.ToLower(n), "1", "l"),
	} {
		if got, ok := ParseNumber(typed); !ok || got != n {
			t.Errorf("ParseNumber(%q) = %q, %v; want %q", typed, got, ok, n)
		}
	}
	for _, typed := range []string{"", "GW-", "hello", n + "X", n[:len(n)-1], strings.Repeat("Z", 200), "GW-ÀÀÀÀ-ÀÀÀÀ-ÀÀÀÀ-À"} {
		if got, ok := ParseNumber(typed); ok {
			t.Errorf("ParseNumber(%q) = %q, accepted", typed, got)
		}
	}
}

// A number with one symbol mistyped must never be taken for another.
func TestCheckSymbolCatchesEverySingleMistake(t *testing.T) {
	for range 50 {
		n := NewNumber()
		symbols := []byte(strings.ReplaceAll(strings.TrimPrefix(n, "GW-"), "-", ""))
		for i := range symbols {
			for _, wrong := range []byte(crockford) {
				if wrong == symbols[i] {
					continue
				}
				typo := append([]byte{}, symbols...)
				typo[i] = wrong
				if _, ok := ParseNumber(string(typo)); ok {
					t.Fatalf("%s with symbol %d mistyped as %c passes the check", n, i, wrong)
				}
			}
		}
	}
}

func TestCheckSymbolCatchesMostSwaps(t *testing.T) {
	caught, swaps := 0, 0
	for range 500 {
		symbols := []byte(strings.ReplaceAll(strings.TrimPrefix(NewNumber(), "GW-"), "-", ""))
		for i := 0; i+1 < numberChars; i++ {
			if symbols[i] == symbols[i+1] {
				continue
			}
			swapped := append([]byte{}, symbols...)
			swapped[i], swapped[i+1] = swapped[i+1], swapped[i]
			swaps++
			if _, ok := ParseNumber(string(swapped)); !ok {
				caught++
			}
		}
	}
	if rate := float64(caught) / float64(swaps); rate < 0.95 {
		t.Fatalf("the check caught %.1f%% of swapped neighbours, want at least 95%%", 100*rate)
	}
}

func TestTokensAreLongAndDistinct(t *testing.T) {
	a, b := NewToken(), NewToken()
	if len(a) != 26 || a == b || strings.ToLower(a) != a {
		t.Fatalf("tokens %q and %q: want 26 lower-case symbols (130 bits), different", a, b)
	}
}
