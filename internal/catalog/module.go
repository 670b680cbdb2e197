package catalog

import (
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// parseProgramme reads programme.yaml.
func parseProgramme(r *report, file string, data []byte) Programme {
	var p Programme
	root := parseYAML(r, file, data, 0)
	if root == nil {
		return p
	}
	f := fields(r, file, root, "slug", "title", "summary", "modules", "supervision_hours")
	require(r, file, root, f, "slug", "title", "summary", "modules", "supervision_hours")
	decode(r, file, f["slug"], &p.Slug, "slug")
	decode(r, file, f["title"], &p.Title, "title")
	decode(r, file, f["summary"], &p.Summary, "summary")
	decode(r, file, f["modules"], &p.Modules, "modules")
	if decode(r, file, f["supervision_hours"], &p.SupervisionHours, "supervision_hours") && p.SupervisionHours < 0 {
		r.add(file, f["supervision_hours"].Line, "supervision_hours cannot be negative")
	}
	if p.Slug != "" && !validSlug(p.Slug) {
		r.add(file, f["slug"].Line, "slug %q must be lowercase words joined by hyphens, like trainee-groupworker", p.Slug)
	}
	return p
}

// moduleLines remembers where things are in module.yaml, for later checks.
type moduleLines struct {
	prerequisites   int
	competencies    map[string]int
	passMark        int
	competencyField int
}

// parseModule reads a module.yaml into m.
func parseModule(r *report, file string, data []byte, m *Module) moduleLines {
	lines := moduleLines{competencies: map[string]int{}}
	root := parseYAML(r, file, data, 0)
	if root == nil {
		return lines
	}
	f := fields(r, file, root, "title", "summary", "audience", "minutes", "prerequisites", "pass_mark",
		"retake_after_minutes", "outcomes", "competencies", "reflection_prompts", "references")
	require(r, file, root, f, "title", "summary", "audience", "minutes", "outcomes", "references")
	decode(r, file, f["title"], &m.Title, "title")
	decode(r, file, f["summary"], &m.Summary, "summary")
	var audience string
	if decode(r, file, f["audience"], &audience, "audience") {
		m.Audience = Audience(audience)
		if m.Audience != AudienceTrainee && m.Audience != AudiencePublic {
			r.add(file, f["audience"].Line, "audience must be trainee or public, not %q", audience)
		}
	}
	if decode(r, file, f["minutes"], &m.Minutes, "minutes") && m.Minutes <= 0 {
		r.add(file, f["minutes"].Line, "minutes must be a positive whole number")
	}
	if n := f["prerequisites"]; n != nil {
		decode(r, file, n, &m.Prerequisites, "prerequisites")
		lines.prerequisites = n.Line
	}
	if n := f["pass_mark"]; n != nil {
		lines.passMark = n.Line
		if decode(r, file, n, &m.PassMark, "pass_mark") && (m.PassMark < 1 || m.PassMark > 100) {
			r.add(file, n.Line, "pass_mark is a percentage from 1 to 100, not %d", m.PassMark)
		}
	}
	m.RetakeAfterMinutes = DefaultRetakeAfterMinutes
	if n := f["retake_after_minutes"]; n != nil {
		if decode(r, file, n, &m.RetakeAfterMinutes, "retake_after_minutes") && m.RetakeAfterMinutes < 0 {
			r.add(file, n.Line, "retake_after_minutes cannot be negative")
		}
	}
	decode(r, file, f["outcomes"], &m.Outcomes, "outcomes")
	decode(r, file, f["reflection_prompts"], &m.ReflectionPrompts, "reflection_prompts")
	if n := f["competencies"]; n != nil {
		lines.competencyField = n.Line
		m.Competencies = parseCompetencies(r, file, n, m.Audience, lines.competencies)
	}
	if n := f["references"]; n != nil {
		m.References = parseReferences(r, file, n)
	}
	checkTextList(r, file, f["outcomes"], "an outcome")
	checkTextList(r, file, f["reflection_prompts"], "a reflection prompt")
	return lines
}

// checkTextList reports empty entries in a list of text.
func checkTextList(r *report, file string, n *yaml.Node, what string) {
	if n == nil || n.Kind != yaml.SequenceNode {
		return
	}
	for _, item := range n.Content {
		if strings.TrimSpace(item.Value) == "" {
			r.add(file, item.Line, "%s is empty", what)
		}
	}
}

func items(r *report, file string, n *yaml.Node, what string) []*yaml.Node {
	if n.Kind != yaml.SequenceNode {
		r.add(file, n.Line, "%s must be a list (lines starting with \"- \")", what)
		return nil
	}
	return n.Content
}

func parseCompetencies(r *report, file string, n *yaml.Node, audience Audience, lines map[string]int) []Competency {
	var out []Competency
	for _, item := range items(r, file, n, "competencies") {
		f := fields(r, file, item, "id", "title", "description", "danos", "before_unsupervised_practice", "rubric")
		require(r, file, item, f, "id", "title", "description")
		if audience == AudienceTrainee {
			require(r, file, item, f, "danos", "rubric")
		}
		var c Competency
		decode(r, file, f["id"], &c.ID, "id")
		decode(r, file, f["title"], &c.Title, "title")
		decode(r, file, f["description"], &c.Description, "description")
		decode(r, file, f["before_unsupervised_practice"], &c.BeforeUnsupervisedPractice, "before_unsupervised_practice")
		if n := f["danos"]; n != nil {
			c.DANOS = parseDANOS(r, file, n)
		}
		if n := f["rubric"]; n != nil {
			c.Rubric = parseRubric(r, file, n)
			if c.BeforeUnsupervisedPractice && !c.Rubric.Allows(EvidenceSimulation) && len(c.Rubric.Evidence) > 0 {
				r.add(file, f["rubric"].Line, "competency %q must be signed off before unsupervised practice, so its rubric must allow simulation: the event it depends on may not happen while the trainee is supervised", c.ID)
			}
		}
		if c.ID != "" && !validSlug(c.ID) {
			r.add(file, item.Line, "competency id %q must be lowercase words joined by hyphens", c.ID)
		}
		if _, dup := lines[c.ID]; dup && c.ID != "" {
			r.add(file, item.Line, "competency id %q is used twice in this module", c.ID)
		}
		lines[c.ID] = item.Line
		out = append(out, c)
	}
	return out
}

// Rubric limits: one to five occasions, two to six criteria.
const (
	minInstances, maxInstances = 1, 5
	minCriteria, maxCriteria   = 2, 6
)

// parseRubric reads a competency's rubric and checks its limits.
func parseRubric(r *report, file string, n *yaml.Node) Rubric {
	var rb Rubric
	f := fields(r, file, n, "evidence", "instances", "criteria")
	if n.Kind != yaml.MappingNode {
		return rb
	}
	require(r, file, n, f, "evidence", "instances", "criteria")
	if e := f["evidence"]; e != nil {
		var kinds []string
		if decode(r, file, e, &kinds, "evidence") {
			rb.Evidence = parseEvidence(r, file, e, kinds)
		}
	}
	if i := f["instances"]; i != nil {
		if decode(r, file, i, &rb.Instances, "instances") && (rb.Instances < minInstances || rb.Instances > maxInstances) {
			r.add(file, i.Line, "instances is how many separate occasions the supervisor must see, from %d to %d, not %d", minInstances, maxInstances, rb.Instances)
		}
	}
	if c := f["criteria"]; c != nil && textItems(r, file, c, "criterion") {
		if decode(r, file, c, &rb.Criteria, "criteria") {
			checkTextList(r, file, c, "a criterion")
			if len(rb.Criteria) < minCriteria || len(rb.Criteria) > maxCriteria {
				r.add(file, c.Line, "a rubric needs %d to %d criteria, not %d", minCriteria, maxCriteria, len(rb.Criteria))
			}
		}
	}
	return rb
}

// textItems reports each list item that YAML did not read as plain text,
// usually a line with ": " in it, and whether the list is usable.
func textItems(r *report, file string, n *yaml.Node, what string) bool {
	if n.Kind != yaml.SequenceNode {
		return true // decode reports the wrong kind of value
	}
	ok := true
	for _, item := range n.Content {
		if item.Kind != yaml.ScalarNode {
			r.add(file, item.Line, "this %s is not plain text: a \": \" inside it makes YAML read a field; put the whole line in double quotes", what)
			ok = false
		}
	}
	return ok
}

// parseEvidence checks each kind of evidence, reporting unknown and
// repeated ones on their own line.
func parseEvidence(r *report, file string, n *yaml.Node, kinds []string) []Evidence {
	var out []Evidence
	for i, k := range kinds {
		e := Evidence(k)
		line := n.Line
		if n.Kind == yaml.SequenceNode && i < len(n.Content) {
			line = n.Content[i].Line
		}
		switch {
		case !slices.Contains(EvidenceKinds, e):
			r.add(file, line, "evidence %q is not a kind of evidence; use observation, record, testimony or simulation", k)
		case slices.Contains(out, e):
			r.add(file, line, "evidence %q is listed twice", k)
		default:
			out = append(out, e)
		}
	}
	if len(kinds) == 0 {
		r.add(file, n.Line, "evidence needs at least one of observation, record, testimony or simulation")
	}
	return out
}

// parseDANOS reads a list of DANOS unit codes, each checked against the
// published units.
func parseDANOS(r *report, file string, n *yaml.Node) []string {
	var codes []string
	if !decode(r, file, n, &codes, "danos") {
		return nil
	}
	if len(codes) == 0 {
		r.add(file, n.Line, "danos needs at least one DANOS unit code, like AF3")
	}
	for i, code := range codes {
		line := n.Line
		if n.Kind == yaml.SequenceNode && i < len(n.Content) {
			line = n.Content[i].Line
		}
		if msg := checkDANOS(code); msg != "" {
			r.add(file, line, "%s", msg)
		}
		if slices.Index(codes, code) < i {
			r.add(file, line, "DANOS unit %q is listed twice", code)
		}
	}
	return codes
}

func parseReferences(r *report, file string, n *yaml.Node) []Reference {
	var out []Reference
	for _, item := range items(r, file, n, "references") {
		f := fields(r, file, item, "text", "url")
		require(r, file, item, f, "text")
		var ref Reference
		decode(r, file, f["text"], &ref.Text, "text")
		decode(r, file, f["url"], &ref.URL, "url")
		if ref.URL != "" && !strings.HasPrefix(ref.URL, "https://") && !strings.HasPrefix(ref.URL, "http://") {
			r.add(file, f["url"].Line, "url must start with https://")
		}
		out = append(out, ref)
	}
	return out
}
