package authoring

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"groundwork/internal/catalog"
	"groundwork/internal/fault"
	"groundwork/internal/web"
)

// historyPage lists a module's versions and shows what one changed.
type historyPage struct {
	Module   string
	Versions []Version
	Shown    *Version
	Diff     []FileDiff
	Draft    bool
}

func (h *handlers) history(c echo.Context) error {
	slug, err := h.moduleParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	vs, err := h.svc.Versions(ctx, slug)
	if err != nil {
		return err
	}
	page := historyPage{Module: slug, Versions: vs}
	if d, _, err := draftFiles(ctx, h.svc.DB, slug); err != nil {
		return err
	} else {
		page.Draft = d != nil
	}
	if v := c.QueryParam("v"); v != "" {
		n, _ := strconv.Atoi(v)
		if page.Shown = versionNumbered(vs, n); page.Shown == nil {
			return fault.NotFound()
		}
		before, err := h.svc.VersionFiles(ctx, slug, n-1)
		if err != nil {
			return err
		}
		after, err := h.svc.VersionFiles(ctx, slug, n)
		if err != nil {
			return err
		}
		// Compared as trainees read them: local files over the built-in ones.
		base := h.svc.BaseFiles(slug)
		page.Diff = Diff(overlay(base, before), overlay(base, after))
	}
	return h.views.History.Render(c, http.StatusOK, page)
}

func versionNumbered(vs []Version, n int) *Version {
	for i := range vs {
		if vs[i].Number == n {
			return &vs[i]
		}
	}
	return nil
}

// restore copies an old version into the draft.
func (h *handlers) restore(c echo.Context) error {
	slug, f, err := h.moduleForm(c)
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(f.Get("version"))
	if err := h.svc.Restore(c.Request().Context(), actor(c), slug, n); err != nil {
		return err
	}
	web.AddFlash(c, "success", fmt.Sprintf("Version %d is now the draft. Check it, then publish it to make it the current version.", n))
	return c.Redirect(http.StatusSeeOther, "/admin/curriculum/modules/"+slug)
}

// exportModule downloads one module as a ZIP.
func (h *handlers) exportModule(c echo.Context) error {
	slug, err := h.moduleParam(c)
	if err != nil {
		return err
	}
	return h.sendZip(c, slug, slug+".zip")
}

// exportAll downloads the whole curriculum as a ZIP.
func (h *handlers) exportAll(c echo.Context) error {
	return h.sendZip(c, "", "curriculum.zip")
}

func (h *handlers) sendZip(c echo.Context, module, name string) error {
	files, err := h.svc.Export(c.Request().Context(), module)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := catalog.WriteZip(&buf, files); err != nil {
		return err
	}
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	hdr.Set(echo.HeaderCacheControl, "no-store")
	return c.Blob(http.StatusOK, "application/zip", buf.Bytes())
}

// importPage is the upload form, with what was wrong with the last upload.
type importPage struct {
	Form     *web.Form
	Problems catalog.Problems
	MaxBytes int
}

func (h *handlers) importForm(c echo.Context) error {
	return h.views.Import.Render(c, http.StatusOK, importPage{Form: web.NewForm()})
}

// upload checks an uploaded ZIP and shows what publishing it would do.
func (h *handlers) upload(c echo.Context) error {
	f := web.NewForm()
	data, err := uploadedZip(c)
	if f.FailOn(err, "file") {
		return h.views.Import.Render(c, http.StatusUnprocessableEntity, importPage{Form: f})
	}
	if err != nil {
		return err
	}
	imp, err := h.svc.Import(c.Request().Context(), actor(c), data)
	if problems := ProblemsOf(err); problems != nil {
		f.Fail("file", fmt.Sprintf("The curriculum checker found %d problems in this ZIP (listed below); nothing was imported.", len(problems)))
		return h.views.Import.Render(c, http.StatusUnprocessableEntity, importPage{Form: f, Problems: problems})
	}
	if f.FailOn(err, "file") {
		return h.views.Import.Render(c, http.StatusUnprocessableEntity, importPage{Form: f})
	}
	if err != nil {
		return err
	}
	return h.views.Preview.Render(c, http.StatusOK, imp)
}

// uploadedZip reads the uploaded file, within the request's body limit.
func uploadedZip(c echo.Context) ([]byte, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return nil, fault.Errorf(fault.CodeInvalid, "Choose a ZIP file exported from Groundwork.")
	}
	return readUpload(fh, 64<<20)
}

// readUpload reads an uploaded file of at most limit bytes.
func readUpload(fh *multipart.FileHeader, limit int64) ([]byte, error) {
	file, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer file.Close()
	b, err := io.ReadAll(io.LimitReader(file, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fault.Errorf(fault.CodeInvalid, "The file is too large.")
	}
	return b, nil
}

// publishedPage reports a published import.
type publishedPage struct {
	Modules []string
	At      time.Time
}

// publishImport publishes a checked upload.
func (h *handlers) publishImport(c echo.Context) error {
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	if !web.IsID(f.Get("import")) {
		return fault.NotFound()
	}
	done, err := h.svc.PublishImport(c.Request().Context(), actor(c), f.Get("import"))
	if problems := ProblemsOf(err); problems != nil {
		f.Fail("file", "Since the upload, the curriculum changed and the ZIP no longer passes the checker; nothing was imported.")
		return h.views.Import.Render(c, http.StatusConflict, importPage{Form: f, Problems: problems})
	}
	if err != nil {
		return err
	}
	return h.views.Published.Render(c, http.StatusOK, publishedPage{Modules: done})
}

// reviewed marks a changed built-in file as reviewed against its copy.
func (h *handlers) reviewed(c echo.Context) error {
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	if err := h.svc.MarkReviewed(c.Request().Context(), actor(c), f.Get("path")); err != nil {
		return err
	}
	web.AddFlash(c, "success", "Marked as reviewed: "+f.Get("path"))
	return c.Redirect(http.StatusSeeOther, "/admin/curriculum")
}

// overlay returns base with files laid over it.
func overlay(base, files map[string][]byte) map[string][]byte {
	out := maps.Clone(base)
	maps.Copy(out, files)
	return out
}
