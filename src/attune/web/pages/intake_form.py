"""The intake as HTML forms: one form per section of :data:`attune.domain.intake.SECTIONS`.

Pure helpers, no I/O: they turn a saved :class:`~attune.domain.intake.Intake` (or what a
patient just posted) into the fields a template draws, and a posted form back into one
section's answers in the intake's storage form (:func:`attune.domain.intake.to_dict`).

Every field's form name is its field path (``withdrawal.seizures``,
``addictions[0].days_per_week``), which is also the name validation errors use, so each
message lands next to its own field. Repeating groups (the addictions, medicines and
earlier treatment) are drawn as the saved rows plus one empty row; "Save and add another"
saves and shows one more, so the form needs no JavaScript. Rows left empty are dropped
before anything is read, and a form shown again after an error shows the rows as they
were read, so the row numbers in the messages match the rows on the page.

Answers that cannot be read at all (a word where a number belongs, a date that is not a
date) raise :class:`~attune.domain.errors.FormErrors` here, every one of them, named by
field, before anything is saved.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from attune.domain.errors import FormErrors
from attune.domain.intake import SECTIONS, AnswerType, Intake, Question, Section, to_dict

YES = "yes"
NO = "no"
#: The group whose "nothing to add" box says the patient names no addiction.
NONE_BOX = "addictions.none"
#: Form field that counts a group's empty rows beyond the first ("Save and add another").
MORE_PREFIX = "more:"
#: The extra tick box of a required tick-all-that-apply question that says "none of these",
#: so that ticking nothing stays "not answered yet" rather than "none".
NONE_CHOICE = "none-of-these"
#: A choice question with more options than this is a drop-down rather than radio buttons.
MAX_RADIOS = 6

#: In each repeating group, the answer a row cannot be stored without.
ROW_KEYS = {"addictions": "what", "treatment.items": "kind"}

RawValues = dict[str, list[str]]
Tokens = list[str | int]

_TOKEN = re.compile(r"([a-z_]+)(?:\[(\d*)\])?")


def section(key: str) -> Section:
    """The section with this key; KeyError when there is none."""
    for candidate in SECTIONS:
        if candidate.key == key:
            return candidate
    raise KeyError(key)


def section_keys() -> tuple[str, ...]:
    return tuple(s.key for s in SECTIONS)


def section_of(field: str) -> str:
    """The key of the section a field path belongs to (its first segment)."""
    match = _TOKEN.match(field)
    return match.group(1) if match else field


def field_id(name: str) -> str:
    """An HTML id for a field path: ``addictions[0].what`` -> ``f-addictions-0-what``."""
    return "f-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def group_prefix(question: Question) -> str | None:
    """``medications.items`` for ``medications.items[].name``; None outside a group."""
    head, sep, _ = question.field.partition("[]")
    return head if sep else None


def leaf(question: Question) -> str:
    return question.field.partition("[].")[2]


def row_field(prefix: str, index: int, key: str) -> str:
    return f"{prefix}[{index}].{key}"


def tokens(path: str) -> Tokens:
    """``medications.items[1].name`` -> ``["medications", "items", 1, "name"]``."""
    out: Tokens = []
    for part in path.split("."):
        match = _TOKEN.fullmatch(part)
        if match is None:
            raise KeyError(path)
        out.append(match.group(1))
        if match.group(2):
            out.append(int(match.group(2)))
    return out


def read_path(data: object, path: str) -> object:
    """The value at a field path in a storage-form dict, or None when it is not there."""
    current: object = data
    for token in tokens(path):
        if isinstance(token, int):
            if not isinstance(current, list) or token >= len(current):
                return None
            current = current[token]
        else:
            if not isinstance(current, Mapping):
                return None
            current = current.get(token)
    return current


def _write_path(data: dict[str, object], path: str, value: object) -> None:
    parts = tokens(path)
    current: object = data
    for token, following in zip(parts, [*parts[1:], None], strict=True):
        last = following is None
        if isinstance(token, int):
            assert isinstance(current, list)
            while len(current) <= token:
                current.append({})
            if last:
                current[token] = value
            else:
                current = current[token]
        else:
            assert isinstance(current, dict)
            if last:
                current[token] = value
            else:
                current = current.setdefault(token, [] if isinstance(following, int) else {})


# ---------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class Group:
    """A repeating group of a section: its field prefix and its questions."""

    prefix: str
    questions: tuple[Question, ...]

    @property
    def conditional(self) -> bool:
        """True when the whole group depends on an earlier answer (medicines, treatment)."""
        return all(q.shown_when for q in self.questions)


def layout(sec: Section) -> tuple[Question | Group, ...]:
    """The section's questions in order, each repeating group gathered where it starts."""
    out: list[Question | Group] = []
    seen: dict[str, int] = {}
    for q in sec.questions:
        prefix = group_prefix(q)
        if prefix is None:
            out.append(q)
        elif prefix in seen:
            group = out[seen[prefix]]
            assert isinstance(group, Group)
            out[seen[prefix]] = Group(prefix, (*group.questions, q))
        else:
            seen[prefix] = len(out)
            out.append(Group(prefix, (q,)))
    return tuple(out)


def groups(sec: Section) -> tuple[Group, ...]:
    return tuple(b for b in layout(sec) if isinstance(b, Group))


# ---------------------------------------------------------------------------- raw values


def _as_raw(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, bool):
        return [YES if value else NO]
    if isinstance(value, list | tuple | set | frozenset):
        return [str(v) for v in value]
    if isinstance(value, float):
        return [f"{value:g}" if math.isfinite(value) else str(value)]
    return [str(value)] if str(value) != "" else []


def _row_count(stored: Mapping[str, object], prefix: str) -> int:
    rows = read_path(stored, prefix)
    return len(rows) if isinstance(rows, list) else 0


def raw_from_intake(intake: Intake | None, sec: Section) -> tuple[RawValues, dict[str, int]]:
    """The saved answers of one section as form values, and each group's saved row count."""
    stored = to_dict(intake or Intake())
    raw: RawValues = {}
    counts: dict[str, int] = {}
    for block in layout(sec):
        if isinstance(block, Group):
            count = _row_count(stored, block.prefix)
            counts[block.prefix] = count
            for index in range(count):
                for q in block.questions:
                    name = row_field(block.prefix, index, leaf(q))
                    raw[name] = _as_raw(read_path(stored, name))
        else:
            value = read_path(stored, block.field)
            raw[block.field] = _as_raw(value)
            if value == [] and has_none_choice(block):
                raw[block.field] = [NONE_CHOICE]
    if sec.key == "addictions" and stored.get("addictions") == []:
        raw[NONE_BOX] = [YES]
    return raw, counts


def _posted(form: Iterable[tuple[str, object]]) -> RawValues:
    raw: RawValues = {}
    for key, value in form:
        if isinstance(value, str):
            raw.setdefault(key, []).append(value)
    return raw


def _filled(values: Sequence[str]) -> bool:
    return any(v.strip() for v in values)


def raw_from_form(
    sec: Section, form: Iterable[tuple[str, object]]
) -> tuple[RawValues, dict[str, int]]:
    """What was posted for one section, with each group's empty rows dropped and the rest
    renumbered from 0 (in the order they were on the page)."""
    posted = _posted(form)
    raw: RawValues = {}
    counts: dict[str, int] = {}
    for block in layout(sec):
        if not isinstance(block, Group):
            raw[block.field] = [v for v in posted.get(block.field, []) if v.strip()]
            continue
        indexes = sorted(
            {
                int(m.group(1))
                for key in posted
                if (m := re.fullmatch(re.escape(block.prefix) + r"\[(\d+)\]\.[a-z_]+", key))
            }
        )
        kept = 0
        for index in indexes:
            row = {
                leaf(q): posted.get(row_field(block.prefix, index, leaf(q)), [])
                for q in block.questions
            }
            if not any(_filled(v) for v in row.values()):
                continue
            for key, values in row.items():
                raw[row_field(block.prefix, kept, key)] = [v for v in values if v.strip()]
            kept += 1
        counts[block.prefix] = kept
    if sec.key == "addictions" and _filled(posted.get(NONE_BOX, [])):
        raw[NONE_BOX] = [YES]
    return raw, counts


# ---------------------------------------------------------------------------- parsing


def _choice_values(q: Question) -> set[str]:
    return {c.value for c in q.choices}


def has_none_choice(q: Question) -> bool:
    """A required tick-all-that-apply question gets a "none" box (its ``none_label``)."""
    return q.has_none_choice


def none_label(q: Question) -> str:
    """The wording of a question's "none" box."""
    return q.none_label or "None of these"


def _parse(q: Question, values: list[str]) -> tuple[object, str | None]:
    """(value in storage form, error message or None)."""
    text = values[0].strip() if values else ""
    kind = q.answer
    if kind is AnswerType.CHOICES:
        allowed = _choice_values(q)
        none_ticked = has_none_choice(q) and NONE_CHOICE in values
        chosen = [v for v in values if v != NONE_CHOICE or not has_none_choice(q)]
        if any(v not in allowed for v in chosen):
            return None, "Please tick only the answers offered."
        if none_ticked and chosen:
            return None, f"You ticked '{none_label(q)}' and also some answers. Please untick one."
        if has_none_choice(q) and not none_ticked and not chosen:
            return None, None  # not answered yet
        return sorted(dict.fromkeys(chosen)), None
    if kind in (AnswerType.TEXT, AnswerType.LONG_TEXT):
        return (values[0].strip() if values else ""), None
    if text == "":
        return None, None
    if kind is AnswerType.YES_NO:
        if text not in (YES, NO):
            return None, "Please answer yes or no."
        return text == YES, None
    if kind is AnswerType.CHOICE:
        if text not in _choice_values(q):
            return None, "Please choose one of the answers offered."
        return text, None
    if kind is AnswerType.INTEGER:
        try:
            return int(text), None
        except ValueError:
            return None, "Please enter a whole number, for example 3."
    if kind is AnswerType.NUMBER:
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            return None, "Please enter a number, for example 2 or 0.5."
        if not math.isfinite(number):
            return None, "Please enter a number, for example 2 or 0.5."
        return number, None
    # AnswerType.DATE
    try:
        return date.fromisoformat(text).isoformat(), None
    except ValueError:
        return None, "Please enter a date, for example 2025-03-01."


def parse_section(sec: Section, raw: RawValues, counts: Mapping[str, int]) -> dict[str, object]:
    """One section's answers in storage form (``{"withdrawal": {...}}``,
    ``{"addictions": [...]}``, ``{"goals": "..."}``) from read form values.

    Raises FormErrors listing every answer that could not be read.
    """
    data: dict[str, object] = {}
    errors: list[tuple[str, str]] = []

    def take(q: Question, name: str) -> None:
        value, error = _parse(q, raw.get(name, []))
        if error:
            errors.append((name, error))
        else:
            _write_path(data, name, value)

    for block in layout(sec):
        if isinstance(block, Question):
            take(block, block.field)
            continue
        count = counts.get(block.prefix, 0)
        _write_path(data, block.prefix, [])
        for index in range(count):
            for q in block.questions:
                take(q, row_field(block.prefix, index, leaf(q)))
            required = ROW_KEYS.get(block.prefix)
            if required and not _filled(raw.get(row_field(block.prefix, index, required), [])):
                errors.append(
                    (
                        row_field(block.prefix, index, required),
                        "Please choose what this is, or empty this row to remove it.",
                    )
                )
    if sec.key == "addictions":
        nothing = _filled(raw.get(NONE_BOX, []))
        if nothing and counts.get("addictions", 0):
            errors.append(
                (
                    "addictions",
                    "You ticked that there is nothing to add, but also filled in a row. "
                    "Please untick the box or empty the row.",
                )
            )
        elif not nothing and not counts.get("addictions", 0):
            data["addictions"] = None
    if errors:
        raise FormErrors(tuple(errors))
    return {sec.key: data.get(sec.key)}


# ---------------------------------------------------------------------------- views


@dataclass(frozen=True)
class FieldView:
    """One question on the page: its name, id, what to show in it and any error."""

    name: str
    id: str
    question: Question
    widget: str
    value: str
    values: tuple[str, ...]
    error: str
    conditional: bool
    #: When the question applies, in the patient's words ("" when always).
    condition: str = ""


def condition_text(q: Question) -> str:
    """When a question applies, for the patient: its ``shown_when`` in plain words."""
    if q.shown_when == "not stopped":
        return "Only if you have not stopped."
    if q.shown_when.endswith(" is yes"):
        return "Only if you answered yes above."
    return ""


@dataclass(frozen=True)
class RowView:
    number: int
    fields: tuple[FieldView, ...]
    saved: bool


@dataclass(frozen=True)
class GroupView:
    prefix: str
    id: str
    rows: tuple[RowView, ...]
    error: str
    conditional: bool

    widget = "group"


def widget_for(q: Question) -> str:
    kind = q.answer
    if kind is AnswerType.YES_NO:
        return "radios"
    if kind is AnswerType.CHOICE:
        return "select" if len(q.choices) > MAX_RADIOS else "radios"
    if kind is AnswerType.CHOICES:
        return "checkboxes"
    return {
        AnswerType.INTEGER: "integer",
        AnswerType.NUMBER: "number",
        AnswerType.DATE: "date",
        AnswerType.TEXT: "text",
        AnswerType.LONG_TEXT: "textarea",
    }[kind]


def _field(q: Question, name: str, raw: RawValues, errors: Mapping[str, str]) -> FieldView:
    values = tuple(raw.get(name, []))
    return FieldView(
        name=name,
        id=field_id(name),
        question=q,
        widget=widget_for(q),
        value=values[0] if values else "",
        values=values,
        error=errors.get(name, ""),
        conditional=bool(q.shown_when),
        condition=condition_text(q),
    )


def _group_error(prefix: str, errors: Mapping[str, str]) -> str:
    return errors.get(prefix, "")


def section_view(
    sec: Section,
    raw: RawValues,
    counts: Mapping[str, int],
    errors: Mapping[str, str],
    *,
    extra_rows: Mapping[str, int] | None = None,
) -> tuple[FieldView | GroupView, ...]:
    """What the section's form shows: each question with its value and error, and each
    group's rows (the given ones plus one empty row, plus any extra asked for)."""
    out: list[FieldView | GroupView] = []
    for block in layout(sec):
        if isinstance(block, Question):
            out.append(_field(block, block.field, raw, errors))
            continue
        filled = counts.get(block.prefix, 0)
        total = filled + 1 + (extra_rows or {}).get(block.prefix, 0)
        rows = tuple(
            RowView(
                number=index + 1,
                fields=tuple(
                    _field(q, row_field(block.prefix, index, leaf(q)), raw, errors)
                    for q in block.questions
                ),
                saved=index < filled,
            )
            for index in range(total)
        )
        out.append(
            GroupView(
                prefix=block.prefix,
                id=field_id(block.prefix),
                rows=rows,
                error=_group_error(block.prefix, errors),
                conditional=block.conditional,
            )
        )
    return tuple(out)


def error_map(errors: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Field -> message (several messages for one field are joined)."""
    out: dict[str, str] = {}
    for name, message in errors:
        out[name] = f"{out[name]} {message}" if name in out else message
    return out


def anchor_for(name: str, known: Iterable[str]) -> str:
    """The id to link an error to: the field's own, else its group's, else the form."""
    names = set(known)
    if name in names:
        return field_id(name)
    head = name.rsplit("[", 1)[0] if "[" in name else name
    return field_id(head) if head else "intake-form"


# ---------------------------------------------------------------------------- read-only


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    missing: bool


@dataclass(frozen=True)
class AnsweredGroup:
    prefix: str
    rows: tuple[tuple[Answer, ...], ...]
    empty_text: str


def _answer_text(q: Question, value: object) -> tuple[str, bool]:
    """(the answer in words, True when a required answer is missing)."""
    labels = {c.value: c.label for c in q.choices}
    if value is None or value == "" or value == []:
        if q.answer is AnswerType.CHOICES and value == []:
            return (none_label(q) if has_none_choice(q) else "None ticked"), False
        if q.optional or q.shown_when:
            # Optional, or asked only after a particular answer: nothing is missing.
            return "—", False
        return "Not answered", True
    if isinstance(value, bool):
        return ("Yes" if value else "No"), False
    if isinstance(value, list):
        return "; ".join(labels.get(str(v), str(v)) for v in value), False
    if q.answer is AnswerType.DATE and isinstance(value, str):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return value, False
        return f"{day.day} {day.strftime('%B %Y')}", False
    if isinstance(value, float):
        return f"{value:g}", False
    return labels.get(str(value), str(value)), False


def answers_view(intake: Intake, sec: Section) -> tuple[Answer | AnsweredGroup, ...]:
    """One section's saved answers in words, for reading (the clinician's view)."""
    stored = to_dict(intake)
    out: list[Answer | AnsweredGroup] = []
    for block in layout(sec):
        if isinstance(block, Question):
            text, missing = _answer_text(block, read_path(stored, block.field))
            out.append(Answer(block.text, text, missing))
            continue
        rows = []
        for index in range(_row_count(stored, block.prefix)):
            row = []
            for q in block.questions:
                text, missing = _answer_text(
                    q, read_path(stored, row_field(block.prefix, index, leaf(q)))
                )
                row.append(Answer(q.text, text, missing))
            rows.append(tuple(row))
        empty = "Not answered yet"
        if block.prefix == "addictions" and stored.get("addictions") == []:
            empty = "Nothing named"
        elif block.prefix != "addictions":
            empty = "None listed"
        out.append(AnsweredGroup(block.prefix, tuple(rows), empty))
    return tuple(out)
