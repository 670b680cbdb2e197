package account

import (
	"context"

	"github.com/uptrace/bun"

	"groundwork/internal/audit"
	"groundwork/internal/db"
	"groundwork/internal/fault"
)

// ChangeRole gives user a new role. An admin cannot change their own role,
// so there is always an admin left.
func (s *Service) ChangeRole(ctx context.Context, by, user *User, role Role, ip string) error {
	if by.ID == user.ID {
		return errNotAllowed
	}
	if user.Role == role {
		return nil
	}
	detail := string(user.Role) + " -> " + string(role)
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		user.Role = role
		cols := []string{"role"}
		if role != Trainee && user.SupervisorID != nil {
			user.SupervisorID = nil
			cols = append(cols, "supervisor_id")
		}
		if err := s.updateUser(ctx, tx, user, cols...); err != nil {
			return err
		}
		if role != Supervisor {
			if _, err := tx.NewUpdate().Model((*User)(nil)).Set("supervisor_id = NULL").Where("supervisor_id = ?", user.ID).Exec(ctx); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, SubjectID: user.ID, Action: audit.RoleChanged, IP: ip, Detail: detail})
	})
}

// SetActive deactivates or reactivates user. Deactivation ends every session
// of the account at once.
func (s *Service) SetActive(ctx context.Context, by, user *User, active bool, ip string) error {
	if by.ID == user.ID {
		return errNotAllowed
	}
	action := audit.Reactivated
	if !active {
		action = audit.Deactivated
	}
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		user.Active = active
		if err := s.updateUser(ctx, tx, user, "active"); err != nil {
			return err
		}
		if !active {
			if err := s.Sessions.EndAll(ctx, tx, user.ID, ""); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, SubjectID: user.ID, Action: action, IP: ip})
	})
}

// SetCurriculumEditor makes a supervisor a curriculum editor (on) or stops
// them being one: editors write and publish the curriculum as admins do.
// Admins are editors already and trainees cannot be.
func (s *Service) SetCurriculumEditor(ctx context.Context, by, user *User, on bool, ip string) error {
	if user.Role != Supervisor {
		return fault.Errorf(fault.CodeInvalid, "Only supervisors can be made curriculum editors: admins edit the curriculum already, and trainees do not.")
	}
	action := audit.EditorGranted
	if !on {
		action = audit.EditorRevoked
	}
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		user.CurriculumEditor = on
		if err := s.updateUser(ctx, tx, user, "curriculum_editor"); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, SubjectID: user.ID, Action: action, IP: ip})
	})
}

// SignOutEverywhere ends every session of user.
func (s *Service) SignOutEverywhere(ctx context.Context, by, user *User, ip string) error {
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := s.Sessions.EndAll(ctx, tx, user.ID, ""); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, SubjectID: user.ID, Action: audit.SignedOutEverywhere, IP: ip})
	})
}

// AssignSupervisor makes supervisorID (or nobody, when empty) the
// supervisor of trainee.
func (s *Service) AssignSupervisor(ctx context.Context, by, trainee *User, supervisorID, ip string) error {
	if trainee.Role != Trainee {
		return fault.Errorf(fault.CodeInvalid, "Only trainees have a supervisor.")
	}
	var sup *string
	detail := "none"
	if supervisorID != "" {
		supervisor, err := UserByID(ctx, s.DB, supervisorID)
		if err != nil || supervisor.Role != Supervisor || !supervisor.Active {
			return fault.Errorf(fault.CodeInvalid, "Choose an active supervisor.")
		}
		sup, detail = &supervisor.ID, supervisor.ID
	}
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		trainee.SupervisorID = sup
		if err := s.updateUser(ctx, tx, trainee, "supervisor_id"); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, SubjectID: trainee.ID, Action: audit.SupervisorAssigned, IP: ip, Detail: detail})
	})
}

// SetNotificationMail turns the user's notification mail on or off.
func (s *Service) SetNotificationMail(ctx context.Context, user *User, on bool) error {
	user.NotificationMailOff = !on
	return s.updateUser(ctx, s.DB, user, "notification_mail_off")
}

// ChangeName sets the user's display name.
func (s *Service) ChangeName(ctx context.Context, user *User, name string) error {
	user.Name = name
	return s.updateUser(ctx, s.DB, user, "name")
}

// ChangeEmail sets a new email after checking the current password.
func (s *Service) ChangeEmail(ctx context.Context, user *User, email, password, ip string) error {
	if !s.Hasher().Verify(user.PasswordHash, password) {
		return ErrWrongPassword
	}
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		user.Email = NormalizeEmail(email)
		if err := s.updateUser(ctx, tx, user, "email"); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: user.ID, SubjectID: user.ID, Action: audit.EmailChanged, IP: ip})
	})
}

// ChangePassword sets a new password after checking the current one, and
// ends every other session of the account (keepSession stays).
func (s *Service) ChangePassword(ctx context.Context, user *User, current, next, keepSession, ip string) error {
	if !s.Hasher().Verify(user.PasswordHash, current) {
		return ErrWrongPassword
	}
	hash, err := s.Hasher().Hash(next)
	if err != nil {
		return err
	}
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		user.PasswordHash = hash
		if err := s.updateUser(ctx, tx, user, "password_hash"); err != nil {
			return err
		}
		if err := s.Sessions.EndAll(ctx, tx, user.ID, keepSession); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: user.ID, SubjectID: user.ID, Action: audit.PasswordChanged, IP: ip})
	})
}

// ErrWrongPassword means the current password given to confirm a change is wrong.
var ErrWrongPassword = fault.Errorf(fault.CodeInvalid, "Your current password is not correct.")

// SaveCohort creates or updates a cohort.
func (s *Service) SaveCohort(ctx context.Context, c *Cohort) error { return s.saveCohort(ctx, s.DB, c) }

// AddToCohort adds a trainee to a cohort and, through OnJoinCohort, enrols
// them in the programme in the same transaction. The audit log records no
// address: it is for callers outside a request.
func (s *Service) AddToCohort(ctx context.Context, by *User, cohort *Cohort, user *User) error {
	return s.AddManyToCohort(ctx, by, cohort, []*User{user}, "")
}

// AddManyToCohort adds trainees to a cohort in one transaction, enrolling
// each through OnJoinCohort; anyone not a trainee refuses the lot.
func (s *Service) AddManyToCohort(ctx context.Context, by *User, cohort *Cohort, users []*User, ip string) error {
	for _, u := range users {
		if u.Role != Trainee {
			return fault.Errorf(fault.CodeInvalid, "Only trainees can be members of a cohort.")
		}
	}
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, u := range users {
			if err := s.joinCohort(ctx, tx, by, cohort, u, ip); err != nil {
				return err
			}
		}
		return nil
	})
}

// joinCohort puts a trainee in a cohort inside tx, enrols them and audits it.
func (s *Service) joinCohort(ctx context.Context, tx bun.Tx, by *User, cohort *Cohort, user *User, ip string) error {
	if err := s.addMember(ctx, tx, cohort.ID, user.ID); err != nil {
		return err
	}
	if err := audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, SubjectID: user.ID, Action: audit.CohortJoined, IP: ip,
		Detail: "cohort " + cohort.ID}); err != nil {
		return err
	}
	if s.OnJoinCohort == nil {
		return nil
	}
	return s.OnJoinCohort(ctx, tx, by.ID, user.ID)
}

// RemoveFromCohort takes a member out of a cohort. Their enrolment and
// progress stay.
func (s *Service) RemoveFromCohort(ctx context.Context, by *User, cohort *Cohort, user *User, ip string) error {
	return db.InTx(ctx, s.DB, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := removeMember(ctx, tx, cohort.ID, user.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: by.ID, SubjectID: user.ID, Action: audit.CohortLeft, IP: ip,
			Detail: "cohort " + cohort.ID})
	})
}
