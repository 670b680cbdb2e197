package ics

import (
	"fmt"
	"time"
)

// timezone writes the VTIMEZONE of loc for an event from start to end.
// It lists the zone's actual transitions from a year before the start to
// a year after it, and the same around the end, each as its own STANDARD
// or DAYLIGHT part with one DTSTART and no recurrence rule: every calendar
// client reads explicit transitions alike, and they stay right even when a
// zone changes its rules, as a yearly RRULE would not. The two windows keep
// the work bounded however far apart the dates are.
func timezone(b *builder, loc *time.Location, start, end time.Time) {
	b.line("BEGIN:VTIMEZONE")
	b.line("TZID:" + loc.String())
	transitions := transitionsOf(loc, start.AddDate(-1, 0, 0), start.AddDate(1, 0, 0))
	if after := start.AddDate(1, 0, 0); end.AddDate(-1, 0, 0).After(after) {
		transitions = append(transitions, transitionsOf(loc, end.AddDate(-1, 0, 0), end.AddDate(1, 0, 0))...)
	} else {
		transitions = append(transitions, transitionsOf(loc, after, end.AddDate(1, 0, 0))...)
	}
	if len(transitions) == 0 {
		name, offset := start.In(loc).Zone()
		part(b, "STANDARD", "19700101T000000", offset, offset, name)
	}
	for _, t := range transitions {
		kind := "STANDARD"
		if t.at.In(loc).IsDST() {
			kind = "DAYLIGHT"
		}
		name, to := t.at.In(loc).Zone()
		from := t.from
		part(b, kind, t.at.Add(time.Duration(from)*time.Second).UTC().Format(localLayout), from, to, name)
	}
	b.line("END:VTIMEZONE")
}

// part writes one STANDARD or DAYLIGHT part; dtstart is local time in the
// offset before the change.
func part(b *builder, kind, dtstart string, from, to int, name string) {
	b.line("BEGIN:" + kind)
	b.line("DTSTART:" + dtstart)
	b.line("TZOFFSETFROM:" + offset(from))
	b.line("TZOFFSETTO:" + offset(to))
	b.line("TZNAME:" + text(name))
	b.line("END:" + kind)
}

// offset formats seconds east of UTC as ±hhmm (with seconds if any).
func offset(secs int) string {
	sign := "+"
	if secs < 0 {
		sign, secs = "-", -secs
	}
	s := fmt.Sprintf("%s%02d%02d", sign, secs/3600, secs/60%60)
	if secs%60 != 0 {
		s += fmt.Sprintf("%02d", secs%60)
	}
	return s
}

// transition is a change of UTC offset: the first instant of the new
// offset, and the offset before it.
type transition struct {
	at   time.Time
	from int
}

// transitionsOf finds loc's offset changes between from and to: it steps a
// day at a time and, where the offset differs, narrows to the second.
func transitionsOf(loc *time.Location, from, to time.Time) []transition {
	var out []transition
	prev := from
	_, prevOffset := prev.In(loc).Zone()
	for t := from.Add(24 * time.Hour); !t.After(to); t = t.Add(24 * time.Hour) {
		_, off := t.In(loc).Zone()
		if off != prevOffset {
			out = append(out, transition{at: narrow(loc, prev, t, prevOffset), from: prevOffset})
			prevOffset = off
		}
		prev = t
	}
	return out
}

// narrow returns the first second after lo at which loc's offset is no
// longer offset; hi must already differ.
func narrow(loc *time.Location, lo, hi time.Time, offset int) time.Time {
	for hi.Sub(lo) > time.Second {
		mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
		if _, off := mid.In(loc).Zone(); off == offset {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}
