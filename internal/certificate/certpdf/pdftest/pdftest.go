// Package pdftest reads back what a certificate PDF holds, for tests: its
// text, as a PDF reader extracts it, its QR code, decoded from the squares
// drawn on the page, and its metadata.
package pdftest

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"regexp"
	"strconv"
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

// Text is page 1's text as assistive technology reads it: the structure
// tree's elements in order, each one's ActualText if it has one, else the
// ActualText of its marked-content sequences on the page. Every font must
// have a ToUnicode map (checked here). One line per line drawn.
func (d *Doc) Text() (string, error) {
	page := d.r.Page(1)
	fonts := page.V.Key("Resources").Key("Font")
	for _, name := range fonts.Keys() {
		cmap, err := io.ReadAll(fonts.Key(name).Key("ToUnicode").Reader())
		if err != nil || !bytes.Contains(cmap, []byte("beginbfchar")) {
			return "", fmt.Errorf("font %s has no ToUnicode map", name)
		}
	}
	stream, err := io.ReadAll(page.V.Key("Contents").Reader())
	if err != nil {
		return "", err
	}
	marked := map[int]string{}
	for _, m := range actualText.FindAllSubmatch(stream, -1) {
		s, err := hexText(string(m[2]))
		if err != nil {
			return "", err
		}
		n, _ := strconv.Atoi(string(m[1]))
		marked[n] = s
	}
	var out strings.Builder
	elems := d.r.Trailer().Key("Root").Key("StructTreeRoot").Key("K").Index(0).Key("K")
	for i := range elems.Len() {
		e := elems.Index(i)
		if at := e.Key("ActualText"); at.Kind() == pdf.String {
			out.WriteString(at.Text() + "\n")
			continue
		}
		for j := range e.Key("K").Len() {
			if s, ok := marked[int(e.Key("K").Index(j).Int64())]; ok {
				out.WriteString(s + "\n")
			}
		}
	}
	return out.String(), nil
}

// actualText matches a marked-content sequence with its ID and text.
var actualText = regexp.MustCompile(`/MCID (\d+) /ActualText\s*<([0-9A-Fa-f]*)>`)

func hexText(h string) (string, error) {
	b, err := hex.DecodeString(h)
	if err != nil || len(b) < 2 || b[0] != 0xFE || b[1] != 0xFF {
		return "", fmt.Errorf("ActualText %s is not UTF-16BE", h)
	}
	return utf16BE(b[2:]), nil
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
	// A white margin around the code, as a printed page has, so the
	// decoder never mistakes the image's edge for part of the pattern.
	const scale, margin = 4.0, 40
	size := int((zone.Max.X-zone.Min.X)*scale) + 2*margin
	img := image.NewGray(image.Rect(0, 0, size, size))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for _, rc := range rects {
		rc = normal(rc)
		if rc == zone || rc.Min.X < zone.Min.X || rc.Max.X > zone.Max.X || rc.Min.Y < zone.Min.Y || rc.Max.Y > zone.Max.Y {
			continue
		}
		x0, x1 := margin+int((rc.Min.X-zone.Min.X)*scale+0.5), margin+int((rc.Max.X-zone.Min.X)*scale+0.5)
		y0, y1 := margin+int((zone.Max.Y-rc.Max.Y)*scale+0.5), margin+int((zone.Max.Y-rc.Min.Y)*scale+0.5)
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
	// The picture is drawn, not photographed: the pure-barcode reading
	// fits it exactly; finder-pattern search is the fallback.
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		res, err = qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true})
	}
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

// Tagged reports whether the document declares itself tagged and has a
// structure tree.
func (d *Doc) Tagged() bool {
	root := d.r.Trailer().Key("Root")
	return root.Key("MarkInfo").Key("Marked").Bool() && root.Key("StructTreeRoot").Key("K").Len() > 0
}
