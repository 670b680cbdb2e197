package authoring

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"groundwork/internal/catalog"
)

// ModuleLists are the lists of a module.yaml that authors edit with a
// form rather than as YAML: reflection prompts and references.
type ModuleLists struct {
	Prompts    []string
	References []catalog.Reference
}

// readLists reads the reflection prompts and references of a module.yaml.
func readLists(data []byte) ModuleLists {
	var doc struct {
		Prompts    []string            `yaml:"reflection_prompts"`
		References []map[string]string `yaml:"references"`
	}
	_ = yaml.Unmarshal(data, &doc) // a file that does not parse shows empty lists; the checker says why
	out := ModuleLists{Prompts: doc.Prompts}
	for _, r := range doc.References {
		out.References = append(out.References, catalog.Reference{Text: r["text"], URL: r["url"]})
	}
	return out
}

// withLists returns module.yaml data with its reflection prompts and
// references replaced by lists, keeping every other field, its order and
// its comments.
func withLists(data []byte, lists ModuleLists) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("module.yaml cannot be read as YAML: fix it in the file editor first")
	}
	root := doc.Content[0]
	prompts := &yaml.Node{Kind: yaml.SequenceNode}
	for _, p := range lists.Prompts {
		prompts.Content = append(prompts.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: p})
	}
	refs := &yaml.Node{Kind: yaml.SequenceNode}
	for _, r := range lists.References {
		m := &yaml.Node{Kind: yaml.MappingNode}
		m.Content = append(m.Content, scalar("text"), scalar(r.Text))
		if r.URL != "" {
			m.Content = append(m.Content, scalar("url"), scalar(r.URL))
		}
		refs.Content = append(refs.Content, m)
	}
	setField(root, "reflection_prompts", prompts, len(lists.Prompts) > 0)
	setField(root, "references", refs, true)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func scalar(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: v} }

// setField sets key of a mapping to value (adding it at the end), or
// removes it when keep is false.
func setField(m *yaml.Node, key string, value *yaml.Node, keep bool) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			if keep {
				m.Content[i+1] = value
			} else {
				m.Content = append(m.Content[:i], m.Content[i+2:]...)
			}
			return
		}
	}
	if keep {
		m.Content = append(m.Content, scalar(key), value)
	}
}

// parseLines reads the form's text areas: one prompt a line, and one
// reference a line as "text | https://address" (the address optional).
func parseLines(prompts, references string) (ModuleLists, []string) {
	var lists ModuleLists
	var bad []string
	for _, l := range strings.Split(prompts, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lists.Prompts = append(lists.Prompts, l)
		}
	}
	for i, l := range strings.Split(references, "\n") {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		text, url, _ := strings.Cut(l, " | ")
		r := catalog.Reference{Text: strings.TrimSpace(text), URL: strings.TrimSpace(url)}
		if r.URL != "" && !strings.HasPrefix(r.URL, "https://") && !strings.HasPrefix(r.URL, "http://") {
			bad = append(bad, fmt.Sprintf("Line %d: the address must start with https://.", i+1))
		}
		lists.References = append(lists.References, r)
	}
	return lists, bad
}

// referenceLines writes references one a line, as the form reads them.
func referenceLines(refs []catalog.Reference) string {
	var b strings.Builder
	for _, r := range refs {
		b.WriteString(r.Text)
		if r.URL != "" {
			b.WriteString(" | " + r.URL)
		}
		b.WriteString("\n")
	}
	return b.String()
}
