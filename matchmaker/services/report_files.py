"""The Working Group's report (services/report.py) as files, in English or Russian: XLSX with
openpyxl (a sheet per table, bar charts), PDF with reportlab (tables and bar charts drawn by
reportlab itself: no browser, no system library). The PDF embeds DejaVu Sans
(matchmaker/data/), since reportlab's own fonts have no Cyrillic."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from flask_babel import force_locale
from flask_babel import gettext as _

from matchmaker.services.report import ReportData

REPORT_LOCALES = ("en", "ru")
FONT_DIR = Path(__file__).resolve().parent.parent / "data"


@dataclass
class Texts:
    """Every text of the report in one language, looked up once."""

    title: str
    scope: str
    generated: str
    summary: list[tuple[str, str]]
    sector_head: list[str]
    sector_rows: list[list]
    agreement_head: list[str]
    agreement_rows: list[list]
    firms_title: str
    agreements_title: str
    values_title: str
    values: list[tuple[str, str]]


def texts(data: ReportData, locale: str) -> Texts:
    with force_locale(locale if locale in REPORT_LOCALES else "en"):
        scope = data.scope
        if data.event_title:
            where = _("Event: %(title)s", title=data.event_title)
        else:
            where = _(
                "Period: %(start)s – %(end)s",
                start=scope.start.isoformat() if scope.start else "…",
                end=scope.end.isoformat() if scope.end else "…",
            )
        summary = [
            (_("Pakistani firms"), data.firms.get("PK", 0)),
            (_("Belarusian firms"), data.firms.get("BY", 0)),
            (_("Proposals: proposed"), data.proposals.get("proposed", 0)),
            (_("Proposals: approved"), data.proposals.get("approved", 0)),
            (_("Proposals: rejected"), data.proposals.get("rejected", 0)),
            (_("Decisions in the period: approved"), data.approved),
            (_("Decisions in the period: rejected"), data.rejected),
            (_("Meeting requests"), data.requests),
            (_("Meetings agreed"), data.meetings),
            (_("Meetings scheduled"), data.scheduled),
            (_("Meetings held"), data.held),
            (_("Pairs with a memorandum of understanding or more"), data.mou),
            (_("Pairs with an agreement, order or contract"), data.agreements),
        ]
        with_firms = [r for r in data.sectors if r.pk or r.by or r.mou or r.agreement or r.order]
        signed = [r for r in data.sectors if r.mou or r.agreement or r.order]
        return Texts(
            title=_("Pakistan–Belarus Joint Working Group on Industrial Cooperation"),
            scope=where,
            generated=_("Generated %(when)s UTC", when=data.generated.strftime("%Y-%m-%d %H:%M")),
            summary=[(label, str(n)) for label, n in summary],
            sector_head=[_("Sector"), _("Pakistan"), _("Belarus")],
            sector_rows=[[_(r.label), r.pk, r.by] for r in with_firms],
            agreement_head=[
                _("Sector"),
                _("MoU"),
                _("Joint-venture or licence agreement"),
                _("Order or contract"),
            ],
            agreement_rows=[[_(r.label), r.mou, r.agreement, r.order] for r in signed],
            firms_title=_("Firms by sector and country"),
            agreements_title=_("Agreements by sector"),
            values_title=_("Value of the agreements recorded"),
            values=[(c, f"{v:,.2f}") for c, v in sorted(data.values.items())],
        )


def xlsx(data: ReportData, locale: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    t = texts(data, locale)
    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    summary.append([t.title])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([t.scope])
    summary.append([t.generated])
    summary.append([])
    for label, value in t.summary:
        summary.append([label, int(value)])
    if t.values:
        summary.append([])
        summary.append([t.values_title])
        for currency, _value in t.values:
            summary.append([currency, float(data.values[currency])])
    summary.column_dimensions["A"].width = 55
    for title, head, rows, name in (
        (t.firms_title, t.sector_head, t.sector_rows, "Firms"),
        (t.agreements_title, t.agreement_head, t.agreement_rows, "Agreements"),
    ):
        sheet = book.create_sheet(name)
        sheet.append(head)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        sheet.column_dimensions["A"].width = 45
        if rows:
            chart = BarChart()
            chart.type = "bar"
            chart.title = title
            chart.add_data(
                Reference(sheet, min_col=2, max_col=len(head), min_row=1, max_row=len(rows) + 1),
                titles_from_data=True,
            )
            chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(rows) + 1))
            chart.height, chart.width = 4 + 0.6 * len(rows), 18
            sheet.add_chart(chart, f"{chr(ord('A') + len(head) + 1)}2")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pdf(data: ReportData, locale: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = _fonts()
    t = texts(data, locale)
    body = ParagraphStyle("body", fontName=regular, fontSize=9, leading=12)
    head = ParagraphStyle("head", parent=body, fontName=bold, fontSize=15, leading=19)
    h2 = ParagraphStyle("h2", parent=body, fontName=bold, fontSize=11, leading=15, spaceBefore=8)
    style = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), regular, 8.5),
            ("FONT", (0, 0), (-1, 0), bold, 8.5),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )

    def table(rows, widths):
        wrapped = [
            [Paragraph(str(c), body) if i == 0 else str(c) for i, c in enumerate(row)]
            for row in rows
        ]
        return Table(wrapped, colWidths=widths, style=style, repeatRows=1)

    story = [
        Paragraph(t.title, head),
        Paragraph(t.scope, body),
        Paragraph(t.generated, body),
        Spacer(1, 4 * mm),
        table([["", ""], *t.summary], [120 * mm, 30 * mm]),
    ]
    if t.values:
        story += [Paragraph(t.values_title, h2), table([["", ""], *t.values], [60 * mm, 50 * mm])]
    for title, header, rows in (
        (t.firms_title, t.sector_head, t.sector_rows),
        (t.agreements_title, t.agreement_head, t.agreement_rows),
    ):
        story.append(Paragraph(title, h2))
        if not rows:
            story.append(Paragraph("—", body))
            continue
        widths = [80 * mm] + [(170 - 80) / (len(header) - 1) * mm] * (len(header) - 1)
        story += [_chart(rows, header, regular), table([header, *rows], widths)]
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=A4, title=t.title, leftMargin=20 * mm, rightMargin=20 * mm
    )
    document.build(story)
    return out.getvalue()


def _chart(rows: list[list], header: list[str], font: str):
    """A horizontal bar chart of the rows' numbers, one colour per column."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    palette = [colors.HexColor(c) for c in ("#1f5aa6", "#0b5d3b", "#d99a00", "#b3261e")]
    height = 30 + 14 * len(rows) * max(1, len(header) - 1) ** 0.5
    drawing = Drawing(460, height + 30)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 150, 30, 290, height
    chart.data = [tuple(row[i] for row in rows)[::-1] for i in range(1, len(header))]
    chart.categoryAxis.categoryNames = [str(row[0])[:34] for row in rows][::-1]
    for axis in (chart.categoryAxis.labels, chart.valueAxis.labels):
        axis.fontName, axis.fontSize = font, 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueStep = max(1, -(-max(max(r[1:]) for r in rows) // 5))
    for i, colour in enumerate(palette[: len(header) - 1]):
        chart.bars[i].fillColor = colour
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = 150, 12, font, 7
    legend.alignment, legend.columnMaximum = "right", 1
    legend.colorNamePairs = list(zip(palette, header[1:], strict=False))
    drawing.add(chart)
    drawing.add(legend)
    return drawing


def _fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    return "DejaVuSans", "DejaVuSans-Bold"
