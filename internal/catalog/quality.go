package catalog

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// MaxLongestCorrectShare is the largest share of a module's single-choice
// questions whose correct option may be the longest one. With four options
// a blind guess lands on the longest a quarter of the time; above 40% the
// length gives the answer away (see courses/README.md).
const MaxLongestCorrectShare = 0.40

// MinScenarioShare is the smallest share of a module's questions that must
// set a scenario: knowledge checks test judgement in a case, not recall.
const MinScenarioShare = 0.5

// ItemStats describes the questions of one knowledge check.
type ItemStats struct {
	Questions, Scenarios int
	// Single is the number of single-choice questions; LongestCorrect, how
	// many of them have the correct option as the strictly longest.
	Single, LongestCorrect int
}

// LongestCorrectShare is LongestCorrect as a share of Single (0 when the
// quiz has no single-choice questions).
func (s ItemStats) LongestCorrectShare() float64 {
	if s.Single == 0 {
		return 0
	}
	return float64(s.LongestCorrect) / float64(s.Single)
}

// ScenarioShare is the share of questions that set a scenario.
func (s ItemStats) ScenarioShare() float64 {
	if s.Questions == 0 {
		return 0
	}
	return float64(s.Scenarios) / float64(s.Questions)
}

// Stats counts what the item-quality rules look at.
func (q *Quiz) Stats() ItemStats {
	var s ItemStats
	for _, question := range q.Questions {
		s.Questions++
		if strings.TrimSpace(question.Scenario) != "" {
			s.Scenarios++
		}
		if question.Type == QuestionSingle {
			s.Single++
			if question.correctIsLongest() {
				s.LongestCorrect++
			}
		}
	}
	return s
}

// correctIsLongest reports whether the question's one correct option is
// longer than every other option. A tie gives nothing away.
func (q Question) correctIsLongest() bool {
	set := q.CorrectSet()
	if len(set) != 1 {
		return false
	}
	longest := utf8.RuneCountInString(strings.TrimSpace(q.Options[set[0]].Text))
	for i, o := range q.Options {
		if i != set[0] && utf8.RuneCountInString(strings.TrimSpace(o.Text)) >= longest {
			return false
		}
	}
	return true
}

// combinedOption matches options that point at other options instead of
// standing alone: "all of the above", "none of these", "both of the
// above", "A and B", "Both B and C", "options A, B and D".
var combinedOption = regexp.MustCompile(`(?i)^\W*(?:` +
	`(?:all|none|both|neither|any)\s+of\s+(?:the\s+)?(?:above|below|these|them|those|the\s+(?:options|answers)|options|answers)\b` +
	`|(?:both\s+|only\s+|options?\s+|answers?\s+)?[a-f]\s*(?:,\s*[a-f]\s*)*(?:and|&|or|plus)\s*[a-f](?:\s+only)?\W*$` +
	`)`)

// checkItems holds a module's knowledge check to the item-quality rules.
func checkItems(r *report, file string, q *Quiz) {
	for _, question := range q.Questions {
		for _, o := range question.Options {
			if combinedOption.MatchString(strings.TrimSpace(o.Text)) {
				r.add(file, o.line, "question %q: the option %q points at other options; write every option so it stands alone (no \"all of the above\", \"none of the above\" or \"A and B\")", question.ID, o.Text)
			}
		}
	}
	s := q.Stats()
	if s.Questions > 0 && s.ScenarioShare() < MinScenarioShare {
		r.add(file, q.line, "only %d of %d questions are scenario-based; at least half must set a short case in \"scenario:\"", s.Scenarios, s.Questions)
	}
	if s.LongestCorrectShare() > MaxLongestCorrectShare {
		r.add(file, q.line, "the correct option is the longest in %d of %d single-choice questions (%.0f%%, more than %.0f%%): %s; make the distractors as full as the answer",
			s.LongestCorrect, s.Single, 100*s.LongestCorrectShare(), 100*MaxLongestCorrectShare, longestCorrectList(q))
	}
}

// longestCorrectList names the questions whose correct option is longest,
// with their lines.
func longestCorrectList(q *Quiz) string {
	var parts []string
	for _, question := range q.Questions {
		if question.Type == QuestionSingle && question.correctIsLongest() {
			parts = append(parts, fmt.Sprintf("%s (line %d)", question.ID, question.line))
		}
	}
	return strings.Join(parts, ", ")
}
