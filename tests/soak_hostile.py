"""Hostile and broken input, made by code: each file is loaded by `python -m etl load`
in its own process, whose peak memory (ru_maxrss) is measured.

Every case must end in a clear one-line refusal naming the file (or in
rejects naming row and column), in bounded memory, with the warehouse
unchanged. The files are SYNTHETIC; none holds a real figure.
"""
from __future__ import annotations

import hashlib
import json
import os
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from etl.synthetic.reliability import CITE_HEADER, PUBLISHER, SUB_DISTRICTS

ROOT = Path(__file__).resolve().parents[1]
CITE = [PUBLISHER, "SYNTHETIC hostile input", "2020-02-01", ""]
HEADER = ["period_start", "period_end", "destination_pcode", "figure_type", "individuals", "note", *CITE_HEADER]
MB = 1 << 20
# Links that are not web addresses: none may load, none may ever be drawn as a link (warehouse/links.py).
HOSTILE_LINKS = (
    "javascript:window.x=5",
    "data:text/html;base64,PHNjcmlwdD53aW5kb3cueD01PC9zY3JpcHQ+",
    "vbscript:msgbox(1)",
    "  JaVaScRiPt:window.x=5",
    "java\tscript:window.x=5",
    "\njavascript:window.x=5",
    "&#106;avascript:window.x=5",
    "jav&#x09;ascript:window.x=5",
    "https:&#47;&#47;\u200bjavascript:x",
    "/reports/sitrep.pdf",
    "//evil.example/x",
    "sitrep.html",
)


def _row(individuals: object = 10, note: str = "") -> list[object]:
    return ["2020-01-01", "2020-01-31", SUB_DISTRICTS[0], "newly_displaced", individuals, note, *CITE]


def _csv_line(cells: list[object]) -> str:
    return ",".join('"' + str(c).replace('"', '""') + '"' for c in cells) + "\n"


def csv_50mb_cell(folder: Path) -> Path:
    """A tidy CSV whose one data row carries a 50 MB note."""
    path = folder / "cell_50mb.csv"
    with open(path, "w", encoding="utf-8") as out:
        out.write(_csv_line(HEADER))
        out.write(_csv_line(_row(note="A" * (50 * MB))))
    return path


def csv_one_cell_file(folder: Path) -> Path:
    """Twenty megabytes of one unquoted cell, no header, no line break."""
    path = folder / "one_cell_20mb.csv"
    path.write_bytes(b"x" * (20 * MB))
    return path


def csv_wide_row(folder: Path, columns: int = 200_000) -> Path:
    """A header of `columns` columns (Excel stops at 16,384)."""
    path = folder / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(columns)) + "\n1\n", encoding="utf-8")
    return path


def csv_binary(folder: Path) -> Path:
    path = folder / "random_bytes.csv"
    path.write_bytes(os.urandom(2 * MB))
    return path


def csv_nul_bytes(folder: Path) -> Path:
    path = folder / "nul_bytes.csv"
    path.write_text(_csv_line(HEADER) + _csv_line(_row(note="a\x00b")), encoding="utf-8")
    return path


def xlsx_not_a_zip(folder: Path) -> Path:
    path = folder / "not_a_workbook.xlsx"
    path.write_text(_csv_line(HEADER), encoding="utf-8")
    return path


def _workbook(rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "displacement"
    for row in rows:
        sheet.append(row)
    return book


def xlsx_big_cell(folder: Path, mb: int = 5) -> Path:
    """An XLSX whose note cell holds `mb` MB (Excel itself stops at 32,767 characters).

    openpyxl cuts long cells when it writes, so the sheet XML is patched afterwards.
    """
    import zipfile

    plain = folder / "big_cell_plain.xlsx"
    _workbook([HEADER, _row(note="B" * 32_767)]).save(plain)
    path = folder / "big_cell.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename.startswith("xl/"):
                data = data.replace(b"B" * 32_767, b"B" * (mb * MB))
            target.writestr(entry, data)
    plain.unlink()
    return path


def xlsx_formulas(folder: Path) -> Path:
    """Formulas instead of figures: one with a value Excel cached (3), three without (one calling a
    web service, one a DDE command), and a plain 7. The cached 3 and the 7 load; nothing is computed."""
    import zipfile

    plain = folder / "formulas_plain.xlsx"
    rows = [HEADER, _row(individuals="=SUM(1,2)", note="formula, cached value 3"),
            _row(individuals="=SUM(2,2)", note="formula, no cached value"),
            _row(individuals='=WEBSERVICE("http://example.invalid/x")', note="web formula"),
            _row(individuals="=cmd|' /C calc'!A0", note="DDE formula"),
            _row(individuals=7, note="plain seven")]
    _workbook(rows).save(plain)
    path = folder / "formulas.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>SUM(1,2)</f><v />", b"<f>SUM(1,2)</f><v>3</v>")
            target.writestr(entry, data)
    plain.unlink()
    return path


def _zip_entry(name: str, raw: bytes, crc: int, size: int, offset: int) -> tuple[bytes, bytes]:
    """Local header + data, and the central directory record, for one deflated entry."""
    encoded = name.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(raw), size, len(encoded), 0)
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(raw), size,
                          len(encoded), 0, 0, 0, 0, 0, offset)
    return local + encoded + raw, central + encoded


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def _bomb_stream(gib: int) -> tuple[bytes, int, int]:
    """Raw deflate of `gib` GiB of spaces inside a sharedStrings part, built from one repeated block.

    After a full flush deflate restarts its dictionary, so the compressed bytes
    of identical 1 MiB blocks are identical: a 3 GiB part costs 3 MB to build.
    """
    head = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
    tail, block = b"</t></si></sst>", b" " * MB
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    repeated = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    last = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(gib * 1024):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return first + repeated * (gib * 1024) + last, crc, len(head) + len(tail) + gib * 1024 * MB


def xlsx_zip_bomb(folder: Path, gib: int = 3) -> Path:
    """A 3 MB file that looks like a workbook but whose shared strings inflate to `gib` GiB."""
    parts = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>',
    }
    entries = [(name, _deflate(data), zlib.crc32(data), len(data)) for name, data in parts.items()]
    entries.append(("xl/sharedStrings.xml", *_bomb_stream(gib)))
    body, directory = b"", b""
    for name, raw, crc, size in entries:
        local, central = _zip_entry(name, raw, crc, size, len(body))
        body, directory = body + local, directory + central
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(body), 0)
    path = folder / "zip_bomb.xlsx"
    path.write_bytes(body + directory + end)
    return path


def json_deep(folder: Path) -> Path:
    """JSON nested 200,000 deep (the parser recurses once per level)."""
    path = folder / "deep.geojson"
    path.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    return path


def json_deep_geometry(folder: Path) -> Path:
    """A valid FeatureCollection whose coordinates nest 900 deep: parseable, but no geometry."""
    path = folder / "deep_geometry.geojson"
    coords = "[" * 900 + "0" + "]" * 900
    path.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"layer":"road"},'
                    f'"geometry":{{"type":"LineString","coordinates":{coords}}}}}]}}', encoding="utf-8")
    return path


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], Path]
    expect: str  # "refused": status failed | "rejects": loads with rows rejected | "no crash": either, cleanly


def cases(wide_columns: int = 200_000, cell_mb: int = 5) -> tuple[Case, ...]:
    """Every hostile case. The soak uses the sizes by default; the tests pass smaller ones where the
    size proves nothing more (the refusal and the memory bound are the same, only the time differs)."""
    return (
        Case("CSV, one 50 MB cell in a data row", csv_50mb_cell, "refused"),
        Case("CSV, 20 MB of one cell, no header", csv_one_cell_file, "refused"),
        Case(f"CSV, a header of {wide_columns:,} columns", partial(csv_wide_row, columns=wide_columns), "refused"),
        Case("CSV, 2 MB of random bytes", csv_binary, "refused"),
        Case("CSV, NUL bytes in a cell", csv_nul_bytes, "refused"),
        Case("XLSX that is not a zip", xlsx_not_a_zip, "refused"),
        Case(f"XLSX, a {cell_mb} MB cell", partial(xlsx_big_cell, mb=cell_mb), "refused"),
        Case("XLSX zip bomb (3 MB inflating to 3 GiB)", xlsx_zip_bomb, "refused"),
        Case("XLSX, formulas without cached values", xlsx_formulas, "rejects"),
        Case("JSON nested 200,000 deep", json_deep, "refused"),
        Case("GeoJSON, coordinates nested 900 deep", json_deep_geometry, "no crash"),
    )


CASES = cases()


@dataclass
class Outcome:
    case: str
    status: str
    message: str
    exit_code: int
    peak_rss_mb: float
    seconds: float
    warehouse_unchanged: bool
    rows_loaded: int
    rows_rejected: int
    reject_reasons: list[str]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


# The child reports its own peak (VmHWM of its memory map) when it exits. ru_maxrss from wait4
# cannot be used: Linux carries the parent's RSS at fork (here: pandas, Streamlit) into the child's.
_WRAPPER = """
import atexit, os, runpy, sys
def _peak():
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM:'):
            open(os.environ['DISPLACEMENT_PEAK_FILE'], 'w').write(line.split()[1])
atexit.register(_peak)
sys.argv = ['etl'] + sys.argv[1:]
runpy.run_module('etl', run_name='__main__', alter_sys=True)
"""


def _hwm_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            return next((int(line.split()[1]) for line in status if line.startswith("VmHWM:")), 0)
    except (OSError, ValueError):
        return 0


def load_measured(path: Path, db: Path, timeout: float = 300.0) -> tuple[int, str, str, float]:
    """Run `python -m etl load --json` on one file; exit code, stdout, stderr, peak RSS in MB.

    The peak is the child's own high-water mark, reported at exit and also
    sampled while it runs (in case it is killed). The timeout is a safety net only.
    """
    peak_file = db.parent / "peak_kb.txt"
    peak_file.unlink(missing_ok=True)
    env = {**os.environ, "DISPLACEMENT_PEAK_FILE": str(peak_file)}
    with open(db.parent / "out.json", "w+") as out, open(db.parent / "err.txt", "w+") as err:
        process = subprocess.Popen([sys.executable, "-c", _WRAPPER, "load", "--json", "--db", str(db), str(path)],
                                   cwd=ROOT, stdout=out, stderr=err, env=env)
        sampled, deadline = 0, time.monotonic() + timeout
        while process.poll() is None:
            sampled = max(sampled, _hwm_kb(process.pid))
            if time.monotonic() > deadline:
                process.kill()
            time.sleep(0.02)
        reported = int(peak_file.read_text()) if peak_file.exists() else 0
        out.seek(0)
        err.seek(0)
        return process.returncode, out.read(), err.read(), max(sampled, reported) / 1024


def run_case(case: Case, folder: Path, db: Path) -> Outcome:
    """Make the file, load it in a measured process, and compare the warehouse before and after."""
    folder.mkdir(parents=True, exist_ok=True)
    path, before = case.make(folder), _sha256(db)
    started = time.perf_counter()
    code, out, err, rss = load_measured(path, db)
    seconds = time.perf_counter() - started
    try:
        report = json.loads(out)[0]
    except (ValueError, IndexError):
        report = {"status": "crashed", "message": (err.strip().splitlines() or ["no output"])[-1]}
    reasons = sorted({r.get("reason", "") for r in report.get("rejects", [])})
    return Outcome(case.name, report["status"], report.get("message", ""), code, round(rss, 1), round(seconds, 2),
                   before == _sha256(db), report.get("rows_loaded", 0), report.get("rows_rejected", 0), reasons)
