package catalog

import (
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// parseYAML reads a YAML document into a node tree, reporting syntax
// errors with their line. It returns nil when the document is unusable.
func parseYAML(r *report, file string, data []byte, lineOffset int) *yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := yamlErrorLine(err)
		r.add(file, line+lineOffset, "this is not valid YAML: %s", msg)
		return nil
	}
	if len(doc.Content) == 0 {
		r.add(file, 0, "the file is empty")
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		r.add(file, root.Line+lineOffset, "expected fields like \"title: ...\" at the top level")
		return nil
	}
	shiftLines(root, lineOffset)
	return root
}

func shiftLines(n *yaml.Node, by int) {
	if by == 0 {
		return
	}
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

var yamlLine = regexp.MustCompile(`line (\d+): `)

// yamlErrorLine pulls the line number out of a yaml error message.
func yamlErrorLine(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := yamlLine.FindStringSubmatchIndex(msg); m != nil {
		n, _ := strconv.Atoi(msg[m[2]:m[3]])
		return n, msg[:m[0]] + msg[m[1]:]
	}
	return 0, msg
}

// fields checks a mapping's keys against allowed ones, reporting unknown
// and duplicate keys, and returns the value node of each known key.
func fields(r *report, file string, n *yaml.Node, allowed ...string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n.Kind != yaml.MappingNode {
		r.add(file, n.Line, "expected fields like \"name: value\" here")
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		switch {
		case !slices.Contains(allowed, key.Value):
			msg := "unknown field \"" + key.Value + "\""
			if s := closest(key.Value, allowed); s != "" {
				msg += " (did you mean \"" + s + "\"?)"
			}
			r.add(file, key.Line, "%s", msg)
		case out[key.Value] != nil:
			r.add(file, key.Line, "the field %q appears twice", key.Value)
		default:
			out[key.Value] = val
		}
	}
	return out
}

// keyLine returns the line of key in mapping n, or 0.
func keyLine(n *yaml.Node, key string) int {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i].Line
		}
	}
	return 0
}

// require reports each missing required field.
func require(r *report, file string, n *yaml.Node, got map[string]*yaml.Node, names ...string) {
	for _, name := range names {
		if got[name] == nil || (got[name].Kind == yaml.ScalarNode && strings.TrimSpace(got[name].Value) == "" && got[name].Tag != "!!int") {
			r.add(file, n.Line, "the field %q is missing or empty", name)
		}
	}
}

// decode decodes a value node into v, reporting a type mistake.
func decode(r *report, file string, n *yaml.Node, v any, what string) bool {
	if n == nil {
		return false
	}
	if err := n.Decode(v); err != nil {
		r.add(file, n.Line, "%s has the wrong kind of value: %s", what, plainTypeError(err))
		return false
	}
	return true
}

func plainTypeError(err error) string {
	_, msg := yamlErrorLine(err)
	switch {
	case strings.Contains(msg, "into int"):
		return "expected a whole number"
	case strings.Contains(msg, "into bool"):
		return "expected true or false"
	case strings.Contains(msg, "into []"):
		return "expected a list (lines starting with \"- \")"
	case strings.Contains(msg, "into string"):
		return "expected text"
	}
	return msg
}

// closest returns the allowed name within two edits of s, if any.
func closest(s string, allowed []string) string {
	best, bestDist := "", 3
	for _, a := range allowed {
		if d := editDistance(s, a); d < bestDist {
			best, bestDist = a, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// validSlug reports whether s is lowercase words joined by single hyphens.
func validSlug(s string) bool { return slugPattern.MatchString(s) }
