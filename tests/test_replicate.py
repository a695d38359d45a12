"""More than one host (warehouse/replicate.py): `publish-to` ships each published version with a manifest to a
folder or S3-compatible storage; `follow` fetches the newest, checks its sha256 and swaps it in as a local publish
does. A source that is offline, behind, or serves a damaged file leaves the follower serving what it had."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from etl.cli import main
from etl.load import load_file
from etl.synthetic import reliability
from warehouse import connect_read, published, replicate, versions
from warehouse.db import temp_files


def _primary(tmp_path: Path) -> Path:
    """Locations, then one displacement file: two versions."""
    db = tmp_path / "primary" / "w.duckdb"
    db.parent.mkdir()
    assert load_file(reliability.locations(tmp_path), db, loaded_by="amal").status == "loaded"
    assert load_file(reliability.displacement(tmp_path, 5, 100).path, db, loaded_by="omar").status == "loaded"
    return db


def _displaced(db: Path) -> int:
    with connect_read(db) as con:
        return con.execute("SELECT coalesce(sum(individuals), 0) FROM displacement").fetchone()[0]


def _cli(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def test_a_folder_target_end_to_end(tmp_path):
    primary, target, follower = _primary(tmp_path), tmp_path / "shipped", tmp_path / "follower" / "w.duckdb"
    first = _cli("publish-to", str(target), "--db", str(primary))
    assert first.exit_code == 0, first.output
    assert "copied versions 1, 2" in first.output
    manifest = json.loads((target / "manifest.json").read_text())
    noted = versions.listing(primary)
    assert [(e["version"], e["sha256"], e["size"]) for e in manifest["versions"]] == \
        [(v.number, v.sha256, v.size) for v in noted]
    assert all(published.file_sha256(target / e["file"]) == e["sha256"] for e in manifest["versions"])
    assert sorted(p.name for p in target.iterdir()) == ["manifest.json", "v000001.duckdb", "v000002.duckdb"]

    stamps = {p.name: p.stat().st_mtime_ns for p in target.iterdir()}
    again = _cli("publish-to", str(target), "--db", str(primary))
    assert again.exit_code == 0 and "up to date" in again.output
    assert {p.name: p.stat().st_mtime_ns for p in target.iterdir()} == stamps  # idempotent: nothing rewritten

    followed = _cli("follow", f"file://{target}", "--db", str(follower), "--once")
    assert followed.exit_code == 0, followed.output
    assert "now serving version 2" in followed.output
    assert published.file_sha256(follower) == published.file_sha256(primary) and _displaced(follower) == 500
    assert versions.live_number(follower) == 2  # the primary's number
    assert not list(follower.parent.glob(".*.part")) and not temp_files(follower)

    # a corrected file on the primary: only the new version is shipped, and the follower swaps it in
    assert load_file(reliability.displacement(tmp_path, 7, 100).path, primary, loaded_by="omar").status == "loaded"
    shipped = _cli("publish-to", str(target), "--db", str(primary))
    assert "copied version 3 " in shipped.output and (target / "v000003.duckdb").exists()
    with connect_read(follower) as reader:  # a reader open on the old file keeps reading it whole
        assert _cli("follow", str(target), "--db", str(follower), "--once").exit_code == 0
        assert reader.execute("SELECT sum(individuals) FROM displacement").fetchone()[0] == 500
    assert _displaced(follower) == 700 and versions.live_number(follower) == 3
    # the version it replaced is kept on the follower too: it can be restored there
    assert versions.file_of(follower, 2).exists()
    quiet = _cli("follow", str(target), "--db", str(follower), "--once")
    assert quiet.exit_code == 0 and "serving version 3, the newest" in quiet.output


def test_the_target_and_the_interval_come_from_the_flag_then_the_environment_then_the_default(tmp_path, monkeypatch):
    primary, target = _primary(tmp_path), tmp_path / "from-env"
    result = _cli("publish-to", "--db", str(primary), env={"DISPLACEMENT_PUBLISH_TO": str(target)})
    assert result.exit_code == 0 and (target / "manifest.json").exists()
    follower = tmp_path / "f" / "w.duckdb"
    result = _cli("follow", "--once", env={"DISPLACEMENT_FOLLOW": str(target), "DISPLACEMENT_DB": str(follower)})
    assert result.exit_code == 0 and versions.live_number(follower) == 2
    monkeypatch.delenv(replicate.INTERVAL_ENV, raising=False)
    assert replicate.interval() == replicate.INTERVAL_DEFAULT
    monkeypatch.setenv(replicate.INTERVAL_ENV, "5")
    assert replicate.interval() == 5 and replicate.interval(2) == 2


def test_an_offline_source_is_one_line_and_the_follower_retries_and_catches_up(tmp_path):
    primary, target, follower = _primary(tmp_path), tmp_path / "later", tmp_path / "f" / "w.duckdb"
    lines: list[tuple[str, bool]] = []
    naps: list[float] = []

    def nap(seconds: float) -> None:  # the source comes online after the first look; stop after the third
        naps.append(seconds)
        if len(naps) == 1:
            replicate.publish_to(primary, str(target))
        if len(naps) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        replicate.follow(follower, str(target), every=7, say=lambda line, error: lines.append((line, error)), sleep=nap)
    assert lines[0][1] and "no manifest.json" in lines[0][0] and "retrying in 7 s" in lines[0][0]
    assert "\n" not in lines[0][0]
    assert lines[1] == (f"now serving version 2 from {target} (was none)", False)
    assert len(lines) == 2  # an unchanged source is not repeated every look
    assert versions.live_number(follower) == 2

    offline = _cli("follow", str(tmp_path / "unplugged"), "--db", str(follower), "--once")
    assert offline.exit_code == 1 and len(offline.output.strip().splitlines()) == 1
    assert "still serving version 2" in offline.output and versions.live_number(follower) == 2


def test_a_source_behind_the_follower_is_not_followed_backwards(tmp_path):
    primary, target, follower = _primary(tmp_path), tmp_path / "t", tmp_path / "f" / "w.duckdb"
    replicate.publish_to(primary, str(target))
    replicate.follow_once(follower, str(target))
    stale = tmp_path / "stale-mirror"
    stale.mkdir()
    manifest = json.loads((target / "manifest.json").read_text())
    manifest["versions"] = manifest["versions"][1:]  # a mirror that has only version 1
    (stale / "manifest.json").write_text(json.dumps(manifest))
    (stale / "v000001.duckdb").write_bytes((target / "v000001.duckdb").read_bytes())
    result = replicate.follow_once(follower, str(stale))
    assert result.status == "behind" and "keeping 2" in result.message
    assert versions.live_number(follower) == 2 and _displaced(follower) == 500


def test_a_damaged_file_at_the_source_is_thrown_away_and_never_served(tmp_path):
    primary, target, follower = _primary(tmp_path), tmp_path / "t", tmp_path / "f" / "w.duckdb"
    replicate.publish_to(primary, str(target))
    shipped = target / "v000002.duckdb"
    data = bytearray(shipped.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte, same size
    shipped.write_bytes(bytes(data))
    result = _cli("follow", str(target), "--db", str(follower), "--once")
    assert result.exit_code == 1 and "thrown away" in result.output
    assert not follower.exists() and not list(follower.parent.glob(".*.part"))


def test_a_cut_download_resumes_where_it_stopped(tmp_path):
    primary, target, follower = _primary(tmp_path), tmp_path / "t", tmp_path / "f" / "w.duckdb"
    replicate.publish_to(primary, str(target))
    newest = replicate.read_manifest(*replicate.storage(str(target)))[0]
    part = replicate._part_name(follower, newest)
    part.parent.mkdir(parents=True)
    part.write_bytes((target / newest.file).read_bytes()[: newest.size // 3])  # what arrived before the link dropped
    assert replicate.follow_once(follower, str(target)).status == "updated"
    assert published.file_sha256(follower) == newest.sha256 and not part.exists()


def test_a_warehouse_with_no_versions_has_nothing_to_publish(tmp_path):
    result = _cli("publish-to", str(tmp_path / "t"), "--db", str(tmp_path / "none.duckdb"))
    assert result.exit_code == 1 and "no published versions yet" in result.output


@pytest.fixture
def s3(monkeypatch):
    """An S3 endpoint on localhost (moto's server mode), a bucket in it, and fake credentials."""
    moto_server = pytest.importorskip("moto.server")
    pytest.importorskip("s3fs")
    from dashboard.deploy.multi import free_port

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    port = free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    fs, _ = replicate.storage("s3://warehouse-test", endpoint)
    fs.mkdir("warehouse-test")
    yield endpoint
    server.stop()


def test_an_s3_target_end_to_end(tmp_path, s3, monkeypatch):
    primary, follower = _primary(tmp_path), tmp_path / "f" / "w.duckdb"
    url = "s3://warehouse-test/nw-syria/warehouse"
    result = _cli("publish-to", url, "--db", str(primary), "--endpoint-url", s3)
    assert result.exit_code == 0 and "copied versions 1, 2" in result.output, result.output
    fs, root = replicate.storage(url, s3)
    assert sorted(os.path.basename(p) for p in fs.ls(root)) == ["manifest.json", "v000001.duckdb", "v000002.duckdb"]
    assert replicate.read_manifest(fs, root)[0].sha256 == published.file_sha256(primary)

    monkeypatch.setenv(replicate.ENDPOINT_ENV, s3)  # the endpoint from the environment
    followed = _cli("follow", url, "--db", str(follower), "--once")
    assert followed.exit_code == 0, followed.output
    assert published.file_sha256(follower) == published.file_sha256(primary) and _displaced(follower) == 500

    assert load_file(reliability.displacement(tmp_path, 9, 100).path, primary).status == "loaded"
    assert "copied version 3 " in _cli("publish-to", url, "--db", str(primary)).output
    assert "now serving version 3" in _cli("follow", url, "--db", str(follower), "--once").output
    assert _displaced(follower) == 900

    missing = _cli("follow", "s3://no-such-bucket/x", "--db", str(follower), "--once")
    assert missing.exit_code == 1 and "still serving version 3" in missing.output
    assert len(missing.output.strip().splitlines()) == 1
