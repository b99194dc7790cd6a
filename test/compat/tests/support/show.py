"""Spark's `Dataset.show()` text, written from its documented layout (not from any engine code), to
check what the client prints."""

from __future__ import annotations


def cell(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def spark_table(header: list[str], rows: list[list[str]], truncate: int = 20, total: int | None = None) -> str:
    """The string `show()` prints (print adds one more newline). Cells are right-aligned, cut to `truncate` chars (the last 3 become `...`), columns at
    least 3 wide; a footer tells how many rows were left out."""

    def cut(s: str) -> str:
        return s[: truncate - 3] + "..." if 0 < truncate < len(s) else s

    cells = [[cut(c) for c in r] for r in rows]
    widths = [max([3, len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(header)]
    if truncate > 0:
        align = lambda s, w: s.rjust(w)  # noqa: E731
    else:
        align = lambda s, w: s.ljust(w)  # noqa: E731
    sep = "+" + "+".join("-" * w for w in widths) + "+"
    line = lambda r: "|" + "|".join(align(c, widths[i]) for i, c in enumerate(r)) + "|"  # noqa: E731
    text = "\n".join([sep, line(header), sep, *(line(r) for r in cells), sep]) + "\n"
    if total is not None and total > len(rows):
        text += f"only showing top {len(rows)} row{'s' if len(rows) != 1 else ''}\n"
    return text
