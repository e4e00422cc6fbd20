"""Limits and styles shared by the import/export modules."""

import logging

from openpyxl.styles import Border, Font, PatternFill, Side

logger = logging.getLogger(__name__)

BACKGROUND_ROWS = 200  # more data rows than this run as a background job (measured ≈30 ms a row, SQLite)
MAX_ROWS = 100_000
MAX_BYTES = 20 * 1024 * 1024
MAX_STORED_ERRORS = 5000  # errors kept on the job (the count is always exact)
HEADER_SCAN_ROWS = 10  # title lines above the header row are tolerated
MONEY_FORMAT = '#,##0.00"元"'
TEXT_FORMAT = "@"
INLINE_LIST_MAX = 250  # Excel's limit for an inline list formula is 255 characters

REQUIRED_FILL = PatternFill("solid", fgColor="1F4E79")
OPTIONAL_FILL = PatternFill("solid", fgColor="5B8BC9")
EXTRA_FILL = PatternFill("solid", fgColor="808080")
HEADER_FONT = Font(bold=True, color="FFFFFF")
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
