package app_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"groundwork/internal/account"
	"groundwork/internal/app"
	"groundwork/internal/app/apptest"
	"groundwork/internal/catalog"
	"groundwork/internal/db/dbtest"
)

// notCorrectable lists the POST routes that are not forms a person fills
// in and can correct, each with why. Every other POST route must be in
// formCases.
var notCorrectable = map[string]string{
	"/signout":                                            "a button: signing out takes no input",
	"/admin/certificates/:id/keep":                        "a button: keeping a flagged certificate takes no input",
	"/admin/cohorts/:id/members/:user/remove":             "a button beside each member",
	"/admin/users/:id/active":                             "a button with a fixed value; anything else is a forged request",
	"/admin/users/:id/editor":                             "a button with a fixed value; anything else is a forged request",
	"/admin/users/:id/role":                               "a list of the roles, one always chosen; anything else is a forged request",
	"/admin/users/:id/supervisor":                         "a list of supervisors or nobody; anything else is a forged request",
	"/admin/users/:id/signout":                            "a confirmation step with no field: an unconfirmed post shows the confirmation",
	"/admin/users/:id/enrolments":                         "a list of the curriculum's scopes, one always chosen; anything else is a forged request",
	"/admin/users/:id/enrolments/withdraw":                "a button beside each enrolment",
	"/facilitate/sessions/:id/attendance":                 "two buttons per person on the register (attended, no-show)",
	"/facilitate/sessions/:id/certificates":               "a button: sending certificates takes no input",
	"/modules/:module/lessons/:lesson/complete":           "a button: marking a lesson done takes no input",
	"/registrations/:token/cancel":                        "a confirmation step with no field: an unconfirmed post shows the confirmation",
	"/registrations/:token/forget":                        "a confirmation step with no field: an unconfirmed post shows the confirmation",
	"/voice/rounds/:id/close":                             "a confirmation step with no field: an unconfirmed post shows the confirmation",
	"/admin/invitations/:id/resend":                       "a button: sending an invitation again takes no input",
	"/admin/invitations/:id/revoke":                       "a confirmation step with no field: an unconfirmed post shows the confirmation",
	"/admin/users/import/confirm":                         "a confirmation of a checked preview, with no field",
	"/admin/curriculum/import/publish":                    "a confirmation of a checked preview, with no field",
	"/admin/curriculum/modules/:module/file/delete":       "a button beside each local file",
	"/admin/curriculum/modules/:module/restore":           "a button beside each version",
	"/admin/curriculum/reviewed":                          "a button beside each changed built-in file",
	"/admin/curriculum/modules/:module/competency/delete": "a button on the competency's page",
	"/admin/curriculum/modules/:module/question/delete":   "a button on the question's page",
	"/admin/curriculum/modules/:module/discard":           "a confirmation step with no field: an unconfirmed post shows the confirmation",
}

// formCase is one correctable form: who submits it, where, and an empty
// and an invalid submission, each with the id of the control the error
// summary must link to.
type formCase struct {
	as                 func(w *formWorld) *apptest.Person
	path               func(w *formWorld) string
	hidden             func(w *formWorld) url.Values // what the form carries besides what the person types
	empty, invalid     url.Values                    // nil: no such submission is invalid
	invalidFor         func(w *formWorld) url.Values // the invalid submission, when it depends on the data
	emptyID, invalidID func(w *formWorld) string
	site               func(w *formWorld) *app.App // the site whose database must not change; nil for the demo site
}

// id is a fixed control id.
func id(s string) func(*formWorld) string { return func(*formWorld) string { return s } }

// long is text longer than any text area takes.
var long = strings.Repeat("a", 5001)

// formCases are the correctable forms by route.
func formCases() map[string]formCase {
	fixed := id
	trainee := func(w *formWorld) *apptest.Person { return w.trainee }
	supervisor := func(w *formWorld) *apptest.Person { return w.supervisor }
	admin := func(w *formWorld) *apptest.Person { return w.admin }
	anonymous := func(w *formWorld) *apptest.Person { return w.site.Anonymous() }
	none := func(*formWorld) url.Values { return url.Values{} }
	traineePath := func(suffix string) func(*formWorld) string {
		return func(w *formWorld) string { return "/trainees/" + w.traineeUser.ID + suffix }
	}
	return map[string]formCase{
		"/account/email": {as: trainee, path: fixed("/account/email"), hidden: none,
			empty: url.Values{}, emptyID: id("f-email"), invalid: url.Values{"email": {"not-an-address"}}, invalidID: id("f-email")},
		"/account/name": {as: trainee, path: fixed("/account/name"), hidden: none,
			empty: url.Values{}, emptyID: id("f-name"), invalid: url.Values{"name": {"Ann\r\nBcc: x"}}, invalidID: id("f-name")},
		"/account/password": {as: trainee, path: fixed("/account/password"), hidden: none,
			empty: url.Values{}, emptyID: id("f-password"),
			invalid: url.Values{"password": {"short"}, "confirm": {"short"}}, invalidID: id("f-password")},
		"/account/notifications": {as: trainee, path: fixed("/account/notifications"), hidden: none,
			empty: url.Values{}, emptyID: id("f-mail"), invalid: url.Values{"mail": {"weekly"}}, invalidID: id("f-mail")},
		"/account/time-zone": {as: trainee, path: fixed("/account/time-zone"), hidden: none,
			empty: url.Values{}, emptyID: id("f-time_zone"), invalid: url.Values{"time_zone": {"Mars/Olympus_Mons"}}, invalidID: id("f-time_zone")},
		"/admin/users/import": {as: admin, path: fixed("/admin/users/import"), hidden: none,
			empty: url.Values{}, emptyID: id("f-file")},
		"/admin/curriculum/import": {as: admin, path: fixed("/admin/curriculum/import"), hidden: none,
			empty: url.Values{}, emptyID: id("f-file")},
		"/admin/curriculum/modules": {as: admin, path: fixed("/admin/curriculum/modules"), hidden: none,
			empty: url.Values{}, emptyID: id("f-title"), invalid: url.Values{"title": {"Local referrals"}, "slug": {"Local Referrals!"}, "audience": {"public"}}, invalidID: id("f-slug")},
		"/admin/curriculum/modules/:module/lessons": {as: admin, path: fixed("/admin/curriculum/modules/the-workers-role/lessons"), hidden: none,
			empty: url.Values{}, emptyID: id("lesson-title"), invalid: url.Values{"title": {"Who to call"}, "slug": {"Who To Call"}}, invalidID: id("lesson-slug")},
		"/admin/curriculum/modules/:module/file": {as: admin, path: fixed("/admin/curriculum/modules/the-workers-role/file"),
			hidden: func(*formWorld) url.Values {
				return url.Values{"path": {"the-workers-role/lessons/01-what-the-role-is.md"}, "action": {"save"}}
			},
			empty: url.Values{}, emptyID: id("f-title"), invalid: url.Values{"title": {"The role"}, "minutes": {"many"}, "markdown": {"Text."}}, invalidID: id("f-minutes")},
		"/admin/curriculum/modules/:module/details": {as: admin, path: fixed("/admin/curriculum/modules/the-workers-role/details"), hidden: none,
			empty: url.Values{}, emptyID: id("f-reference_lines"), invalid: url.Values{"prompt_lines": {"What did you notice?"}, "reference_lines": {"A guide | ftp://example.org/guide"}}, invalidID: id("f-reference_lines")},
		"/admin/curriculum/modules/:module/competency": {as: admin, path: fixed("/admin/curriculum/modules/the-workers-role/competency"), hidden: none,
			empty: url.Values{}, emptyID: id("f-cid"), invalid: url.Values{"cid": {"role-local"}, "title": {"Knows local services"}, "description": {"Names them."}, "instances": {"9"}}, invalidID: id("f-instances")},
		"/admin/curriculum/modules/:module/question": {as: admin, path: fixed("/admin/curriculum/modules/the-workers-role/question"), hidden: none,
			empty: url.Values{}, emptyID: id("f-qid"), invalid: url.Values{"qid": {"first-words"}, "type": {"single"}, "question": {"What first?"},
				"option-1-text": {"Say hello"}, "option-1-explanation": {"Friendly."}, "option-2-text": {"Ask about use"}}, invalidID: id("f-option-2-explanation")},
		"/admin/curriculum/modules/:module/images": {as: admin, path: fixed("/admin/curriculum/modules/the-workers-role/images"), hidden: none,
			empty: url.Values{}, emptyID: id("image-alt"), invalid: url.Values{"alt": {"A map of Northtown"}}, invalidID: id("image-file")},
		"/admin/curriculum/modules/:module/publish": {as: admin, path: fixed("/admin/curriculum/modules/the-workers-role/publish"), hidden: none,
			empty: nil, invalid: url.Values{"note": {long}}, invalidID: id("publish-note")},
		"/admin/certificates/:id/revoke": {as: admin, path: func(w *formWorld) string { return "/admin/certificates/" + w.certificate + "/revoke" },
			hidden: none, empty: url.Values{}, emptyID: id("revoke-reason"), invalid: url.Values{"reason": {long}}, invalidID: id("revoke-reason")},
		"/admin/certificates/:id/reissue": {as: admin, path: func(w *formWorld) string { return "/admin/certificates/" + w.certificate + "/reissue" },
			hidden: none, empty: url.Values{}, emptyID: id("reissue-reason"), invalid: url.Values{"reason": {long}}, invalidID: id("reissue-reason")},
		"/admin/cohorts": {as: admin, path: fixed("/admin/cohorts"), hidden: none,
			empty: url.Values{}, emptyID: id("f-name"), invalid: url.Values{"name": {"Spring"}, "starts_on": {"2026-13-45"}}, invalidID: id("f-starts_on")},
		"/admin/cohorts/:id": {as: admin, path: func(w *formWorld) string { return "/admin/cohorts/" + w.cohort }, hidden: none,
			empty: url.Values{}, emptyID: id("f-name"), invalid: url.Values{"name": {"Spring"}, "ends_on": {"9999-12-31"}}, invalidID: id("f-ends_on")},
		"/admin/cohorts/:id/members": {as: admin, path: func(w *formWorld) string { return "/admin/cohorts/" + w.cohort + "/members" }, hidden: none,
			empty: url.Values{}, emptyID: id("f-user"), invalid: url.Values{"emails": {"nobody-here@example.org"}}, invalidID: id("f-emails")},
		"/admin/users/:id/delete": {as: admin, path: func(w *formWorld) string { return "/admin/users/" + w.traineeUser.ID + "/delete" }, hidden: none,
			empty: url.Values{}, emptyID: id("f-email"), invalid: url.Values{"email": {"someone-else@example.org"}}, invalidID: id("f-email")},
		"/admin/users/invite": {as: admin, path: fixed("/admin/users/invite"), hidden: none,
			empty: url.Values{}, emptyID: id("f-email"), invalid: url.Values{"email": {"new@example.org"}, "role": {"emperor"}}, invalidID: id("f-role")},
		"/facilitate/sessions": {as: admin, path: fixed("/facilitate/sessions"), hidden: none,
			empty: url.Values{}, emptyID: id("f-title"), invalid: url.Values{"title": {"A talk"}, "capacity": {"-1"}}, invalidID: id("f-capacity")},
		"/facilitate/sessions/:id/edit": {as: admin, path: func(w *formWorld) string { return "/facilitate/sessions/" + w.event + "/edit" }, hidden: none,
			empty: url.Values{}, emptyID: id("f-title"), invalid: url.Values{"title": {"A talk"}, "capacity": {"-1"}}, invalidID: id("f-capacity")},
		"/facilitate/sessions/:id/add": {as: admin, path: func(w *formWorld) string { return "/facilitate/sessions/" + w.event + "/add" }, hidden: none,
			empty: url.Values{}, emptyID: id("f-name"), invalid: url.Values{"name": {"Ann"}, "email": {"not-an-address"}}, invalidID: id("f-email")},
		"/facilitate/sessions/:id/cancel": {as: admin, path: func(w *formWorld) string { return "/facilitate/sessions/" + w.event + "/cancel" },
			hidden: func(*formWorld) url.Values { return url.Values{"confirmed": {"yes"}} },
			empty:  url.Values{}, emptyID: id("f-reason"), invalid: url.Values{"reason": {long}}, invalidID: id("f-reason")},
		"/forgot": {as: anonymous, path: fixed("/forgot"), hidden: none,
			empty: url.Values{}, emptyID: id("f-email"), invalid: url.Values{"email": {"not-an-address"}}, invalidID: id("f-email")},
		"/signin": {as: anonymous, path: fixed("/signin"), hidden: none,
			empty: url.Values{}, emptyID: id("f-email"), invalid: url.Values{"email": {"not-an-address"}, "password": {"x"}}, invalidID: id("f-email")},
		"/invitations/:token": {as: anonymous, path: func(w *formWorld) string { return w.invitation }, hidden: none,
			empty: url.Values{}, emptyID: id("f-name"), invalid: url.Values{"name": {"Ann"}, "password": {"short"}, "confirm": {"short"}}, invalidID: id("f-password")},
		"/reset/:token": {as: anonymous, path: func(w *formWorld) string { return w.reset }, hidden: none,
			empty: url.Values{}, emptyID: id("f-password"), invalid: url.Values{"password": {"short"}, "confirm": {"short"}}, invalidID: id("f-password")},
		"/setup/:token": {as: func(w *formWorld) *apptest.Person { return w.fresh.Anonymous() }, path: func(w *formWorld) string { return w.setup },
			site: func(w *formWorld) *app.App { return w.fresh.App }, hidden: none,
			empty: url.Values{}, emptyID: id("f-email"), invalid: url.Values{"email": {"lead@example.org"}, "name": {"Lena"}, "password": {"short"}, "confirm": {"short"}}, invalidID: id("f-password")},
		"/sessions/:id/register": {as: anonymous, path: func(w *formWorld) string { return "/sessions/" + w.openEvent + "/register" }, hidden: none,
			empty: url.Values{}, emptyID: id("f-name"), invalid: url.Values{"name": {"Ann"}, "email": {"not-an-address"}, "consent": {"yes"}}, invalidID: id("f-email")},
		"/registrations/:token/feedback": {as: anonymous, path: func(w *formWorld) string { return "/registrations/" + w.registration + "/feedback" }, hidden: none,
			empty: url.Values{}, emptyID: id("f-usefulness"), invalid: url.Values{"usefulness": {"9"}, "clarity": {"3"}, "recommend": {"5"}}, invalidID: id("f-usefulness")},
		"/modules/:module/quiz/:attempt": {as: trainee, path: func(w *formWorld) string { return w.quiz }, hidden: none,
			empty: url.Values{}, emptyID: func(w *formWorld) string { return "f-q-" + w.quizQuestions[0] },
			// Only the first question answered: the second is marked.
			invalidFor: func(w *formWorld) url.Values { return url.Values{"q-" + w.quizQuestions[0]: {"0"}} },
			invalidID:  func(w *formWorld) string { return "f-q-" + w.quizQuestions[1] }},
		"/modules/:module/reflections": {as: trainee, path: func(w *formWorld) string { return "/modules/" + w.reflectModule + "/reflections" },
			hidden: func(*formWorld) url.Values { return url.Values{"action": {"submit"}} },
			empty:  url.Values{}, emptyID: id("prompt-1"), invalid: url.Values{"prompt-1": {strings.Repeat("a", 20001)}}, invalidID: id("prompt-1")},
		"/trainees/:trainee/modules/:module/reflections/:prompt/comments": {as: supervisor,
			path: func(w *formWorld) string {
				return fmt.Sprintf("/trainees/%s/modules/%s/reflections/%d/comments", w.traineeUser.ID, w.submittedModule, w.submittedPrompt)
			}, hidden: none,
			empty: url.Values{}, emptyID: func(w *formWorld) string { return fmt.Sprintf("comment-%d", w.submittedPrompt) },
			invalid: url.Values{"comment": {long}}, invalidID: func(w *formWorld) string { return fmt.Sprintf("comment-%d", w.submittedPrompt) }},
		"/supervision/records/:id/sign": {as: trainee, path: func(w *formWorld) string { return "/supervision/records/" + w.openRecord + "/sign" },
			hidden: func(w *formWorld) url.Values { return url.Values{"version": {"1"}} },
			empty:  nil, invalid: url.Values{"comment": {long}}, invalidID: id("sign-comment")},
		"/supervision/records/:id/comment": {as: trainee, path: func(w *formWorld) string { return "/supervision/records/" + w.openRecord + "/comment" }, hidden: none,
			empty: url.Values{}, emptyID: id("disagree"), invalid: url.Values{"comment": {long}}, invalidID: id("disagree")},
		"/supervision/records/:id/edit": {as: supervisor, path: func(w *formWorld) string { return "/supervision/records/" + w.openRecord + "/edit" }, hidden: none,
			empty: url.Values{}, emptyID: id("f-held_on"), invalid: url.Values{"held_on": {"2026-01-05"}, "minutes": {"0"}}, invalidID: id("f-minutes")},
		"/supervision/records/:id/amend": {as: supervisor, path: func(w *formWorld) string { return "/supervision/records/" + w.lockedRecord + "/amend" },
			hidden: func(w *formWorld) url.Values { return url.Values{"version": {"1"}} },
			empty:  url.Values{}, emptyID: id("f-held_on"), invalid: url.Values{"held_on": {"2026-01-05"}, "minutes": {"0"}}, invalidID: id("f-minutes")},
		"/trainees/:trainee/supervision": {as: supervisor, path: traineePath("/supervision"), hidden: none,
			empty: url.Values{}, emptyID: id("f-held_on"), invalid: url.Values{"held_on": {"2026-01-05"}, "minutes": {"0"}}, invalidID: id("f-minutes")},
		"/trainees/:trainee/competencies/request": {as: trainee, path: traineePath("/competencies/request"),
			hidden: func(w *formWorld) url.Values { return url.Values{"competency": {w.askable}} },
			empty:  url.Values{}, emptyID: func(w *formWorld) string { return "ev-" + w.askable },
			invalid: url.Values{"evidence": {long}}, invalidID: func(w *formWorld) string { return "ev-" + w.askable }},
		"/trainees/:trainee/competencies/return": {as: supervisor, path: traineePath("/competencies/return"),
			hidden: func(w *formWorld) url.Values { return url.Values{"competency": {w.pending}, "seen": {w.pendingSeen}} },
			empty:  url.Values{}, emptyID: func(w *formWorld) string { return "fb-" + w.pending },
			invalid: url.Values{"feedback": {long}}, invalidID: func(w *formWorld) string { return "fb-" + w.pending }},
		"/trainees/:trainee/competencies/withdraw": {as: supervisor, path: traineePath("/competencies/withdraw"),
			hidden: func(w *formWorld) url.Values { return url.Values{"competency": {w.signed}} },
			empty:  url.Values{}, emptyID: func(w *formWorld) string { return "wd-" + w.signed },
			invalid: url.Values{"reason": {long}}, invalidID: func(w *formWorld) string { return "wd-" + w.signed }},
		"/trainees/:trainee/competencies/sign-off": {as: supervisor, path: traineePath("/competencies/sign-off"),
			hidden: func(w *formWorld) url.Values {
				return url.Values{"module": {w.pendingModule}, "seen-" + w.pending: {w.pendingSeen}}
			},
			empty: url.Values{}, emptyID: func(w *formWorld) string { return "so-" + w.pendingModule + "-competencies" },
			invalidFor: func(w *formWorld) url.Values { return url.Values{"competencies": {w.pending}, "comment": {long}} },
			invalidID:  func(w *formWorld) string { return "so-" + w.pendingModule }},
		"/trainees/:trainee/voice": {as: supervisor, path: traineePath("/voice"), hidden: none,
			empty: url.Values{}, emptyID: id("f-hours"), invalid: url.Values{"group_name": {"Tuesday group"}, "held_on": {"2026-01-05"}, "hours": {"many"}, "max_answers": {"10"}}, invalidID: id("f-hours")},
		"/v/:code": {as: anonymous, path: func(w *formWorld) string { return "/v/" + w.openRoundCode }, hidden: none,
			empty: url.Values{}, emptyID: id("f-respected"), invalid: url.Values{"respected": {"9"}, "heard": {"1"}, "useful": {"1"}, "again": {"1"}}, invalidID: id("f-respected")},
		"/voice/rounds/:id/paper": {as: supervisor, path: func(w *formWorld) string { return "/voice/rounds/" + w.openRound + "/paper" }, hidden: none,
			empty: url.Values{}, emptyID: id("f-respected"), invalid: url.Values{"respected": {"9"}, "heard": {"1"}, "useful": {"1"}, "again": {"1"}}, invalidID: id("f-respected")},
		"/voice/rounds/:id/response": {as: trainee, path: func(w *formWorld) string { return "/voice/rounds/" + w.closedRound + "/response" }, hidden: none,
			empty: nil, invalid: url.Values{"summary": {"They asked for more time"}, "description": {long}}, invalidID: id("f-description")},
		"/voice/rounds/:id/comments": {as: supervisor, path: func(w *formWorld) string { return "/voice/rounds/" + w.closedRound + "/comments" },
			hidden: func(w *formWorld) url.Values { return url.Values{"item": {w.voiceComment}, "decision": {"hold"}} },
			empty:  url.Values{}, emptyID: func(w *formWorld) string { return "reason-" + w.voiceComment },
			invalid: url.Values{"reason": {long}}, invalidID: func(w *formWorld) string { return "reason-" + w.voiceComment }},
	}
}

// TestEveryFormReportsProblems submits every correctable form empty and
// with a wrong value, as the person who uses it and with real data, and
// checks that the form comes back with the error summary focused at the
// top, the link to the field, the field marked and described, what was
// typed kept, "Error: " in the title, and nothing changed in the database.
func TestEveryFormReportsProblems(t *testing.T) {
	t.Parallel()
	w := newFormWorld(t)
	cases := formCases()
	var posts []string
	for _, r := range w.app.Echo.Routes() {
		if r.Method == http.MethodPost && !slices.Contains(posts, r.Path) {
			posts = append(posts, r.Path)
		}
	}
	sort.Strings(posts)
	for _, path := range posts {
		_, isCase := cases[path]
		if _, excused := notCorrectable[path]; !isCase && !excused {
			t.Errorf("POST %s has no case here: add its empty and invalid submissions to formCases, or say in notCorrectable why it is not a form a person can correct", path)
		}
	}
	for path := range cases {
		if !slices.Contains(posts, path) {
			t.Errorf("formCases has %s, which is no POST route", path)
		}
	}
	for path := range notCorrectable {
		if !slices.Contains(posts, path) {
			t.Errorf("notCorrectable has %s, which is no POST route", path)
		}
	}
	for _, path := range posts {
		fc, ok := cases[path]
		if !ok {
			continue
		}
		for _, sub := range []struct {
			name   string
			values url.Values
			id     func(*formWorld) string
		}{{"empty", fc.empty, fc.emptyID}, {"invalid", fc.invalid, fc.invalidID}} {
			if sub.name == "invalid" && fc.invalidFor != nil {
				sub.values = fc.invalidFor(w)
			}
			if sub.values == nil {
				continue
			}
			t.Run(strings.TrimPrefix(path, "/")+"/"+sub.name, func(t *testing.T) {
				w.check(t, fc, sub.values, sub.id(w))
			})
		}
	}
}

var titleTag = regexp.MustCompile(`<title>([^<]*)</title>`)

// check submits one refused form and checks the page that answers it.
func (w *formWorld) check(t *testing.T, fc formCase, typed url.Values, controlID string) {
	t.Helper()
	site := w.app
	if fc.site != nil {
		site = fc.site(w)
	}
	who := fc.as(w)
	target := fc.path(w)
	form := url.Values{}
	for k, v := range fc.hidden(w) {
		form[k] = v
	}
	for k, v := range typed {
		form[k] = v
	}
	form.Set("_csrf", who.CSRF(tokenPage(who)))
	before := snapshot(t, site)
	resp := who.Do(http.MethodPost, target, "", form)
	if after := snapshot(t, site); after != before {
		t.Errorf("POST %s changed the database", target)
	}
	body := resp.Body
	if resp.Code != http.StatusUnprocessableEntity && resp.Code != http.StatusBadRequest {
		t.Fatalf("POST %s = %d (Location %q), want the form again with 422 or 400", target, resp.Code, resp.Location)
	}
	if m := titleTag.FindStringSubmatch(body); m == nil || !strings.HasPrefix(m[1], "Error: ") {
		t.Errorf("the title does not start with \"Error: \": %v", m)
	}
	main := body[strings.Index(body, `<main`):]
	summary := strings.Index(main, `class="error-summary"`)
	if summary < 0 || strings.Contains(main[:summary], "<form") {
		t.Fatalf("no error summary at the top of main:\n%s", excerpt(main))
	}
	open := main[strings.LastIndex(main[:summary], "<"):]
	open = open[:strings.Index(open, ">")]
	if !strings.Contains(open, `tabindex="-1"`) || !strings.Contains(open, "autofocus") {
		t.Errorf("the summary is not focused on load: %s", open)
	}
	if !strings.Contains(main, "There is a problem") {
		t.Errorf("the summary has no heading")
	}
	if !strings.Contains(main, `<a href="#`+controlID+`">`) {
		t.Errorf("the summary does not link to #%s:\n%s", controlID, excerpt(main[summary:]))
	}
	control := regexp.MustCompile(`<(input|textarea|select)[^>]*\sid="` + regexp.QuoteMeta(controlID) + `"[^>]*>`).FindString(body)
	if control == "" {
		t.Fatalf("no control with id %q", controlID)
	}
	if !strings.Contains(control, `aria-invalid="true"`) {
		t.Errorf("the control is not marked invalid: %s", control)
	}
	describedBy := regexp.MustCompile(`aria-describedby="([^"]+)"`)
	described := false
	for _, m := range describedBy.FindAllStringSubmatch(body, -1) {
		for _, ref := range strings.Fields(m[1]) {
			if ref == controlID+"-error" && strings.Contains(body, `id="`+ref+`"`) {
				described = true
			}
		}
	}
	if !strings.Contains(control, controlID+"-error") && !described {
		t.Errorf("the control (or its group) is not described by its message %s-error: %s", controlID, control)
	}
	for field, values := range typed {
		if kept, ok := textIn(body, field); ok && !slices.Contains(kept, oneLine(values[0])) && !slices.Contains(kept, values[0]) {
			t.Errorf("what was typed in %s was not kept: %q", field, kept)
		}
	}
}

// textIn returns the values of the text boxes named field on a page (not
// passwords, which are never shown again), and whether it has any.
func textIn(page, field string) ([]string, bool) {
	name := regexp.QuoteMeta(field)
	var out []string
	for _, m := range regexp.MustCompile(`<textarea[^>]*\sname="`+name+`"[^>]*>([^<]*)</textarea>`).FindAllStringSubmatch(page, -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	for _, tag := range regexp.MustCompile(`<input[^>]*\sname="`+name+`"[^>]*>`).FindAllString(page, -1) {
		typ := regexp.MustCompile(`\stype="([^"]+)"`).FindStringSubmatch(tag)
		if typ == nil || !slices.Contains([]string{"text", "email", "date", "number", "url", "datetime-local"}, typ[1]) {
			continue
		}
		if v := regexp.MustCompile(`\svalue="([^"]*)"`).FindStringSubmatch(tag); v != nil {
			out = append(out, html.UnescapeString(v[1]))
		}
	}
	return out, len(out) > 0
}

// oneLine is v as a one-line field keeps it: line breaks become spaces.
func oneLine(v string) string { return strings.NewReplacer("\r", " ", "\n", " ").Replace(v) }

// excerpt shortens a page for a failure message, from its error summary
// when it has one.
func excerpt(s string) string {
	if i := strings.Index(s, `class="error-summary"`); i >= 0 {
		s = s[i:]
	}
	if len(s) > 1500 {
		return s[:1500] + "…"
	}
	return s
}

// tokenPage is a page with a form, for the person's CSRF token.
func tokenPage(p *apptest.Person) string {
	if p.User == nil {
		return "/signin"
	}
	return "/account"
}

// ignoredOnRefusal are the columns a refused form may change, as showing
// any page does: the session's last-seen time, and the notices a page
// marks read.
var ignoredOnRefusal = map[string]bool{"sessions": true, "notices": true}

// snapshot hashes every row of every table but those above, and the audit
// log's records of people viewing pages. Rows are read as the driver gives
// them, without models, as the check runs twice for every refused form.
func snapshot(t *testing.T, a *app.App) string {
	t.Helper()
	ctx := context.Background()
	h := sha256.New()
	for _, table := range dbtest.Tables(t, a.DB) {
		if ignoredOnRefusal[table] {
			continue
		}
		query := "SELECT * FROM " + table
		if table == "audit_log" {
			query += " WHERE action NOT LIKE '%view%'"
		}
		rows, err := a.DB.QueryContext(ctx, query)
		if err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		lines, err := rowLines(rows)
		if err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		sort.Strings(lines)
		fmt.Fprintf(h, "%s:%d\n%s\n", table, len(lines), strings.Join(lines, "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// rowLines writes each row as one line of its columns' values.
func rowLines(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	values := make([]sql.RawBytes, len(cols))
	ptrs := make([]any, len(cols))
	for i := range values {
		ptrs[i] = &values[i]
	}
	var lines []string
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		var b strings.Builder
		for i, v := range values {
			b.WriteString(cols[i])
			b.WriteByte('=')
			if v == nil {
				b.WriteString("NULL")
			} else {
				b.Write(v)
			}
			b.WriteByte(';')
		}
		lines = append(lines, b.String())
	}
	return lines, rows.Err()
}

// formWorld is the demonstration organisation with, made through the
// site's own forms, a record of every state a form needs.
type formWorld struct {
	app                            *app.App
	site                           *apptest.Site
	fresh                          *apptest.Site // a site with nobody yet, for the setup link
	trainee, supervisor, admin     *apptest.Person
	traineeUser                    *account.User
	certificate, cohort, event     string
	openEvent, registration        string
	invitation, reset, setup       string
	quiz                           string
	quizQuestions                  []string
	reflectModule, submittedModule string
	submittedPrompt                int
	openRecord, lockedRecord       string
	askable, pending, signed       string
	pendingSeen, pendingModule     string
	openRound, openRoundCode       string
	closedRound, voiceComment      string
}

// newFormWorld fills a site with the demonstration data, then signs in a
// trainee, their supervisor and an admin and puts things in the states
// the forms need.
func newFormWorld(t *testing.T) *formWorld {
	t.Helper()
	site := apptest.Start(t, "")
	a := site.App
	res := apptest.Fill(t, a, 3)
	w := &formWorld{app: a, site: site}
	w.fresh = apptest.Start(t, "")
	ctx := context.Background()
	one := func(query string, args ...any) string {
		t.Helper()
		var v string
		if err := a.DB.NewRaw(query, args...).Scan(ctx, &v); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return v
	}
	trainee, person := w.traineeWithReflections(t, res.Password)
	w.traineeUser = trainee
	var supervisorEmail string
	supervisorEmail = one("SELECT email FROM users WHERE id = ?", *trainee.SupervisorID)
	w.trainee = person
	w.trainee.User = trainee
	w.supervisor = site.Anonymous().SignInAs(supervisorEmail, res.Password)
	w.supervisor.User = &account.User{Email: supervisorEmail}
	var admin account.User
	if err := a.DB.NewSelect().Model(&admin).Where("role = 'admin'").Order("email").Limit(1).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	w.admin = site.Anonymous().SignInAs(admin.Email, res.Password)
	w.admin.User = &admin

	w.certificate = one("SELECT id FROM certificates c WHERE kind <> 'attendance' AND NOT EXISTS (SELECT 1 FROM certificates n WHERE n.reissue_of = c.id) AND id NOT IN (SELECT certificate_id FROM certificate_revocations) LIMIT 1")
	w.cohort = one("SELECT id FROM cohorts ORDER BY name LIMIT 1")
	now := time.Now().UTC()
	w.event = one("SELECT id FROM events WHERE cancelled_at IS NULL AND starts_at > ? ORDER BY starts_at LIMIT 1", now)
	w.openEvent = one("SELECT id FROM events WHERE cancelled_at IS NULL AND opens_at < ? AND closes_at > ? ORDER BY starts_at LIMIT 1", now, now)
	w.registration = a.Events.Link.Token(one("SELECT id FROM registrations WHERE attended AND NOT feedback_given LIMIT 1"))
	w.links(t)
	w.learning(t)
	w.records(t)
	w.competencies(t)
	w.voice(t)
	return w
}

// traineeWithReflections signs in as the supervised trainee with the
// fewest competency steps who has reflections open in two modules or more
// (one to submit, one for the form), whatever the demonstration gave whom.
func (w *formWorld) traineeWithReflections(t *testing.T, password string) (*account.User, *apptest.Person) {
	t.Helper()
	var trainees []account.User
	if err := w.app.DB.NewSelect().Model(&trainees).Where("role = 'trainee' AND supervisor_id IS NOT NULL AND active").
		OrderExpr("(SELECT count(*) FROM competency_status s WHERE s.trainee_id = u.id), email").Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	for i := range trainees {
		person := w.site.Anonymous().SignInAs(trainees[i].Email, password)
		open := 0
		for _, m := range w.app.Courses.Catalog().TraineeModules() {
			if len(m.ReflectionPrompts) == 0 {
				continue
			}
			if _, page := person.Get("/modules/" + m.Slug + "/reflections"); reflectAction.MatchString(page) {
				open++
			}
		}
		if open >= 2 {
			return &trainees[i], person
		}
	}
	t.Fatalf("no trainee of %d has reflections open in two modules", len(trainees))
	return nil, nil
}

var linkPath = regexp.MustCompile(`(/(?:invitations|reset|setup)/[A-Za-z0-9_\-]+)`)

// links makes an invitation, a reset link and a setup link.
func (w *formWorld) links(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	invite, err := w.app.Accounts.Invite(ctx, w.admin.User, "invited@example.org", account.Trainee, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	w.invitation = linkPath.FindString(invite)
	w.reset = w.resetLink(t)
	setup, err := w.fresh.App.Accounts.SetupLink(ctx)
	if err != nil || setup == "" {
		t.Fatalf("setup link: %q %v", setup, err)
	}
	w.setup = linkPath.FindString(setup)
	if w.invitation == "" || w.setup == "" {
		t.Fatalf("no invitation (%q) or setup link (%q)", invite, setup)
	}
}

// resetLink asks for a reset link for the trainee and reads it from the
// outbox.
func (w *formWorld) resetLink(t *testing.T) string {
	t.Helper()
	p := w.site.Anonymous()
	if code, _ := p.Post("/forgot", "/forgot", url.Values{"email": {w.traineeUser.Email}}); code != http.StatusSeeOther && code != http.StatusOK {
		t.Fatalf("forgot = %d", code)
	}
	var body string
	if err := w.app.DB.NewRaw("SELECT body FROM mail_outbox WHERE body LIKE ? ORDER BY created_at DESC LIMIT 1", "%/reset/%").Scan(context.Background(), &body); err != nil {
		t.Fatalf("no reset mail: %v", err)
	}
	return linkPath.FindString(body)
}

var (
	formAction    = regexp.MustCompile(`action="(/modules/[^/"]+/quiz/[^"]+)"`)
	questionName  = regexp.MustCompile(`name="q-([^"]+)"`)
	reflectAction = regexp.MustCompile(`action="/modules/([^/"]+)/reflections"`)
)

// learning opens a knowledge check and finds reflections to write and
// reflections submitted.
func (w *formWorld) learning(t *testing.T) {
	t.Helper()
	for _, m := range w.app.Courses.Catalog().TraineeModules() {
		if m.Quiz != nil && w.quiz == "" {
			_, page := w.trainee.Get("/modules/" + m.Slug + "/quiz")
			if a := formAction.FindStringSubmatch(page); a != nil {
				w.quiz = a[1]
				for _, q := range questionName.FindAllStringSubmatch(page, -1) {
					if !slices.Contains(w.quizQuestions, q[1]) {
						w.quizQuestions = append(w.quizQuestions, q[1])
					}
				}
			}
		}
		if len(m.ReflectionPrompts) > 0 {
			if _, page := w.trainee.Get("/modules/" + m.Slug + "/reflections"); reflectAction.MatchString(page) {
				if w.submittedModule == "" {
					w.submitReflections(t, m)
				} else if w.reflectModule == "" {
					w.reflectModule = m.Slug
				}
			}
		}
	}
	if w.quiz == "" || len(w.quizQuestions) < 2 || w.reflectModule == "" || w.submittedModule == "" {
		t.Fatalf("no knowledge check (%q) or reflections (%q, %q) for the forms", w.quiz, w.reflectModule, w.submittedModule)
	}
}

// submitReflections answers and submits m's reflections as the trainee.
func (w *formWorld) submitReflections(t *testing.T, m *catalog.Module) {
	t.Helper()
	form := url.Values{"action": {"submit"}}
	for i := range m.ReflectionPrompts {
		form.Set(fmt.Sprintf("prompt-%d", i+1), "What I learnt.")
	}
	if code, _ := w.trainee.Post("/modules/"+m.Slug+"/reflections", "/account", form); code != http.StatusSeeOther {
		t.Fatalf("submit reflections = %d", code)
	}
	w.submittedModule, w.submittedPrompt = m.Slug, 1
}

var recordID = regexp.MustCompile(`/supervision/records/([0-9a-f-]{36})`)

// records has the supervisor record two sessions, one the trainee signs.
func (w *formWorld) records(t *testing.T) {
	t.Helper()
	create := func() string {
		form := url.Values{"held_on": {time.Now().UTC().AddDate(0, 0, -2).Format(time.DateOnly)}, "minutes": {"60"},
			"kind": {"one_to_one"}, "summary": {"We talked about outreach."}}
		code, to := w.supervisor.Post("/trainees/"+w.traineeUser.ID+"/supervision", "/account", form)
		m := recordID.FindStringSubmatch(to)
		if code != http.StatusSeeOther || m == nil {
			_, page := w.supervisor.PostPage("/trainees/"+w.traineeUser.ID+"/supervision", "/account", form)
			t.Fatalf("record supervision = %d %q\n%s", code, to, excerpt(page))
		}
		return m[1]
	}
	w.openRecord = create()
	w.lockedRecord = create()
	if code, _ := w.trainee.Post("/supervision/records/"+w.lockedRecord+"/sign", "/account", url.Values{"version": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("sign = %d", code)
	}
}

var seenField = regexp.MustCompile(`name="seen-([^"]+)" value="(\d+)"`)

// competencies finds competencies the trainee can ask for, one pending
// and one signed off, making them through the forms when needed.
func (w *formWorld) competencies(t *testing.T) {
	t.Helper()
	var taken []string
	if err := w.app.DB.NewRaw("SELECT competency_id FROM competency_status WHERE trainee_id = ? AND status IN ('pending', 'signed_off')",
		w.traineeUser.ID).Scan(context.Background(), &taken); err != nil {
		t.Fatal(err)
	}
	var asks []string
	var module string
	for _, m := range w.app.Courses.Catalog().TraineeModules() {
		asks = asks[:0]
		for _, c := range m.Competencies {
			if !slices.Contains(taken, c.ID) {
				asks = append(asks, c.ID)
			}
		}
		if len(asks) >= 3 {
			module = m.Slug
			break
		}
	}
	if module == "" {
		t.Fatal("no module with three competencies the trainee can ask for")
	}
	for _, id := range asks[:2] {
		form := url.Values{"competency": {id}, "evidence": {"I ran the group on Tuesday."}}
		if code, _ := w.trainee.Post("/trainees/"+w.traineeUser.ID+"/competencies/request", "/account", form); code != http.StatusSeeOther {
			t.Fatalf("ask for sign-off of %s = %d", id, code)
		}
	}
	seen := w.seen(t)
	form := url.Values{"module": {module}, "competencies": {asks[1]}, "seen-" + asks[1]: {seen[asks[1]]}, "comment": {"Seen in the group."}}
	if code, _ := w.supervisor.Post("/trainees/"+w.traineeUser.ID+"/competencies/sign-off", "/account", form); code != http.StatusSeeOther {
		t.Fatalf("sign off = %d", code)
	}
	w.pending, w.signed, w.askable, w.pendingModule = asks[0], asks[1], asks[2], module
	w.pendingSeen = w.seen(t)[asks[0]]
}

// seen reads the versions the supervisor's sign-off forms were shown with.
func (w *formWorld) seen(t *testing.T) map[string]string {
	t.Helper()
	_, page := w.supervisor.Get("/trainees/" + w.traineeUser.ID + "/competencies")
	out := map[string]string{}
	for _, m := range seenField.FindAllStringSubmatch(page, -1) {
		out[m[1]] = m[2]
	}
	return out
}

var (
	roundID         = regexp.MustCompile(`/voice/rounds/([0-9a-f-]{36})`)
	voiceCompetency = regexp.MustCompile(`name="competencies" value="([^"]+)"`)
)

// voice opens two feedback rounds; members answer one with comments and it
// closes, so its comments wait for the supervisor.
func (w *formWorld) voice(t *testing.T) {
	t.Helper()
	_, page := w.supervisor.Get("/trainees/" + w.traineeUser.ID + "/voice")
	competency := voiceCompetency.FindStringSubmatch(page)
	if competency == nil {
		t.Fatal("no competency to open a round for")
	}
	open := func(group string) (string, string) {
		form := url.Values{"group_name": {group}, "held_on": {time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)},
			"hours": {"48"}, "max_answers": {"20"}, "competencies": {competency[1]}}
		code, to := w.supervisor.Post("/trainees/"+w.traineeUser.ID+"/voice", "/account", form)
		m := roundID.FindStringSubmatch(to)
		if code != http.StatusSeeOther || m == nil {
			_, page := w.supervisor.PostPage("/trainees/"+w.traineeUser.ID+"/voice", "/account", form)
			t.Fatalf("open a round = %d %q\n%s", code, to, excerpt(page))
		}
		var code2 string
		if err := w.app.DB.NewRaw("SELECT code FROM voice_rounds WHERE id = ?", m[1]).Scan(context.Background(), &code2); err != nil {
			t.Fatal(err)
		}
		return m[1], code2
	}
	w.openRound, w.openRoundCode = open("Tuesday group")
	var code string
	w.closedRound, code = open("Thursday group")
	for i := range 5 {
		member := w.site.Anonymous()
		answer := url.Values{"respected": {"2"}, "heard": {"2"}, "useful": {"1"}, "again": {"2"}, "comment": {fmt.Sprintf("Good session %d.", i)}}
		if status, _ := member.Post("/v/"+code, "/v/"+code, answer); status != http.StatusSeeOther {
			t.Fatalf("answer %d = %d", i, status)
		}
	}
	if status, _ := w.supervisor.Post("/voice/rounds/"+w.closedRound+"/close", "/account", url.Values{"confirmed": {"yes"}}); status != http.StatusSeeOther {
		t.Fatalf("close = %d", status)
	}
	if err := w.app.DB.NewRaw("SELECT id FROM voice_comments WHERE round_id = ? LIMIT 1", w.closedRound).Scan(context.Background(), &w.voiceComment); err != nil {
		t.Fatal(err)
	}
}

// The database check of TestEveryFormReportsProblems can fail: a row
// changed or deleted changes the snapshot, and putting it back restores it.
func TestSnapshotSeesEveryChange(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, "")
	a := site.App
	user := site.User("snap@example.org", "Sam Snapshot", account.Trainee)
	exec := func(query string) {
		t.Helper()
		if _, err := a.DB.ExecContext(context.Background(), query, user.ID); err != nil {
			t.Fatal(err)
		}
	}
	before := snapshot(t, a)
	exec("UPDATE users SET name = 'Sam Snapshot-Jones' WHERE id = ?")
	if snapshot(t, a) == before {
		t.Fatal("a changed name left the snapshot as it was")
	}
	exec("UPDATE users SET name = 'Sam Snapshot' WHERE id = ?")
	if snapshot(t, a) != before {
		t.Fatal("the name put back does not give the first snapshot")
	}
	exec("DELETE FROM users WHERE id = ?")
	if snapshot(t, a) == before {
		t.Fatal("a deleted user left the snapshot as it was")
	}
}
