package catalog

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// ParseQuiz reads a quiz.yaml. It returns every problem found; the quiz is
// usable only when there are none.
func ParseQuiz(file string, data []byte) (*Quiz, Problems) {
	r := &report{}
	q := parseQuiz(r, file, data)
	return q, r.list
}

func parseQuiz(r *report, file string, data []byte) *Quiz {
	root := parseYAML(r, file, data, 0)
	if root == nil {
		return nil
	}
	f := fields(r, file, root, "questions")
	require(r, file, root, f, "questions")
	quiz := &Quiz{}
	if f["questions"] == nil {
		return quiz
	}
	quiz.line = keyLine(root, "questions")
	seen := map[string]bool{}
	for _, item := range items(r, file, f["questions"], "questions") {
		q := parseQuestion(r, file, item)
		if q.ID != "" && seen[q.ID] {
			r.add(file, item.Line, "question id %q is used twice", q.ID)
		}
		seen[q.ID] = true
		quiz.Questions = append(quiz.Questions, q)
	}
	if len(quiz.Questions) == 0 {
		r.add(file, root.Line, "the quiz has no questions")
	}
	return quiz
}

func parseQuestion(r *report, file string, n *yaml.Node) Question {
	q := Question{line: n.Line}
	f := fields(r, file, n, "id", "type", "scenario", "prompt", "options")
	require(r, file, n, f, "id", "type", "prompt", "options")
	decode(r, file, f["id"], &q.ID, "id")
	decode(r, file, f["scenario"], &q.Scenario, "scenario")
	decode(r, file, f["prompt"], &q.Prompt, "prompt")
	var typ string
	decode(r, file, f["type"], &typ, "type")
	q.Type = QuestionType(typ)
	if q.ID != "" && !validSlug(q.ID) {
		r.add(file, n.Line, "question id %q must be lowercase words joined by hyphens", q.ID)
	}
	if typ != "" && q.Type != QuestionSingle && q.Type != QuestionMultiple && q.Type != QuestionTrueFalse {
		r.add(file, f["type"].Line, "type must be single, multiple or truefalse, not %q", typ)
	}
	if f["options"] != nil {
		for _, item := range items(r, file, f["options"], "options") {
			q.Options = append(q.Options, parseOption(r, file, item))
		}
	}
	checkAnswers(r, file, n.Line, q)
	return q
}

func parseOption(r *report, file string, n *yaml.Node) Option {
	o := Option{line: n.Line}
	f := fields(r, file, n, "text", "correct", "explanation")
	require(r, file, n, f, "text", "explanation")
	decode(r, file, f["text"], &o.Text, "text")
	decode(r, file, f["correct"], &o.Correct, "correct")
	decode(r, file, f["explanation"], &o.Explanation, "explanation")
	return o
}

// checkAnswers enforces the number of options and correct answers per type.
func checkAnswers(r *report, file string, line int, q Question) {
	correct := len(q.CorrectSet())
	name := q.ID
	switch q.Type {
	case QuestionTrueFalse:
		if len(q.Options) != 2 || !strings.EqualFold(q.Options[0].Text, "True") || !strings.EqualFold(q.Options[1].Text, "False") {
			r.add(file, line, "true/false question %q needs exactly two options, \"True\" then \"False\"", name)
		}
	case QuestionSingle, QuestionMultiple:
		if len(q.Options) < 2 || len(q.Options) > 6 {
			r.add(file, line, "question %q needs 2 to 6 options, not %d", name, len(q.Options))
		}
	default:
		return
	}
	switch {
	case correct == 0:
		r.add(file, line, "question %q has no correct answer", name)
	case correct > 1 && q.Type != QuestionMultiple:
		r.add(file, line, "question %q is %s but has %d correct answers (use type: multiple)", name, q.Type, correct)
	}
}
