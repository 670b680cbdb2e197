package certpdf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// trueType is the part of a TrueType (glyf) font that a PDF embeds: enough
// to cut a subset holding only the glyphs one document shows.
type trueType struct {
	tables      map[string][]byte
	offsets     []uint32 // where each glyph starts in glyf; one more than glyphs
	numGlyphs   int
	numHMetrics int
}

// parseTrueType reads the tables of a TrueType font.
func parseTrueType(b []byte) (*trueType, error) {
	if len(b) < 12 || binary.BigEndian.Uint32(b) != 0x00010000 {
		return nil, errors.New("not a TrueType font")
	}
	t := &trueType{tables: map[string][]byte{}}
	n := int(binary.BigEndian.Uint16(b[4:]))
	for i := range n {
		rec := b[12+16*i:]
		off, length := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		if int(off)+int(length) > len(b) {
			return nil, fmt.Errorf("table %q runs past the end", rec[:4])
		}
		t.tables[string(rec[:4])] = b[off : off+length]
	}
	for _, tag := range []string{"head", "hhea", "maxp", "hmtx", "loca", "glyf"} {
		if t.tables[tag] == nil {
			return nil, fmt.Errorf("no %s table", tag)
		}
	}
	t.numGlyphs = int(binary.BigEndian.Uint16(t.tables["maxp"][4:]))
	t.numHMetrics = int(binary.BigEndian.Uint16(t.tables["hhea"][34:]))
	long := binary.BigEndian.Uint16(t.tables["head"][50:]) == 1
	loca := t.tables["loca"]
	t.offsets = make([]uint32, t.numGlyphs+1)
	for i := range t.offsets {
		if long {
			t.offsets[i] = binary.BigEndian.Uint32(loca[4*i:])
		} else {
			t.offsets[i] = 2 * uint32(binary.BigEndian.Uint16(loca[2*i:]))
		}
	}
	return t, nil
}

// glyph is the outline of glyph g, empty for a blank glyph.
func (t *trueType) glyph(g uint16) []byte {
	if int(g) >= t.numGlyphs {
		return nil
	}
	return t.tables["glyf"][t.offsets[g]:t.offsets[g+1]]
}

// metric is glyph g's advance and left side bearing.
func (t *trueType) metric(g uint16) (advance uint16, lsb int16) {
	hmtx := t.tables["hmtx"]
	i := min(int(g), t.numHMetrics-1)
	advance = binary.BigEndian.Uint16(hmtx[4*i:])
	if int(g) < t.numHMetrics {
		return advance, int16(binary.BigEndian.Uint16(hmtx[4*i+2:]))
	}
	return advance, int16(binary.BigEndian.Uint16(hmtx[4*t.numHMetrics+2*(int(g)-t.numHMetrics):]))
}

// Flags of a component in a composite glyph.
const (
	argsAreWords  = 0x0001
	haveScale     = 0x0008
	moreParts     = 0x0020
	haveXYScale   = 0x0040
	haveTwoByTwo  = 0x0080
	componentBase = 10 // a glyph's header: contours and bounding box
)

// components calls f with the offset of every component glyph index in a
// composite glyph.
func components(glyph []byte, f func(at int)) {
	if len(glyph) < componentBase || int16(binary.BigEndian.Uint16(glyph)) >= 0 {
		return
	}
	for at := componentBase; at+4 <= len(glyph); {
		flags := binary.BigEndian.Uint16(glyph[at:])
		f(at + 2)
		at += 4
		if flags&argsAreWords != 0 {
			at += 4
		} else {
			at += 2
		}
		switch {
		case flags&haveScale != 0:
			at += 2
		case flags&haveXYScale != 0:
			at += 4
		case flags&haveTwoByTwo != 0:
			at += 8
		}
		if flags&moreParts == 0 {
			return
		}
	}
}

// subset cuts a font holding .notdef and then the glyphs used, numbered in
// that order (so glyph used[i] becomes i+1), then the parts of composite
// glyphs. It is a complete TrueType font for a PDF's FontFile2.
func (t *trueType) subset(used []uint16) []byte {
	newID := map[uint16]uint16{0: 0}
	order := []uint16{0}
	add := func(g uint16) {
		if _, ok := newID[g]; !ok && int(g) < t.numGlyphs {
			newID[g] = uint16(len(order))
			order = append(order, g)
		}
	}
	for _, g := range used {
		add(g)
	}
	for i := 0; i < len(order); i++ {
		outline := t.glyph(order[i])
		components(outline, func(at int) { add(binary.BigEndian.Uint16(outline[at:])) })
	}
	var glyf, loca, hmtx []byte
	for _, g := range order {
		loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))
		outline := slices.Clone(t.glyph(g))
		components(outline, func(at int) {
			binary.BigEndian.PutUint16(outline[at:], newID[binary.BigEndian.Uint16(outline[at:])])
		})
		glyf = append(glyf, outline...)
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
		adv, lsb := t.metric(g)
		hmtx = binary.BigEndian.AppendUint16(hmtx, adv)
		hmtx = binary.BigEndian.AppendUint16(hmtx, uint16(lsb))
	}
	loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))
	head := slices.Clone(t.tables["head"])
	binary.BigEndian.PutUint32(head[8:], 0)  // checksum adjustment, not needed in a PDF
	binary.BigEndian.PutUint16(head[50:], 1) // long loca offsets
	hhea := slices.Clone(t.tables["hhea"])
	binary.BigEndian.PutUint16(hhea[34:], uint16(len(order)))
	maxp := slices.Clone(t.tables["maxp"])
	binary.BigEndian.PutUint16(maxp[4:], uint16(len(order)))
	post := make([]byte, 32)
	binary.BigEndian.PutUint32(post, 0x00030000)
	return sfnt(map[string][]byte{"glyf": glyf, "head": head, "hhea": hhea, "hmtx": hmtx, "loca": loca, "maxp": maxp, "post": post})
}

// sfnt writes tables as a TrueType font file, tags in order.
func sfnt(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for tag := range tables {
		tags = append(tags, tag)
	}
	slices.Sort(tags)
	n := len(tags)
	entry := 1
	for entry*2 <= n {
		entry *= 2
	}
	out := binary.BigEndian.AppendUint32(nil, 0x00010000)
	out = binary.BigEndian.AppendUint16(out, uint16(n))
	out = binary.BigEndian.AppendUint16(out, uint16(entry*16))
	out = binary.BigEndian.AppendUint16(out, uint16(log2(entry)))
	out = binary.BigEndian.AppendUint16(out, uint16(n*16-entry*16))
	offset := 12 + 16*n
	for _, tag := range tags {
		data := tables[tag]
		out = append(out, tag...)
		out = binary.BigEndian.AppendUint32(out, checksum(data))
		out = binary.BigEndian.AppendUint32(out, uint32(offset))
		out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
		offset += (len(data) + 3) &^ 3
	}
	for _, tag := range tags {
		out = append(out, tables[tag]...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	return out
}

func log2(n int) int {
	l := 0
	for n > 1 {
		n /= 2
		l++
	}
	return l
}

// checksum is a TrueType table checksum: the sum of its big-endian words.
func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
