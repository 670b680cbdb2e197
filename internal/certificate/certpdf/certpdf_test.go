package certpdf_test

import (
	"bytes"
	"image"
	"image/png"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"groundwork/internal/certificate/certpdf"
	"groundwork/internal/certificate/certpdf/pdftest"
)

func sample(holder string) certpdf.Data {
	return certpdf.Data{Organisation: "Harbour Lane Drug Service", Holder: holder, Title: "The drug and alcohol worker's role",
		Kind: "module", Description: "What a groupworker does, where the role ends, and how to work alongside people who use drugs with respect.",
		Number: "GW-7K3M-Q9PX-2HTD-R", IssuedAt: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC),
		VerifyURL: "https://training.example.org/verify/k2w7c4q9m3x8v6b1n5r0t2y7z4", SignedOffBy: []string{"Sam Okoro"},
		ContentVersion: "3f2a9c1b0d4e5f67", Lang: "en-GB"}
}

func render(t *testing.T, d certpdf.Data) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := certpdf.Render(&buf, d); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func open(t *testing.T, b []byte) *pdftest.Doc {
	t.Helper()
	d, err := pdftest.Open(b)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func plainText(t *testing.T, d *pdftest.Doc) string {
	t.Helper()
	s, err := d.Text()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAnyNamePrintsAsRealText(t *testing.T) {
	for _, name := range []string{"Aroha Ngāti-Whātua Ōrākei", "Łucja Żółć-Wiśniewska", "Øyvind Åsmund Ærø", "Nguyễn Thị Minh Khai"} {
		r := open(t, render(t, sample(name)))
		if r.Pages() != 1 {
			t.Fatalf("%d pages, want 1", r.Pages())
		}
		if w, h := r.Size(); math.Abs(w-841.89) > 1 || math.Abs(h-595.28) > 1 {
			t.Fatalf("page is %.1f × %.1f pt, want A4 landscape", w, h)
		}
		text := plainText(t, r)
		for _, want := range []string{name, "GW-7K3M-Q9PX-2HTD-R", "The drug and alcohol worker", "Harbour Lane Drug Service", "Sam Okoro"} {
			if !strings.Contains(strings.ReplaceAll(text, "\n", " "), want) && !strings.Contains(text, strings.ToUpper(want)) {
				t.Errorf("the PDF's text lacks %q:\n%s", want, text)
			}
		}
	}
}

func TestTitleAndLanguageAreSet(t *testing.T) {
	r := open(t, render(t, sample("Tia Ngata")))
	if title := r.Title(); title != "Certificate GW-7K3M-Q9PX-2HTD-R – Tia Ngata" {
		t.Errorf("title = %q", title)
	}
	if lang := r.Lang(); lang != "en-GB" {
		t.Errorf("language = %q, want en-GB", lang)
	}
}

// The QR code is read back from the PDF itself: its squares are taken from
// the page's drawing operations, painted onto an image and decoded.
func TestTheQRCodeInThePDFOpensTheVerifyURL(t *testing.T) {
	d := sample("Tia Ngata")
	got, err := open(t, render(t, d)).QR()
	if err != nil || got != d.VerifyURL {
		t.Fatalf("the QR code says %q (%v), want %q", got, err, d.VerifyURL)
	}
}

func TestLongNamesShrinkAndLogosPrint(t *testing.T) {
	d := sample(strings.Repeat("Wolfeschlegelsteinhausenbergerdorff ", 4))
	d.Title = strings.Repeat("A very long module title ", 6)
	d.Description, d.SignedOffBy, d.ContentVersion = "", nil, ""
	var logo bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 120, 40))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	if err := png.Encode(&logo, img); err != nil {
		t.Fatal(err)
	}
	d.Logo = logo.Bytes()
	b := render(t, d)
	if !bytes.Contains(b, []byte("/Subtype /Image")) {
		t.Fatal("the logo is not in the PDF")
	}
	if text := plainText(t, open(t, b)); !strings.Contains(text, "Wolfeschlegelsteinhausenbergerdorff") {
		t.Fatalf("a long name is lost:\n%s", text)
	}
}

func TestKindsSayWhatWasDone(t *testing.T) {
	for kind, want := range map[string]string{"module": "has completed the module", "programme": "has completed the programme", "attendance": "attended the public session"} {
		d := sample("Tia Ngata")
		d.Kind = kind
		if text := plainText(t, open(t, render(t, d))); !strings.Contains(text, want) {
			t.Errorf("a %s certificate does not say %q", kind, want)
		}
	}
}

// BenchmarkRender draws one certificate.
func BenchmarkRender(b *testing.B) {
	d := sample("Aroha Ngāti-Whātua Ōrākei")
	for b.Loop() {
		if err := certpdf.Render(io.Discard, d); err != nil {
			b.Fatal(err)
		}
	}
}
