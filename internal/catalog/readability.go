package catalog

import (
	"strings"
	"unicode"
)

// Readability describes how hard a text is to read.
type Readability struct {
	Words, Sentences, Syllables int
	// FleschKincaidGrade is the US school grade needed to read the text:
	// 0.39 words/sentence + 11.8 syllables/word - 15.59.
	FleschKincaidGrade float64
	// FleschReadingEase is 206.835 - 1.015 words/sentence - 84.6
	// syllables/word: 60 to 70 is plain English.
	FleschReadingEase float64
}

// Readability measures every lesson of the module together.
func (m *Module) Readability() Readability {
	var blocks []string
	for _, l := range m.Lessons {
		blocks = append(blocks, l.text...)
	}
	return measure(blocks)
}

// Readability measures the lesson's text.
func (l *Lesson) Readability() Readability { return measure(l.text) }

// measure counts each block (a paragraph or heading) as at least one
// sentence, so headings and list items without full stops still count.
func measure(blocks []string) Readability {
	var r Readability
	for _, b := range blocks {
		words := wordsOf(b)
		if len(words) == 0 {
			continue
		}
		r.Words += len(words)
		r.Sentences += max(1, sentencesIn(b))
		for _, w := range words {
			r.Syllables += syllables(w)
		}
	}
	if r.Words == 0 {
		return r
	}
	wps := float64(r.Words) / float64(r.Sentences)
	spw := float64(r.Syllables) / float64(r.Words)
	r.FleschKincaidGrade = 0.39*wps + 11.8*spw - 15.59
	r.FleschReadingEase = 206.835 - 1.015*wps - 84.6*spw
	return r
}

func countWords(blocks []string) int {
	n := 0
	for _, b := range blocks {
		n += len(wordsOf(b))
	}
	return n
}

// wordsOf splits text into words of letters (apostrophes and hyphens
// inside words kept); numbers and punctuation are not words.
func wordsOf(s string) []string {
	var words []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\'' && r != '’' && r != '-'
	}) {
		f = strings.Trim(f, "'’-")
		if f != "" {
			words = append(words, f)
		}
	}
	return words
}

// sentencesIn counts sentence ends: runs of . ! ? followed by a space or
// the end of the text.
func sentencesIn(s string) int {
	n := 0
	rs := []rune(s)
	for i, r := range rs {
		if (r == '.' || r == '!' || r == '?') && (i+1 == len(rs) || unicode.IsSpace(rs[i+1])) {
			n++
		}
	}
	return n
}

// syllables estimates an English word's syllables: groups of vowels, less a
// silent final e (but not "-le"), at least one.
func syllables(word string) int {
	w := strings.ToLower(word)
	count, prevVowel := 0, false
	for _, r := range w {
		vowel := strings.ContainsRune("aeiouy", r)
		if vowel && !prevVowel {
			count++
		}
		prevVowel = vowel
	}
	if strings.HasSuffix(w, "e") && !strings.HasSuffix(w, "le") && count > 1 {
		count--
	}
	return max(1, count)
}
