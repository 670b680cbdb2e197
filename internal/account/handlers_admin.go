package account

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"groundwork/internal/fault"
	"groundwork/internal/web"
)

const usersPerPage = 25

// usersPage is the data of the admin user list.
type usersPage struct {
	Query     string
	Role      string
	Roles     []Role
	Users     []User
	Total     int
	Page      int
	PrevPage  int
	NextPage  int
	LastPage  int
	PageQuery string
}

func (h *handlers) users(c echo.Context) error {
	f := UserFilter{Query: c.QueryParam("q"), Role: Role(c.QueryParam("role")), PerPage: usersPerPage, Page: 1}
	if len([]rune(f.Query)) > 100 {
		return fault.Errorf(fault.CodeInvalid, "The search is too long.")
	}
	if f.Role != "" && !f.Role.Valid() {
		f.Role = ""
	}
	if p, err := strconv.Atoi(c.QueryParam("page")); err == nil && p > 1 && p < 100000 {
		f.Page = p
	}
	result, err := ListUsers(c.Request().Context(), h.svc.DB, f)
	if err != nil {
		return err
	}
	last := max(1, (result.Total+usersPerPage-1)/usersPerPage)
	data := usersPage{Query: f.Query, Role: string(f.Role), Roles: Roles, Users: result.Users, Total: result.Total,
		Page: f.Page, LastPage: last}
	if f.Page > 1 {
		data.PrevPage = f.Page - 1
	}
	if f.Page < last {
		data.NextPage = f.Page + 1
	}
	return h.pages.AdminUsers.Render(c, http.StatusOK, data)
}

func (h *handlers) inviteForm(c echo.Context) error {
	f := web.NewForm()
	f.Set("role", string(Trainee))
	return h.pages.AdminInvite.Render(c, http.StatusOK, formPage{Form: f, Data: Roles})
}

func (h *handlers) invite(c echo.Context) error {
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	emailField(f, "email")
	f.OneOf("role", "Choose a role.", string(Trainee), string(Supervisor), string(Admin))
	var link string
	if f.Valid() {
		link, err = h.svc.Invite(c.Request().Context(), CurrentUser(c), f.Get("email"), Role(f.Get("role")), c.RealIP())
		if errors.Is(err, ErrAccountUnclaimed) {
			f.Fail("email", "This person was imported and has not yet accepted their invitation. Resend it from Pending invitations.")
		} else if errors.Is(err, ErrEmailTaken) {
			f.Fail("email", "Someone already has an account with this email.")
		} else if err != nil {
			return err
		}
	}
	if !f.Valid() {
		return h.pages.AdminInvite.Render(c, http.StatusUnprocessableEntity, formPage{Form: f, Data: Roles})
	}
	if h.svc.ShowInvitationLinks {
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		return h.pages.AdminInvited.Render(c, http.StatusOK, invitedPage{Email: NormalizeEmail(f.Get("email")), Link: link})
	}
	web.AddFlash(c, "success", "Invitation sent to "+NormalizeEmail(f.Get("email"))+". The link works for 7 days.")
	return c.Redirect(http.StatusSeeOther, "/admin/users")
}

// invitedPage shows a new invitation's link, once, to the admin who made
// it, when no mail is delivered.
type invitedPage struct {
	Email, Link string
}

// deletePage is the data of the page that confirms deleting a person.
type deletePage struct {
	User *User
}

func (h *handlers) deleteForm(c echo.Context) error {
	u, err := UserByID(c.Request().Context(), h.svc.DB, c.Param("id"))
	if err != nil {
		return err
	}
	return h.pages.AdminDelete.Render(c, http.StatusOK, formPage{Form: web.NewForm(), Data: deletePage{User: u}})
}

// deleteUser deletes a person once the admin has typed their email.
func (h *handlers) deleteUser(c echo.Context) error {
	u, err := UserByID(c.Request().Context(), h.svc.DB, c.Param("id"))
	if err != nil {
		return err
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	f.Required("email", "Type the person's email to confirm.")
	if f.Valid() && NormalizeEmail(f.Get("email")) != u.Email {
		f.Fail("email", "This is not their email. Type it exactly as shown to confirm.")
	}
	if !f.Valid() {
		return h.pages.AdminDelete.Render(c, http.StatusUnprocessableEntity, formPage{Form: f, Data: deletePage{User: u}})
	}
	if err := h.svc.DeleteUser(c.Request().Context(), CurrentUser(c), u, c.RealIP()); err != nil {
		return err
	}
	web.AddFlash(c, "success", "The person's details have been deleted. Their supervision records and sign-offs remain, under “"+DeletedName+"”.")
	return c.Redirect(http.StatusSeeOther, "/admin/users")
}

// userPage is the data of the admin page for one user.
type userPage struct {
	User        *User
	Self        bool
	Roles       []Role
	Supervisors []User
	Trainees    []User
	Cohorts     []Cohort
}

func (h *handlers) user(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := UserByID(ctx, h.svc.DB, c.Param("id"))
	if err != nil {
		return err
	}
	data := userPage{User: u, Self: u.ID == CurrentUser(c).ID, Roles: Roles}
	if data.Supervisors, err = UsersByRole(ctx, h.svc.DB, Supervisor); err != nil {
		return err
	}
	if data.Trainees, err = TraineesOf(ctx, h.svc.DB, u.ID); err != nil {
		return err
	}
	if data.Cohorts, err = CohortsOf(ctx, h.svc.DB, u.ID); err != nil {
		return err
	}
	return h.pages.AdminUser.Render(c, http.StatusOK, data)
}

// withUser loads the user named in the URL and runs fn with them, then
// returns to the user's page.
func (h *handlers) withUser(c echo.Context, fn func(f *web.Form, u *User) error, done string) error {
	u, err := UserByID(c.Request().Context(), h.svc.DB, c.Param("id"))
	if err != nil {
		return err
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	if err := fn(f, u); err != nil {
		return err
	}
	web.AddFlash(c, "success", done)
	return c.Redirect(http.StatusSeeOther, "/admin/users/"+u.ID)
}

func (h *handlers) changeRole(c echo.Context) error {
	return h.withUser(c, func(f *web.Form, u *User) error {
		role := Role(f.Get("role"))
		if !role.Valid() {
			return fault.Errorf(fault.CodeInvalid, "Choose a role.")
		}
		return h.svc.ChangeRole(c.Request().Context(), CurrentUser(c), u, role, c.RealIP())
	}, "Role changed.")
}

func (h *handlers) setActive(c echo.Context) error {
	return h.withUser(c, func(f *web.Form, u *User) error {
		active := f.Get("active") == "true"
		if f.Get("active") != "true" && f.Get("active") != "false" {
			return fault.Errorf(fault.CodeInvalid, "Choose whether the account is active.")
		}
		return h.svc.SetActive(c.Request().Context(), CurrentUser(c), u, active, c.RealIP())
	}, "Account updated.")
}

func (h *handlers) setEditor(c echo.Context) error {
	return h.withUser(c, func(f *web.Form, u *User) error {
		on := f.Get("editor") == "true"
		if f.Get("editor") != "true" && f.Get("editor") != "false" {
			return fault.Errorf(fault.CodeInvalid, "Choose whether they edit the curriculum.")
		}
		return h.svc.SetCurriculumEditor(c.Request().Context(), CurrentUser(c), u, on, c.RealIP())
	}, "Curriculum editing updated.")
}

// signOutConfirmation asks before a person is signed out everywhere.
func signOutConfirmation(u *User) web.Confirmation {
	return web.Confirmation{Title: "Sign " + u.Name + " out everywhere?",
		Effects: []string{
			u.Name + " is signed out at once on every device and browser, and anything they have not saved is lost.",
			"They can sign in again with their password (unless their account is deactivated).",
		},
		Note:   "Their sessions cannot be brought back.",
		Action: "/admin/users/" + u.ID + "/signout", Button: "Yes, sign " + u.Name + " out everywhere",
		Back: "/admin/users/" + u.ID, BackLabel: "No, go back"}
}

func (h *handlers) signOutForm(c echo.Context) error {
	u, err := UserByID(c.Request().Context(), h.svc.DB, c.Param("id"))
	if err != nil {
		return err
	}
	return web.RenderConfirmation(c, h.confirm, http.StatusOK, signOutConfirmation(u))
}

func (h *handlers) signOutEverywhere(c echo.Context) error {
	u, err := UserByID(c.Request().Context(), h.svc.DB, c.Param("id"))
	if err != nil {
		return err
	}
	if ok, err := web.Confirm(c, h.confirm, signOutConfirmation(u)); !ok {
		return err
	}
	if err := h.svc.SignOutEverywhere(c.Request().Context(), CurrentUser(c), u, c.RealIP()); err != nil {
		return err
	}
	web.AddFlash(c, "success", "Signed out on every device.")
	return c.Redirect(http.StatusSeeOther, "/admin/users/"+u.ID)
}

func (h *handlers) assignSupervisor(c echo.Context) error {
	return h.withUser(c, func(f *web.Form, u *User) error {
		return h.svc.AssignSupervisor(c.Request().Context(), CurrentUser(c), u, f.Get("supervisor"), c.RealIP())
	}, "Supervisor updated.")
}

// cohortsPage is the data of the cohort list, with the form for a new one.
type cohortsPage struct {
	Cohorts []Cohort
}

func (h *handlers) cohorts(c echo.Context) error {
	return h.renderCohorts(c, http.StatusOK, web.NewForm())
}

func (h *handlers) renderCohorts(c echo.Context, status int, f *web.Form) error {
	list, err := ListCohorts(c.Request().Context(), h.svc.DB)
	if err != nil {
		return err
	}
	return h.pages.AdminCohorts.Render(c, status, formPage{Form: f, Data: cohortsPage{Cohorts: list}})
}

// cohortFromForm checks the cohort fields of f and copies them into co.
func cohortFromForm(f *web.Form, co *Cohort) {
	f.Required("name", "Give the cohort a name.")
	f.MaxLength("name", 100)
	f.MaxLength("description", 2000)
	co.Name, co.Description = f.Get("name"), f.Get("description")
	co.StartsOn = f.Date("starts_on")
	co.EndsOn = f.Date("ends_on")
	if co.StartsOn != nil && co.EndsOn != nil && co.EndsOn.Before(*co.StartsOn) {
		f.Fail("ends_on", "The end date must be on or after the start date.")
	}
	co.ExpectedBy = f.Date("expected_by")
	if co.StartsOn != nil && co.ExpectedBy != nil && co.ExpectedBy.Before(*co.StartsOn) {
		f.Fail("expected_by", "The expected completion date must be on or after the start date.")
	}
}

func (h *handlers) saveCohort(c echo.Context, f *web.Form, co *Cohort) (bool, error) {
	cohortFromForm(f, co)
	if !f.Valid() {
		return false, nil
	}
	err := h.svc.SaveCohort(c.Request().Context(), co)
	if errors.Is(err, ErrCohortNameTaken) {
		f.Fail("name", "Another cohort has this name.")
		return false, nil
	}
	return err == nil, err
}

func (h *handlers) createCohort(c echo.Context) error {
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	co := &Cohort{}
	ok, err := h.saveCohort(c, f, co)
	if err != nil {
		return err
	}
	if !ok {
		return h.renderCohorts(c, http.StatusUnprocessableEntity, f)
	}
	web.AddFlash(c, "success", "Cohort created. Now add its trainees.")
	return c.Redirect(http.StatusSeeOther, "/admin/cohorts/"+co.ID)
}

// cohortPage is the data of one cohort's page.
type cohortPage struct {
	Cohort     *Cohort
	Members    []User
	Candidates []User
	// Overdue holds the members past the cohort's expected completion
	// date who have not finished the programme.
	Overdue map[string]bool
	// AddForm is the form that adds trainees, with the boxes ticked.
	AddForm  *web.Form
	Selected map[string]bool
}

// overdueMembers returns the members of co who are past its expected
// completion date without having finished the programme.
func (h *handlers) overdueMembers(ctx context.Context, co *Cohort, members []User) (map[string]bool, error) {
	out := map[string]bool{}
	if !Overdue(co.ExpectedBy, h.svc.Clock.Now()) || len(members) == 0 {
		return out, nil
	}
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m.ID
	}
	finished := map[string]bool{}
	if h.svc.Finished != nil {
		var err error
		if finished, err = h.svc.Finished(ctx, ids); err != nil {
			return nil, err
		}
	}
	for _, id := range ids {
		out[id] = !finished[id]
	}
	return out, nil
}

func (h *handlers) cohort(c echo.Context) error {
	co, err := CohortByID(c.Request().Context(), h.svc.DB, c.Param("id"))
	if err != nil {
		return err
	}
	return h.renderCohort(c, http.StatusOK, cohortDetailsForm(co), web.NewForm(), co)
}

// cohortDetailsForm is the cohort's details form filled in from co.
func cohortDetailsForm(co *Cohort) *web.Form {
	f := web.NewForm()
	f.Set("name", co.Name)
	f.Set("description", co.Description)
	f.Set("starts_on", dateInput(co.StartsOn))
	f.Set("ends_on", dateInput(co.EndsOn))
	f.Set("expected_by", dateInput(co.ExpectedBy))
	return f
}

func (h *handlers) renderCohort(c echo.Context, status int, f, add *web.Form, co *Cohort) error {
	ctx := c.Request().Context()
	members, err := CohortMembers(ctx, h.svc.DB, co.ID)
	if err != nil {
		return err
	}
	trainees, err := UsersByRole(ctx, h.svc.DB, Trainee)
	if err != nil {
		return err
	}
	in := map[string]bool{}
	for _, m := range members {
		in[m.ID] = true
	}
	var candidates []User
	for _, t := range trainees {
		if !in[t.ID] {
			candidates = append(candidates, t)
		}
	}
	overdue, err := h.overdueMembers(ctx, co, members)
	if err != nil {
		return err
	}
	return h.pages.AdminCohort.Render(c, status, formPage{Form: f, Data: cohortPage{Cohort: co, Members: members, Candidates: candidates, Overdue: overdue,
		AddForm: add, Selected: selected(add.Values["user"])}})
}

func (h *handlers) updateCohort(c echo.Context) error {
	co, err := CohortByID(c.Request().Context(), h.svc.DB, c.Param("id"))
	if err != nil {
		return err
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	ok, err := h.saveCohort(c, f, co)
	if err != nil {
		return err
	}
	if !ok {
		return h.renderCohort(c, http.StatusUnprocessableEntity, f, web.NewForm(), co)
	}
	web.AddFlash(c, "success", "Cohort saved.")
	return c.Redirect(http.StatusSeeOther, "/admin/cohorts/"+co.ID)
}

func (h *handlers) addMembers(c echo.Context) error {
	ctx := c.Request().Context()
	co, err := CohortByID(ctx, h.svc.DB, c.Param("id"))
	if err != nil {
		return err
	}
	f, err := web.ParseForm(c)
	if err != nil {
		return err
	}
	users, err := h.chosenTrainees(ctx, f)
	if err != nil {
		return err
	}
	if f.Valid() {
		err = h.svc.AddManyToCohort(ctx, CurrentUser(c), co, users, c.RealIP())
		if !f.FailOn(err, "emails") && err != nil {
			return err
		}
	}
	if !f.Valid() {
		return h.renderCohort(c, http.StatusUnprocessableEntity, cohortDetailsForm(co), f, co)
	}
	done := "Trainee added."
	if len(users) > 1 {
		done = strconv.Itoa(len(users)) + " trainees added."
	}
	web.AddFlash(c, "success", done)
	return c.Redirect(http.StatusSeeOther, "/admin/cohorts/"+co.ID)
}

// selected is the set of ticked values.
func selected(values []string) map[string]bool {
	set := make(map[string]bool, len(values))
	for _, v := range values {
		set[v] = true
	}
	return set
}

// maxAddAtOnce is how many people one request may add to a cohort.
const maxAddAtOnce = 500

// chosenTrainees reads the trainees ticked ("user") and listed by email
// ("emails", one a line or separated by commas or semicolons) on the
// cohort page, failing the form for anyone who is not an active trainee.
func (h *handlers) chosenTrainees(ctx context.Context, f *web.Form) ([]*User, error) {
	var users []*User
	seen := map[string]bool{}
	add := func(u *User) {
		if !seen[u.ID] {
			seen[u.ID] = true
			users = append(users, u)
		}
	}
	for _, id := range f.Values["user"] {
		u, err := UserByID(ctx, h.svc.DB, id)
		if err != nil || u.Role != Trainee || !u.Active {
			f.Fail("user", "Choose trainees from the list.")
			continue
		}
		add(u)
	}
	emails := strings.FieldsFunc(f.Get("emails"), func(r rune) bool { return r == '\n' || r == ',' || r == ';' || r == ' ' || r == '\t' })
	if len(emails)+len(f.Values["user"]) > maxAddAtOnce {
		f.Fail("emails", "Add at most "+strconv.Itoa(maxAddAtOnce)+" people at a time.")
		return nil, nil
	}
	var unknown, notTrainee []string
	for _, e := range emails {
		u, err := userByEmail(ctx, h.svc.DB, e)
		switch {
		case err != nil:
			return nil, err
		case u == nil:
			unknown = append(unknown, NormalizeEmail(e))
		case u.Role != Trainee || !u.Active:
			notTrainee = append(notTrainee, u.Email)
		default:
			add(u)
		}
	}
	switch {
	case len(unknown) > 0:
		f.Fail("emails", "Nobody has an account with "+strings.Join(unknown, ", ")+". Invite them first, or correct the emails.")
	case len(notTrainee) > 0:
		f.Fail("emails", "Only active trainees can join a cohort: "+strings.Join(notTrainee, ", ")+" is not one.")
	case len(users) == 0 && f.Valid():
		f.Fail("user", "Tick the trainees to add, or list their emails.")
	}
	return users, nil
}

// removeConfirmation asks before a trainee leaves a cohort.
func removeConfirmation(co *Cohort, u *User) web.Confirmation {
	return web.Confirmation{Title: "Remove " + u.Name + " from " + co.Name + "?",
		Effects: []string{
			u.Name + " leaves the cohort and its lists and reports.",
			"Their enrolment, progress, supervision and certificates stay as they are.",
		},
		Note:   "You can add them to the cohort again later.",
		Action: "/admin/cohorts/" + co.ID + "/members/" + u.ID + "/remove", Button: "Yes, remove " + u.Name,
		Back: "/admin/cohorts/" + co.ID, BackLabel: "No, keep them in the cohort"}
}

// member loads the cohort and the member named in the URL.
func (h *handlers) member(c echo.Context) (*Cohort, *User, error) {
	ctx := c.Request().Context()
	co, err := CohortByID(ctx, h.svc.DB, c.Param("id"))
	if err != nil {
		return nil, nil, err
	}
	u, err := UserByID(ctx, h.svc.DB, c.Param("user"))
	if err != nil {
		return nil, nil, err
	}
	member, err := h.svc.DB.NewSelect().Model((*cohortMember)(nil)).
		Where("cohort_id = ?", co.ID).Where("user_id = ?", u.ID).Exists(ctx)
	if err != nil {
		return nil, nil, err
	}
	if !member {
		return nil, nil, fault.Errorf(fault.CodeNotFound, "%s is not in this cohort.", u.Name)
	}
	return co, u, nil
}

func (h *handlers) removeMemberForm(c echo.Context) error {
	co, u, err := h.member(c)
	if err != nil {
		return err
	}
	return web.RenderConfirmation(c, h.confirm, http.StatusOK, removeConfirmation(co, u))
}

func (h *handlers) removeMember(c echo.Context) error {
	co, u, err := h.member(c)
	if err != nil {
		return err
	}
	if ok, err := web.Confirm(c, h.confirm, removeConfirmation(co, u)); !ok {
		return err
	}
	if err := h.svc.RemoveFromCohort(c.Request().Context(), CurrentUser(c), co, u, c.RealIP()); err != nil {
		return err
	}
	web.AddFlash(c, "success", u.Name+" is removed from the cohort.")
	return c.Redirect(http.StatusSeeOther, "/admin/cohorts/"+co.ID)
}
