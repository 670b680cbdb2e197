package authoring

import (
	"bytes"
	"errors"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"groundwork/internal/catalog"
)

// MaxOptions is how many answers a question's form offers.
const MaxOptions = 6

// readQuestions lists the questions of a quiz.yaml, as far as it parses.
func readQuestions(p string, data []byte) []catalog.Question {
	if len(data) == 0 {
		return nil
	}
	q, _ := catalog.ParseQuiz(p, data)
	if q == nil {
		return nil
	}
	return q.Questions
}

// errNotMapping is a quiz.yaml the form cannot change.
var errNotMapping = errors.New("quiz.yaml cannot be read as YAML: fix it in the file editor first")

// withQuestion returns quiz.yaml data with question q in place of the
// question with id original (or added at the end when there is none),
// keeping the other questions as they are written.
func withQuestion(data []byte, original string, q catalog.Question) ([]byte, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		data = []byte("questions: []\n")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errNotMapping
	}
	list := field(doc.Content[0], "questions")
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil, errNotMapping
	}
	list.Style = 0
	node := questionNode(q)
	for i, item := range list.Content {
		if id := field(item, "id"); id != nil && id.Value == original && original != "" {
			list.Content[i] = node
			return encode(&doc)
		}
	}
	list.Content = append(list.Content, node)
	return encode(&doc)
}

func field(m *yaml.Node, key string) *yaml.Node {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func questionNode(q catalog.Question) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	add := func(k string, v *yaml.Node) { n.Content = append(n.Content, scalar(k), v) }
	add("id", scalar(q.ID))
	add("type", scalar(string(q.Type)))
	if q.Scenario != "" {
		add("scenario", scalar(q.Scenario))
	}
	add("prompt", scalar(q.Prompt))
	opts := &yaml.Node{Kind: yaml.SequenceNode}
	for _, o := range q.Options {
		m := &yaml.Node{Kind: yaml.MappingNode}
		text := scalar(o.Text)
		if strings.EqualFold(o.Text, "true") || strings.EqualFold(o.Text, "false") {
			text.Style = yaml.DoubleQuotedStyle // so that YAML reads text, not a boolean
		}
		m.Content = append(m.Content, scalar("text"), text)
		if o.Correct {
			m.Content = append(m.Content, scalar("correct"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
		}
		m.Content = append(m.Content, scalar("explanation"), scalar(o.Explanation))
		opts.Content = append(opts.Content, m)
	}
	add("options", opts)
	return n
}

func encode(doc *yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// optionField names the form field of option i (1-based).
func optionField(i int, part string) string { return "option-" + strconv.Itoa(i) + "-" + part }

// withoutItem returns YAML data with the item whose id is id taken out of
// the list under key (questions of a quiz.yaml, competencies of a
// module.yaml), keeping the rest; found is false when there is none.
func withoutItem(data []byte, key, id string) (out []byte, found bool, err error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, false, errNotMapping
	}
	list := field(doc.Content[0], key)
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil, false, nil
	}
	for i, item := range list.Content {
		if n := field(item, "id"); n != nil && n.Value == id {
			list.Content = append(list.Content[:i], list.Content[i+1:]...)
			out, err := encode(&doc)
			return out, true, err
		}
	}
	return nil, false, nil
}
