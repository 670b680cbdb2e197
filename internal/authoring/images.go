package authoring

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strings"

	"groundwork/internal/catalog"
	"groundwork/internal/fault"
)

// MaxImageBytes is the largest image an author may upload: well inside the
// default request body limit (1 MB), and plenty for a picture in a lesson.
const MaxImageBytes = 768 << 10

// imageTypes maps the content types accepted, as sniffed from the bytes,
// to the file extensions that go with them.
var imageTypes = map[string][]string{
	"image/png":  {".png"},
	"image/jpeg": {".jpg", ".jpeg"},
	"image/gif":  {".gif"},
	"image/webp": {".webp"},
}

var nameRun = regexp.MustCompile(`[^a-z0-9]+`)

// Image is an uploaded picture for a module's lessons.
type Image struct {
	FileName string // as uploaded
	Data     []byte
	Alt      string // what the picture shows, for people who cannot see it
	Lesson   string // the lesson's path to show it at the end of, or ""
}

// SaveImage checks an uploaded picture (PNG, JPEG, GIF or WebP, at most
// MaxImageBytes, alt text required) and saves it in module's draft under
// images/, and, when a lesson is named, adds it at the end of the lesson
// with its alt text. It returns the image's path and the checker's
// problems with the draft.
func (s *Service) SaveImage(ctx context.Context, by Actor, module string, img Image) (string, catalog.Problems, error) {
	name, err := imageName(img)
	if err != nil {
		return "", nil, err
	}
	if strings.TrimSpace(img.Alt) == "" {
		return "", nil, fault.Errorf(fault.CodeInvalid, "Describe what the picture shows, for people who cannot see it.")
	}
	p := module + "/images/" + name
	if _, err := s.SaveFile(ctx, by, module, p, img.Data); err != nil {
		return "", nil, err
	}
	if img.Lesson == "" {
		problems, err := s.draftProblems(ctx, module)
		return p, problems, err
	}
	if !lessonPattern.MatchString(fileLabel(img.Lesson)) || !inModule(img.Lesson, module) {
		return "", nil, fault.Errorf(fault.CodeInvalid, "Choose a lesson of this module.")
	}
	lesson, err := s.fileOfDraft(ctx, module, img.Lesson)
	if err != nil {
		return "", nil, err
	}
	lesson = append(bytes.TrimRight(lesson, "\n"), []byte("\n\n!["+escapeAlt(img.Alt)+"](images/"+name+")\n")...)
	problems, err := s.SaveFile(ctx, by, module, img.Lesson, lesson)
	return p, problems, err
}

// imageName checks an upload's type and size and makes its file name.
func imageName(img Image) (string, error) {
	if len(img.Data) == 0 {
		return "", fault.Errorf(fault.CodeInvalid, "Choose a picture to upload.")
	}
	if len(img.Data) > MaxImageBytes {
		return "", fault.Errorf(fault.CodeInvalid, "The picture is larger than %d KB: make it smaller.", MaxImageBytes>>10)
	}
	exts, ok := imageTypes[http.DetectContentType(img.Data)]
	if !ok {
		return "", fault.Errorf(fault.CodeInvalid, "Upload a PNG, JPEG, GIF or WebP picture.")
	}
	ext := strings.ToLower(path.Ext(img.FileName))
	if !slices.Contains(exts, ext) {
		ext = exts[0]
	}
	base := strings.Trim(nameRun.ReplaceAllString(strings.ToLower(strings.TrimSuffix(path.Base(img.FileName), path.Ext(img.FileName))), "-"), "-")
	if len(base) > 60 {
		base = strings.Trim(base[:60], "-")
	}
	if base == "" {
		base = "picture"
	}
	return base + ext, nil
}

// escapeAlt keeps alt text from ending the Markdown image early.
func escapeAlt(alt string) string {
	return strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`).Replace(strings.Join(strings.Fields(alt), " "))
}

// fileOfDraft returns the file at p as the draft has it, or the built-in
// file when the draft has no copy.
func (s *Service) fileOfDraft(ctx context.Context, module, p string) ([]byte, error) {
	d, err := s.Draft(ctx, module)
	if err != nil {
		return nil, err
	}
	if b, ok := d.Files[p]; ok {
		return b, nil
	}
	if b, ok := s.BaseFiles(module)[p]; ok {
		return b, nil
	}
	return nil, fault.Errorf(fault.CodeInvalid, "Choose a lesson of this module.")
}

func (s *Service) draftProblems(ctx context.Context, module string) (catalog.Problems, error) {
	d, err := s.Draft(ctx, module)
	if err != nil {
		return nil, err
	}
	return d.Problems, nil
}

// DraftImage returns a picture of module's draft (or the built-in one),
// for previews before it is published.
func (s *Service) DraftImage(ctx context.Context, module, name string) ([]byte, error) {
	p := module + "/images/" + name
	if !imagePattern.MatchString("images/" + name) {
		return nil, fault.NotFound()
	}
	b, err := s.fileOfDraft(ctx, module, p)
	if err != nil {
		return nil, fault.NotFound()
	}
	return b, nil
}

// previewImages points a preview's pictures at the draft's copies.
func previewImages(html, module string) string {
	return strings.ReplaceAll(html, fmt.Sprintf(`src="/modules/%s/images/`, module), fmt.Sprintf(`src="/admin/curriculum/modules/%s/draft/images/`, module))
}
