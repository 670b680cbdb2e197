package authoring

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"groundwork/internal/catalog"
)

// readCompetencies lists the competencies of a module.yaml.
func readCompetencies(data []byte) []catalog.Competency {
	var doc struct {
		Competencies []struct {
			ID          string   `yaml:"id"`
			Title       string   `yaml:"title"`
			Description string   `yaml:"description"`
			DANOS       []string `yaml:"danos"`
			Before      bool     `yaml:"before_unsupervised_practice"`
			Rubric      struct {
				Evidence  []string `yaml:"evidence"`
				Instances int      `yaml:"instances"`
				Criteria  []string `yaml:"criteria"`
			} `yaml:"rubric"`
		} `yaml:"competencies"`
	}
	_ = yaml.Unmarshal(data, &doc) // a file that does not parse lists none; the checker says why
	var out []catalog.Competency
	for _, c := range doc.Competencies {
		comp := catalog.Competency{ID: c.ID, Title: c.Title, Description: c.Description, DANOS: c.DANOS, BeforeUnsupervisedPractice: c.Before,
			Rubric: catalog.Rubric{Instances: c.Rubric.Instances, Criteria: c.Rubric.Criteria}}
		for _, e := range c.Rubric.Evidence {
			comp.Rubric.Evidence = append(comp.Rubric.Evidence, catalog.Evidence(e))
		}
		out = append(out, comp)
	}
	return out
}

// withCompetency returns module.yaml data with competency c in place of
// the one with id original (or added at the end), keeping the rest.
func withCompetency(data []byte, original string, c catalog.Competency) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errNotMapping
	}
	root := doc.Content[0]
	list := field(root, "competencies")
	if list == nil || list.Kind != yaml.SequenceNode {
		list = &yaml.Node{Kind: yaml.SequenceNode}
		setField(root, "competencies", list, true)
	}
	list.Style = 0
	node := competencyNode(c)
	for i, item := range list.Content {
		if id := field(item, "id"); id != nil && original != "" && id.Value == original {
			list.Content[i] = node
			return encode(&doc)
		}
	}
	list.Content = append(list.Content, node)
	return encode(&doc)
}

func flowList(values []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, v := range values {
		n.Content = append(n.Content, scalar(v))
	}
	return n
}

func competencyNode(c catalog.Competency) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	add := func(k string, v *yaml.Node) { n.Content = append(n.Content, scalar(k), v) }
	add("id", scalar(c.ID))
	add("title", scalar(c.Title))
	add("description", scalar(c.Description))
	if len(c.DANOS) > 0 {
		add("danos", flowList(c.DANOS))
	}
	if c.BeforeUnsupervisedPractice {
		add("before_unsupervised_practice", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
	}
	if !c.Rubric.IsZero() {
		r := &yaml.Node{Kind: yaml.MappingNode}
		var kinds []string
		for _, e := range c.Rubric.Evidence {
			kinds = append(kinds, string(e))
		}
		crit := &yaml.Node{Kind: yaml.SequenceNode}
		for _, line := range c.Rubric.Criteria {
			crit.Content = append(crit.Content, scalar(line))
		}
		r.Content = append(r.Content, scalar("evidence"), flowList(kinds),
			scalar("instances"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(c.Rubric.Instances)},
			scalar("criteria"), crit)
		add("rubric", r)
	}
	return n
}

// codes splits a list of DANOS codes typed with commas or spaces.
func codes(s string) []string {
	return strings.FieldsFunc(strings.ToUpper(s), func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
}
