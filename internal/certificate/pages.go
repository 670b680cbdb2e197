package certificate

import (
	"context"
	"embed"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"groundwork/internal/account"
	"groundwork/internal/fault"
	"groundwork/internal/learning"
	"groundwork/internal/notify"
	"groundwork/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is the package's template source for the renderer.
var Templates = web.Source{Namespace: "certificate", FS: web.MustSub(templates, "templates")}

// pages serves the certificate pages.
type pages struct {
	svc     *Service
	views   certificatePages
	confirm *web.Page
}

// VerifyLimit is how many verification requests one address may make: a
// burst, then one a second. Numbers and tokens are far too many to guess;
// the limit keeps scripted lookups from loading the database.
var VerifyLimit = middleware.RateLimiterMemoryStoreConfig{Rate: rate.Limit(1), Burst: 30, ExpiresIn: 3 * time.Minute}

// certificatePages are the certificate pages, resolved at registration.
type certificatePages struct {
	Verify    *web.Page `page:"verify"`
	Mine      *web.Page `page:"mine"`
	AdminList *web.Page `page:"admin_list"`
	AdminShow *web.Page `page:"admin_show"`
}

// Routes mounts the public verification pages and documents, the signed-in
// person's certificates, and the admin pages on admin.
func Routes(e *echo.Echo, admin *echo.Group, r *web.Renderer, svc *Service, guard echo.MiddlewareFunc) error {
	p := &pages{svc: svc}
	if err := r.Pages("certificate", &p.views); err != nil {
		return err
	}
	confirm, err := r.Page(web.ConfirmPage)
	if err != nil {
		return err
	}
	p.confirm = confirm
	limit := web.RateLimit(VerifyLimit, "Too many checks from your network in a short time. Please wait a minute and try again.")
	e.GET("/verify", p.verifyForm, limit)
	e.GET("/verify/:token", p.verifyToken, limit)
	e.GET("/credentials/:token", p.credential, limit)
	e.GET("/issuer", p.profile)
	e.GET("/issuer/revocations", p.revocations)
	e.GET("/issuer/status/revocation", p.statusList)
	e.GET("/certificates", p.mine, guard)
	e.GET("/certificates/:id/pdf", p.pdf, guard)
	admin.GET("/certificates", p.adminList)
	admin.GET("/certificates/cohort.zip", p.cohortZip)
	admin.GET("/certificates/:id", p.adminShow)
	admin.POST("/certificates/:id/revoke", p.revoke)
	admin.POST("/certificates/:id/reissue", p.reissue)
	admin.POST("/certificates/:id/keep", p.keep)
	return nil
}

// CertificatesOf lists a person's certificates for their dashboard: the
// current ones and the revoked ones, not those replaced by a re-issue.
func (s *Service) CertificatesOf(ctx context.Context, userID string) ([]learning.CertificateLink, error) {
	certs, err := OfHolder(ctx, s.DB, userID)
	if err != nil {
		return nil, err
	}
	var out []learning.CertificateLink
	for _, c := range certs {
		if c.Status() != Superseded {
			out = append(out, learning.CertificateLink{Title: c.Title, IssuedAt: c.IssuedAt,
				URL: "/certificates#c-" + c.ID, Revoked: c.Status() == Revoked})
		}
	}
	return out, nil
}

// mayOpen refuses, as not found, a certificate the viewer may not open.
func (p *pages) mayOpen(c echo.Context, cert *Certificate) error {
	var holder *account.User
	if cert.HolderID != "" {
		var err error
		if holder, err = account.UserByID(c.Request().Context(), p.svc.DB, cert.HolderID); err != nil {
			return err
		}
	}
	if !MayOpen(web.ViewerFrom(c), cert, holder) {
		return fault.NotFound()
	}
	return nil
}

// noStore marks a response as personal: never cached.
func noStore(c echo.Context) {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
}

// mineData is the signed-in person's certificates page.
type mineData struct {
	Certificates []Certificate
	Org          string
	svc          *Service
}

// VerifyURL is the public page of c.
func (d mineData) VerifyURL(c Certificate) string { return d.svc.VerifyURL(&c) }

// CredentialURL is the Open Badges credential of c.
func (d mineData) CredentialURL(c Certificate) string { return d.svc.CredentialURL(&c) }

// LinkedInURL adds c to the holder's LinkedIn profile.
func (d mineData) LinkedInURL(c Certificate) string { return linkedInURL(d.svc, &c) }

func (p *pages) mine(c echo.Context) error {
	ctx := c.Request().Context()
	me := account.CurrentUser(c)
	if _, err := p.svc.IssueDue(ctx, me.ID); err != nil {
		return err
	}
	certs, err := OfHolder(ctx, p.svc.DB, me.ID)
	if err != nil {
		return err
	}
	if err := p.svc.Notices.Read(ctx, me.ID, "", notify.CertificateIssued); err != nil {
		return err
	}
	noStore(c)
	return p.views.Mine.Render(c, http.StatusOK, mineData{Certificates: certs, Org: p.svc.Issuer.Name, svc: p.svc})
}

// pdf serves a certificate's PDF to its holder, their supervisor or an
// admin.
func (p *pages) pdf(c echo.Context) error {
	ctx := c.Request().Context()
	cert, err := ByID(ctx, p.svc.DB, c.Param("id"))
	if err != nil {
		return err
	}
	if err := p.mayOpen(c, cert); err != nil {
		return err
	}
	body, err := p.svc.PDF(cert)
	if err != nil {
		return err
	}
	noStore(c)
	c.Response().Header().Set(echo.HeaderContentDisposition, `inline; filename="certificate-`+cert.Number+`.pdf"`)
	return c.Blob(http.StatusOK, "application/pdf", body)
}
