// Package certpdf draws a certificate as a one-page A4 landscape PDF: real
// text in an embedded font that covers any name, the document's title and
// language, and a QR code of the certificate's verification URL drawn as
// vector squares.
package certpdf

import (
	"bytes"
	_ "embed"
	"fmt"
	"image"
	_ "image/jpeg" // logos may be JPEG
	_ "image/png"  // or PNG
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"rsc.io/qr"
)

// DejaVu Sans covers Latin (with every European extension, Vietnamese and
// Māori macrons), Greek and Cyrillic, so any trainee's name prints.
var (
	//go:embed fonts/DejaVuSans.ttf
	regular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	bold []byte
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
)

// ink is the certificate's one colour, a dark teal; text is near black.
var ink = [3]int{31, 92, 87}

// Render writes d as a one-page A4 landscape PDF to w.
func Render(w io.Writer, d Data) error {
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(margin, margin, margin)
	pdf.AddUTF8FontFromBytes("body", "", regular)
	pdf.AddUTF8FontFromBytes("body", "B", bold)
	pdf.SetTitle(fmt.Sprintf("Certificate %s – %s", d.Number, d.Holder), true)
	pdf.SetAuthor(d.Organisation, true)
	pdf.SetSubject(d.Title, true)
	pdf.SetCreator("Groundwork", true)
	pdf.SetCreationDate(d.IssuedAt)
	pdf.SetModificationDate(d.IssuedAt)
	pdf.SetLang(lang(d.Lang))
	pdf.AddPage()
	frame(pdf)
	header(pdf, d)
	body(pdf, d)
	footer(pdf, d)
	if err := drawQR(pdf, d.VerifyURL, pageW-margin-8-qrSize, pageH-margin-14-qrSize); err != nil {
		return err
	}
	if err := pdf.Output(w); err != nil {
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
func frame(pdf *fpdf.Fpdf) {
	pdf.SetDrawColor(ink[0], ink[1], ink[2])
	pdf.SetLineWidth(1.2)
	pdf.Rect(8, 8, pageW-16, pageH-16, "D")
	pdf.SetLineWidth(0.3)
	pdf.Rect(11, 11, pageW-22, pageH-22, "D")
}

// header prints the logo, if any, and the organisation.
func header(pdf *fpdf.Fpdf, d Data) {
	top := margin + 4
	if len(d.Logo) > 0 {
		if cfg, format, err := image.DecodeConfig(bytes.NewReader(d.Logo)); err == nil && cfg.Height > 0 {
			h := 16.0
			w := min(h*float64(cfg.Width)/float64(cfg.Height), 60)
			opts := fpdf.ImageOptions{ImageType: format, ReadDpi: false}
			pdf.RegisterImageOptionsReader("logo", opts, bytes.NewReader(d.Logo))
			pdf.ImageOptions("logo", (pageW-w)/2, top, w, 0, false, opts, 0, "")
			top += h + 3
		}
	}
	pdf.SetTextColor(ink[0], ink[1], ink[2])
	centred(pdf, "body", "B", 13, top, strings.ToUpper(d.Organisation))
}

// body prints what the certificate says.
func body(pdf *fpdf.Fpdf, d Data) {
	heading, phrase := "Certificate of completion", "has completed the module"
	switch d.Kind {
	case "programme":
		phrase = "has completed the programme"
	case "attendance":
		heading, phrase = "Certificate of attendance", "attended the public session"
	}
	pdf.SetTextColor(ink[0], ink[1], ink[2])
	centred(pdf, "body", "B", 30, 62, heading)
	pdf.SetTextColor(40, 40, 40)
	centred(pdf, "body", "", 12, 78, "This is to certify that")
	centred(pdf, "body", "B", 28, 92, d.Holder)
	centred(pdf, "body", "", 12, 106, phrase)
	pdf.SetTextColor(ink[0], ink[1], ink[2])
	centred(pdf, "body", "B", 19, 118, d.Title)
	if d.Description != "" {
		pdf.SetTextColor(70, 70, 70)
		pdf.SetFont("body", "", 10)
		pdf.SetXY(margin+30, 128)
		lines := pdf.SplitText(d.Description, pageW-2*margin-60)
		if len(lines) > 3 {
			lines = append(lines[:2], strings.TrimSpace(lines[2])+" …")
		}
		for _, l := range lines {
			pdf.CellFormat(pageW-2*margin-60, 5, l, "", 2, "C", false, 0, "")
			pdf.SetX(margin + 30)
		}
	}
}

// footer prints the date, who signed off, the number and where to check.
func footer(pdf *fpdf.Fpdf, d Data) {
	pdf.SetTextColor(40, 40, 40)
	left, y := margin+8, pageH-margin-40.0
	line := func(size float64, style, s string) {
		pdf.SetFont("body", style, size)
		pdf.SetXY(left, y)
		pdf.CellFormat(150, 5, fit(pdf, s, 150), "", 0, "L", false, 0, "")
		y += size * 0.55
	}
	line(11, "B", "Issued "+d.IssuedAt.UTC().Format("2 January 2006"))
	if len(d.SignedOffBy) > 0 {
		who := "Competencies signed off by "
		if d.Kind == "attendance" {
			who = "Facilitated by "
		}
		line(10, "", who+strings.Join(d.SignedOffBy, ", "))
	}
	line(10, "", "Certificate number "+d.Number)
	if d.ContentVersion != "" {
		line(8, "", "Content version "+d.ContentVersion)
	}
	line(8, "", "Check this certificate at "+d.VerifyURL)
	pdf.SetFont("body", "", 8)
	qx := pageW - margin - 8 - qrSize
	pdf.SetXY(qx-10, pageH-margin-13)
	pdf.CellFormat(qrSize+20, 4, d.Number, "", 2, "C", false, 0, "")
	pdf.SetX(qx - 10)
	pdf.CellFormat(qrSize+20, 4, "Scan to verify", "", 0, "C", false, 0, "")
}

// centred prints s centred on the page at y, shrinking the font until it
// fits the text width.
func centred(pdf *fpdf.Fpdf, family, style string, size, y float64, s string) {
	pdf.SetFont(family, style, size)
	for size > 8 && pdf.GetStringWidth(s) > textW {
		size -= 0.5
		pdf.SetFontSize(size)
	}
	s = fit(pdf, s, textW)
	pdf.SetXY(margin+10, y)
	pdf.CellFormat(textW, size*0.45, s, "", 0, "C", false, 0, "")
}

// fit cuts s with an ellipsis when even the smallest size overflows width.
func fit(pdf *fpdf.Fpdf, s string, width float64) string {
	if pdf.GetStringWidth(s) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && pdf.GetStringWidth(string(r)+"…") > width {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// drawQR draws the QR code of url at x, y as filled squares, one rectangle
// per run of dark modules in a row, on a white quiet zone.
func drawQR(pdf *fpdf.Fpdf, url string, x, y float64) error {
	code, err := qr.Encode(url, qr.M)
	if err != nil {
		return fmt.Errorf("QR code: %w", err)
	}
	module := qrSize / float64(code.Size+8)
	pdf.SetFillColor(255, 255, 255)
	pdf.Rect(x, y, qrSize, qrSize, "F")
	pdf.SetFillColor(0, 0, 0)
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
			pdf.Rect(x+float64(start+4)*module, y+float64(row+4)*module, float64(col-start)*module, module, "F")
		}
	}
	return nil
}
