"""The LibreOffice adapter with a stand-in soffice: batches, missing outputs, time-out, profile."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kh_excel import libreoffice
from kh_excel.errors import LibreOfficeFailed

# Writes an output for every input except those named "skip*", sleeps on "sleep*", records how
# many files each call got, and refuses to run without the recalculating profile.
FAKE = f"""#!{sys.executable}
import sys, time
from pathlib import Path
from urllib.parse import urlparse
args = sys.argv[1:]
profile = Path(urlparse(args[0].split("=", 1)[1]).path)
xcu = (profile / "user" / "registrymodifications.xcu").read_text()
assert "OOXMLRecalcMode" in xcu and "ODFRecalcMode" in xcu
fmt = args[args.index("--convert-to") + 1].split(":")[0]
out = Path(args[args.index("--outdir") + 1])
files = args[args.index("--outdir") + 2:]
with open(Path(__file__).with_suffix(".log"), "a") as log:
    log.write(f"{{len(files)}}\\n")
for f in map(Path, files):
    if f.name.startswith("sleep"):
        time.sleep(30)
    if not f.name.startswith("skip"):
        (out / (f.stem + "." + fmt)).write_bytes(b"converted")
"""


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch):
    script = tmp_path / "soffice"
    script.write_text(FAKE)
    script.chmod(0o755)
    monkeypatch.setattr(libreoffice, "soffice_path", lambda: str(script))
    return script.with_suffix(".log")


def _inputs(directory: Path, names: list[str]) -> list[Path]:
    directory.mkdir()
    for name in names:
        (directory / name).write_bytes(b"x")
    return [directory / n for n in names]


def test_batches_of_at_most_200_and_every_output_checked(tmp_path, fake_soffice):
    files = _inputs(tmp_path / "in", [f"f{n:03}.xlsx" for n in range(450)])
    outputs = libreoffice.resave_xlsx(files, tmp_path / "out")
    assert outputs == [tmp_path / "out" / f.name for f in files]
    assert all(o.read_bytes() == b"converted" for o in outputs)
    assert fake_soffice.read_text().split() == ["200", "200", "50"]


def test_a_missing_output_is_an_error(tmp_path, fake_soffice):
    files = _inputs(tmp_path / "in", ["a.xlsx", "skip_me.xlsx"])
    with pytest.raises(LibreOfficeFailed) as err:
        libreoffice.to_pdf(files, tmp_path / "out")
    assert "skip_me.xlsx" in err.value.message()


def test_a_stale_output_does_not_count(tmp_path, fake_soffice):
    files = _inputs(tmp_path / "in", ["skip_me.xlsx"])
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "skip_me.xlsx").write_bytes(b"old")
    with pytest.raises(LibreOfficeFailed):
        libreoffice.resave_xlsx(files, tmp_path / "out")


def test_time_out(tmp_path, fake_soffice):
    files = _inputs(tmp_path / "in", ["sleep.xlsx"])
    with pytest.raises(LibreOfficeFailed) as err:
        libreoffice.resave_xlsx(files, tmp_path / "out", timeout=1)
    assert "quá 1 giây" in err.value.message()


def test_refuses_to_overwrite_its_inputs(tmp_path, fake_soffice):
    files = _inputs(tmp_path / "in", ["a.xlsx"])
    with pytest.raises(ValueError):
        libreoffice.resave_xlsx(files, tmp_path / "in")


def test_no_soffice(tmp_path, monkeypatch):
    monkeypatch.setattr(libreoffice, "soffice_path", lambda: None)
    assert not libreoffice.soffice_available()
    with pytest.raises(LibreOfficeFailed):
        libreoffice.resave_xlsx(_inputs(tmp_path / "in", ["a.xlsx"]), tmp_path / "out")
