package certificate

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"groundwork/internal/account"
	"groundwork/internal/fault"
	"groundwork/internal/web"
)

const perPage = 50

// listData is the admin list of certificates.
type listData struct {
	Filter   Filter
	Statuses []Status
	Rows     []Certificate
	Total    int
	Prev     int
	Next     int
	Last     int
	Cohorts  []account.Cohort
}

// adminList lists every certificate, newest first, with search.
func (p *pages) adminList(c echo.Context) error {
	ctx := c.Request().Context()
	f := Filter{Query: strings.TrimSpace(c.QueryParam("q")), Status: Status(c.QueryParam("status")),
		Flagged: c.QueryParam("flagged") != "", Page: 1, PerPage: perPage}
	if len([]rune(f.Query)) > 100 {
		return fault.Errorf(fault.CodeInvalid, "The search is too long.")
	}
	if f.Status != Valid && f.Status != Revoked && f.Status != Superseded {
		f.Status = ""
	}
	if n, err := strconv.Atoi(c.QueryParam("page")); err == nil && n > 1 && n < 100000 {
		f.Page = n
	}
	rows, total, err := List(ctx, p.svc.DB, f)
	if err != nil {
		return err
	}
	cohorts, err := account.ListCohorts(ctx, p.svc.DB)
	if err != nil {
		return err
	}
	d := listData{Filter: f, Statuses: []Status{Valid, Revoked, Superseded}, Rows: rows, Total: total,
		Last: max(1, (total+perPage-1)/perPage), Cohorts: cohorts}
	if f.Page > 1 {
		d.Prev = f.Page - 1
	}
	if f.Page < d.Last {
		d.Next = f.Page + 1
	}
	noStore(c)
	return p.views.AdminList.Render(c, http.StatusOK, d)
}

// showData is one certificate as an admin sees it.
type showData struct {
	Certificate *Certificate
	Flags       []Flag
	VerifyURL   string
	Form        *web.Form
	Action      string // the form that failed: revoke or reissue
}

func (p *pages) adminShow(c echo.Context) error {
	cert, err := ByID(c.Request().Context(), p.svc.DB, c.Param("id"))
	if err != nil {
		return err
	}
	return p.renderShow(c, http.StatusOK, cert, web.NewForm(), "")
}

func (p *pages) renderShow(c echo.Context, status int, cert *Certificate, f *web.Form, action string) error {
	flags, err := Flags(c.Request().Context(), p.svc.DB, cert.ID)
	if err != nil {
		return err
	}
	noStore(c)
	return p.views.AdminShow.Render(c, status, showData{Certificate: cert, Flags: flags,
		VerifyURL: p.svc.VerifyURL(cert), Form: f, Action: action})
}

// decide loads the certificate and the form of an admin's decision, with
// its reason checked; ok is false when the form was shown again.
func (p *pages) decide(c echo.Context, action string) (*Certificate, *web.Form, bool, error) {
	cert, err := ByID(c.Request().Context(), p.svc.DB, c.Param("id"))
	if err != nil {
		return nil, nil, false, err
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return nil, nil, false, err
	}
	f.Set("reason", strings.TrimSpace(f.Get("reason")))
	f.Anchor("reason", action+"-reason")
	f.Required("reason", "Give a reason: it is kept with the certificate.")
	f.MaxLength("reason", 500)
	if !f.Valid() {
		return cert, f, false, p.renderShow(c, http.StatusUnprocessableEntity, cert, f, action)
	}
	return cert, f, true, nil
}

func (p *pages) revoke(c echo.Context) error {
	cert, f, ok, err := p.decide(c, "revoke")
	if !ok {
		return err
	}
	if !f.Confirmed() {
		if cert.Status() == Revoked {
			return ErrRevoked
		}
		return web.RenderConfirmation(c, p.confirm, web.RefuseUnconfirmed, revokeConfirmation(cert, f))
	}
	if err := p.svc.Revoke(c.Request().Context(), account.CurrentUser(c), cert, f.Get("reason")); err != nil {
		return err
	}
	web.AddFlash(c, "success", "Certificate "+cert.Number+" is revoked. Its verification page now says so, with your reason.")
	return c.Redirect(http.StatusSeeOther, "/admin/certificates/"+cert.ID)
}

// revokeConfirmation asks before a certificate is revoked, with the
// reason given kept on the page.
func revokeConfirmation(cert *Certificate, f *web.Form) web.Confirmation {
	return web.Confirmation{Title: "Revoke certificate " + cert.Number + "?",
		Effects: []string{
			"Anyone who checks " + cert.HolderName + "’s certificate for “" + cert.Title + "” is told it is revoked, from today, with the reason below.",
			"Its digital credential shows as revoked too.",
		},
		Note:   "A revocation cannot be withdrawn; if the certificate should stand again, re-issue it.",
		Action: "/admin/certificates/" + cert.ID + "/revoke", Button: "Yes, revoke the certificate",
		Back: "/admin/certificates/" + cert.ID, BackLabel: "No, keep it valid",
		Reason: &web.ReasonField{Name: "reason", Label: "Reason (shown publicly)", MaxLength: 500},
		Form:   f}
}

func (p *pages) reissue(c echo.Context) error {
	cert, f, ok, err := p.decide(c, "reissue")
	if !ok {
		return err
	}
	fresh, err := p.svc.Reissue(c.Request().Context(), account.CurrentUser(c), cert, f.Get("reason"))
	if err != nil {
		return err
	}
	web.AddFlash(c, "success", "Re-issued as "+fresh.Number+". The old certificate now says it is superseded.")
	return c.Redirect(http.StatusSeeOther, "/admin/certificates/"+fresh.ID)
}

func (p *pages) keep(c echo.Context) error {
	cert, err := ByID(c.Request().Context(), p.svc.DB, c.Param("id"))
	if err != nil {
		return err
	}
	if err := p.svc.KeepFlagged(c.Request().Context(), account.CurrentUser(c), cert); err != nil {
		return err
	}
	web.AddFlash(c, "success", "Certificate "+cert.Number+" stands; the flag is cleared.")
	return c.Redirect(http.StatusSeeOther, "/admin/certificates/"+cert.ID)
}

// cohortZip downloads the PDFs of a cohort's current certificates in one
// ZIP, written as it is made.
func (p *pages) cohortZip(c echo.Context) error {
	ctx := c.Request().Context()
	cohort, err := account.CohortByID(ctx, p.svc.DB, c.QueryParam("cohort"))
	if err != nil {
		return err
	}
	certs, err := p.currentOfCohort(ctx, cohort.ID)
	if err != nil {
		return err
	}
	if len(certs) == 0 {
		return fault.Errorf(fault.CodeNotFound, "Nobody in %s holds a certificate yet.", cohort.Name)
	}
	// The first certificate is drawn before anything is sent, so a failure
	// common to all of them is an error page, not a broken download.
	first, err := p.svc.PDF(&certs[0])
	if err != nil {
		return err
	}
	noStore(c)
	web.StartDownload(c)
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "application/zip")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="cohort-certificates.zip"`)
	c.Response().WriteHeader(http.StatusOK)
	return p.writeZip(c.Response(), certs, first)
}

// currentOfCohort returns the current certificates of a cohort's members.
func (p *pages) currentOfCohort(ctx context.Context, cohortID string) ([]Certificate, error) {
	members, err := account.CohortMembers(ctx, p.svc.DB, cohortID)
	if err != nil || len(members) == 0 {
		return nil, err
	}
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m.ID
	}
	certs, err := OfHolder(ctx, p.svc.DB, ids...)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(certs, func(c Certificate) bool { return !c.Current() }), nil
}

// writeZip writes one PDF per certificate, named after holder, title and
// number, first being the first one's, already drawn. Each PDF is drawn,
// written and let go before the next, so memory stays flat however large
// the cohort. PDFs are stored, not deflated again: their streams are
// compressed already. Once the first byte is out an error can only cut the
// download: the caller returns it, and the connection is aborted so the
// client sees a failed download, never a short archive that looks whole.
func (p *pages) writeZip(w io.Writer, certs []Certificate, first []byte) error {
	zw := zip.NewWriter(w)
	for i := range certs {
		cert := &certs[i]
		body := first
		if i > 0 {
			var err error
			if body, err = p.svc.PDF(cert); err != nil {
				return err
			}
		}
		name := fmt.Sprintf("%s - %s - %s.pdf", fileName(cert.HolderName), fileName(cert.Title), cert.Number)
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: cert.IssuedAt})
		if err != nil {
			return fmt.Errorf("zip certificates: %w", err)
		}
		if _, err := f.Write(body); err != nil {
			return fmt.Errorf("zip certificates: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("zip certificates: %w", err)
	}
	return nil
}

// fileName keeps letters, digits, spaces and a few marks of s, so that any
// name makes a safe file name in any system.
func fileName(s string) string {
	out := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, s)
	out = strings.Trim(out, " .")
	if len([]rune(out)) > 60 {
		out = string([]rune(out)[:60])
	}
	if out == "" {
		return "certificate"
	}
	return out
}
