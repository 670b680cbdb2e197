package account

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"groundwork/internal/fault"
	"groundwork/internal/web"
)

// invitationsPage lists the pending invitations.
type invitationsPage struct {
	Invitations []PendingInvitation
}

func (h *handlers) invitations(c echo.Context) error {
	list, err := h.svc.PendingInvitations(c.Request().Context())
	if err != nil {
		return err
	}
	return h.pages.AdminInvitations.Render(c, http.StatusOK, invitationsPage{Invitations: list})
}

// resendInvitation gives an invitation a new link; the old one stops working.
func (h *handlers) resendInvitation(c echo.Context) error {
	if !validID(c.Param("id")) {
		return fault.NotFound()
	}
	email, link, err := h.svc.ResendInvitation(c.Request().Context(), CurrentUser(c), c.Param("id"), c.RealIP())
	if err != nil {
		return err
	}
	if h.svc.ShowInvitationLinks {
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		return h.pages.AdminInvited.Render(c, http.StatusOK, invitedPage{Email: email, Link: link})
	}
	web.AddFlash(c, "success", "A new invitation is on its way to "+email+". The earlier link no longer works; the new one works for 7 days.")
	return c.Redirect(http.StatusSeeOther, "/admin/invitations")
}

// revokeConfirmation asks before an invitation is revoked.
func revokeConfirmation(inv *PendingInvitation) web.Confirmation {
	effects := []string{"The invitation link sent to " + inv.Email + " stops working at once."}
	if inv.Imported() {
		effects = append(effects, "Their imported account stays, without a password, until you invite them again or delete it.")
	}
	return web.Confirmation{Title: "Revoke the invitation to " + inv.Email + "?", Effects: effects,
		Note:   "To let them join later, invite them again: they get a new link.",
		Action: "/admin/invitations/" + inv.ID + "/revoke", Button: "Yes, revoke the invitation",
		Back: "/admin/invitations", BackLabel: "No, keep the invitation"}
}

func (h *handlers) revokeInvitationForm(c echo.Context) error {
	inv, err := h.svc.PendingInvitationByID(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	return web.RenderConfirmation(c, h.confirm, http.StatusOK, revokeConfirmation(inv))
}

func (h *handlers) revokeInvitation(c echo.Context) error {
	inv, err := h.svc.PendingInvitationByID(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	if ok, err := web.Confirm(c, h.confirm, revokeConfirmation(inv)); !ok {
		return err
	}
	if err := h.svc.RevokeInvitation(c.Request().Context(), CurrentUser(c), inv.ID, c.RealIP()); err != nil {
		return err
	}
	web.AddFlash(c, "success", "The invitation to "+inv.Email+" is revoked: its link no longer works.")
	return c.Redirect(http.StatusSeeOther, "/admin/invitations")
}

// importPage is the upload form of a people file.
type importPage struct {
	Form              *web.Form
	MaxRows, MaxBytes int
}

func (h *handlers) importForm(c echo.Context) error {
	return h.renderImport(c, http.StatusOK, web.NewForm())
}

func (h *handlers) renderImport(c echo.Context, status int, f *web.Form) error {
	return h.pages.AdminImport.Render(c, status, importPage{Form: f, MaxRows: MaxImportRows, MaxBytes: MaxImportBytes >> 10})
}

// previewPage shows a checked people file before its import.
type previewPage struct {
	Key   string
	Check ImportCheck
	// Changed is set when the rows check differently than at the preview.
	Changed bool
}

// importUpload reads and checks an uploaded people file and shows the
// preview. The rows wait on the server under a random key the preview's
// form posts back, so no personal data travels in a URL.
func (h *handlers) importUpload(c echo.Context) error {
	f := web.NewForm()
	data, err := uploadedFile(c, "file")
	if err != nil {
		var fe *fault.Error
		if errors.As(err, &fe) && fe.Code == fault.CodeInvalid {
			f.Fail("file", fe.Message)
			return h.renderImport(c, http.StatusUnprocessableEntity, f)
		}
		return err
	}
	rows, err := ParsePeopleFile(data)
	if f.FailOn(err, "file") {
		return h.renderImport(c, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	check, err := CheckImport(ctx, h.svc.DB, rows)
	if err != nil {
		return err
	}
	key, err := h.svc.SavePreview(ctx, CurrentUser(c), rows)
	if err != nil {
		return err
	}
	return h.pages.AdminImportPreview.Render(c, http.StatusOK, previewPage{Key: key, Check: check})
}

// uploadedFile reads the file in field, up to MaxImportBytes.
func uploadedFile(c echo.Context, field string) ([]byte, error) {
	fh, err := c.FormFile(field)
	if err != nil {
		return nil, fault.Errorf(fault.CodeInvalid, "Choose a CSV file to upload.")
	}
	if fh.Size > MaxImportBytes {
		return nil, fault.Errorf(fault.CodeInvalid, "The file is larger than %d KB. Split it into smaller files.", MaxImportBytes>>10)
	}
	file, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, MaxImportBytes+1))
	if err != nil {
		return nil, err
	}
	return data, nil
}

// importedPage reports an import.
type importedPage struct {
	People    []Imported
	ShowLinks bool
}

// importPeople imports a previewed file: every row, or only the good ones
// when the admin chose so ("only_good" with the count they were shown).
func (h *handlers) importPeople(c echo.Context) error {
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	onlyGood := f.Get("only_good") == "yes"
	good, _ := strconv.Atoi(f.Get("good"))
	done, err := h.svc.Import(ctx, CurrentUser(c), f.Get("key"), onlyGood, good, c.RealIP())
	var changed *ErrImportChanged
	if errors.As(err, &changed) {
		return h.pages.AdminImportPreview.Render(c, http.StatusConflict,
			previewPage{Key: f.Get("key"), Check: changed.Check, Changed: true})
	}
	if err != nil {
		return err
	}
	if h.svc.ShowInvitationLinks {
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		return h.pages.AdminImported.Render(c, http.StatusOK, importedPage{People: done, ShowLinks: true})
	}
	web.AddFlash(c, "success", strconv.Itoa(len(done))+" people imported. Each has been sent an invitation to choose their password; the links work for 7 days.")
	return c.Redirect(http.StatusSeeOther, "/admin/invitations")
}
