package authoring

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"groundwork/internal/db"
	"groundwork/internal/fault"
	"groundwork/internal/web"

	"github.com/uptrace/bun"
)

// removeItem takes a question (from quiz.yaml) or a competency (from
// module.yaml) out of the draft, named by the form's "original".
func (h *handlers) removeItem(file, key, what string) echo.HandlerFunc {
	return func(c echo.Context) error {
		slug, err := h.moduleParam(c)
		if err != nil {
			return err
		}
		f, err := web.ParseForm(c)
		if err != nil {
			return err
		}
		p := slug + "/" + file
		data, err := h.svc.fileOfDraft(c.Request().Context(), slug, p)
		if err != nil {
			return fault.NotFound()
		}
		out, found, err := withoutItem(data, key, f.Get("original"))
		if err != nil || !found {
			return fault.Errorf(fault.CodeNotFound, "There is no such %s in the draft.", what)
		}
		if _, err := h.svc.SaveFile(c.Request().Context(), actor(c), slug, p, out); err != nil {
			return err
		}
		web.AddFlash(c, "success", "Removed the "+what+" "+f.Get("original")+" from the draft.")
		return c.Redirect(http.StatusSeeOther, "/admin/curriculum/modules/"+slug)
	}
}

// DiscardDraft throws away module's draft; the published version stays.
func (s *Service) DiscardDraft(ctx context.Context, module string) error {
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewDelete().Table("curriculum_drafts").Where("module = ?", module).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fault.Errorf(fault.CodeConflict, "This module has no draft to discard.")
		}
		return nil
	})
}

func discardConfirmation(slug string) web.Confirmation {
	return web.Confirmation{Title: "Discard the draft of " + slug + "?",
		Intro:   "Every change saved in the draft since the last publish is thrown away.",
		Effects: []string{"The published version stays as it is; trainees notice nothing.", "A module that was never published disappears from the list."},
		Action:  "/admin/curriculum/modules/" + slug + "/discard", Button: "Yes, discard the draft",
		Back: "/admin/curriculum/modules/" + slug}
}

func (h *handlers) confirmDiscard(c echo.Context) error {
	slug, err := h.moduleParam(c)
	if err != nil {
		return err
	}
	return web.RenderConfirmation(c, h.confirm, http.StatusOK, discardConfirmation(slug))
}

func (h *handlers) discard(c echo.Context) error {
	slug, err := h.moduleParam(c)
	if err != nil {
		return err
	}
	if ok, err := web.Confirm(c, h.confirm, discardConfirmation(slug)); !ok {
		return err
	}
	if err := h.svc.DiscardDraft(c.Request().Context(), slug); err != nil {
		return err
	}
	web.AddFlash(c, "success", "The draft is discarded.")
	if ok, _ := h.svc.Exists(c.Request().Context(), slug); !ok {
		return c.Redirect(http.StatusSeeOther, "/admin/curriculum")
	}
	return c.Redirect(http.StatusSeeOther, "/admin/curriculum/modules/"+slug)
}
