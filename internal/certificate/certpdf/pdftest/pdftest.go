// Package pdftest reads back what a certificate PDF holds, for tests: its
// text, as a PDF reader extracts it, its QR code, decoded from the squares
// drawn on the page, and its metadata.
package pdftest

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"regexp"
	"strings"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Doc is a parsed PDF.
type Doc struct{ r *pdf.Reader }

// Open parses b as a PDF.
func Open(b []byte) (*Doc, error) {
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("the PDF does not parse: %w", err)
	}
	return &Doc{r}, nil
}

// Pages is the number of pages.
func (d *Doc) Pages() int { return d.r.NumPage() }

// Size is page 1's width and height in points.
func (d *Doc) Size() (w, h float64) {
	box := d.r.Page(1).V.Key("MediaBox")
	if box.Len() == 0 {
		box = d.r.Page(1).V.Key("Parent").Key("MediaBox")
	}
	return box.Index(2).Float64(), box.Index(3).Float64()
}

// Title is the document information's title.
func (d *Doc) Title() string { return d.r.Trailer().Key("Info").Key("Title").Text() }

// Lang is the document's language.
func (d *Doc) Lang() string { return d.r.Trailer().Key("Root").Key("Lang").Text() }

// Text extracts page 1's text as a PDF reader does for these fonts: every
// string shown holds 16-bit codes that the fonts' ToUnicode maps (checked
// here) map to the same Unicode values. One line per string shown.
func (d *Doc) Text() (string, error) {
	page := d.r.Page(1)
	fonts := page.V.Key("Resources").Key("Font")
	for _, name := range fonts.Keys() {
		cmap, err := io.ReadAll(fonts.Key(name).Key("ToUnicode").Reader())
		if err != nil || !bytes.Contains(cmap, []byte("<0000> <FFFF> <0000>")) {
			return "", fmt.Errorf("font %s has no identity ToUnicode map", name)
		}
	}
	stream, err := io.ReadAll(page.V.Key("Contents").Reader())
	if err != nil {
		return "", err
	}
	var out strings.Builder
	for _, m := range shown.FindAllSubmatch(stream, -1) {
		out.WriteString(utf16BE(unescape(m[1])) + "\n")
	}
	return out.String(), nil
}

// shown matches a string operand followed by Tj.
var shown = regexp.MustCompile(`(?s)\(((?:\\.|[^\\)])*)\)\s*Tj`)

// escapes are the one-letter escapes of PDF strings.
var escapes = map[byte]byte{'n': '\n', 'r': '\r', 't': '\t', 'b': '\b', 'f': '\f'}

// unescape undoes a PDF literal string's backslash escapes.
func unescape(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 == len(b) {
			out = append(out, b[i])
			continue
		}
		i++
		c := b[i]
		if c >= '0' && c <= '7' {
			n, j := 0, i
			for ; j < len(b) && j < i+3 && b[j] >= '0' && b[j] <= '7'; j++ {
				n = n*8 + int(b[j]-'0')
			}
			out, i = append(out, byte(n)), j-1
			continue
		}
		if e, ok := escapes[c]; ok {
			c = e
		}
		out = append(out, c)
	}
	return out
}

func utf16BE(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(u))
}

// QR finds the QR code's white square on page 1, paints every rectangle
// drawn inside it black, and decodes the picture.
func (d *Doc) QR() (string, error) {
	rects := d.r.Page(1).Content().Rect
	var zone pdf.Rect
	for _, rc := range rects {
		rc = normal(rc)
		if w, h := rc.Max.X-rc.Min.X, rc.Max.Y-rc.Min.Y; math.Abs(w-h) < 0.5 && w > 80 && w < 120 {
			zone = rc
		}
	}
	if zone.Max.X == 0 {
		return "", errors.New("no QR code on the page")
	}
	const scale = 4.0
	size := int((zone.Max.X - zone.Min.X) * scale)
	img := image.NewGray(image.Rect(0, 0, size, size))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for _, rc := range rects {
		rc = normal(rc)
		if rc == zone || rc.Min.X < zone.Min.X || rc.Max.X > zone.Max.X || rc.Min.Y < zone.Min.Y || rc.Max.Y > zone.Max.Y {
			continue
		}
		x0, x1 := int((rc.Min.X-zone.Min.X)*scale+0.5), int((rc.Max.X-zone.Min.X)*scale+0.5)
		y0, y1 := int((zone.Max.Y-rc.Max.Y)*scale+0.5), int((zone.Max.Y-rc.Min.Y)*scale+0.5)
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				img.SetGray(x, y, color.Gray{})
			}
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return "", fmt.Errorf("the QR code does not decode: %w", err)
	}
	return res.GetText(), nil
}

func normal(r pdf.Rect) pdf.Rect {
	if r.Min.X > r.Max.X {
		r.Min.X, r.Max.X = r.Max.X, r.Min.X
	}
	if r.Min.Y > r.Max.Y {
		r.Min.Y, r.Max.Y = r.Max.Y, r.Min.Y
	}
	return r
}
