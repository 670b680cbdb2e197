package authoring

import (
	"strings"
	"testing"

	"groundwork/internal/catalog"
)

// TestWithQuestionWritesTrueFalseAsText adds a true/false question to a
// quiz file with a comment: the answers stay text, the comment stays.
func TestWithQuestionWritesTrueFalseAsText(t *testing.T) {
	t.Parallel()
	data := []byte("# our quiz\nquestions:\n  - id: a\n    type: single\n    prompt: A?\n    options:\n      - text: x\n        correct: true\n        explanation: y\n      - text: z\n        explanation: w\n")
	out, err := withQuestion(data, "", catalog.Question{ID: "labels", Type: catalog.QuestionTrueFalse, Prompt: "Labels help.",
		Options: []catalog.Option{{Text: "True", Explanation: "No."}, {Text: "False", Correct: true, Explanation: "Yes."}}})
	if err != nil {
		t.Fatal(err)
	}
	q, problems := catalog.ParseQuiz("m/quiz.yaml", out)
	if len(problems) > 0 || len(q.Questions) != 2 || q.Questions[1].Options[0].Text != "True" || !strings.HasPrefix(string(out), "# our quiz") {
		t.Fatalf("problems %v in\n%s", problems, out)
	}
}
