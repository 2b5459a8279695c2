"""Server-side SVG chart geometry for the plan dashboard (no JavaScript, no network).

Functions return plain dicts of coordinates; `templates/plans/_bar_chart.html` and
`_column_chart.html` only loop over them. Every chart is also printed as a table next to it.
"""

from __future__ import annotations

from decimal import Decimal

from actionplan import thai

ZERO = Decimal(0)


def _fmt(value: Decimal) -> str:
    return thai.format_money(value, zero="0.00")


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(
    items: list[tuple[str, Decimal]],
    *,
    width: int = 760,
    label_width: int = 300,
    bar_height: int = 28,
    gap: int = 10,
    marks: dict[int, Decimal] | None = None,
    flagged: set[int] | None = None,
) -> dict:
    """Horizontal bars, one per (label, amount). `marks` maps an item index to a limit drawn as
    a vertical tick on that bar (a group's ceiling, or the spending plan to date); a bar over
    its mark is drawn in the warning colour, unless `flagged` names the bars to warn about
    (spending *below* its plan)."""
    marks = marks or {}
    peak = max([v for _, v in items] + list(marks.values()) + [ZERO])
    plot = width - label_width - 130
    bars = []
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar_height + gap)
        w = float(value / peak * plot) if peak else 0.0
        bar = {
            "label": _short(label),
            "title": f"{label}: {_fmt(value)} บาท",
            "text": _fmt(value),
            "x": label_width,
            "y": y,
            "w": round(w, 1),
            "h": bar_height,
            "text_x": round(label_width + w + 6, 1),
            "text_y": y + bar_height * 0.72,
            "label_y": y + bar_height * 0.72,
            "over": False,
            "mark_x": None,
        }
        if i in marks and peak:
            bar["mark_x"] = round(label_width + float(marks[i] / peak * plot), 1)
            bar["over"] = value > marks[i]
        if flagged is not None:
            bar["over"] = i in flagged
        bars.append(bar)
    return {
        "width": width,
        "height": gap + len(items) * (bar_height + gap),
        "label_x": label_width - 8,
        "bars": bars,
    }


def quarter_chart(
    labels: list[str],
    amounts: list[Decimal],
    targets_pct: list[Decimal] | None,
    *,
    width: int = 760,
    height: int = 320,
) -> dict:
    """Columns of the cumulative planned spending (% of the plan total) per quarter, with the
    office's cumulative disbursement targets as a line of points on the same 0-100 scale."""
    total = sum(amounts, ZERO)
    left, right, top, bottom = 56, 16, 24, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(amounts), 1)
    col_w = step * 0.5
    running = ZERO
    columns, points = [], []
    for i, amount in enumerate(amounts):
        running += amount
        pct = (running / total * 100) if total else ZERO
        x = left + i * step + (step - col_w) / 2
        h = float(pct) / 100 * plot_h
        columns.append(
            {
                "label": labels[i],
                "x": round(x, 1),
                "y": round(top + plot_h - h, 1),
                "w": round(col_w, 1),
                "h": round(h, 1),
                "pct": f"{pct:.1f}",
                "amount": _fmt(amount),
                "cumulative": _fmt(running),
                "label_x": round(x + col_w / 2, 1),
                "text_y": round(top + plot_h - h - 4, 1),
            }
        )
        if targets_pct:
            target = targets_pct[i]
            points.append(
                {
                    "x": round(x + col_w / 2, 1),
                    "y": round(top + plot_h - float(target) / 100 * plot_h, 1),
                    "pct": f"{target:.1f}",
                    "gap": f"{(pct - target):+.1f}",
                    "behind": pct < target,
                }
            )
    grid = [
        {"y": round(top + plot_h - p / 100 * plot_h, 1), "label": f"{p}%"}
        for p in (0, 25, 50, 75, 100)
    ]
    rows = [
        {
            **{k: c[k] for k in ("label", "amount", "cumulative", "pct")},
            "target": points[i]["pct"] if points else "-",
            "gap": points[i]["gap"] if points else "-",
            "behind": points[i]["behind"] if points else False,
        }
        for i, c in enumerate(columns)
    ]
    return {
        "width": width,
        "height": height,
        "rows": rows,
        "left": left,
        "right": width - right,
        "axis_y": top + plot_h,
        "label_y": top + plot_h + 26,
        "columns": columns,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "grid": grid,
    }


def disbursement_chart(
    labels: list[str],
    planned_pct: list[Decimal | None],
    actual_pct: list[Decimal | None],
    targets_pct: list[Decimal] | None,
    *,
    width: int = 760,
    height: int = 320,
) -> dict:
    """Per report round, two columns on a 0-100 scale: the cumulative spending plan and the
    cumulative actual spending (% of the budget), with the office's cumulative disbursement
    targets as a line of points (as in `quarter_chart`)."""
    left, right, top, bottom = 56, 16, 24, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(labels), 1)
    col_w = step * 0.3

    def y_of(pct) -> float:
        return round(top + plot_h - min(float(pct or 0), 100.0) / 100 * plot_h, 1)

    groups, points = [], []
    for i, label in enumerate(labels):
        x = left + i * step + step * 0.2
        columns = []
        for j, (kind, pct) in enumerate((("planned", planned_pct[i]), ("actual", actual_pct[i]))):
            cx = x + j * col_w
            columns.append(
                {
                    "kind": kind,
                    "x": round(cx, 1),
                    "y": y_of(pct),
                    "w": round(col_w, 1),
                    "h": round(top + plot_h - y_of(pct), 1),
                    "pct": f"{pct:.1f}" if pct is not None else "-",
                    "label_x": round(cx + col_w / 2, 1),
                    "text_y": round(y_of(pct) - 4, 1),
                }
            )
        groups.append({"label": label, "label_x": round(x + col_w, 1), "columns": columns})
        if targets_pct:
            points.append(
                {
                    "x": round(x + col_w, 1),
                    "y": y_of(targets_pct[i]),
                    "pct": f"{targets_pct[i]:.1f}",
                }
            )
    grid = [
        {"y": round(top + plot_h - p / 100 * plot_h, 1), "label": f"{p}%"}
        for p in (0, 25, 50, 75, 100)
    ]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "axis_y": top + plot_h,
        "label_y": top + plot_h + 26,
        "groups": groups,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "grid": grid,
    }
