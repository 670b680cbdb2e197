// Package certpdf draws a certificate as a one-page A4 landscape PDF that
// prints any name and that screen readers can read: text shaped with
// HarfBuzz's rules (joining, reordering, marks) and laid out in both
// directions, in Noto fonts subset to the glyphs each document shows, and a
// tagged structure (PDF/UA-1 is the aim) with the document's title and
// language. The QR code of the verification URL is drawn as vector squares.
package certpdf

import (
	"fmt"
	_ "image/jpeg" // logos may be JPEG
	_ "image/png"  // or PNG
	"io"
	"log/slog"
	"strings"
	"time"

	"rsc.io/qr"
)

// Data is what a certificate says, frozen at issue.
type Data struct {
	Organisation   string // issuing organisation
	Logo           []byte // optional PNG or JPEG; nil means no logo
	Holder         string // the name as it was at issue
	Title          string // the achievement
	Kind           string // "module", "programme" or "attendance"
	Description    string // one or two sentences, may be empty
	Number         string // e.g. GW-7K3M-Q9PX-2HTD-R
	IssuedAt       time.Time
	VerifyURL      string
	SignedOffBy    []string // supervisors (or facilitators), may be empty
	ContentVersion string   // may be empty
	Lang           string   // BCP 47, e.g. en-GB
}

// Page geometry in millimetres: A4 landscape.
const (
	pageW, pageH = 297.0, 210.0
	margin       = 18.0
	textW        = pageW - 2*margin - 20
	qrSize       = 34.0
	mmPerPt      = 25.4 / 72
)

// Colours: the certificate's one colour, a dark teal, and near blacks.
var (
	ink   = [3]int{31, 92, 87}
	body  = [3]int{40, 40, 40}
	muted = [3]int{70, 70, 70}
)

// Render writes d as a one-page A4 landscape PDF to w. Characters that no
// font covers print as a replacement mark (the PDF's text keeps them) and
// are logged; they never fail the certificate.
func Render(w io.Writer, d Data) error {
	set, err := loadFonts()
	if err != nil {
		return err
	}
	ts := newTypesetter(set, lang(d.Lang))
	doc := newDocument(ts)
	doc.artifact(func() { frame(doc) })
	top := header(doc, d)
	content(doc, d, top)
	footer(doc, d)
	if err := drawQR(doc, d.VerifyURL, pageW-margin-8-qrSize, pageH-margin-14-qrSize); err != nil {
		return err
	}
	if ts.missing > 0 {
		slog.Warn("certificate PDF: characters no font covers are printed as a replacement mark",
			"number", d.Number, "count", ts.missing)
	}
	err = doc.write(w, info{title: fmt.Sprintf("Certificate %s – %s", d.Number, d.Holder), author: d.Organisation,
		subject: d.Title, lang: lang(d.Lang), date: d.IssuedAt})
	if err != nil {
		return fmt.Errorf("write certificate PDF: %w", err)
	}
	return nil
}

func lang(l string) string {
	if l == "" {
		return "en"
	}
	return l
}

// frame draws a double border.
func frame(doc *document) {
	doc.rgb(ink)
	doc.printf("1.2 w\n")
	doc.rect(8, 8, pageW-16, pageH-16, "S")
	doc.printf("0.3 w\n")
	doc.rect(11, 11, pageW-22, pageH-22, "S")
}

// header draws the logo, if any, and the organisation, and returns where
// the page's text may start.
func header(doc *document, d Data) float64 {
	top := margin + 4
	if len(d.Logo) > 0 {
		if img, err := decodeLogo(d.Logo); err == nil && img.height > 0 {
			h := 16.0
			w := min(h*float64(img.width)/float64(img.height), 60)
			fig := doc.element("Figure")
			fig.alt = "Logo of " + d.Organisation
			doc.image(fig, img, (pageW-w)/2, top, w, h)
			top += h + 3
		}
	}
	doc.rgb(ink)
	centred(doc, "P", strings.ToUpper(d.Organisation), true, 13, 10, 1, top+3)
	return top
}

// content draws what the certificate says, each block below the last.
func content(doc *document, d Data, top float64) {
	heading, phrase := "Certificate of completion", "has completed the module"
	switch d.Kind {
	case "programme":
		phrase = "has completed the programme"
	case "attendance":
		heading, phrase = "Certificate of attendance", "attended the public session"
	}
	doc.rgb(ink)
	y := max(top+25, 62.0)
	y = centred(doc, "H1", heading, true, 30, 16, 1, y)
	doc.rgb(body)
	y = centred(doc, "P", "This is to certify that", false, 12, 10, 1, y+7)
	y = centred(doc, "P", d.Holder, true, 28, 12, 2, y+6)
	y = centred(doc, "P", phrase, false, 12, 10, 1, y+5)
	doc.rgb(ink)
	y = centred(doc, "P", d.Title, true, 19, 11, 2, y+5)
	if d.Description != "" {
		doc.rgb(muted)
		centredIn(doc, "P", d.Description, false, 10, 10, 3, y+4, textW-40)
	}
}

// centred draws s centred on the page, its top at y (mm), as an element of
// the given role, shrinking from size down to minSize and wrapping to at
// most maxLines lines to fit the text width. It returns the bottom.
func centred(doc *document, role, s string, bold bool, size, minSize float64, maxLines int, y float64) float64 {
	return centredIn(doc, role, s, bold, size, minSize, maxLines, y, textW)
}

func centredIn(doc *document, role, s string, bold bool, size, minSize float64, maxLines int, y, width float64) float64 {
	lines, size := doc.ts.fit(s, bold, width/mmPerPt, size, minSize, maxLines)
	leading := size * 1.2 * mmPerPt
	if len(lines) == 0 {
		return y + leading // the layout keeps its place
	}
	doc.text(doc.element(role), lines, size, pageW/2, y+size*0.8*mmPerPt, leading)
	return y + leading*float64(len(lines))
}

// footer draws the date, who signed off, the number and where to check.
func footer(doc *document, d Data) {
	doc.rgb(body)
	left, y := margin+8, pageH-margin-40.0
	line := func(size float64, bold bool, s string) {
		lines, fitted := doc.ts.fit(s, bold, 150/mmPerPt, size, size*0.75, 1)
		if len(lines) > 0 {
			doc.textLeft(doc.element("P"), lines[0], fitted, left, y+size*0.35*mmPerPt*2)
		}
		y += size * 0.55
	}
	line(11, true, "Issued "+d.IssuedAt.UTC().Format("2 January 2006"))
	if len(d.SignedOffBy) > 0 {
		who := "Competencies signed off by "
		if d.Kind == "attendance" {
			who = "Facilitated by "
		}
		line(10, false, who+strings.Join(d.SignedOffBy, ", "))
	}
	line(10, false, "Certificate number "+d.Number)
	if d.ContentVersion != "" {
		line(8, false, "Content version "+d.ContentVersion)
	}
	line(8, false, "Check this certificate at "+d.VerifyURL)
	qx := pageW - margin - 8 - qrSize
	label := doc.element("P")
	for i, s := range []string{d.Number, "Scan to verify"} {
		lines, size := doc.ts.fit(s, false, (qrSize+20)/mmPerPt, 8, 6, 1)
		doc.text(label, lines, size, qx+qrSize/2, pageH-margin-13+3+float64(i)*4, 0)
	}
}

// drawQR draws the QR code of url at x, y (mm) as filled squares, one
// rectangle per run of dark modules in a row, on a white quiet zone: a
// figure whose alternative text says where it leads.
func drawQR(doc *document, url string, x, y float64) error {
	code, err := qr.Encode(url, qr.M)
	if err != nil {
		return fmt.Errorf("QR code: %w", err)
	}
	fig := doc.element("Figure")
	fig.alt = "QR code that opens " + url
	fig.bbox = [4]float64{pt(x), pt(pageH - y - qrSize), pt(x + qrSize), pt(pageH - y)}
	doc.mark(fig, "")
	module := qrSize / float64(code.Size+8)
	doc.rgb([3]int{255, 255, 255})
	doc.rect(x, y, qrSize, qrSize, "f")
	doc.rgb([3]int{0, 0, 0})
	for row := range code.Size {
		for col := 0; col < code.Size; {
			if !code.Black(col, row) {
				col++
				continue
			}
			start := col
			for col < code.Size && code.Black(col, row) {
				col++
			}
			doc.rect(x+float64(start+4)*module, y+float64(row+4)*module, float64(col-start)*module, module, "f")
		}
	}
	doc.printf("EMC\n")
	return nil
}
