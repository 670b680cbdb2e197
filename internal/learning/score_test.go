package learning

import (
	"testing"

	"groundwork/internal/catalog"
)

func quizOf(qs ...catalog.Question) *catalog.Quiz { return &catalog.Quiz{Questions: qs} }

func options(correct ...bool) []catalog.Option {
	var out []catalog.Option
	for _, c := range correct {
		out = append(out, catalog.Option{Text: "o", Correct: c, Explanation: "e"})
	}
	return out
}

func TestScore(t *testing.T) {
	q := quizOf(
		catalog.Question{ID: "a", Type: catalog.QuestionSingle, Options: options(false, true, false)},
		catalog.Question{ID: "b", Type: catalog.QuestionMultiple, Options: options(true, false, true)},
		catalog.Question{ID: "c", Type: catalog.QuestionTrueFalse, Options: options(true, false)},
	)
	cases := []struct {
		name string
		ans  Answers
		want int
	}{
		{"all right", Answers{"a": {1}, "b": {2, 0}, "c": {0}}, 100},
		{"multiple needs every correct option", Answers{"a": {1}, "b": {0}, "c": {0}}, 67},
		{"multiple with an extra wrong option", Answers{"a": {1}, "b": {0, 1, 2}, "c": {0}}, 67},
		{"one right", Answers{"a": {0}, "b": {1}, "c": {0}}, 33},
		{"nothing", Answers{}, 0},
	}
	for _, tc := range cases {
		if got := Score(q, tc.ans); got != tc.want {
			t.Errorf("%s: Score = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestShuffleVariesAndKeepsTrueFalse(t *testing.T) {
	q := quizOf(
		catalog.Question{ID: "a", Type: catalog.QuestionSingle, Options: options(true, false, false, false)},
		catalog.Question{ID: "tf", Type: catalog.QuestionTrueFalse, Options: options(true, false)},
	)
	seen := map[[4]int]bool{}
	for range 50 {
		order := shuffle(q)
		var key [4]int
		copy(key[:], order["a"])
		seen[key] = true
		if order["tf"][0] != 0 || order["tf"][1] != 1 {
			t.Fatal("true/false options were shuffled")
		}
	}
	if len(seen) < 5 {
		t.Fatalf("only %d distinct orders in 50 attempts", len(seen))
	}
}
