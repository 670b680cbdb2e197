package catalog

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// example returns the README's example curriculum as a MapFS to mutate.
func example(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	root := os.DirFS("testdata/example")
	err := fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(root, p)
		m[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestExampleLoads(t *testing.T) {
	c, err := Load(os.DirFS("testdata/example"))
	if err != nil {
		t.Fatalf("the README example has problems:\n%v", err)
	}
	m, ok := c.Module("first-contact")
	if !ok || len(m.Lessons) != 1 || m.Quiz == nil || len(m.Quiz.Questions) != 2 || m.PassMark != 80 {
		t.Fatalf("module = %+v", m)
	}
	if got := c.CompetencyIDs(); len(got) != 1 || got[0] != "contact-welcome" {
		t.Fatalf("competencies = %v", got)
	}
	if len(m.Version) != 16 {
		t.Fatalf("version = %q", m.Version)
	}
	if _, l, ok := c.Lesson("first-contact", "the-first-minute"); !ok || l.Number != 1 || l.Minutes != 10 {
		t.Fatalf("lesson = %+v", l)
	}
	if c.Programme.SupervisionHours != 2 || len(c.TraineeModules()) != 1 || len(c.PublicModules()) != 0 {
		t.Fatalf("programme = %+v", c.Programme)
	}
}

func set(m fstest.MapFS, path, content string) fstest.MapFS {
	m[path] = &fstest.MapFile{Data: []byte(content)}
	return m
}

func replace(t *testing.T, m fstest.MapFS, path, old, new string) fstest.MapFS {
	t.Helper()
	s := string(m[path].Data)
	if !strings.Contains(s, old) {
		t.Fatalf("%s does not contain %q", path, old)
	}
	return set(m, path, strings.Replace(s, old, new, 1))
}

const (
	moduleFile = "first-contact/module.yaml"
	quizFile   = "first-contact/quiz.yaml"
	lessonPath = "first-contact/lessons/01-the-first-minute.md"
)

func TestLoadReportsEveryKindOfMistake(t *testing.T) {
	cases := []struct {
		name string
		edit func(t *testing.T, m fstest.MapFS)
		file string
		line int
		want string
	}{
		{"unknown field", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, moduleFile, "pass_mark: 80", "pass_marks: 80")
		}, moduleFile, 6, `unknown field "pass_marks" (did you mean "pass_mark"?)`},
		{"missing field", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, moduleFile, "summary: How to greet someone who comes to the service for the first time.\n", "")
		}, moduleFile, 1, `"summary" is missing`},
		{"wrong type", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, moduleFile, "minutes: 30", "minutes: half an hour")
		}, moduleFile, 4, "expected a whole number"},
		{"bad audience", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, moduleFile, "audience: trainee", "audience: everyone")
		}, moduleFile, 3, "audience must be trainee or public"},
		{"pass mark out of range", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, moduleFile, "pass_mark: 80", "pass_mark: 180")
		}, moduleFile, 6, "from 1 to 100"},
		{"yaml syntax", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, moduleFile, "minutes: 30", "minutes: [30")
		}, moduleFile, 0, "not valid YAML"},
		{"duplicate competency in a module", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, moduleFile, "reflection_prompts:", "  - id: contact-welcome\n    title: Again\n    description: Again.\nreflection_prompts:")
		}, moduleFile, 24, `competency id "contact-welcome" is used twice`},
		{"duplicate competency across modules", func(t *testing.T, m fstest.MapFS) {
			copyModule(m, "first-contact", "second-contact")
			m["programme.yaml"].Data = []byte(strings.Replace(string(m["programme.yaml"].Data), "  - first-contact", "  - first-contact\n  - second-contact", 1))
		}, "second-contact/module.yaml", 11, `also used in module "first-contact"`},
		{"duplicate module slug in the programme is a missing module", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, "programme.yaml", "  - first-contact", "  - first-contact\n  - no-such-module")
		}, "programme.yaml", 0, `module "no-such-module", which does not exist`},
		{"answer with no correct option", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, quizFile, "        correct: true\n        explanation: It gives", "        explanation: It gives")
		}, quizFile, 2, `question "first-words" has no correct answer`},
		{"single with two correct", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, quizFile, "        explanation: Too personal", "        correct: true\n        explanation: Too personal")
		}, quizFile, 2, "has 2 correct answers"},
		{"option without explanation", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, quizFile, "        explanation: Too personal for a first minute; it can drive people away.\n", "")
		}, quizFile, 10, `"explanation" is missing`},
		{"true/false with other texts", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, quizFile, `- text: "True"`, `- text: "Yes"`)
		}, quizFile, 12, "exactly two options"},
		{"bad question type", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, quizFile, "type: single", "type: essay")
		}, quizFile, 3, "single, multiple or truefalse"},
		{"duplicate question id", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, quizFile, "id: labels", "id: first-words")
		}, quizFile, 12, `question id "first-words" is used twice`},
		{"prerequisite cycle", func(t *testing.T, m fstest.MapFS) {
			copyModule(m, "first-contact", "second-contact")
			replace(t, m, "second-contact/module.yaml", "id: contact-welcome", "id: second-welcome")
			replace(t, m, moduleFile, "prerequisites: []", "prerequisites: [second-contact]")
			replace(t, m, "second-contact/module.yaml", "prerequisites: []", "prerequisites: [first-contact]")
		}, "second-contact/module.yaml", 5, "prerequisites form a cycle: first-contact -> second-contact -> first-contact"},
		{"unknown prerequisite", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, moduleFile, "prerequisites: []", "prerequisites: [nowhere]")
		}, moduleFile, 5, `prerequisite "nowhere" is not a module`},
		{"link to a missing lesson", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, lessonPath, "lesson:first-contact/the-first-minute", "lesson:the-second-minute")
		}, lessonPath, 23, `link to lesson "the-second-minute", which does not exist in module "first-contact"`},
		{"link to a missing module", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, lessonPath, "lesson:first-contact/the-first-minute", "module:elsewhere")
		}, lessonPath, 23, `link to module "elsewhere"`},
		{"image without alt text", func(t *testing.T, m fstest.MapFS) {
			set(m, "first-contact/images/door.png", "png")
			replace(t, m, lessonPath, "## What to say", "![](images/door.png)\n\n## What to say")
		}, lessonPath, 8, "has no alt text"},
		{"missing image", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, lessonPath, "## What to say", "![A door](images/none.png)\n\n## What to say")
		}, lessonPath, 0, "images/none.png does not exist"},
		{"raw html", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, lessonPath, "## What to say", "<script>alert(1)</script>\n\n## What to say")
		}, lessonPath, 8, "raw HTML is not allowed"},
		{"heading skip", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, lessonPath, "## What to say", "#### What to say")
		}, lessonPath, 8, "jumps from 1 to 4"},
		{"unknown callout", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, lessonPath, "[!KEY POINT]", "[!TIP]")
		}, lessonPath, 16, "unknown callout [!TIP]"},
		{"lesson without front matter", func(t *testing.T, m fstest.MapFS) {
			set(m, lessonPath, "Just text.\n")
		}, lessonPath, 1, "must start with front matter"},
		{"lesson front matter missing minutes", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, lessonPath, "minutes: 10\n", "")
		}, lessonPath, 2, `"minutes" is missing`},
		{"badly named lesson", func(t *testing.T, m fstest.MapFS) {
			set(m, "first-contact/lessons/Second Lesson.md", "---\ntitle: x\nminutes: 1\n---\n")
		}, "first-contact/lessons/Second Lesson.md", 0, "lesson files are named like"},
		{"duplicate lesson number", func(t *testing.T, m fstest.MapFS) {
			set(m, "first-contact/lessons/01-again.md", "---\ntitle: Again\nminutes: 1\n---\nText.\n")
		}, "first-contact/lessons/01-the-first-minute.md", 0, "lesson number 01 is also used"},
		{"trainee module without a quiz", func(t *testing.T, m fstest.MapFS) {
			delete(m, quizFile)
		}, "first-contact", 0, "needs a knowledge check"},
		{"public module with competencies", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, moduleFile, "audience: trainee", "audience: public")
		}, moduleFile, 11, "a public module has no competencies"},
		{"folder without module.yaml", func(t *testing.T, m fstest.MapFS) {
			set(m, "drafts/notes.md", "ideas")
		}, "drafts", 0, "has no module.yaml"},
		{"bad module slug", func(t *testing.T, m fstest.MapFS) {
			copyModule(m, "first-contact", "Second_Contact")
			replace(t, m, "Second_Contact/module.yaml", "id: contact-welcome", "id: other-welcome")
		}, "Second_Contact", 0, "lowercase words joined by hyphens"},
		{"bad link scheme", func(t *testing.T, m fstest.MapFS) {
			replace(t, m, lessonPath, "(lesson:first-contact/the-first-minute)", "(javascript:alert(1))")
		}, lessonPath, 23, "is not understood"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := example(t)
			tc.edit(t, m)
			_, err := Load(m)
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Load = %v, want problems", err)
			}
			for _, p := range ps {
				if p.File == tc.file && (tc.line == 0 || p.Line == tc.line) && strings.Contains(p.Message, tc.want) {
					return
				}
			}
			t.Fatalf("no problem at %s:%d containing %q; got:\n%v", tc.file, tc.line, tc.want, err)
		})
	}
}

// copyModule duplicates a module folder under a new slug.
func copyModule(m fstest.MapFS, from, to string) {
	for p, f := range m {
		if strings.HasPrefix(p, from+"/") {
			m[to+strings.TrimPrefix(p, from)] = &fstest.MapFile{Data: f.Data}
		}
	}
}

func TestLoadReportsAllProblemsAtOnce(t *testing.T) {
	m := example(t)
	replace(t, m, moduleFile, "minutes: 30", "minutes: -1")
	replace(t, m, quizFile, "type: single", "type: essay")
	replace(t, m, lessonPath, "title: The first minute\n", "")
	_, err := Load(m)
	var ps Problems
	if !errors.As(err, &ps) || len(ps) < 3 {
		t.Fatalf("want problems in three files, got:\n%v", err)
	}
	files := map[string]bool{}
	for _, p := range ps {
		files[p.File] = true
	}
	if !files[moduleFile] || !files[quizFile] || !files[lessonPath] {
		t.Fatalf("not every file reported:\n%v", err)
	}
	lines := strings.Split(err.Error(), "\n")
	if !strings.HasPrefix(lines[0], "first-contact/lessons/") {
		t.Fatalf("problems are not sorted by file: %q", lines[0])
	}
}

func TestCheckCompetencies(t *testing.T) {
	c, err := Load(example(t))
	if err != nil {
		t.Fatal(err)
	}
	if ps := CheckCompetencies(c, []string{"contact-welcome"}); len(ps) != 0 {
		t.Fatalf("a kept competency was reported: %v", ps)
	}
	ps := CheckCompetencies(c, []string{"contact-welcome", "old-removed"})
	if len(ps) != 1 || !strings.Contains(ps[0].Message, `"old-removed" was removed`) {
		t.Fatalf("CheckCompetencies = %v", ps)
	}
}

func TestVersionChangesWithContentNotIdentity(t *testing.T) {
	a, err := Load(example(t))
	if err != nil {
		t.Fatal(err)
	}
	m := example(t)
	replace(t, m, lessonPath, "Ask what brought them in today.", "Ask what brought them here today.")
	b, err := Load(m)
	if err != nil {
		t.Fatal(err)
	}
	ma, _ := a.Module("first-contact")
	mb, _ := b.Module("first-contact")
	if ma.Version == mb.Version {
		t.Fatal("rewording a lesson did not change the module version")
	}
	if a.CompetencyIDs()[0] != b.CompetencyIDs()[0] {
		t.Fatal("rewording changed a competency ID")
	}
}
