package catalog

import (
	"strings"
)

// check runs the checks that span modules.
func (c *Catalog) check(r *report, lines map[string]moduleLines, links []link) {
	c.checkProgramme(r)
	seen := map[string]string{}
	for _, m := range c.Modules {
		file := m.Slug + "/module.yaml"
		ml := lines[m.Slug]
		c.checkModuleRules(r, m, ml)
		for _, p := range m.Prerequisites {
			if _, ok := c.bySlug[p]; !ok {
				r.add(file, ml.prerequisites, "prerequisite %q is not a module", p)
			}
		}
		for _, comp := range m.Competencies {
			if other, dup := seen[comp.ID]; dup && comp.ID != "" && other != m.Slug {
				r.add(file, ml.competencies[comp.ID], "competency id %q is also used in module %q; IDs must be unique", comp.ID, other)
			}
			seen[comp.ID] = m.Slug
		}
	}
	c.checkCycles(r, lines)
	for _, l := range links {
		if !c.linkExists(l) {
			if l.lesson == "" {
				r.add(l.file, l.line, "link to module %q, which does not exist", l.module)
			} else {
				r.add(l.file, l.line, "link to lesson %q, which does not exist in module %q", l.lesson, l.module)
			}
		}
	}
}

func (c *Catalog) checkProgramme(r *report) {
	for _, slug := range c.Programme.Modules {
		m, ok := c.bySlug[slug]
		switch {
		case !ok:
			r.add("programme.yaml", 0, "the programme lists module %q, which does not exist", slug)
		case m.Audience != AudienceTrainee:
			r.add("programme.yaml", 0, "the programme lists module %q, which is not a trainee module", slug)
		}
	}
}

func (c *Catalog) checkModuleRules(r *report, m *Module, ml moduleLines) {
	file := m.Slug + "/module.yaml"
	switch m.Audience {
	case AudienceTrainee:
		if m.Quiz == nil {
			r.add(m.Slug, 0, "a trainee module needs a knowledge check (quiz.yaml)")
		}
	case AudiencePublic:
		if len(m.Competencies) > 0 {
			r.add(file, ml.competencyField, "a public module has no competencies")
		}
	}
	if m.Quiz != nil && m.PassMark == 0 {
		r.add(file, 0, "a module with a quiz needs a pass_mark (a percentage, e.g. 80)")
	}
	if m.Quiz != nil {
		checkItems(r, m.Slug+"/quiz.yaml", m.Quiz)
	}
}

// checkCycles reports each prerequisite cycle once.
func (c *Catalog) checkCycles(r *report, lines map[string]moduleLines) {
	const (
		unseen = iota
		active
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(slug string)
	visit = func(slug string) {
		state[slug] = active
		stack = append(stack, slug)
		for _, p := range c.bySlug[slug].Prerequisites {
			if _, ok := c.bySlug[p]; !ok {
				continue
			}
			switch state[p] {
			case active:
				cycle := append(stackFrom(stack, p), p)
				r.add(slug+"/module.yaml", lines[slug].prerequisites, "prerequisites form a cycle: %s", strings.Join(cycle, " -> "))
			case unseen:
				visit(p)
			}
		}
		stack = stack[:len(stack)-1]
		state[slug] = done
	}
	for _, m := range c.Modules {
		if state[m.Slug] == unseen {
			visit(m.Slug)
		}
	}
}

func stackFrom(stack []string, slug string) []string {
	for i, s := range stack {
		if s == slug {
			return append([]string(nil), stack[i:]...)
		}
	}
	return nil
}

func (c *Catalog) linkExists(l link) bool {
	if l.lesson == "" {
		_, ok := c.bySlug[l.module]
		return ok
	}
	_, _, ok := c.Lesson(l.module, l.lesson)
	return ok
}

// CheckCompetencies reports each competency that has sign-offs in the
// database (signedOff) but is no longer in the curriculum: removing it
// would orphan people's records, so it must be restored.
func CheckCompetencies(c *Catalog, signedOff []string) Problems {
	known := map[string]bool{}
	for _, id := range c.CompetencyIDs() {
		known[id] = true
	}
	var out Problems
	for _, id := range signedOff {
		if !known[id] {
			out = append(out, Problem{File: "(database)", Message: "competency \"" + id + "\" was removed from the curriculum but has sign-offs; restore it (rewording is fine, the ID must stay)"})
		}
	}
	return out
}
