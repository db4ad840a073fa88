"""Shared fixtures: hand-made units of both schemes (no registry needed); a history store of
its own for every test."""
from __future__ import annotations

import pytest

from kh_excel.units import Unit

LEGACY, TWO_TIER = "legacy-3tier", "two-tier-2025"


@pytest.fixture(scope="session")
def units() -> dict[str, Unit]:
    """A province, district and commune of the legacy scheme; a province and commune of 2025."""
    return {
        "bac_kan": Unit(LEGACY, "06", "Tỉnh Bắc Kạn", "tinh", "VN", "Tỉnh"),
        "na_ri": Unit(LEGACY, "066", "Huyện Na Rì", "huyen", "06", "Huyện"),
        "van_vu": Unit(LEGACY, "02137", "Xã Văn Vũ", "xa", "066", "Xã"),
        "thai_nguyen": Unit(TWO_TIER, "19", "Tỉnh Thái Nguyên", "tinh", "VN", "Tỉnh"),
        "na_ri_2025": Unit(TWO_TIER, "02140", "Xã Na Rì", "xa", "19", "Xã"),
    }


@pytest.fixture(autouse=True)
def _own_history_store(tmp_path_factory, monkeypatch):
    """Every test records into a fresh store of its own, never the user's data folder (child
    processes inherit it through the environment). It exists already, so that the one-time
    "Đã tạo kho lịch sử" line does not reach the outputs the tests compare."""
    from kh_excel.store import open_store

    path = tmp_path_factory.mktemp("store") / "kh-excel.sqlite"
    monkeypatch.setenv("KH_EXCEL_STORE", str(path))
    open_store(path).close()
    return path
