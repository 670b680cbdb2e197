package catalog

import (
	"bytes"
	"strings"
)

// ParseFrontMatter splits a lesson file into its front matter and Markdown
// body. bodyLine is the file line on which the body starts.
func ParseFrontMatter(file string, data []byte) (title string, minutes int, body []byte, bodyLine int, problems Problems) {
	r := &report{}
	title, minutes, body, bodyLine = parseFrontMatter(r, file, data)
	return title, minutes, body, bodyLine, r.list
}

func parseFrontMatter(r *report, file string, data []byte) (title string, minutes int, body []byte, bodyLine int) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	first, rest, ok := bytes.Cut(data, []byte("\n"))
	if !ok || strings.TrimSpace(string(first)) != "---" {
		r.add(file, 1, "a lesson must start with front matter: a line \"---\", then title and minutes, then \"---\"")
		return "", 0, data, 1
	}
	end := -1
	lines := bytes.SplitAfter(rest, []byte("\n"))
	offset := 0
	for i, l := range lines {
		if strings.TrimSpace(string(l)) == "---" {
			end = i
			break
		}
		offset += len(l)
	}
	if end < 0 {
		r.add(file, 1, "the front matter has no closing \"---\" line")
		return "", 0, nil, 1
	}
	front := rest[:offset]
	body = rest[offset+len(lines[end]):]
	bodyLine = end + 3
	root := parseYAML(r, file, front, 1)
	if root == nil {
		return "", 0, body, bodyLine
	}
	f := fields(r, file, root, "title", "minutes")
	require(r, file, root, f, "title", "minutes")
	decode(r, file, f["title"], &title, "title")
	if decode(r, file, f["minutes"], &minutes, "minutes") && minutes <= 0 {
		r.add(file, f["minutes"].Line, "minutes must be a positive whole number")
	}
	return title, minutes, body, bodyLine
}

// RenderLesson renders one lesson file (path "module/lessons/NN-slug.md")
// as Load does, for a preview before it is saved. It reports the problems
// of the file itself; links to other lessons are checked only by Load.
func RenderLesson(file string, data []byte) (*Lesson, Problems) {
	r := &report{}
	module, _, _ := strings.Cut(file, "/")
	l := &Lesson{}
	title, minutes, body, bodyLine := parseFrontMatter(r, file, data)
	l.Title, l.Minutes = title, minutes
	doc := &lessonDoc{file: file, module: module, source: body, firstLine: bodyLine, r: r}
	l.HTML = renderLesson(doc)
	l.Headings = doc.headings
	l.Words = countWords(doc.text)
	return l, r.list.sorted()
}
