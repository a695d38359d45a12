"""`refresh`: manifests, local and downloaded sources, failures kept per file, re-runs change nothing."""
from __future__ import annotations

import urllib.error
from pathlib import Path

import duckdb
import pytest

from etl import refresh
from etl.sources import cod_ab
from etl.connectors.http import Http
from tests.conftest import REFERENCE
from tests.recorded import FakeWeb

HDX_ROUTES = {"package_show": "hdx_package_show.json", "download/synthetic_idp_stock.csv": "hdx_resource.csv"}


def write_manifest(folder: Path, body: str) -> Path:
    path = folder / "sources.toml"
    path.write_text(body, encoding="utf-8")
    return path


def _offline(routes: dict) -> Http:
    return Http(opener=FakeWeb(routes), retries=1, sleep=lambda s: None)


@pytest.fixture
def manifest(tmp_path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "places.csv").write_bytes((REFERENCE / "gazetteer.csv").read_bytes())
    return write_manifest(tmp_path, """
root = "."
cache = "cache"

[[source]]
type = "hdx"
name = "synthetic hdx"
dataset = "synthetic-nw-syria-idp-stock"
resource = "csv"

[[source]]
name = "gazetteer"
path = "data/places.csv"

[[source]]
name = "switched off"
path = "data/missing.csv"
enabled = false
""")


def test_loads_local_and_downloaded_files_places_first(manifest, db):
    reports = refresh.refresh(manifest, db, http=_offline(HDX_ROUTES))
    assert [(Path(r.file).name, r.status) for r in reports] == [("places.csv", "loaded"), ("synthetic_idp_stock.csv", "loaded")]
    assert (manifest.parent / "cache" / "hdx" / "synthetic-nw-syria-idp-stock" / "synthetic_idp_stock.csv").exists()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM displacement").fetchone() == (2,)
    again = refresh.refresh(manifest, db, http=_offline(HDX_ROUTES))
    assert [r.status for r in again] == ["unchanged", "unchanged"]


def test_a_failed_download_fails_its_entry_only(manifest, db):
    http = _offline({"package_show": urllib.error.URLError("no network")})
    reports = refresh.refresh(manifest, db, http=http)
    by_name = {Path(r.file).name: r for r in reports}
    assert by_name["places.csv"].status == "loaded"
    failed = by_name["synthetic hdx"]
    assert failed.status == "failed" and "download failed" in failed.message and "no network" in failed.message
    assert "\n" not in failed.message


def test_missing_local_file_is_a_failed_entry(tmp_path, db):
    path = write_manifest(tmp_path, '[[source]]\nname = "gone"\npath = "nowhere.csv"\n')
    [report] = refresh.refresh(path, db)
    assert report.status == "failed" and "no such file" in report.message and not db.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[[source]\n", "not a readable TOML manifest"),
        ('[[source]]\nname = "x"\n', "neither `path` nor `type`"),
        ('[[source]]\ntype = "ftp"\n', "unknown type 'ftp'"),
        ('[[source]]\npath = "a.csv"\nkind = "nonsense"\n', "unknown kind 'nonsense'"),
        ('source = "a.csv"\n', "must be a list"),
    ],
)
def test_unusable_manifest_is_refused(tmp_path, body, message):
    with pytest.raises(refresh.ManifestError, match=message):
        refresh.read_manifest(write_manifest(tmp_path, body))


def test_missing_manifest_is_refused(tmp_path):
    with pytest.raises(refresh.ManifestError, match="no manifest"):
        refresh.read_manifest(tmp_path / "absent.toml")


def test_shipped_manifest_lists_every_real_file(real_data):
    shipped = refresh.read_manifest(refresh.DEFAULT_MANIFEST)
    listed = {e.path.resolve() for e in shipped.entries}
    real = {p.resolve() for p in real_data.rglob("*")
            if p.is_file() and p.name != "SOURCES.md" and p.suffix not in cod_ab.SIDECARS}  # read with their .shp
    assert listed == real
    assert all(e.type == "file" for e in shipped.entries)  # online entries ship commented out
