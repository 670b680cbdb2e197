package certpdf

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/shaping"
)

// document is a one-page tagged PDF being drawn: a content stream whose
// every mark is either an artifact or belongs to a structure element, the
// fonts it uses (subset when written), and its images.
type document struct {
	content bytes.Buffer
	elems   []*element
	mcid    int
	fonts   map[*fontFile]*docFont
	used    []*docFont
	images  []*pdfImage
	ts      *typesetter
}

// element is a structure element under the document: a heading, a
// paragraph or a figure, with its marked-content IDs on the page.
type element struct {
	role  string
	mcids []int
	alt   string
	bbox  [4]float64 // figures: their box on the page, in points
	text  []string   // the lines it says
	rtl   bool       // some line runs right to left
}

// docFont is a font as one document uses it: the glyphs shown, numbered
// from 1 in order of first use, and the text each stands for.
type docFont struct {
	file *fontFile
	res  string
	cid  map[uint16]uint16
	gids []uint16
	text []string // by CID-1
}

// pdfImage is an image ready to write: compressed pixels and, if any pixel
// is not opaque, an alpha mask.
type pdfImage struct {
	res           string
	width, height int
	rgb, alpha    []byte // zlib-compressed
}

func newDocument(ts *typesetter) *document {
	return &document{fonts: map[*fontFile]*docFont{}, ts: ts}
}

// pt converts millimetres to points.
func pt(mm float64) float64 { return mm * 72 / 25.4 }

// num formats a number for the content stream.
func num(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

func (d *document) printf(format string, args ...any) { fmt.Fprintf(&d.content, format, args...) }

// element starts a structure element of the given role.
func (d *document) element(role string) *element {
	e := &element{role: role}
	d.elems = append(d.elems, e)
	return e
}

// mark opens marked content belonging to e, with the text it says when it
// is text (so that copying and searching give the characters as written,
// whatever the glyphs), and returns the closing operator.
func (d *document) mark(e *element, actual string) {
	e.mcids = append(e.mcids, d.mcid)
	if actual != "" {
		// Span, since readers take ActualText from Span sequences only.
		d.printf("/Span <</MCID %d /ActualText %s>> BDC\n", d.mcid, textString(actual))
	} else {
		d.printf("/%s <</MCID %d>> BDC\n", e.role, d.mcid)
	}
	d.mcid++
}

// artifact draws f as decoration that assistive technology skips.
func (d *document) artifact(f func()) {
	d.printf("/Artifact <</Type /Layout>> BDC\n")
	f()
	d.printf("EMC\n")
}

// rgb sets the fill (and stroke) colour.
func (d *document) rgb(c [3]int) {
	r, g, b := float64(c[0])/255, float64(c[1])/255, float64(c[2])/255
	d.printf("%s %s %s rg %s %s %s RG\n", num(r), num(g), num(b), num(r), num(g), num(b))
}

// rect draws a rectangle given in millimetres from the top left, filled
// ("f") or stroked ("S").
func (d *document) rect(x, y, w, h float64, op string) {
	d.printf("%s %s %s %s re %s\n", num(pt(x)), num(pt(pageH-y-h)), num(pt(w)), num(pt(h)), op)
}

// font returns the document's use of f.
func (d *document) font(f *fontFile) *docFont {
	if df, ok := d.fonts[f]; ok {
		return df
	}
	df := &docFont{file: f, res: fmt.Sprintf("F%d", len(d.used)+1), cid: map[uint16]uint16{}}
	d.fonts[f] = df
	d.used = append(d.used, df)
	return df
}

// code is the CID that shows glyph g, noting the text it stands for.
func (f *docFont) code(g uint16, text string) uint16 {
	if g == 0 {
		return 0
	}
	if c, ok := f.cid[g]; ok {
		return c
	}
	f.gids = append(f.gids, g)
	f.text = append(f.text, text)
	f.cid[g] = uint16(len(f.gids))
	return f.cid[g]
}

// text draws lines centred on cx (mm), the first baseline at y (mm), as
// part of e, leading (mm) apart.
func (d *document) text(e *element, lines []line, size, cx, y, leading float64) {
	for i, l := range lines {
		d.line(e, l, size, pt(cx)-l.width*size/unitsPerEm/2, pt(pageH-(y+float64(i)*leading)))
	}
}

// textLeft draws one line starting at x (mm) with its baseline at y (mm).
func (d *document) textLeft(e *element, l line, size, x, y float64) {
	d.line(e, l, size, pt(x), pt(pageH-y))
}

// line draws a shaped line with its left end at x and baseline at y, in
// points, each glyph at the place the shaper gave it.
//
// A line with right-to-left runs carries no ActualText of its own: readers
// that take text from a page lay ActualText out left to right, which
// reverses it, while they order the glyphs' own Unicode values correctly.
// Its element carries the text as written instead, for assistive technology.
func (d *document) line(e *element, l line, size, x, y float64) {
	e.text = append(e.text, l.text)
	if l.rightToLeft() {
		e.rtl = true
		d.mark(e, "")
	} else {
		d.mark(e, l.text)
	}
	d.printf("BT\n")
	scale := size / unitsPerEm
	var current *docFont
	for _, run := range l.runs {
		file := d.ts.byFace[run.Face]
		f := d.font(file)
		if f != current {
			d.printf("/%s %s Tf\n", f.res, num(size))
			if file.fakeBold {
				d.printf("2 Tr %s w\n", num(size*0.03))
			} else {
				d.printf("0 Tr\n")
			}
			current = f
		}
		for i, g := range run.Glyphs {
			if g.GlyphID < font.GID(file.tt.numGlyphs) { // not an invisible stand-in such as font.EmptyGlyph
				c := f.code(uint16(g.GlyphID), glyphText(l.shown, run.Glyphs, i, file))
				gx, gy := x+float64(g.XOffset)/64*scale, y+float64(g.YOffset)/64*scale
				d.printf("1 0 0 1 %s %s Tm <%04X> Tj\n", num(gx), num(gy), c)
			}
			x += float64(g.Advance) / 64 * scale
		}
	}
	d.printf("ET\nEMC\n")
}

// glyphText is the text glyphs[i] stands for, for the font's Unicode map:
// its cluster's text when it is the cluster's one glyph; in a cluster of
// several glyphs (a vowel sign drawn apart, a mark), the character it is
// the nominal glyph of, and for the cluster's first glyph whatever no other
// glyph of the cluster stands for. Copying text goes by each line's
// ActualText; this map serves tools that read glyphs one by one.
func glyphText(shown []rune, glyphs []shaping.Glyph, i int, file *fontFile) string {
	g := glyphs[i]
	start, n := g.ClusterIndex, g.RuneCount
	if start < 0 || start+n > len(shown) {
		return ""
	}
	cluster := shown[start : start+n]
	if g.GlyphCount <= 1 {
		return string(cluster)
	}
	nominal := func(r rune) font.GID { gid, _ := file.font.Cmap.Lookup(r); return gid }
	for _, r := range cluster {
		if nominal(r) == g.GlyphID {
			return string(r)
		}
	}
	if i > 0 && glyphs[i-1].ClusterIndex == start {
		return ""
	}
	var rest []rune
	for _, r := range cluster {
		shownElsewhere := false
		for _, o := range glyphs {
			shownElsewhere = shownElsewhere || (o.ClusterIndex == start && o.GlyphID != g.GlyphID && nominal(r) == o.GlyphID)
		}
		if !shownElsewhere {
			rest = append(rest, r)
		}
	}
	return string(rest)
}

// image draws img (registered once per document) in the box x, y, w, h
// (mm) as the figure e.
func (d *document) image(e *element, img *pdfImage, x, y, w, h float64) {
	d.images = append(d.images, img)
	e.bbox = [4]float64{pt(x), pt(pageH - y - h), pt(x + w), pt(pageH - y)}
	d.mark(e, "")
	d.printf("q %s 0 0 %s %s %s cm /%s Do Q\nEMC\n", num(pt(w)), num(pt(h)), num(pt(x)), num(pt(pageH-y-h)), img.res)
}

// logoCache keeps the last logo decoded, since every certificate of an
// organisation carries the same one.
var logoCache struct {
	sync.Mutex
	sum [32]byte
	img *pdfImage
}

// decodeLogo turns a PNG or JPEG into pixels for the PDF.
func decodeLogo(b []byte) (*pdfImage, error) {
	sum := sha256.Sum256(b)
	logoCache.Lock()
	defer logoCache.Unlock()
	if logoCache.img != nil && logoCache.sum == sum {
		return logoCache.img, nil
	}
	src, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	bounds := src.Bounds()
	rgb := make([]byte, 0, bounds.Dx()*bounds.Dy()*3)
	alpha := make([]byte, 0, bounds.Dx()*bounds.Dy())
	opaque := true
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			c := color.NRGBAModel.Convert(src.At(x, y)).(color.NRGBA)
			rgb = append(rgb, c.R, c.G, c.B)
			alpha = append(alpha, c.A)
			opaque = opaque && c.A == 255
		}
	}
	img := &pdfImage{res: "Im1", width: bounds.Dx(), height: bounds.Dy(), rgb: deflate(rgb)}
	if !opaque {
		img.alpha = deflate(alpha)
	}
	logoCache.sum, logoCache.img = sum, img
	return img, nil
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// textString encodes s as a PDF text string: UTF-16BE with a byte-order
// mark, in hex, so any character survives.
func textString(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

// info is what the document says about itself.
type info struct {
	title, author, subject, lang string
	date                         time.Time
}

// writer numbers objects and records where each starts.
type writer struct {
	buf     bytes.Buffer
	offsets []int
}

// alloc reserves an object number.
func (w *writer) alloc() int {
	w.offsets = append(w.offsets, 0)
	return len(w.offsets)
}

// object writes object n with the given dictionary or value.
func (w *writer) object(n int, body string) {
	w.offsets[n-1] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n%s\nendobj\n", n, body)
}

// stream writes object n as a stream with dict's entries, compressed.
func (w *writer) stream(n int, dict string, data []byte, compress bool) {
	if compress {
		data = deflate(data)
		dict += " /Filter /FlateDecode"
	}
	w.offsets[n-1] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n<<%s /Length %d>>\nstream\n", n, dict, len(data))
	w.buf.Write(data)
	w.buf.WriteString("\nendstream\nendobj\n")
}

// write writes the finished document to out.
func (d *document) write(out io.Writer, in info) error {
	w := &writer{}
	w.buf.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	catalog, pages, page, contents := w.alloc(), w.alloc(), w.alloc(), w.alloc()
	root, top, meta, infoObj := w.alloc(), w.alloc(), w.alloc(), w.alloc()

	fonts := d.writeFonts(w)
	images := d.writeImages(w)
	w.object(catalog, fmt.Sprintf("<</Type /Catalog /Pages %d 0 R /Lang %s /MarkInfo <</Marked true>> /StructTreeRoot %d 0 R"+
		" /Metadata %d 0 R /ViewerPreferences <</DisplayDocTitle true>>>>", pages, textString(in.lang), root, meta))
	w.object(pages, fmt.Sprintf("<</Type /Pages /Kids [%d 0 R] /Count 1>>", page))
	w.object(page, fmt.Sprintf("<</Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] /Resources <</Font <<%s>> /XObject <<%s>>>>"+
		" /Contents %d 0 R /StructParents 0 /Tabs /S>>", pages, num(pt(pageW)), num(pt(pageH)), fonts, images, contents))
	w.stream(contents, "", d.content.Bytes(), true)
	d.writeStructure(w, root, top, page)
	xmp := xmpPacket(in)
	w.stream(meta, " /Type /Metadata /Subtype /XML", []byte(xmp), false)
	w.object(infoObj, fmt.Sprintf("<</Title %s /Author %s /Subject %s /Creator %s /Producer %s /CreationDate %s /ModDate %s>>",
		textString(in.title), textString(in.author), textString(in.subject), textString("Groundwork"), textString("Groundwork"),
		pdfDate(in.date), pdfDate(in.date)))

	xref := w.buf.Len()
	fmt.Fprintf(&w.buf, "xref\n0 %d\n0000000000 65535 f \n", len(w.offsets)+1)
	for _, off := range w.offsets {
		fmt.Fprintf(&w.buf, "%010d 00000 n \n", off)
	}
	id := sha256.Sum256([]byte(in.title + in.date.String()))
	fmt.Fprintf(&w.buf, "trailer\n<</Size %d /Root %d 0 R /Info %d 0 R /ID [<%X> <%X>]>>\nstartxref\n%d\n%%%%EOF\n",
		len(w.offsets)+1, catalog, infoObj, id[:16], id[:16], xref)
	_, err := out.Write(w.buf.Bytes())
	return err
}

// writeStructure writes the structure tree: the root, one Document element,
// its children in reading order, and the parent tree that leads from each
// marked-content ID on the page back to its element.
func (d *document) writeStructure(w *writer, root, top, page int) {
	ids := make([]int, len(d.elems))
	for i := range d.elems {
		ids[i] = w.alloc()
	}
	owner := make([]string, d.mcid)
	kids := make([]string, len(d.elems))
	for i, e := range d.elems {
		var k []string
		for _, m := range e.mcids {
			k = append(k, strconv.Itoa(m))
			owner[m] = fmt.Sprintf("%d 0 R", ids[i])
		}
		body := fmt.Sprintf("<</Type /StructElem /S /%s /P %d 0 R /Pg %d 0 R /K [%s]", e.role, top, page, strings.Join(k, " "))
		if e.alt != "" {
			body += " /Alt " + textString(e.alt)
		}
		if e.rtl {
			body += " /ActualText " + textString(strings.Join(e.text, " "))
		}
		if e.role == "Figure" {
			body += fmt.Sprintf(" /A <</O /Layout /Placement /Block /BBox [%s %s %s %s]>>", num(e.bbox[0]), num(e.bbox[1]), num(e.bbox[2]), num(e.bbox[3]))
		}
		w.object(ids[i], body+">>")
		kids[i] = fmt.Sprintf("%d 0 R", ids[i])
	}
	w.object(top, fmt.Sprintf("<</Type /StructElem /S /Document /P %d 0 R /K [%s]>>", root, strings.Join(kids, " ")))
	w.object(root, fmt.Sprintf("<</Type /StructTreeRoot /K [%d 0 R] /ParentTree <</Nums [0 [%s]]>> /ParentTreeNextKey 1>>",
		top, strings.Join(owner, " ")))
}

// writeFonts writes each font used as a Type 0 font over a subset of its
// TrueType outlines, with widths and a Unicode map, and returns the page's
// font resources.
func (d *document) writeFonts(w *writer) string {
	var res strings.Builder
	for _, f := range d.used {
		type0, cidFont, desc, file, toUni := w.alloc(), w.alloc(), w.alloc(), w.alloc(), w.alloc()
		tt := f.file.tt
		name := subsetTag(f.gids) + "+" + f.file.name
		head, hhea := tt.tables["head"], tt.tables["hhea"]
		upem := float64(be16(head[18:]))
		unit := func(v int16) string { return strconv.Itoa(int(float64(v) * 1000 / upem)) }
		w.stream(file, "", tt.subset(f.gids), true)
		w.object(desc, fmt.Sprintf("<</Type /FontDescriptor /FontName /%s /Flags 4 /FontBBox [%s %s %s %s] /ItalicAngle 0"+
			" /Ascent %s /Descent %s /CapHeight %s /StemV 80 /FontFile2 %d 0 R>>", name,
			unit(int16(be16(head[36:]))), unit(int16(be16(head[38:]))), unit(int16(be16(head[40:]))), unit(int16(be16(head[42:]))),
			unit(int16(be16(hhea[4:]))), unit(int16(be16(hhea[6:]))), unit(int16(be16(hhea[4:]))), file))
		widths := make([]string, len(f.gids))
		for i, g := range f.gids {
			adv, _ := tt.metric(g)
			widths[i] = strconv.Itoa(int(float64(adv) * 1000 / upem))
		}
		w.object(cidFont, fmt.Sprintf("<</Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo <</Registry (Adobe) /Ordering (Identity) /Supplement 0>>"+
			" /FontDescriptor %d 0 R /CIDToGIDMap /Identity /W [1 [%s]]>>", name, desc, strings.Join(widths, " ")))
		w.stream(toUni, "", toUnicode(f.text), true)
		w.object(type0, fmt.Sprintf("<</Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R>>",
			name, cidFont, toUni))
		fmt.Fprintf(&res, "/%s %d 0 R ", f.res, type0)
	}
	return res.String()
}

// writeImages writes the images drawn and returns the page's XObjects.
func (d *document) writeImages(w *writer) string {
	var res strings.Builder
	seen := map[*pdfImage]bool{}
	for _, img := range d.images {
		if seen[img] {
			continue
		}
		seen[img] = true
		obj := w.alloc()
		dict := fmt.Sprintf(" /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode", img.width, img.height)
		if img.alpha != nil {
			mask := w.alloc()
			w.stream(mask, fmt.Sprintf(" /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", img.width, img.height), img.alpha, false)
			dict += fmt.Sprintf(" /SMask %d 0 R", mask)
		}
		w.stream(obj, dict, img.rgb, false)
		fmt.Fprintf(&res, "/%s %d 0 R ", img.res, obj)
	}
	return res.String()
}

func be16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }

// subsetTag is the six capital letters that name a font subset, taken
// from the glyphs it holds.
func subsetTag(gids []uint16) string {
	h := fnv.New32a()
	for _, g := range gids {
		h.Write([]byte{byte(g >> 8), byte(g)})
	}
	v := h.Sum32()
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + byte(v%26)
		v /= 26
	}
	return string(tag)
}

// toUnicode is the CMap from each CID to the text its glyph stands for.
func toUnicode(text []string) []byte {
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	n := 0
	for chunk := range slices.Chunk(text, 100) {
		fmt.Fprintf(&b, "%d beginbfchar\n", len(chunk))
		for _, s := range chunk {
			n++
			if s == "" {
				s = "\u200b"
			}
			hex := textString(s)
			fmt.Fprintf(&b, "<%04X> <%s>\n", n, hex[5:len(hex)-1])
		}
		b.WriteString("endbfchar\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.Bytes()
}

// pdfDate formats t as a PDF date.
func pdfDate(t time.Time) string {
	return "(D:" + t.UTC().Format("20060102150405") + "Z)"
}

// xmpPacket is the document's XMP metadata: its title, author, language
// and the claim of PDF/UA-1 conformance.
func xmpPacket(in info) string {
	esc := func(s string) string {
		var b strings.Builder
		xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	return `<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">` + esc(in.title) + `</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>` + esc(in.author) + `</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">` + esc(in.subject) + `</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>` + esc(in.lang) + `</rdf:li></rdf:Bag></dc:language>
<xmp:CreateDate>` + in.date.UTC().Format(time.RFC3339) + `</xmp:CreateDate>
<xmp:ModifyDate>` + in.date.UTC().Format(time.RFC3339) + `</xmp:ModifyDate>
<xmp:CreatorTool>Groundwork</xmp:CreatorTool><pdf:Producer>Groundwork</pdf:Producer>
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>`
}
