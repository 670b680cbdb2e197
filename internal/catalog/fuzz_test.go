package catalog

import (
	"os"
	"testing"
)

func FuzzFrontMatter(f *testing.F) {
	seed, _ := os.ReadFile("testdata/example/first-contact/lessons/01-the-first-minute.md")
	f.Add(seed)
	f.Add([]byte("---\ntitle: x\nminutes: 1\n---\n"))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("---\ntitle: [\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, minutes, _, bodyLine, problems := ParseFrontMatter("lesson.md", data)
		if len(problems) == 0 && (minutes <= 0 || bodyLine < 3) {
			t.Fatalf("accepted front matter with minutes %d, body line %d", minutes, bodyLine)
		}
		// Rendering whatever body results must not panic either.
		r := &report{}
		renderLesson(&lessonDoc{file: "lesson.md", module: "m", source: data, firstLine: 1, r: r})
	})
}

func FuzzQuiz(f *testing.F) {
	seed, _ := os.ReadFile("testdata/example/first-contact/quiz.yaml")
	f.Add(seed)
	f.Add([]byte("questions: []"))
	f.Add([]byte("questions:\n  - id: a\n    type: truefalse\n    prompt: p\n    options: [{text: \"True\", correct: true, explanation: e}, {text: \"False\", explanation: e}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		quiz, problems := ParseQuiz("quiz.yaml", data)
		if len(problems) > 0 || quiz == nil {
			return
		}
		for _, q := range quiz.Questions {
			n := len(q.CorrectSet())
			if n == 0 || (q.Type != QuestionMultiple && n != 1) {
				t.Fatalf("accepted question %q with %d correct answers", q.ID, n)
			}
			for _, o := range q.Options {
				if o.Explanation == "" {
					t.Fatalf("accepted an option without explanation in %q", q.ID)
				}
			}
		}
	})
}
