package voice_test

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"groundwork/internal/app/apptest"
	"groundwork/internal/audit"
	"groundwork/internal/voice"
)

// Only the trainee, their current supervisor and admins see a round and
// its pages; to anyone else signed in it does not exist (404), and anyone
// signed out is asked to sign in. Reassigning the trainee takes the round
// from the old supervisor at once.
func TestOnlyTheTraineeTheirSupervisorAndAdminsSeeARound(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	r := fx.open(t, "Tuesday drop-in", 20)
	fx.give(t, r, 5)
	r = fx.closeRound(t, r)
	pages := []string{r.URL(), r.URL() + "/qr.png", r.URL() + "/poster", r.URL() + "/paper", "/trainees/" + fx.trainee.ID + "/voice"}
	posts := []string{r.URL() + "/paper", r.URL() + "/close", r.URL() + "/comments", r.URL() + "/response", "/trainees/" + fx.trainee.ID + "/voice"}
	allowed := map[string]*apptest.Person{"trainee": fx.site.SignIn(fx.trainee), "supervisor": fx.site.SignIn(fx.sup), "admin": fx.site.SignIn(fx.lead)}
	for who, p := range allowed {
		for _, path := range pages {
			if code, _ := p.Get(path); code != http.StatusOK {
				t.Errorf("%s GET %s = %d, want 200", who, path, code)
			}
		}
	}
	strangers := map[string]*apptest.Person{"another trainee": fx.site.SignIn(fx.otherTrne), "another supervisor": fx.site.SignIn(fx.otherSup)}
	for who, p := range strangers {
		for _, path := range pages {
			if code, page := p.Get(path); code != http.StatusNotFound || strings.Contains(page, "Tuesday drop-in") {
				t.Errorf("%s GET %s = %d, want 404", who, path, code)
			}
		}
		for _, path := range posts {
			if code, _ := p.Post(path, "/account", url.Values{"item": {fx.commentID(t, r, "answer 1")}, "decision": {"show"},
				"description": {"x"}, "group_name": {"x"}}); code != http.StatusNotFound {
				t.Errorf("%s POST %s = %d, want 404", who, path, code)
			}
		}
	}
	for _, path := range pages {
		if code, _ := fx.site.Anonymous().Get(path); code != http.StatusSeeOther {
			t.Errorf("signed out GET %s = %d, want 303 to sign in", path, code)
		}
	}
	if n := count(t, fx, "SELECT count(*) FROM voice_comments WHERE status <> 'unread'"); n != 0 {
		t.Fatal("a stranger's POST changed a comment")
	}
	views, err := audit.List(context.Background(), fx.site.App.DB, audit.Filter{ActorID: fx.lead.ID, Action: audit.RecordViewed})
	if err != nil || len(views) != 2 || views[0].SubjectID != fx.trainee.ID {
		t.Fatalf("the admin's reading of the rounds in the audit log: %+v, %v", views, err)
	}
	fx.assign(t, fx.trainee, fx.otherSup)
	if code, _ := allowed["supervisor"].Get(r.URL()); code != http.StatusNotFound {
		t.Fatalf("the old supervisor after reassignment = %d, want 404", code)
	}
	if code, _ := strangers["another supervisor"].Get(r.URL()); code != http.StatusOK {
		t.Fatalf("the new supervisor after reassignment = %d, want 200", code)
	}
}

// Every state change refuses a form without its CSRF token, and nothing
// changes.
func TestEveryStateChangeNeedsItsToken(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	r := fx.open(t, "Tuesday drop-in", 20)
	done := fx.open(t, "Thursday group", 20)
	fx.give(t, done, 5)
	done = fx.closeRound(t, done)
	sam, tia := fx.site.SignIn(fx.sup), fx.site.SignIn(fx.trainee)
	cases := []struct {
		who  *apptest.Person
		path string
		form url.Values
	}{
		{fx.site.Anonymous(), r.Path(), memberForm("no token")},
		{tia, "/trainees/" + fx.trainee.ID + "/voice", url.Values{"group_name": {"G"}, "held_on": {"2026-01-01"},
			"competencies": {"voice-gathers-feedback"}, "hours": {"2"}, "max_answers": {"5"}}},
		{tia, r.URL() + "/paper", memberForm("paper")},
		{tia, r.URL() + "/close", url.Values{}},
		{sam, done.URL() + "/comments", url.Values{"item": {fx.commentID(t, done, "answer 0")}, "decision": {"show"}}},
		{tia, done.URL() + "/response", url.Values{"summary": {"a"}, "description": {"b"}}},
	}
	for _, c := range cases {
		if code, _ := c.who.Post(c.path, "", c.form); code != http.StatusForbidden {
			t.Errorf("POST %s without a token = %d, want 403", c.path, code)
		}
	}
	if n := count(t, fx, "SELECT count(*) FROM voice_rounds"); n != 2 {
		t.Errorf("%d rounds after refused posts, want 2", n)
	}
	if got, _ := fx.site.App.Voice.Get(context.Background(), r.ID); got.Answers != 0 || got.Closed() {
		t.Errorf("the open round after refused posts: %+v", got)
	}
	if n := count(t, fx, "SELECT count(*) FROM voice_comments WHERE status <> 'unread'"); n != 0 {
		t.Error("a refused post changed a comment")
	}
	if got, _ := fx.site.App.Voice.Get(context.Background(), done.ID); got.WeDid != "" {
		t.Error("a refused post wrote you said, we did")
	}
}

// Bad input gets a message and changes nothing; never a 5xx.
func TestBadInputGetsAMessage(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	tia := fx.site.SignIn(fx.trainee)
	path := "/trainees/" + fx.trainee.ID + "/voice"
	good := url.Values{"group_name": {"Tuesday drop-in"}, "held_on": {"2026-12-01"}, "competencies": {"voice-gathers-feedback"},
		"hours": {"48"}, "max_answers": {"20"}}
	bad := map[string][2]string{
		"group_name":   {"Tuesday\r\ndrop-in", "one line"},
		"held_on":      {"9999-12-31", "Enter a date between 1900 and 2100"},
		"hours":        {"0", "between 1 and 168 hours"},
		"max_answers":  {"99999999999999999999", "Give the number of answers"},
		"competencies": {"not-a-competency", "only competencies from the list"},
	}
	for field, c := range bad {
		f := url.Values{}
		for k, v := range good {
			f[k] = v
		}
		f.Set(field, c[0])
		code, page := tia.PostPage(path, path, f)
		if code != http.StatusUnprocessableEntity || !strings.Contains(page, c[1]) {
			t.Errorf("%s = %q: %d, want 422 saying %q", field, c[0], code, c[1])
		}
	}
	f := url.Values{}
	for k, v := range good {
		f[k] = v
	}
	f.Del("competencies")
	if code, page := tia.PostPage(path, path, f); code != http.StatusUnprocessableEntity || !strings.Contains(page, "Tick at least one competency") {
		t.Errorf("no competency: %d", code)
	}
	if n := count(t, fx, "SELECT count(*) FROM voice_rounds"); n != 0 {
		t.Fatalf("bad rounds saved: %d", n)
	}

	r := fx.open(t, "Tuesday drop-in", 20)
	for _, v := range []string{"0", "4", "-1", "x' OR '1'='1", "99999999999999999999"} {
		form := memberForm("hello")
		form.Set("heard", v)
		code, page := fx.site.Anonymous().PostPage(r.Path(), r.Path(), form)
		if code != http.StatusUnprocessableEntity || !strings.Contains(page, "Please choose one answer.") || !strings.Contains(page, ">hello</textarea>") {
			t.Errorf("heard = %q: %d, want 422 with the comment kept", v, code)
		}
		if code, _ := tia.PostPage(r.URL()+"/paper", r.URL(), form); code != http.StatusUnprocessableEntity {
			t.Errorf("paper answer with heard = %q: %d, want 422", v, code)
		}
	}
	long := memberForm(strings.Repeat("a", voice.MaxComment+1))
	if code, page := fx.site.Anonymous().PostPage(r.Path(), r.Path(), long); code != http.StatusUnprocessableEntity || !strings.Contains(page, "500 letters at most") {
		t.Errorf("a comment too long: %d", code)
	}
	fx.give(t, r, 5)
	fx.closeRound(t, r)
	sam := fx.site.SignIn(fx.sup)
	for _, item := range []string{"", "not-an-id'--", "00000000-0000-4000-8000-000000000000"} {
		if code, _ := sam.Post(r.URL()+"/comments", r.URL(), url.Values{"item": {item}, "decision": {"show"}}); code != http.StatusBadRequest {
			t.Errorf("reviewing comment %q = %d, want 400", item, code)
		}
	}
	if code, _ := sam.Post(r.URL()+"/comments", r.URL(), url.Values{"item": {fx.commentID(t, r, "answer 0")}, "decision": {"publish"}}); code != http.StatusBadRequest {
		t.Errorf("an unknown decision = %d, want 400", code)
	}
	if code, page := tia.PostPage(r.URL()+"/response", r.URL(), url.Values{"description": {strings.Repeat("b", voice.MaxResponse+1)}}); code != http.StatusUnprocessableEntity || !strings.Contains(page, "1000 characters") {
		t.Errorf("a response too long = %d", code)
	}
	if got, _ := fx.site.App.Voice.Get(context.Background(), r.ID); got.Answers != 5 || got.WeDid != "" {
		t.Errorf("bad input changed the round: %+v", got)
	}
	for _, p := range []string{"/v/short", "/v/ABCDEFGHIJ", "/v/0000000000", "/v/%00", "/v/" + strings.Repeat("a", 200), "/voice/rounds/not-a-uuid"} {
		if code, _ := tia.Get(p); code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, code)
		}
	}
	// A code is read whatever its case, as people type it from a screen.
	if code, _ := fx.site.Anonymous().Get("/v/" + strings.ToUpper(r.Code)); code != http.StatusOK {
		t.Errorf("the code in capitals = %d, want 200", code)
	}
}

// A form with the honeypot filled in is refused and not counted; one
// address may send a burst of answers (a group on one network), then is
// slowed down.
func TestBotsAndFloodsAreRefused(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	r := fx.open(t, "Tuesday drop-in", 100)
	bot := memberForm("buy now")
	bot.Set("website", "http://spam.example")
	if code, _ := fx.site.Anonymous().Post(r.Path(), r.Path(), bot); code != http.StatusBadRequest {
		t.Fatalf("the honeypot filled in = %d, want 400", code)
	}
	if got, _ := fx.site.App.Voice.Get(context.Background(), r.ID); got.Answers != 0 {
		t.Fatalf("a bot's answer was counted: %d", got.Answers)
	}
	phone := fx.site.Anonymous()
	_, page := phone.Get(r.Path())
	token := csrfIn(t, page)
	// The bot's form took one of the address's burst.
	burst := int(voice.AnswerLimit.Burst) - 1
	for i := range burst {
		form := memberForm("")
		form.Set("_csrf", token)
		if code, _ := phone.Post(r.Path(), "", form); code != http.StatusSeeOther {
			t.Fatalf("answer %d of the burst = %d", i, code)
		}
	}
	form := memberForm("")
	form.Set("_csrf", token)
	if code, _ := phone.Post(r.Path(), "", form); code != http.StatusTooManyRequests {
		t.Fatalf("answer %d from one address = %d, want 429", burst+1, code)
	}
	if got, _ := fx.site.App.Voice.Get(context.Background(), r.ID); got.Answers != burst {
		t.Fatalf("%d answers counted, want %d", got.Answers, burst)
	}
}

// The QR code, read by an independent decoder, opens the members' link.
func TestTheQRCodeOpensTheLink(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	r := fx.open(t, "Tuesday drop-in", 20)
	_, body := fx.site.SignIn(fx.sup).Get(r.URL() + "/qr.png")
	img, err := png.Decode(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatalf("the QR code is not a PNG: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("the QR code does not decode: %v", err)
	}
	if want := fx.site.App.Config.BaseURL + "/v/" + r.Code; res.GetText() != want {
		t.Fatalf("the QR code opens %q, want %q", res.GetText(), want)
	}
}

// The members' pages read at school grade 6 or below (Flesch-Kincaid),
// with and without pictures, and every picture has a text alternative.
func TestMembersPagesAreEasyToRead(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	r := fx.open(t, "Tuesday drop-in", 20)
	for _, path := range []string{r.Path(), r.Path() + "/easy", r.Path() + "/thanks"} {
		_, page := fx.site.Anonymous().Get(path)
		text := visibleText(page[strings.Index(page, "<main"):strings.Index(page, "</main>")])
		grade := fkGrade(text)
		t.Logf("%s: grade %.1f", path, grade)
		if grade > 6 {
			t.Errorf("%s reads at grade %.1f, want 6 or below:\n%s", path, grade, text)
		}
	}
	_, easy := fx.site.Anonymous().Get(r.Path() + "/easy")
	pictures := regexp.MustCompile(`<svg class="voice-picture" role="img" aria-labelledby="([^"]+)"`).FindAllStringSubmatch(easy, -1)
	if len(pictures) != len(voice.Questions)+1 {
		t.Fatalf("the easy-read page has %d pictures, want one per question", len(pictures))
	}
	for _, p := range pictures {
		if !regexp.MustCompile(`<title id="` + p[1] + `">[A-Z][^<]+</title>`).MatchString(easy) {
			t.Errorf("picture %s has no text alternative", p[1])
		}
	}
	if faces := strings.Count(easy, `<svg class="voice-face" aria-hidden="true"`); faces != 3*len(voice.Questions) {
		t.Errorf("%d faces beside the answers, want 3 per question", faces)
	}
}

var tags = regexp.MustCompile(`(?s)<[^>]*>`)

// visibleText is the prose a reader sees of html: its text, without tags,
// with headings and labels each a sentence of their own. The honeypot,
// which people never see, and the one-word answers (which would flatter
// the score) are left out.
func visibleText(html string) string {
	html = regexp.MustCompile(`(?s)<title[^>]*>.*?</title>|<div class="honeypot".*?</div>|<div class="voice-choices">.*?</div>`).ReplaceAllString(html, " ")
	html = regexp.MustCompile(`(?i)</(h1|h2|p|legend|label|span|button|a|small|strong)>`).ReplaceAllString(html, ". ")
	text := tags.ReplaceAllString(html, " ")
	text = strings.NewReplacer("&#39;", "'", "&amp;", "&", "&nbsp;", " ").Replace(text)
	return strings.Join(strings.Fields(text), " ")
}

// fkGrade is the Flesch-Kincaid grade of text: 0.39 words per sentence +
// 11.8 syllables per word - 15.59, counting vowel groups as syllables.
func fkGrade(text string) float64 {
	sentences := 0
	for _, s := range regexp.MustCompile(`[.!?]+`).Split(text, -1) {
		if strings.IndexFunc(s, unicode.IsLetter) >= 0 {
			sentences++
		}
	}
	words, syllables := 0, 0
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' }) {
		words++
		syllables += syllablesIn(strings.ToLower(w))
	}
	if words == 0 || sentences == 0 {
		return 0
	}
	return 0.39*float64(words)/float64(sentences) + 11.8*float64(syllables)/float64(words) - 15.59
}

func syllablesIn(w string) int {
	n, vowel := 0, false
	for _, r := range w {
		v := strings.ContainsRune("aeiouy", r)
		if v && !vowel {
			n++
		}
		vowel = v
	}
	if strings.HasSuffix(w, "e") && !strings.HasSuffix(w, "le") && n > 1 {
		n--
	}
	return max(n, 1)
}

// badValues are what a broken client or an attacker puts in every field:
// control characters, header injection, dates and numbers that break
// databases, IDs that are not IDs.
var badValues = []string{"Ann\x00e", "Title\r\nBcc: someone@example.org", "0000-01-01", "9999-12-31",
	"not-a-uuid'--", "99999999999999999999", "-1", ""}

// Every client voice route, as every kind of person, with a real round and
// every field of every voice form holding each bad value: no 5xx.
func TestNoBadInputGivesA5xxOnAnyVoiceRoute(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	open := fx.open(t, "Tuesday drop-in", 100)
	done := fx.open(t, "Thursday group", 20)
	fx.give(t, done, 5)
	done = fx.closeRound(t, done)
	fields := []string{"group_name", "held_on", "competencies", "hours", "max_answers", "respected", "heard", "useful",
		"again", "comment", "website", "easy", "item", "decision", "reason", "summary", "description"}
	people := map[string]*apptest.Person{"member": fx.site.Anonymous(), "trainee": fx.site.SignIn(fx.trainee),
		"supervisor": fx.site.SignIn(fx.sup), "admin": fx.site.SignIn(fx.lead), "stranger": fx.site.SignIn(fx.otherSup)}
	param := regexp.MustCompile(`:[a-z]+`)
	for _, route := range fx.site.App.Echo.Routes() {
		if !strings.HasPrefix(route.Path, "/v/") && !strings.Contains(route.Path, "voice") {
			continue
		}
		for _, r := range []*voice.Round{open, done} {
			path := param.ReplaceAllStringFunc(route.Path, func(p string) string {
				return map[string]string{":code": r.Code, ":id": r.ID, ":trainee": fx.trainee.ID}[p]
			})
			for who, p := range people {
				if route.Method == http.MethodGet {
					if code, _ := p.Get(path); code >= 500 {
						t.Errorf("%s GET %s = %d", who, path, code)
					}
					continue
				}
				for _, v := range badValues {
					form := url.Values{}
					for _, f := range fields {
						form.Set(f, v)
					}
					tokenFrom := "/profile"
					if who == "member" {
						tokenFrom = "/signin"
					}
					if code, _ := p.Post(path, tokenFrom, form); code >= 500 {
						t.Errorf("%s POST %s with %q = %d", who, path, v, code)
					}
				}
			}
		}
	}
	if got, _ := fx.site.App.Voice.Get(context.Background(), done.ID); strings.ContainsAny(got.YouSaid+got.WeDid, "\x00\r") || got.Answers != 5 {
		t.Errorf("bad input reached the closed round: %+v", got)
	}
	if n := count(t, fx, "SELECT count(*) FROM voice_rounds"); n != 2 {
		t.Errorf("bad input opened %d rounds", n-2)
	}
}
