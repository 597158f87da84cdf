"""Talks as iCalendar (RFC 5545): one `.ics` file per Talk and one feed per space.

Pure: the caller has already decided the reader may read the space (`spaces.library.
may_read_space`), so everything here only turns stored Talks into calendar text that any
calendar app imports. The UID is the Talk's ActivityPub id, so re-importing a Talk or
re-fetching the feed updates the same event instead of adding a copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from icalendar import Calendar, Event

PRODID = "-//Baraza//Talks//EN"


def _time(value: object) -> datetime | None:
    """An aware ISO 8601 date-time, or None (a stored Talk always has one; a remote may not)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


@dataclass(frozen=True)
class CalendarTalk:
    """What a calendar needs of a Talk."""

    uid: str
    name: str
    description: str
    start: datetime
    end: datetime | None
    location: str | None
    url: str
    updated: datetime


def talk_from_post(
    uri: str, name: str | None, text: str, fields: object, url: str, updated: datetime
) -> CalendarTalk | None:
    """A Talk post's stored fields as a calendar event; None for one without a valid start
    (a remote Event may carry anything)."""
    doc = fields if isinstance(fields, dict) else {}
    start = _time(doc.get("startTime"))
    if start is None:
        return None
    end = _time(doc.get("endTime"))
    location = doc.get("location")
    where = location.get("url") if isinstance(location, dict) else None
    return CalendarTalk(uri, name or "", text, start, end, where, url, updated)


def _event(talk: CalendarTalk) -> Event:
    event = Event()
    event.add("uid", talk.uid)
    # In UTC ("...Z"): a fixed offset has no TZID a calendar app knows, and icalendar would
    # write it as a floating time, shown at the same clock time in every zone.
    event.add("dtstamp", talk.updated.astimezone(UTC))
    event.add("dtstart", talk.start.astimezone(UTC))
    if talk.end is not None:
        event.add("dtend", talk.end.astimezone(UTC))
    event.add("summary", talk.name)
    if talk.description:
        event.add("description", talk.description)
    if talk.location:
        event.add("location", talk.location)
    event.add("url", talk.url)
    return event


def calendar(name: str, talks: Iterable[CalendarTalk]) -> bytes:
    """A VCALENDAR with one VEVENT per Talk, named after its space."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for talk in talks:
        cal.add_component(_event(talk))
    return cal.to_ical()
