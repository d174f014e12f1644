package web

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // America/Mexico_City on machines without a zone database

	"github.com/vigia-mx/vigia/internal/desk"
	"github.com/vigia-mx/vigia/internal/hotline"
	"github.com/vigia-mx/vigia/internal/locale"
)

// The console shows times as people in Mexico read them: in Mexico City's
// time ("6 dic 2026, 14:05") and, for what is recent, how long ago ("hace
// 12 minutos"). Stored times stay in UTC.

var mexicoCity = func() *time.Location {
	l, err := time.LoadLocation("America/Mexico_City")
	if err != nil {
		panic(err) // time/tzdata is embedded
	}
	return l
}()

var shortMonths = map[locale.Lang][]string{
	locale.ES: {"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"},
	locale.EN: {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
}

// clockTime turns what templates hold (a time.Time or a stored RFC 3339
// string) into a time; ok is false for an empty or unreadable value.
func clockTime(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, !t.IsZero()
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02"} {
			if x, err := time.Parse(layout, t); err == nil {
				return x, true
			}
		}
	}
	return time.Time{}, false
}

// whenText is a moment in Mexico City's time: "6 dic 2026, 14:05" (in
// English "6 Dec 2026, 14:05"). A bare day ("2026-12-06") gives the day.
func whenText(l locale.Lang, v any) string {
	t, ok := clockTime(v)
	if !ok {
		return ""
	}
	months := shortMonths[l]
	if months == nil {
		months = shortMonths[locale.ES]
	}
	if s, isDay := v.(string); isDay && len(s) == 10 {
		return fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1], t.Year())
	}
	t = t.In(mexicoCity)
	return fmt.Sprintf("%d %s %d, %02d:%02d", t.Day(), months[t.Month()-1], t.Year(), t.Hour(), t.Minute())
}

// spanText is a duration in words: "12 minutos", "3 horas", "2 días".
func spanText(l locale.Lang, d time.Duration) string {
	if d < 0 {
		d = -d
	}
	n, unit := int(d/time.Minute), "minute"
	switch {
	case d < time.Minute:
		return locale.T(l, "time.moment")
	case d >= 48*time.Hour:
		n, unit = int(d/(24*time.Hour)), "day"
	case d >= 2*time.Hour:
		n, unit = int(d/time.Hour), "hour"
	}
	key := "time." + unit + "s"
	if n == 1 {
		key = "time." + unit
	}
	return locale.T(l, key, n)
}

// agoText says how long ago a moment was: "hace 12 minutos".
func agoText(l locale.Lang, now time.Time, v any) string {
	t, ok := clockTime(v)
	if !ok {
		return ""
	}
	if d := now.Sub(t); d >= time.Minute {
		return locale.T(l, "time.ago", spanText(l, d))
	}
	return locale.T(l, "time.now")
}

// dueText says when a target falls due: "vence en 12 minutos" or "venció
// hace 3 horas".
func dueText(l locale.Lang, now time.Time, due time.Time) string {
	if due.IsZero() {
		return ""
	}
	if d := due.Sub(now); d > 0 {
		return locale.T(l, "time.due_in", spanText(l, d))
	}
	return locale.T(l, "time.due_ago", spanText(l, now.Sub(due)))
}

// channelName names a report's channel: the staff channels and the
// intake's own in words, a partner's name as it is.
func channelName(l locale.Lang, c string) string {
	if hotline.StaffChannels.Has(c) {
		return hotline.StaffChannels.Label(c, string(l))
	}
	if locale.Has("console.channel." + c) {
		return locale.T(l, "console.channel."+c)
	}
	return c
}

// timelineText says in words what a case's timeline entry records.
func timelineText(l locale.Lang, e desk.TimelineEntry) string {
	lang := string(l)
	detail := e.Detail
	switch e.Kind {
	case "case.move":
		if from, to, ok := strings.Cut(e.Detail, "->"); ok {
			detail = hotline.Statuses.Label(from, lang) + " → " + hotline.Statuses.Label(to, lang)
		}
	case "case.consent":
		detail = locale.T(l, map[bool]string{true: "yes", false: "no"}[e.Detail == "true"])
	case "referral.create", "referral.create_override", "report.create", "report.enter":
		fields := map[string]string{}
		for _, f := range strings.Fields(e.Detail) {
			k, v, _ := strings.Cut(f, "=")
			fields[k] = v
		}
		switch {
		case fields["institution"] != "":
			detail = hotline.Institutions.Label(fields["institution"], lang)
		case fields["channel"] != "":
			detail = channelName(l, fields["channel"])
		}
	case "referral.move":
		// "referral=3 enviada->aceptada"
		if i := strings.IndexByte(e.Detail, ' '); i > 0 {
			if from, to, ok := strings.Cut(e.Detail[i+1:], "->"); ok {
				detail = hotline.ReferralStatuses.Label(from, lang) + " → " + hotline.ReferralStatuses.Label(to, lang)
			}
		}
	case "case.trafficking":
		status, by, _ := strings.Cut(e.Detail, " by=")
		detail = hotline.Trafficking.Label(status, lang) + " (" + hotline.DecidedBy.Label(by, lang) + ")"
	case "task":
		detail = locale.T(l, "console.due") + " " + whenText(l, e.Detail)
	case "case.assign", "report.duplicate", "case.assess":
		detail = "" // ids, not words
	}
	what := e.Kind
	if locale.Has("console.tl." + e.Kind) {
		what = locale.T(l, "console.tl."+e.Kind)
	}
	if detail != "" {
		what += ": " + detail
	}
	return what
}

// timelineWho names who did a timeline entry: a user name, or the
// reporter, the public form or the system in words.
func timelineWho(l locale.Lang, who string) string {
	if locale.Has("console.tl.who." + who) {
		return locale.T(l, "console.tl.who."+who)
	}
	return who
}
