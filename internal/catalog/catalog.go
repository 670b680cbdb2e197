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
}

// Option is one answer to a question, with why it is right or wrong.
type Option struct {
	Text        string
	Correct     bool
	Explanation string
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
