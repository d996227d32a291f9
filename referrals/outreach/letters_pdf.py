"""Letters (A4) and cards (A6) as PDF, with fpdf2 (pure Python, no system libraries)."""

from __future__ import annotations

from fpdf import FPDF

from referrals.outreach.services import Letter


def _latin1(text: str) -> str:
    # The built-in PDF fonts cover Latin-1: enough for Dutch and French names.
    return (
        text.replace("\u2019", "'")
        .replace("\u2018", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
        .replace("\u2013", "-")
        .replace("\u2014", "-")
        .replace("\u20ac", "EUR")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


def letter_pdf(letter: Letter) -> bytes:
    card = letter.template.kind == "card"
    # A6 is 105 x 148 mm; fpdf2 names only A3, A4 and A5.
    pdf = FPDF(unit="mm", format=(105, 148) if card else "A4")
    pdf.set_title(_latin1(letter.template.name))
    pdf.set_author(_latin1(letter.case.ocmw.name))
    pdf.set_auto_page_break(auto=True, margin=8 if card else 20)
    pdf.add_page()
    margin = 8 if card else 20
    pdf.set_margins(margin, margin, margin)
    pdf.set_xy(margin, margin)
    size = 10 if card else 12
    width = pdf.w - 2 * margin
    if letter.template.with_logo:
        pdf.set_font("Helvetica", "B", size + 2)
        pdf.multi_cell(width, size * 0.6, _latin1(letter.case.ocmw.name))
        pdf.ln(2)
    if not card:
        client = letter.case.client
        pdf.set_font("Helvetica", "", size)
        place = f"{client.postcode.code} {client.postcode.name}"
        pdf.multi_cell(width, size * 0.5, _latin1(f"{client.full_name}\n{client.street}\n{place}"))
        pdf.ln(8)
    pdf.set_font("Helvetica", "", size)
    pdf.multi_cell(width, size * 0.55, _latin1(letter.text))
    if letter.partner:
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", size)
        pdf.multi_cell(width, size * 0.55, _latin1(letter.partner.name))
        pdf.set_font("Helvetica", "", size)
        lines = [letter.partner.address, letter.partner.phone, letter.partner.hours]
        pdf.multi_cell(width, size * 0.55, _latin1("\n".join(line for line in lines if line)))
    return bytes(pdf.output())
