package catalog

import (
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
		m.Competencies = parseCompetencies(r, file, n, lines.competencies)
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

func parseCompetencies(r *report, file string, n *yaml.Node, lines map[string]int) []Competency {
	var out []Competency
	for _, item := range items(r, file, n, "competencies") {
		f := fields(r, file, item, "id", "title", "description")
		require(r, file, item, f, "id", "title", "description")
		var c Competency
		decode(r, file, f["id"], &c.ID, "id")
		decode(r, file, f["title"], &c.Title, "title")
		decode(r, file, f["description"], &c.Description, "description")
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
