package audit

import "context"

// Person is someone the log can be filtered by.
type Person struct {
	ID, Name, Email string
}

// People resolves the people the log names, at read time, through the
// capability that keeps them, so a renamed person shows their new name and a
// deleted one shows as deleted.
type People interface {
	// Names returns the name of each of ids that still exists.
	Names(ctx context.Context, ids []string) (map[string]string, error)
	// Everyone lists every person, by name, for the person filter.
	Everyone(ctx context.Context) ([]Person, error)
}

// DeletedPerson is how the log names someone who no longer exists.
const DeletedPerson = "deleted user"

// Line is an entry with the names of its actor and subject.
type Line struct {
	Entry
	// ActorName and SubjectName are empty when the entry has no actor or
	// subject, and DeletedPerson when that person no longer exists.
	ActorName, SubjectName     string
	ActorExists, SubjectExists bool
}

// Named resolves the names of entries' actors and subjects.
func Named(ctx context.Context, people People, entries []Entry) ([]Line, error) {
	var ids []string
	for _, e := range entries {
		ids = append(ids, e.ActorID, e.SubjectID)
	}
	names, err := people.Names(ctx, ids)
	if err != nil {
		return nil, err
	}
	lines := make([]Line, len(entries))
	for i, e := range entries {
		lines[i] = Line{Entry: e}
		lines[i].ActorName, lines[i].ActorExists = nameOf(names, e.ActorID)
		lines[i].SubjectName, lines[i].SubjectExists = nameOf(names, e.SubjectID)
	}
	return lines, nil
}

func nameOf(names map[string]string, id string) (string, bool) {
	if id == "" {
		return "", false
	}
	if n, ok := names[id]; ok {
		return n, true
	}
	return DeletedPerson, false
}
