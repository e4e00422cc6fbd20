"""Reading an execution file as a stream: what it is (CSV or `.xlsx`, judged by content), its encoding, digest and
header, then its records one at a time. Nothing here holds more than one chunk or one row in memory."""

import codecs
import csv
import hashlib
import io
import itertools
import logging
import os
import queue
import threading
import zipfile
from contextlib import contextmanager

from django.utils.translation import gettext as _

from perfbudget.core.importexport import ImportFileError

from .cells import cell_text
from .columns import HEADER_SCAN_ROWS, find_header

logger = logging.getLogger(__name__)

CHUNK = 1 << 20
BOM = codecs.BOM_UTF8
SHEET_TITLE = "执行数据"


class _Hasher(threading.Thread):
    """sha256 of the chunks `put` in order, computed in a thread."""

    def __init__(self):
        super().__init__(name="execution-sha256", daemon=True)
        self.digest, self.queue = hashlib.sha256(), queue.Queue(maxsize=8)
        self.start()

    def run(self):
        while (chunk := self.queue.get()) is not None:
            self.digest.update(chunk)

    def put(self, chunk):
        self.queue.put(chunk)

    def hexdigest(self):
        self.queue.put(None)
        self.join()
        return self.digest.hexdigest()


class Source:
    """One opened file. `kind` is "csv" or "xlsx"; `records()` yields (record number, [cell text]) after the header."""

    def __init__(self, fh):
        self.fh = fh
        self.sha256, self.size, self.lines, self.kind, self.encoding = "", 0, 0, "", ""
        self.sheet = None
        self.header = None
        self.data_offset = 0  # CSV: the byte offset of the first data record

    # --- sniffing ---------------------------------------------------------------------------------------------

    def sniff(self):
        head = self._scan()
        if not head.strip(b" \t\r\n\x00"):
            raise ImportFileError(_("文件为空，请按导入模板填写后再上传。"))
        if head.startswith(b"PK\x03\x04"):
            self._check_zip()
            self.kind = "xlsx"
            self.header = self._xlsx_header()
        elif head.startswith(b"\xd0\xcf\x11\xe0"):
            raise ImportFileError(_("这是旧版 Excel（.xls）或加密的文件，请另存为 .xlsx 或 CSV（UTF-8）格式后再导入。"))
        elif head.startswith(b"%PDF"):
            raise ImportFileError(_("文件是 PDF，不是 CSV 或 Excel .xlsx 文件，请导出为 CSV 或 .xlsx 后再导入。"))
        else:
            self.kind = "csv"
            self.encoding = self._csv_encoding(head)
            self.header = self._csv_header()
        return self

    def _scan(self):
        """One pass over the bytes: digest (in a thread alongside: hashlib lets go of the GIL), size, line count,
        and whether they decode as UTF-8 (ASCII chunks need no decoding)."""
        head, hasher = b"", _Hasher()
        decoder, self._utf8, self._nul = codecs.getincrementaldecoder("utf-8")(), True, False
        self.quoted = False  # any '"' in the file: a CSV line may then span several physical lines
        self.fh.seek(0)
        try:
            while chunk := self.fh.read(CHUNK):
                if not head:
                    head = chunk[:8192]
                hasher.put(chunk)
                self.size += len(chunk)
                self.lines += chunk.count(b"\n")
                self._nul = self._nul or b"\x00" in chunk
                self.quoted = self.quoted or b'"' in chunk
                if self._utf8 and not (chunk.isascii() and not decoder.getstate()[0]):
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError:
                        self._utf8 = False
        finally:
            self.sha256 = hasher.hexdigest()
        if self._utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self._utf8 = False
        return head

    def _csv_encoding(self, head):
        not_text = _("文件既不是 CSV 文本文件，也不是 Excel .xlsx 文件，"
                     "请导出为 CSV（UTF-8 或 GB18030）或 .xlsx 后再导入。")
        if self._nul:
            raise ImportFileError(not_text)
        if head.startswith(BOM):
            if not self._utf8:
                raise ImportFileError(_("文件以 UTF-8 标记开头，但内容不是有效的 UTF-8 编码，请重新导出。"))
            return "utf-8-sig"
        if self._utf8:
            return "utf-8"
        decoder = codecs.getincrementaldecoder("gb18030")()
        self.fh.seek(0)
        try:
            while chunk := self.fh.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise ImportFileError(not_text + _("（无法按 UTF-8 或 GB18030 编码读取）"))
        return "gb18030"

    def _check_zip(self):
        try:
            with zipfile.ZipFile(self.fh) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            raise ImportFileError(_("文件已损坏或无法读取，请用 Excel 打开检查后另存为 .xlsx 再导入。"))
        if "xl/workbook.xml" not in names:
            raise ImportFileError(_("文件不是 Excel .xlsx 工作簿（可能是 Word、WPS 或其他压缩文件），"
                                    "请导出为 CSV 或 .xlsx 后再导入。"))

    # --- CSV --------------------------------------------------------------------------------------------------

    def _csv_lines(self, offset=0):
        """Decoded physical lines with the byte offset after each (for finding where the data start)."""
        self.fh.seek(offset)
        position = offset
        if offset == 0 and self.encoding == "utf-8-sig":
            self.fh.read(len(BOM))
            position = len(BOM)
        encoding = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        for line in self.fh:
            position += len(line)
            self._position = position
            yield line.decode(encoding)

    def _csv_header(self):
        self._position = 0
        reader = csv.reader(self._csv_lines())
        records, ends = [], []
        try:
            for number, row in zip(range(1, HEADER_SCAN_ROWS + 1), reader, strict=False):
                records.append((number, row))
                ends.append(self._position)
        except csv.Error as exc:
            raise ImportFileError(_("CSV 文件格式有误：%(error)s") % {"error": exc})
        header = find_header(records)
        self.data_offset = ends[header.row - 1]
        return header

    def csv_bytes(self):
        """The raw bytes of the data records (after the header), in chunks: for COPY to parse itself."""
        self.fh.seek(self.data_offset)
        while chunk := self.fh.read(CHUNK):
            yield chunk

    @property
    def descriptor(self):
        """The file's descriptor, to read parts of it from other threads (`csv_byte_range`); None for an upload
        held in memory."""
        try:
            return self.fh.fileno()
        except (AttributeError, OSError, io.UnsupportedOperation):
            return None

    def csv_byte_range(self, start, end):
        """The raw bytes start..end, in chunks, read without moving the file's position (safe from another thread):
        None when the file has no descriptor to read that way."""
        fd = self.descriptor
        if fd is None:
            return None

        def chunks():
            position = start
            while position < end and (chunk := os.pread(fd, min(CHUNK, end - position), position)):
                position += len(chunk)
                yield chunk

        return chunks()

    def split_point(self, share=0.5, scan=1 << 16):
        """A byte offset near `share` of the data where a line starts whose first cell differs from the line
        before's (so that in a file sorted by project no project's lines fall on both sides); None when none is
        found within `scan` bytes."""
        middle = self.data_offset + int((self.size - self.data_offset) * share)
        self.fh.seek(middle)
        lines = self.fh.read(scan).split(b"\n")[:-1]  # the last piece may be cut short
        position = middle + len(lines[0]) + 1 if lines else 0  # where lines[1] starts
        for before, line in zip(lines[1:], lines[2:], strict=False):
            position += len(before) + 1
            if line.split(b",", 1)[0] != before.split(b",", 1)[0]:
                return position
        return None

    def _csv_records(self):
        self.fh.seek(self.data_offset)
        text = io.TextIOWrapper(self.fh, encoding="utf-8" if self.encoding == "utf-8-sig" else self.encoding,
                                newline="")
        try:
            yield from zip(itertools.count(self.header.row + 1), csv.reader(text), strict=False)
        except csv.Error as exc:
            raise ImportFileError(_("CSV 文件格式有误：%(error)s") % {"error": exc})
        finally:
            text.detach()

    # --- xlsx -------------------------------------------------------------------------------------------------

    def _xlsx_rows(self):
        from openpyxl import load_workbook

        self.fh.seek(0)
        try:
            wb = load_workbook(self.fh, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds of errors for damaged files
            logger.info("unreadable workbook: %s", exc)
            raise ImportFileError(_("文件已损坏或无法读取，请用 Excel 打开检查后另存为 .xlsx 再导入。"))
        try:
            visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"] or wb.worksheets
            ws = wb[SHEET_TITLE] if SHEET_TITLE in wb.sheetnames else visible[0]
            self.sheet = ws.title
            for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
                yield number, [cell_text(v) for v in row]
        finally:
            wb.close()

    def _xlsx_header(self):
        rows = self._xlsx_rows()
        records = list(itertools.islice(rows, HEADER_SCAN_ROWS))
        rows.close()
        return find_header(records)

    def _xlsx_records(self):
        rows = self._xlsx_rows()
        for number, row in rows:
            if number > self.header.row:
                yield number, row

    # --- both -------------------------------------------------------------------------------------------------

    def records(self):
        """(record number, [cell text]) of every data record, blank ones included."""
        return self._csv_records() if self.kind == "csv" else self._xlsx_records()

    @property
    def estimated_rows(self):
        """Data rows, counted cheaply: lines after the header (CSV), or the sheet's stated size (.xlsx)."""
        if self.kind == "csv":
            return max(0, self.lines - self.header.row + (0 if self._ends_with_newline() else 1))
        return self._xlsx_size() - self.header.row

    def _ends_with_newline(self):
        self.fh.seek(max(0, self.size - 1))
        return self.fh.read(1) == b"\n"

    def _xlsx_size(self):
        from openpyxl import load_workbook

        self.fh.seek(0)
        wb = load_workbook(self.fh, read_only=True)
        try:
            return wb[self.sheet].max_row or 0 if self.sheet else 0
        finally:
            wb.close()


@contextmanager
def open_source(file):
    """A sniffed `Source` for a path, bytes or a binary file object (an upload); raises `ImportFileError`."""
    if isinstance(file, bytes | bytearray):
        yield Source(io.BytesIO(file)).sniff()
    elif isinstance(file, str | os.PathLike):
        with open(file, "rb") as fh:
            yield Source(fh).sniff()
    else:
        if hasattr(file, "open") and getattr(file, "closed", False):
            file.open("rb")
        yield Source(getattr(file, "file", file)).sniff()


def data_rows(source):
    """(row number, {field: text}) of the non-blank data records of a sniffed source."""
    from .cells import is_blank

    pick = source.header.pick
    for number, record in source.records():
        row = pick(record)
        if not all(is_blank(v) for v in row.values()):
            yield number, row
