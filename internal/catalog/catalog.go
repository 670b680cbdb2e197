// Package catalog loads the curriculum from files (see courses/README.md):
// the programme, its modules, their lessons in Markdown, knowledge checks
// and competencies. Load checks everything and reports every problem with
// its file and line; lessons are rendered to HTML once, at load.
package catalog

import (
	"html/template"
	"slices"
)

// Audience says who a module is for.
type Audience string

// The two audiences.
const (
	AudienceTrainee Audience = "trainee"
	AudiencePublic  Audience = "public"
)

// Catalog is a loaded, checked curriculum.
type Catalog struct {
	Programme Programme
	Modules   []*Module // programme modules in order, then public modules by title
	bySlug    map[string]*Module
}

// Programme is the Trainee Groupworker Programme.
type Programme struct {
	Slug, Title, Summary string
	Modules              []string
	SupervisionHours     int
}

// DefaultRetakeAfterMinutes is the wait after a failed knowledge check when
// a module does not set retake_after_minutes: long enough to reread, short
// enough not to frustrate.
const DefaultRetakeAfterMinutes = 10

// Module is one course module.
type Module struct {
	Slug, Title, Summary string
	Audience             Audience
	Minutes              int
	Prerequisites        []string
	PassMark             int
	// RetakeAfterMinutes is how long a trainee waits after a failed
	// knowledge check before trying again (0: at once).
	RetakeAfterMinutes int
	Outcomes           []string
	Competencies       []Competency
	ReflectionPrompts  []string
	References         []Reference
	Lessons            []*Lesson
	Quiz               *Quiz
	// Version is a hash of every file of the module: rewording changes it,
	// while slugs and competency IDs stay stable.
	Version string
	// Images maps a file under images/ to its bytes, served with the lessons.
	Images map[string][]byte
}

// Competency is something a trainee shows and a supervisor signs off.
type Competency struct {
	ID, Title, Description string
	// DANOS lists the Drug and Alcohol National Occupational Standards
	// units the competency evidences, such as "AF3".
	DANOS []string
	// BeforeUnsupervisedPractice marks a safety-critical competency: it must
	// be signed off before the trainee works without supervision.
	BeforeUnsupervisedPractice bool
	// Rubric says what the supervisor must see before signing off; the zero
	// Rubric means the module sets none (public modules).
	Rubric Rubric
}

// Evidence is a kind of evidence a supervisor may accept for a competency.
type Evidence string

// The kinds of evidence.
const (
	EvidenceObservation Evidence = "observation" // the supervisor saw it in the work
	EvidenceRecord      Evidence = "record"      // a case note, referral or plan the trainee wrote
	EvidenceTestimony   Evidence = "testimony"   // a colleague's or client's account
	EvidenceSimulation  Evidence = "simulation"  // a drill or role play, for rare events
)

// EvidenceKinds lists every kind of evidence, in the order pages show them.
var EvidenceKinds = []Evidence{EvidenceObservation, EvidenceRecord, EvidenceTestimony, EvidenceSimulation}

// Label is how a page names the kind of evidence.
func (e Evidence) Label() string {
	switch e {
	case EvidenceObservation:
		return "Observation in practice"
	case EvidenceRecord:
		return "A record the trainee wrote"
	case EvidenceTestimony:
		return "Testimony from a colleague or client"
	case EvidenceSimulation:
		return "Simulation (a drill or role play)"
	}
	return string(e)
}

// Rubric is what counts as evidence for a competency, how often the
// supervisor must see it and what they check.
type Rubric struct {
	Evidence  []Evidence
	Instances int
	Criteria  []string
}

// Allows reports whether the rubric accepts evidence of kind e.
func (r Rubric) Allows(e Evidence) bool { return slices.Contains(r.Evidence, e) }

// IsZero reports whether the module set no rubric.
func (r Rubric) IsZero() bool {
	return len(r.Evidence) == 0 && r.Instances == 0 && len(r.Criteria) == 0
}

// Reference is a source the module draws on.
type Reference struct {
	Text, URL string
}

// Lesson is one rendered lesson.
type Lesson struct {
	Slug, Title string
	Minutes     int
	Number      int // 1-based position in the module
	HTML        template.HTML
	Headings    []Heading
	Words       int
	text        []string // plain-text blocks, for readability
}

// Heading is a section of a lesson, for its table of contents.
type Heading struct {
	Level    int
	ID, Text string
}

// Quiz is a module's knowledge check.
type Quiz struct {
	Questions []Question
	line      int // of "questions:" in quiz.yaml, for checks
}

// QuestionType is how a question is answered.
type QuestionType string

// The question types.
const (
	QuestionSingle    QuestionType = "single"
	QuestionMultiple  QuestionType = "multiple"
	QuestionTrueFalse QuestionType = "truefalse"
)

// Question is one knowledge-check question.
type Question struct {
	ID       string
	Type     QuestionType
	Scenario string
	Prompt   string
	Options  []Option
	line     int // in quiz.yaml, for checks
}

// Option is one answer to a question, with why it is right or wrong.
type Option struct {
	Text        string
	Correct     bool
	Explanation string
	line        int // in quiz.yaml, for checks
}

// CorrectSet returns the indexes of the correct options.
func (q Question) CorrectSet() []int {
	var set []int
	for i, o := range q.Options {
		if o.Correct {
			set = append(set, i)
		}
	}
	return set
}

// Module returns the module with slug.
func (c *Catalog) Module(slug string) (*Module, bool) {
	m, ok := c.bySlug[slug]
	return m, ok
}

// Lesson returns the lesson of module moduleSlug with slug lessonSlug.
func (c *Catalog) Lesson(moduleSlug, lessonSlug string) (*Module, *Lesson, bool) {
	m, ok := c.bySlug[moduleSlug]
	if !ok {
		return nil, nil, false
	}
	for _, l := range m.Lessons {
		if l.Slug == lessonSlug {
			return m, l, true
		}
	}
	return nil, nil, false
}

// TraineeModules returns the programme's modules in order.
func (c *Catalog) TraineeModules() []*Module {
	var out []*Module
	for _, m := range c.Modules {
		if m.Audience == AudienceTrainee {
			out = append(out, m)
		}
	}
	return out
}

// PublicModules returns the modules anyone may read.
func (c *Catalog) PublicModules() []*Module {
	var out []*Module
	for _, m := range c.Modules {
		if m.Audience == AudiencePublic {
			out = append(out, m)
		}
	}
	return out
}

// CompetencyIDs returns every competency ID, sorted.
func (c *Catalog) CompetencyIDs() []string {
	var ids []string
	for _, m := range c.Modules {
		for _, comp := range m.Competencies {
			ids = append(ids, comp.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// Competency returns the competency with id and its module.
func (c *Catalog) Competency(id string) (*Module, Competency, bool) {
	for _, m := range c.Modules {
		for _, comp := range m.Competencies {
			if comp.ID == id {
				return m, comp, true
			}
		}
	}
	return nil, Competency{}, false
}

// BeforeUnsupervisedPractice returns the programme's safety-critical
// competencies, in programme order: every one must be signed off before a
// trainee is cleared for unsupervised practice.
func (c *Catalog) BeforeUnsupervisedPractice() []Competency {
	var out []Competency
	for _, m := range c.TraineeModules() {
		if !slices.Contains(c.Programme.Modules, m.Slug) {
			continue
		}
		for _, comp := range m.Competencies {
			if comp.BeforeUnsupervisedPractice {
				out = append(out, comp)
			}
		}
	}
	return out
}

// Prev returns the lesson before l, or nil.
func (m *Module) Prev(l *Lesson) *Lesson {
	if l.Number > 1 {
		return m.Lessons[l.Number-2]
	}
	return nil
}

// Next returns the lesson after l, or nil.
func (m *Module) Next(l *Lesson) *Lesson {
	if l.Number < len(m.Lessons) {
		return m.Lessons[l.Number]
	}
	return nil
}

// Clearance is where a trainee stands on the programme's safety-critical
// competencies: those that must be signed off before unsupervised practice.
type Clearance struct {
	Required []Competency // every safety-critical competency of the programme
	Missing  []Competency // those not signed off now
}

// Cleared reports whether the trainee is cleared for unsupervised practice:
// every safety-critical competency is signed off and not withdrawn.
func (c Clearance) Cleared() bool { return len(c.Missing) == 0 }

// Applies reports whether the programme has safety-critical competencies.
func (c Clearance) Applies() bool { return len(c.Required) > 0 }

// Clearance says whether a trainee with the competencies signedOff (ID ->
// signed off now) is cleared for unsupervised practice.
func (c *Catalog) Clearance(signedOff map[string]bool) Clearance {
	cl := Clearance{Required: c.BeforeUnsupervisedPractice()}
	for _, comp := range cl.Required {
		if !signedOff[comp.ID] {
			cl.Missing = append(cl.Missing, comp)
		}
	}
	return cl
}
