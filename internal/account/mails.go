package account

import (
	"fmt"

	"groundwork/internal/mail"
)

func invitationMail(to, inviter string, role Role, link string) mail.Message {
	return mail.Message{
		To:      to,
		Subject: "You are invited to Groundwork",
		Body: fmt.Sprintf(`Hello,

%s has invited you to Groundwork, your service's training platform, as a %s.

To accept, choose your name and password here (the link works once and expires in 7 days):

%s

If you did not expect this invitation, you can ignore this email.
`, inviter, role.Label(), link),
	}
}

func resetMail(to, name, link string) mail.Message {
	return mail.Message{
		To:      to,
		Subject: "Reset your Groundwork password",
		Body: fmt.Sprintf(`Hello %s,

Someone asked to reset the password of your Groundwork account. To choose a new password, open
this link (it works once and expires in 1 hour):

%s

If you did not ask for this, ignore this email: your password stays as it is.
`, name, link),
	}
}
