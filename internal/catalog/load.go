package catalog

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Load reads and checks the curriculum in fsys. It reports every problem at
// once, as Problems, sorted by file and line.
func Load(fsys fs.FS) (*Catalog, error) {
	r := &report{}
	c := &Catalog{bySlug: map[string]*Module{}}
	data, err := fs.ReadFile(fsys, "programme.yaml")
	if err != nil {
		r.add("programme.yaml", 0, "the programme file is missing")
	} else {
		c.Programme = parseProgramme(r, "programme.yaml", data)
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		r.add(".", 0, "the curriculum folder cannot be read: %v", err)
		return nil, r.list
	}
	var links []link
	lines := map[string]moduleLines{}
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		m, ml, ls := loadModule(r, fsys, e.Name())
		if m == nil {
			continue
		}
		c.bySlug[m.Slug] = m
		c.Modules = append(c.Modules, m)
		lines[m.Slug] = ml
		links = append(links, ls...)
	}
	c.check(r, lines, links)
	c.order()
	if len(r.list) > 0 {
		return nil, r.list.sorted()
	}
	return c, nil
}

var lessonFile = regexp.MustCompile(`^(\d\d)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$`)

// loadModule reads one module folder. It returns nil when the folder has no
// module.yaml.
func loadModule(r *report, fsys fs.FS, dir string) (*Module, moduleLines, []link) {
	file := dir + "/module.yaml"
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		r.add(dir, 0, "the folder %q has no module.yaml; every top-level folder is a module", dir)
		return nil, moduleLines{}, nil
	}
	if !validSlug(dir) {
		r.add(dir, 0, "the folder name %q is the module's slug: use lowercase words joined by hyphens", dir)
	}
	m := &Module{Slug: dir, Images: map[string][]byte{}}
	ml := parseModule(r, file, data, m)
	links := loadLessons(r, fsys, m)
	if quiz, err := fs.ReadFile(fsys, dir+"/quiz.yaml"); err == nil {
		// A quiz with mistakes is still present: report its mistakes, not
		// a missing quiz.
		m.Quiz = cmp.Or(parseQuiz(r, dir+"/quiz.yaml", quiz), &Quiz{})
	}
	loadImages(r, fsys, m)
	checkModuleFiles(r, fsys, dir)
	m.Version = versionOf(fsys, dir)
	return m, ml, links
}

func loadLessons(r *report, fsys fs.FS, m *Module) []link {
	dir := m.Slug + "/lessons"
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		r.add(m.Slug, 0, "the module has no lessons folder")
		return nil
	}
	var links []link
	numbers := map[string]string{}
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		file := dir + "/" + e.Name()
		match := lessonFile.FindStringSubmatch(e.Name())
		if match == nil {
			r.add(file, 0, "lesson files are named like 01-what-harm-reduction-means.md (two digits, a hyphen, lowercase words)")
			continue
		}
		if other, dup := numbers[match[1]]; dup {
			r.add(file, 0, "lesson number %s is also used by %s", match[1], other)
		}
		numbers[match[1]] = e.Name()
		l, ls := loadLesson(r, fsys, file, m, match[2])
		for _, prev := range m.Lessons {
			if prev.Slug == l.Slug {
				r.add(file, 0, "another lesson in this module has the slug %q", l.Slug)
			}
		}
		m.Lessons = append(m.Lessons, l)
		links = append(links, ls...)
	}
	// fs.ReadDir sorts by name, so the two-digit prefixes give the order.
	for i, l := range m.Lessons {
		l.Number = i + 1
	}
	if len(m.Lessons) == 0 {
		r.add(dir, 0, "the module has no lessons")
	}
	return links
}

func loadLesson(r *report, fsys fs.FS, file string, m *Module, slug string) (*Lesson, []link) {
	l := &Lesson{Slug: slug}
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		r.add(file, 0, "cannot be read: %v", err)
		return l, nil
	}
	title, minutes, body, bodyLine := parseFrontMatter(r, file, data)
	l.Title, l.Minutes = title, minutes
	doc := &lessonDoc{file: file, module: m.Slug, source: body, firstLine: bodyLine, r: r}
	l.HTML = renderLesson(doc)
	l.Headings, l.text = doc.headings, doc.text
	l.Words = countWords(doc.text)
	for _, img := range doc.images {
		if _, err := fs.Stat(fsys, m.Slug+"/"+img); err != nil {
			r.add(file, 0, "image %s does not exist in the module folder", img)
		}
	}
	return l, doc.links
}

func loadImages(r *report, fsys fs.FS, m *Module) {
	_ = fs.WalkDir(fsys, m.Slug+"/images", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			r.add(p, 0, "cannot be read: %v", err)
			return nil
		}
		m.Images[strings.TrimPrefix(p, m.Slug+"/")] = data
		return nil
	})
}

// checkModuleFiles reports files that are not part of the format, usually a
// misnamed file.
func checkModuleFiles(r *report, fsys fs.FS, dir string) {
	entries, _ := fs.ReadDir(fsys, dir)
	for _, e := range entries {
		name := e.Name()
		known := name == "module.yaml" || name == "quiz.yaml" || (e.IsDir() && (name == "lessons" || name == "images"))
		if !known && !strings.HasPrefix(name, ".") && !strings.EqualFold(path.Ext(name), ".md") {
			r.add(dir+"/"+name, 0, "this file is not part of a module (expected module.yaml, quiz.yaml, lessons/ and images/)")
		}
	}
}

// versionOf hashes every file of a module, in path order.
func versionOf(fsys fs.FS, dir string) string {
	h := sha256.New()
	_ = fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil
		}
		h.Write([]byte(p + "\x00" + strconv.Itoa(len(data)) + "\x00"))
		h.Write(data)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// order puts programme modules first, in programme order, then the other
// trainee modules, then public modules, each by title.
func (c *Catalog) order() {
	rank := func(m *Module) int {
		if i := slices.Index(c.Programme.Modules, m.Slug); i >= 0 {
			return i
		}
		if m.Audience == AudienceTrainee {
			return 1000
		}
		return 2000
	}
	slices.SortStableFunc(c.Modules, func(a, b *Module) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(a.Title, b.Title)
	})
}
