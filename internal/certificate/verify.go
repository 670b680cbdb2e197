package certificate

import (
	"net/http"
	"net/url"
	"strconv"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"groundwork/internal/fault"
)

// verifyData is the public verification page: a form, and the answer for a
// number or token once given.
type verifyData struct {
	Number      string // as typed
	Checked     bool   // a number or token was looked up
	Problem     string // why the typed number cannot be one
	Certificate *Certificate
	Issuer      string
}

// Found reports whether a certificate answered the lookup.
func (d verifyData) Found() bool { return d.Certificate != nil }

// verifyForm answers /verify, and /verify?number=… typed by a person.
func (p *pages) verifyForm(c echo.Context) error {
	d := verifyData{Number: c.QueryParam("number"), Issuer: p.svc.Issuer.Name}
	status := http.StatusOK
	if d.Number != "" {
		number, ok := ParseNumber(d.Number)
		switch {
		case utf8.RuneCountInString(d.Number) > 40 || !ok:
			d.Problem = "That is not a certificate number. Numbers look like GW-7K3M-Q9PX-2HTD-R: check each character, then try again."
			status = http.StatusUnprocessableEntity
		default:
			if err := p.lookup(c, &d, func() (*Certificate, error) { return ByNumber(c.Request().Context(), p.svc.DB, number) }); err != nil {
				return err
			}
		}
	}
	return p.renderVerify(c, status, d)
}

// verifyToken answers the URL in a certificate's QR code.
func (p *pages) verifyToken(c echo.Context) error {
	d := verifyData{Issuer: p.svc.Issuer.Name}
	if err := p.lookup(c, &d, func() (*Certificate, error) { return ByToken(c.Request().Context(), p.svc.DB, c.Param("token")) }); err != nil {
		return err
	}
	status := http.StatusOK
	if !d.Found() {
		status = http.StatusNotFound
	}
	return p.renderVerify(c, status, d)
}

// lookup runs find and keeps what it found; not found is an answer, not
// an error.
func (p *pages) lookup(c echo.Context, d *verifyData, find func() (*Certificate, error)) error {
	d.Checked = true
	cert, err := find()
	if fault.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	d.Certificate = cert
	return nil
}

// renderVerify shows the page. It names a person, so it is never cached
// or indexed.
func (p *pages) renderVerify(c echo.Context, status int, d verifyData) error {
	noStore(c)
	c.Response().Header().Set("X-Robots-Tag", "noindex")
	return p.views.Verify.Render(c, status, d)
}

// credential serves a certificate's signed Open Badges credential at its
// stable URL. Anyone holding the URL may fetch it, as they may the
// verification page; it names no one, identifying the holder by a salted
// hash of their email.
func (p *pages) credential(c echo.Context) error {
	cert, err := ByToken(c.Request().Context(), p.svc.DB, c.Param("token"))
	if err != nil {
		return err
	}
	body, err := p.svc.Credential(cert)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "no-cache")
	h.Set(echo.HeaderAccessControlAllowOrigin, "*")
	if c.QueryParam("download") != "" {
		h.Set(echo.HeaderContentDisposition, `attachment; filename="`+cert.Number+`.json"`)
	}
	return c.Blob(http.StatusOK, CredentialMediaType, body)
}

// CredentialMediaType is the media type of a credential with an embedded
// proof, as Open Badges 3.0 names it for the web.
const CredentialMediaType = "application/vc+ld+json"

// profile serves the issuer profile with the public key.
func (p *pages) profile(c echo.Context) error {
	body, err := p.svc.Profile()
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderAccessControlAllowOrigin, "*")
	c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=3600")
	return c.Blob(http.StatusOK, "application/ld+json", body)
}

// statusList serves the signed status list credential; verifiers must see
// a revocation or re-issue at once, so it is revalidated every time.
func (p *pages) statusList(c echo.Context) error {
	body, err := p.svc.StatusList(c.Request().Context())
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderAccessControlAllowOrigin, "*")
	c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
	return c.Blob(http.StatusOK, CredentialMediaType, body)
}

// revocations serves the 1EdTech revocation list of credentials that no
// longer stand, for copies downloaded before credentials carried a status
// list entry; it is revalidated every time.
func (p *pages) revocations(c echo.Context) error {
	body, err := p.svc.RevocationList(c.Request().Context())
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderAccessControlAllowOrigin, "*")
	c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
	return c.Blob(http.StatusOK, "application/json", body)
}

// linkedInURL is LinkedIn's "add licence or certification" link for c.
func linkedInURL(s *Service, c *Certificate) string {
	q := url.Values{}
	q.Set("startTask", "CERTIFICATION_NAME")
	q.Set("name", c.Title)
	q.Set("organizationName", s.Issuer.Name)
	q.Set("issueYear", strconv.Itoa(c.IssuedAt.Year()))
	q.Set("issueMonth", strconv.Itoa(int(c.IssuedAt.Month())))
	q.Set("certUrl", s.VerifyURL(c))
	q.Set("certId", c.Number)
	return "https://www.linkedin.com/profile/add?" + q.Encode()
}
