package catalog

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// brokenFixtures maps each folder of testdata/broken to the one problem it
// exists to show: every rule of the format and of item quality has a
// curriculum that breaks it and nothing else.
var brokenFixtures = map[string]struct {
	file string
	line int
	want string
}{
	"unknown-evidence":                {moduleFile, 18, `evidence "hearsay" is not a kind of evidence`},
	"instances-out-of-range":          {moduleFile, 19, "from 1 to 5, not 6"},
	"too-few-criteria":                {moduleFile, 21, "needs 2 to 6 criteria, not 1"},
	"danos-bad-shape":                 {moduleFile, 16, `"unit 7" does not look like a DANOS unit code`},
	"danos-unknown":                   {moduleFile, 16, `"ZZ9" is not a DANOS unit Groundwork knows`},
	"danos-missing":                   {moduleFile, 11, `the field "danos" is missing`},
	"rubric-missing":                  {moduleFile, 11, `the field "rubric" is missing`},
	"unsupervised-without-simulation": {moduleFile, 19, "its rubric must allow simulation"},
	"longest-correct":                 {quizFile, 1, "the correct option is the longest in 1 of 1 single-choice questions (100%, more than 40%): first-words (line 2)"},
	"all-of-the-above":                {quizFile, 12, `the option "All of the above." points at other options`},
	"few-scenarios":                   {quizFile, 1, "only 0 of 2 questions are scenario-based"},
	"missing-explanation":             {quizFile, 16, `the field "explanation" is missing`},
}

func TestEachBrokenFixtureFailsOnItsRule(t *testing.T) {
	entries, err := os.ReadDir("testdata/broken")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(brokenFixtures) {
		t.Fatalf("%d fixtures in testdata/broken, %d expected", len(entries), len(brokenFixtures))
	}
	for name, tc := range brokenFixtures {
		t.Run(name, func(t *testing.T) {
			_, err := Load(os.DirFS("testdata/broken/" + name))
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Load = %v, want problems", err)
			}
			if len(ps) != 1 {
				t.Errorf("want only the rule's problem, got:\n%v", err)
			}
			if p := ps[0]; p.File != tc.file || p.Line != tc.line || !strings.Contains(p.Message, tc.want) {
				t.Fatalf("got %v, want %s:%d: ...%s...", p, tc.file, tc.line, tc.want)
			}
		})
	}
}

func TestCompetencyFormatLoads(t *testing.T) {
	c, err := Load(os.DirFS("testdata/example"))
	if err != nil {
		t.Fatal(err)
	}
	_, comp, ok := c.Competency("contact-welcome")
	if !ok {
		t.Fatal("competency not found")
	}
	if strings.Join(comp.DANOS, ",") != "SCDHSC0031,SCDHSC0233" || comp.BeforeUnsupervisedPractice {
		t.Fatalf("competency = %+v", comp)
	}
	rb := comp.Rubric
	if rb.Instances != 2 || len(rb.Criteria) != 3 || !rb.Allows(EvidenceTestimony) || rb.Allows(EvidenceSimulation) {
		t.Fatalf("rubric = %+v", rb)
	}
	if DANOSTitle("SCDHSC0031") != "Promote effective communication" {
		t.Fatal("no title for a listed unit")
	}
	if len(c.BeforeUnsupervisedPractice()) != 0 {
		t.Fatal("the example has no safety-critical competency")
	}
}

func TestBeforeUnsupervisedPracticeIsProgrammeOrdered(t *testing.T) {
	m := example(t)
	replace(t, m, moduleFile, "    rubric:\n      evidence: [observation, testimony]", "    before_unsupervised_practice: true\n    rubric:\n      evidence: [observation, simulation]")
	c, err := Load(m)
	if err != nil {
		t.Fatal(err)
	}
	got := c.BeforeUnsupervisedPractice()
	if len(got) != 1 || got[0].ID != "contact-welcome" {
		t.Fatalf("BeforeUnsupervisedPractice = %+v", got)
	}
}

func TestCombinedOptions(t *testing.T) {
	for _, text := range []string{"All of the above", "none of the above.", "Both of the above", "A and B", "Both A and C", "Options A, B and D", "Neither of these", "B & C"} {
		if !combinedOption.MatchString(text) {
			t.Errorf("%q not caught", text)
		}
	}
	for _, text := range []string{"A calm, clear reply", "Both workers stay in the room", "All group members agree the rules", "None, unless they ask", "Ask about their day and offer a tea", "A and E department"} {
		if combinedOption.MatchString(text) {
			t.Errorf("%q caught, but it stands alone", text)
		}
	}
}

func TestItemStats(t *testing.T) {
	c, err := Load(os.DirFS("testdata/example"))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := c.Module("first-contact")
	s := m.Quiz.Stats()
	if s.Questions != 2 || s.Scenarios != 1 || s.Single != 1 || s.LongestCorrect != 0 || s.ScenarioShare() != 0.5 {
		t.Fatalf("stats = %+v", s)
	}
}

func TestClearance(t *testing.T) {
	m := example(t)
	replace(t, m, moduleFile, "    rubric:\n      evidence: [observation, testimony]", "    before_unsupervised_practice: true\n    rubric:\n      evidence: [observation, simulation]")
	c, err := Load(m)
	if err != nil {
		t.Fatal(err)
	}
	if cl := c.Clearance(nil); cl.Cleared() || !cl.Applies() || len(cl.Missing) != 1 {
		t.Fatalf("nothing signed off: %+v", cl)
	}
	if cl := c.Clearance(map[string]bool{"contact-welcome": true}); !cl.Cleared() {
		t.Fatalf("all signed off: %+v", cl)
	}
	plain, _ := Load(example(t))
	if cl := plain.Clearance(nil); !cl.Cleared() || cl.Applies() {
		t.Fatalf("a programme without safety-critical competencies: %+v", cl)
	}
}
