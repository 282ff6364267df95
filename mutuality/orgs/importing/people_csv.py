"""The people CSV format: reading an HR export into rows, and writing people back out.

Reading recognizes columns by name, in any case and spacing, with the aliases HR tools use
(FIELD_ALIASES); it accepts UTF-8 with or without a byte-order mark, UTF-16 with one, and
falls back to Windows (cp1252) text with a notice; commas, semicolons or tabs. Row numbers
are those a spreadsheet shows (the header is row 1). What the rows mean is `importer`'s job.

Writing produces exactly the columns the import reads, so an export imports back unchanged.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from mutuality.orgs.models import Organization, Person
from mutuality.orgs.services import require_admin

# The most the web page accepts (the command line takes any size).
MAX_FILE_BYTES = 5 * 1024 * 1024

# Canonical field -> the headers that mean it. Matching ignores case, spaces, "_", "-" and ".".
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "employee name", "display name"),
    "first_name": ("first name", "given name"),
    "last_name": ("last name", "surname", "family name"),
    "email": ("email", "e-mail", "work email", "email address", "e-mail address"),
    "employee_id": ("employee id", "employee number", "employee no", "id", "person id"),
    "manager_email": (
        "manager email",
        "supervisor email",
        "reports to email",
        "manager e-mail",
        "manager email address",
    ),
    "manager_id": (
        "manager id",
        "manager employee id",
        "supervisor id",
        "boss id",
        "reports to",
        "reports to id",
        "supervisor eid",
    ),
    "department": ("department", "unit", "team", "dept"),
    "title": ("title", "job title", "position", "role title"),
    "role": ("role",),
    "active": ("active", "is active"),
}
EXPORT_COLUMNS = (
    "employee_id",
    "name",
    "email",
    "title",
    "manager_email",
    "manager_employee_id",
    "department",
    "role",
)
# What an `active` column may say.
YES = {"yes", "y", "true", "1", "active"}
NO = {"no", "n", "false", "0", "inactive"}
# A spreadsheet runs a cell starting with one of these as a formula: the export defuses it
# with a leading apostrophe (as spreadsheets themselves do), and the import removes it. A
# value that itself starts with an apostrophe gets one too, so every value reads back as is.
FORMULA_STARTS = ("=", "+", "-", "@")
DEFUSED_STARTS = (*FORMULA_STARTS, "'")


def _header_key(text: str) -> str:
    return re.sub(r"[\s_\-.]+", "", text.strip().lower())


ALIAS_INDEX: dict[str, str] = {
    _header_key(alias): name
    for name, aliases in FIELD_ALIASES.items()
    for alias in (name, *aliases)
}


@dataclass(frozen=True)
class Problem:
    """Something that stops the import. `row` is None for the file as a whole."""

    row: int | None
    message: str

    def __str__(self) -> str:
        return f"{f'row {self.row}' if self.row else 'file'}: {self.message}"


# --- reading the file -------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRow:
    row: int
    name: str
    email: str
    employee_id: str
    manager_email: str
    manager_id: str
    department: str
    title: str
    role: str
    active: str


@dataclass
class ParsedFile:
    columns: set[str] = field(default_factory=set)
    rows: list[SourceRow] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def unreadable_reason(data: bytes) -> str | None:
    """Why these bytes cannot be a CSV file (empty, a spreadsheet, binary), or None."""
    if not data.strip():
        return "The file is empty."
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return (
            "This is a spreadsheet (Excel) file, not CSV. In your spreadsheet choose "
            "File › Save as (or Download) › CSV, then choose that file."
        )
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and b"\x00" in data:
        return "This file contains binary data, not CSV text. Choose a .csv file."
    return None


def _decode(data: bytes, parsed: ParsedFile) -> str | None:
    reason = unreadable_reason(data)
    if reason is not None:
        parsed.errors.append(Problem(None, reason))
        return None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            parsed.errors.append(
                Problem(
                    None,
                    "The file says it is UTF-16 text but is cut short or damaged. "
                    "Save it again as “CSV UTF-8” and choose that file.",
                )
            )
            return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    parsed.notices.append(
        "The file is not UTF-8, so it was read as Windows (cp1252) text. If accented names "
        "look wrong in the plan, save the file as “CSV UTF-8” and check it again."
    )
    return text


# Text no database column can hold: PostgreSQL refuses NUL characters, and lone surrogates
# are not Unicode at all. A file can carry them in any encoding (UTF-16 writes a NUL as two
# zero bytes), so they are looked for in the decoded text, row by row.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable(record: list[str]) -> str | None:
    """Why a row's cells cannot be stored, or None."""
    for cell in record:
        found = UNSTORABLE.search(cell)
        if found is None:
            continue
        if found.group() == "\x00":
            return (
                "This row contains a NUL character (a zero byte), which cannot be stored. "
                "Remove it, or save the file again as “CSV UTF-8”."
            )
        return "This row contains text that is not valid Unicode. Save the file as “CSV UTF-8”."
    return None


def _delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _cell(value: str) -> str:
    value = value.strip()
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(DEFUSED_STARTS):
        return value[1:]
    return value


def _map_header(header: list[str], parsed: ParsedFile) -> dict[str, int]:
    mapping: dict[str, int] = {}
    ignored: list[str] = []
    for index, title in enumerate(header):
        title = title.strip().lstrip("\ufeff")
        name = ALIAS_INDEX.get(_header_key(title))
        if name is None:
            if title:
                ignored.append(title)
        elif name in mapping:
            parsed.notices.append(
                f"The columns “{header[mapping[name]].strip()}” and “{title}” mean the same "
                "thing; the first one is used."
            )
        else:
            mapping[name] = index
    if ignored:
        parsed.notices.append("Columns ignored: " + ", ".join(ignored) + ".")
    parsed.columns = set(mapping)
    if not parsed.columns & {"name", "first_name", "last_name"}:
        parsed.errors.append(
            Problem(1, "The file needs a name column (name, or first name and last name).")
        )
    if not parsed.columns & {"email", "employee_id"}:
        parsed.errors.append(
            Problem(1, "The file needs an email or an employee id column, to tell people apart.")
        )
    return mapping


def read_people_csv(data: bytes | str) -> ParsedFile:
    """Decode and parse a people CSV: columns recognized, one SourceRow per non-empty row."""
    parsed = ParsedFile()
    text = _decode(data, parsed) if isinstance(data, bytes) else data.lstrip("\ufeff")
    if text is None:
        return parsed
    if not text.strip():
        parsed.errors.append(Problem(None, "The file is empty."))
        return parsed
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    mapping: dict[str, int] | None = None
    width = 0
    number = 0
    try:
        for record in reader:
            number += 1
            unstorable = _unstorable(record)
            if unstorable is not None:
                parsed.errors.append(Problem(number, unstorable))
                if mapping is None:
                    return parsed
                continue
            if mapping is None:
                mapping, width = _map_header(record, parsed), len(record)
                if parsed.errors:
                    return parsed
                continue
            if not any(c.strip() for c in record):
                continue
            if len(record) > width and any(c.strip() for c in record[width:]):
                parsed.errors.append(
                    Problem(
                        number,
                        f"This row has {len(record)} cells but the header has {width}: "
                        "is there a comma or semicolon in a value without quotes around it?",
                    )
                )
            parsed.rows.append(_source_row(number, record, mapping))
    except csv.Error as exc:
        parsed.errors.append(Problem(number + 1, f"This row cannot be read as CSV ({exc})."))
    return parsed


def _source_row(number: int, record: list[str], mapping: dict[str, int]) -> SourceRow:
    def raw(name: str) -> str:
        index = mapping.get(name)
        return record[index].strip() if index is not None and index < len(record) else ""

    def get(name: str) -> str:
        return _cell(raw(name))

    name = get("name") or " ".join(p for p in (get("first_name"), get("last_name")) if p)
    return SourceRow(
        row=number,
        name=name,
        email=get("email").lower(),
        employee_id=get("employee_id"),
        manager_email=get("manager_email").lower(),
        # OrgChart files mark the top person with a supervisor id of -1 (our export would
        # write a real id "-1" defused, as '-1).
        manager_id="" if raw("manager_id") == "-1" else get("manager_id"),
        department=get("department"),
        title=get("title"),
        role=get("role").lower(),
        active=get("active").lower(),
    )


# --- export -----------------------------------------------------------------------------------


def defuse(value: str) -> str:
    """The cell as written to CSV: a leading apostrophe keeps spreadsheets from running it."""
    return "'" + value if value.startswith(DEFUSED_STARTS) else value


def people_export_rows(
    *, org: Organization, viewer: Person | None, include_inactive: bool = False
) -> Iterator[list[str]]:
    """The organization's people as CSV rows (header first) that `import_people` reads back.

    Admins only. Active people by default, ordered by name; `include_inactive` adds inactive
    people and an `active` column (yes/no), whose "no" rows the import leaves out. A manager
    who is inactive is written as no manager, as the import would see them.
    """
    require_admin(viewer)
    if viewer is not None and viewer.org_id != org.pk:
        raise PermissionDenied("Only an admin of this organization can do that.")
    people = (
        Person.objects.filter(org=org)
        .select_related("manager", "unit")
        .only(
            "employee_id",
            "name",
            "email",
            "title",
            "role",
            "is_active",
            "manager__email",
            "manager__employee_id",
            "manager__is_active",
            "unit__name",
        )
        .order_by("name", "id")
    )
    if not include_inactive:
        people = people.filter(is_active=True)
    return _export_rows(people, include_inactive=include_inactive)


def _export_rows(people: QuerySet[Person], *, include_inactive: bool) -> Iterator[list[str]]:
    yield [*EXPORT_COLUMNS, "active"] if include_inactive else list(EXPORT_COLUMNS)
    for p in people.iterator(chunk_size=2000):
        manager = p.manager if p.manager is not None and p.manager.is_active else None
        row = [
            p.employee_id,
            p.name,
            p.email,
            p.title,
            manager.email if manager else "",
            manager.employee_id if manager else "",
            p.unit.name if p.unit else "",
            p.role,
        ]
        if include_inactive:
            row.append("yes" if p.is_active else "no")
        yield [defuse(v) for v in row]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_text(rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """CSV lines (RFC 4180, CRLF), after a byte-order mark so spreadsheets read UTF-8 right."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(row)
