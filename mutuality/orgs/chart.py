"""The org chart: which units to draw, where, and the SVG and nested list that show them.

The chart draws part of the unit tree: from the chosen roots down a number of levels.
Deeper sub-trees are collapsed into a "+N more" link that re-roots the chart there, and
a unit with very many sub-units shows the first ones and a "+N more" box, so the chart
stays readable (and cheap to draw) whatever the size of the organization. When the
requested depth would still draw too many boxes, fewer levels are shown.

Layout: a unit whose shown sub-units have none of their own stacks them in a column
below itself (compact, like most printed org charts); otherwise its sub-units sit side
by side below it, the unit centred over them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString

from mutuality.orgs.selectors import UnitNode

BOX_W = 196
BOX_H = 70
GAP_X = 16
LEVEL_GAP = 36
STACK_INDENT = 20
STACK_GAP = 10
PAD = 8
MAX_BOXES = 200
MAX_SIBLINGS = 20
NAME_CHARS = 21
LEADS_CHARS = 27


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass
class Shown:
    """A box to draw: a unit, or (node None) the "+N more sub-units" of `overflow_of`."""

    node: UnitNode | None
    children: list[Shown] = field(default_factory=list)
    overflow_of: UnitNode | None = None
    overflow_count: int = 0
    collapsed: int = 0
    # Filled in by `_measure`.
    width: int = 0
    height: int = 0
    anchor: int = 0

    @property
    def stacked(self) -> bool:
        return bool(self.children) and all(not child.children for child in self.children)


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    unit_pk: int
    name: str
    label: str
    leads: str
    leads_label: str
    members: int
    collapsed: int
    is_overflow: bool
    url: str
    more_url: str

    @property
    def text_x(self) -> int:
        return self.x + 12

    @property
    def right_x(self) -> int:
        return self.x + BOX_W - 12

    @property
    def line1_y(self) -> int:
        return self.y + 23

    @property
    def line2_y(self) -> int:
        return self.y + 42

    @property
    def line3_y(self) -> int:
        return self.y + 60


@dataclass(frozen=True)
class OutlineRow:
    """One line of the chart's text alternative: a nested list written from a flat loop."""

    box: Box
    has_children: bool
    closes: range


@dataclass
class Chart:
    width: int
    height: int
    boxes: list[Box]
    lines: str
    depth: int
    requested_depth: int
    outline: list[OutlineRow]

    @property
    def focus_x(self) -> int:
        """The centre of the first top box: what a narrow screen should start on."""
        return self.boxes[0].x + BOX_W // 2 if self.boxes else 0

    @property
    def reduced(self) -> bool:
        return self.depth < self.requested_depth

    def svg_body(self) -> SafeString:
        """The lines and boxes, as SVG markup (the template supplies <svg>, title, desc).

        Built in one pass: a template loop over two hundred boxes costs ten times more.
        Every text and address is escaped here.
        """
        parts = [
            f'<path class="chart-links" d="{self.lines}" fill="none" stroke="#b6c2c4" '
            'stroke-width="1.5"/>'
        ]
        parts.extend(_box_svg(box) for box in self.boxes)
        return SafeString("".join(parts))

    def outline_html(self) -> SafeString:
        """The same boxes as nested lists: the chart's text alternative."""
        parts = ['<ul class="tree">']
        for row in self.outline:
            box = row.box
            parts.append(f'<li><a href="{escape(box.url)}">{escape(box.name)}</a>')
            if not box.is_overflow:
                parts.append(
                    f' <span class="muted small">· {escape(box.leads)} · '
                    f"{_people(box.members)}</span>"
                )
            if box.collapsed:
                parts.append(
                    f' <a class="small" href="{escape(box.more_url)}">'
                    f"+{box.collapsed} more below</a>"
                )
            parts.append("<ul>" if row.has_children else "</li>" + "</ul></li>" * len(row.closes))
        parts.append("</ul>")
        return SafeString("".join(parts))


def _people(count: int) -> str:
    return f"{count} person" if count == 1 else f"{count} people"


def _box_svg(box: Box) -> str:
    if box.is_overflow:
        title = f"{box.label}: {box.leads_label}"
        members = ""
    else:
        title = f"{box.name}. {box.leads}. {_people(box.members)}."
        members = (
            f'<text x="{box.text_x}" y="{box.line3_y}" class="chart-members" font-size="12" '
            f'fill="#5d6b70">{_people(box.members)}</text>'
        )
    more = ""
    if box.collapsed:
        below = f"Show the {box.collapsed} unit{'s' if box.collapsed != 1 else ''} below {box.name}"
        more = (
            f'<a href="{escape(box.more_url)}" class="chart-more" aria-label="{escape(below)}">'
            f"<title>{escape(below)}</title>"
            f'<text x="{box.right_x}" y="{box.line3_y}" text-anchor="end" font-size="12" '
            f'font-weight="600" fill="#2f6f5e">+{box.collapsed} more</text></a>'
        )
    dashed = ' stroke-dasharray="5 4"' if box.is_overflow else ""
    kind = "chart-box chart-overflow" if box.is_overflow else "chart-box"
    return (
        f'<g class="{kind}"><a href="{escape(box.url)}"><title>{escape(title)}</title>'
        f'<rect x="{box.x}" y="{box.y}" width="{BOX_W}" height="{BOX_H}" rx="8" fill="#ffffff" '
        f'stroke="#cdd6d8"{dashed}/>'
        f'<text x="{box.text_x}" y="{box.line1_y}" class="chart-name" font-size="14" '
        f'font-weight="600" fill="#1f2a2e">{escape(box.label)}</text>'
        f'<text x="{box.text_x}" y="{box.line2_y}" class="chart-leads" font-size="12.5" '
        f'fill="#5d6b70">{escape(box.leads_label)}</text>'
        f"{members}</a>{more}</g>"
    )


def _select(starts: list[UnitNode], depth: int) -> tuple[list[Shown], int]:
    """The boxes to draw from `starts` down `depth` levels, and how many there are."""
    count = 0

    def visit(node: UnitNode, level: int) -> Shown:
        nonlocal count
        count += 1
        shown = Shown(node)
        if level < depth:
            shown.children = [visit(child, level + 1) for child in node.children[:MAX_SIBLINGS]]
            extra = len(node.children) - MAX_SIBLINGS
            if extra > 0:
                count += 1
                shown.children.append(Shown(None, overflow_of=node, overflow_count=extra))
        else:
            shown.collapsed = node.descendant_count
        return shown

    return [visit(node, 1) for node in starts], count


def _measure(shown: Shown) -> None:
    if not shown.children:
        shown.width, shown.height, shown.anchor = BOX_W, BOX_H, BOX_W // 2
        return
    for child in shown.children:
        _measure(child)
    if shown.stacked:
        shown.width = STACK_INDENT + BOX_W
        shown.height = BOX_H + len(shown.children) * (STACK_GAP + BOX_H)
        shown.anchor = BOX_W // 2
        return
    offsets = []
    x = 0
    for child in shown.children:
        offsets.append(x + child.anchor)
        x += child.width + GAP_X
    shown.width = x - GAP_X
    shown.height = BOX_H + LEVEL_GAP + max(child.height for child in shown.children)
    shown.anchor = (offsets[0] + offsets[-1]) // 2


class _Painter:
    def __init__(self, make_box: Callable[[Shown, int, int], Box]) -> None:
        self.make_box = make_box
        self.boxes: list[Box] = []
        self.path: list[str] = []
        self.outline: list[tuple[Box, int]] = []

    def place(self, shown: Shown, x: int, y: int, level: int) -> None:
        box = self.make_box(shown, x + shown.anchor - BOX_W // 2, y)
        self.boxes.append(box)
        self.outline.append((box, level))
        if not shown.children:
            return
        if shown.stacked:
            spine = x + STACK_INDENT // 2
            child_y = y + BOX_H + STACK_GAP
            last_mid = y + BOX_H
            for child in shown.children:
                self.place(child, x + STACK_INDENT, child_y, level + 1)
                last_mid = child_y + BOX_H // 2
                self.path.append(f"M{spine} {last_mid}H{x + STACK_INDENT}")
                child_y += BOX_H + STACK_GAP
            self.path.append(f"M{spine} {y + BOX_H}V{last_mid}")
            return
        top = y + BOX_H + LEVEL_GAP
        middle = y + BOX_H + LEVEL_GAP // 2
        centre = x + shown.anchor
        self.path.append(f"M{centre} {y + BOX_H}V{middle}")
        child_x = x
        centres = []
        for child in shown.children:
            self.place(child, child_x, top, level + 1)
            centres.append(child_x + child.anchor)
            self.path.append(f"M{centres[-1]} {middle}V{top}")
            child_x += child.width + GAP_X
        if len(centres) > 1:
            self.path.append(f"M{centres[0]} {middle}H{centres[-1]}")


def _outline(rows: list[tuple[Box, int]]) -> list[OutlineRow]:
    outline = []
    for index, (box, level) in enumerate(rows):
        next_level = rows[index + 1][1] if index + 1 < len(rows) else 0
        outline.append(
            OutlineRow(
                box=box,
                has_children=next_level > level,
                closes=range(max(level - next_level, 0)),
            )
        )
    return outline


def build_chart(
    *,
    starts: list[UnitNode],
    depth: int,
    lead_names: Callable[[Iterable[int]], dict[int, list[str]]],
    member_counts: Callable[[Iterable[int]], dict[int, int]],
    unit_url: Callable[[int], str],
    chart_url: Callable[[int], str],
    units_url: str,
) -> Chart:
    """Lay out the chart from `starts` (one root, or the top-level units) down `depth` levels.

    `lead_names` and `member_counts` are asked once, for the units actually drawn.
    """
    requested = depth
    top_overflow = max(len(starts) - MAX_SIBLINGS, 0)
    starts = starts[:MAX_SIBLINGS]
    shown, count = _select(starts, depth)
    while count > MAX_BOXES and depth > 1:
        depth -= 1
        shown, count = _select(starts, depth)
    if top_overflow:
        shown.append(Shown(None, overflow_of=None, overflow_count=top_overflow))

    drawn_ids = [s.node.pk for s in _iter_shown(shown) if s.node is not None]
    leads = lead_names(drawn_ids)
    members = member_counts(drawn_ids)

    def make_box(item: Shown, x: int, y: int) -> Box:
        if item.node is None:
            parent = item.overflow_of
            noun = "sub-unit" if parent is not None else "unit"
            noun += "s" if item.overflow_count != 1 else ""
            return Box(
                x=x,
                y=y,
                unit_pk=parent.pk if parent is not None else 0,
                name=f"{item.overflow_count} more {noun}",
                label=f"+{item.overflow_count} more {noun}",
                leads="",
                leads_label=f"See all in {shorten(parent.name, 17)}" if parent else "See all units",
                members=0,
                collapsed=0,
                is_overflow=True,
                url=unit_url(parent.pk) if parent is not None else units_url,
                more_url="",
            )
        node = item.node
        names = leads.get(node.pk, [])
        if names:
            leads_text = ("Lead: " if len(names) == 1 else "Leads: ") + ", ".join(names)
        else:
            leads_text = "No lead named"
        return Box(
            x=x,
            y=y,
            unit_pk=node.pk,
            name=node.name,
            label=shorten(node.name, NAME_CHARS),
            leads=leads_text,
            leads_label=shorten(leads_text, LEADS_CHARS),
            members=members.get(node.pk, 0),
            collapsed=item.collapsed,
            is_overflow=False,
            url=unit_url(node.pk),
            more_url=chart_url(node.pk) if item.collapsed else "",
        )

    painter = _Painter(make_box)
    x = PAD
    height = 0
    for item in shown:
        _measure(item)
        painter.place(item, x, PAD, 0)
        x += item.width + GAP_X * 2
        height = max(height, item.height)
    return Chart(
        width=max(x - GAP_X * 2 + PAD, BOX_W + 2 * PAD),
        height=height + 2 * PAD,
        boxes=painter.boxes,
        lines="".join(painter.path),
        depth=depth,
        requested_depth=requested,
        outline=_outline(painter.outline),
    )


def _iter_shown(items: list[Shown]) -> list[Shown]:
    found = []
    stack = list(items)
    while stack:
        item = stack.pop()
        found.append(item)
        stack.extend(item.children)
    return found
