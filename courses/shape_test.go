package courses_test

import (
	"strings"
	"testing"

	"groundwork/courses"
	"groundwork/internal/catalog"
)

// The curriculum may grow, never silently shrink: the programme's seven
// trainee modules and the two public briefings are the floor.
const (
	minTraineeModules = 7
	minPublicModules  = 2
)

// TestCurriculumShape holds every shipped module to the shape the
// programme promises trainees and the public.
func TestCurriculumShape(t *testing.T) {
	c, err := catalog.Load(courses.FS)
	if err != nil {
		t.Fatalf("the shipped curriculum has problems:\n%v", err)
	}
	if n := len(c.Programme.Modules); n < minTraineeModules {
		t.Errorf("the programme has %d modules, fewer than %d", n, minTraineeModules)
	}
	if n := len(c.PublicModules()); n < minPublicModules {
		t.Errorf("%d public modules, fewer than %d", n, minPublicModules)
	}
	for _, m := range c.TraineeModules() {
		t.Run(m.Slug, func(t *testing.T) {
			between(t, "lessons", len(m.Lessons), 4, 6)
			between(t, "competencies", len(m.Competencies), 3, 6)
			between(t, "reflection prompts", len(m.ReflectionPrompts), 2, 4)
			if m.Quiz == nil || len(m.Quiz.Questions) < 10 {
				t.Errorf("the knowledge check needs at least 10 questions")
			}
			// A lesson is one sitting of about ten minutes. Trainee lessons
			// may run a little longer than public ones: the safety lessons
			// (overdose response, capacity, referral) need every step.
			checkLessons(t, m, 600, 1300)
			if len(m.References) == 0 {
				t.Error("no references")
			}
		})
	}
	for _, m := range c.PublicModules() {
		t.Run(m.Slug, func(t *testing.T) {
			between(t, "lessons", len(m.Lessons), 2, 3)
			if len(m.Competencies) > 0 {
				t.Error("a public module has competencies")
			}
			checkLessons(t, m, 600, 1200)
		})
	}
}

func between(t *testing.T, what string, n, lo, hi int) {
	t.Helper()
	if n < lo || n > hi {
		t.Errorf("%d %s, want %d to %d", n, what, lo, hi)
	}
}

// checkLessons wants each lesson within the word range and with at least
// one scenario.
func checkLessons(t *testing.T, m *catalog.Module, lo, hi int) {
	t.Helper()
	for _, l := range m.Lessons {
		if l.Words < lo || l.Words > hi {
			t.Errorf("lesson %s has %d words, want %d to %d", l.Slug, l.Words, lo, hi)
		}
		if !strings.Contains(string(l.HTML), "callout-scenario") {
			t.Errorf("lesson %s has no scenario", l.Slug)
		}
	}
}
