"""The unit registry: both schemes, look-up by code and name, the tree, extra units."""
from __future__ import annotations

import importlib.util
import os
import unicodedata
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from kh_excel.errors import AmbiguousUnit, BadDataFile, ExitCode, TierMismatch, UnitNotFound
from kh_excel.periods import LEGACY, TWO_TIER
from kh_excel.registry import Registry, load_registry
from kh_excel.textnorm import ascii_slug, canonical_key, compatible, fold_key

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def legacy() -> Registry:
    return load_registry(LEGACY)


@pytest.fixture(scope="module")
def two_tier() -> Registry:
    return load_registry(TWO_TIER)


# -- counts and the tree ------------------------------------------------------------------------

def test_legacy_counts(legacy):
    assert Counter(u.tier for u in legacy) == {"tw": 1, "tinh": 63, "huyen": 696, "xa": 10051}
    assert len(legacy) == 1 + 63 + 696 + 10051


def test_two_tier_counts(two_tier):
    assert Counter(u.tier for u in two_tier) == {"tw": 1, "tinh": 34, "xa": 3321}
    assert Counter(u.division for u in two_tier if u.tier == "xa") == {
        "Xã": 2621, "Phường": 687, "Đặc khu": 13}
    assert Counter(u.division for u in two_tier if u.tier == "tinh") == {"Tỉnh": 28, "Thành phố": 6}


def test_codes_are_zero_padded_by_tier(legacy, two_tier):
    widths = {"tinh": 2, "huyen": 3, "xa": 5}
    for registry in (legacy, two_tier):
        bad = [u for u in registry if u.tier != "tw" and
               (len(u.code) != widths[u.tier] or not u.code.isdigit())]
        assert bad == []


def test_nation_root(legacy):
    nation = legacy.nation
    assert (nation.code, nation.name, nation.tier, nation.parent_code) == (
        "VN", "Việt Nam", "tw", None)
    provinces = legacy.children(nation)
    assert len(provinces) == 63 and {p.tier for p in provinces} == {"tinh"}
    assert legacy.parent(provinces[0]) == nation
    assert legacy.parent(nation) is None


def test_na_ri_has_17_communes(legacy):
    na_ri = legacy.get("066")
    assert (na_ri.name, na_ri.tier, na_ri.division, na_ri.parent_code) == (
        "Huyện Na Rì", "huyen", "Huyện", "06")
    communes = legacy.children(na_ri)
    assert len(communes) == 17
    assert [u.code for u in communes] == sorted(u.code for u in communes)
    assert communes[0].name == "Xã Văn Vũ" and communes[0].code == "02137"
    yen_lac = legacy.get("02155")
    assert yen_lac in communes
    assert (yen_lac.name, yen_lac.division, yen_lac.tier) == ("Thị trấn Yến Lạc", "Thị trấn", "xa")
    assert Counter(u.division for u in communes) == {"Xã": 16, "Thị trấn": 1}


def test_ancestors_descendants_province(legacy):
    van_vu = legacy.get("02137")
    assert [a.code for a in legacy.ancestors(van_vu)] == ["066", "06", "VN"]
    assert legacy.province_of(van_vu).name == "Tỉnh Bắc Kạn"
    assert legacy.province_of(legacy.get("06")).code == "06"
    assert legacy.province_of(legacy.nation) is None
    bac_kan = legacy.get("06")
    assert legacy.descendants(bac_kan, "huyen") == legacy.children(bac_kan)
    communes = legacy.descendants(bac_kan, "xa")
    assert len(communes) == 108 and set(legacy.children("066")) <= set(communes)
    assert len(legacy.descendants(legacy.nation, "xa")) == 10051


def test_divisions_come_from_the_name_prefix(legacy):
    # 0.6.0 typed every district 'huyện' and every commune 'xã'; the prefix tells the truth.
    assert Counter(u.division for u in legacy if u.tier == "huyen") == {
        "Huyện": 509, "Thành phố": 86, "Thị xã": 52, "Quận": 49}
    assert {u.division for u in legacy if u.tier == "xa"} == {"Xã", "Phường", "Thị trấn"}
    assert legacy.get("058").name == "Thành phố Bắc Kạn"  # "Thành Phố" in the source


def test_two_tier_provinces_have_their_prefix(two_tier):
    assert two_tier.get("04").name == "Tỉnh Cao Bằng"
    assert two_tier.get("01").name == "Thành phố Hà Nội"
    assert not [u for u in two_tier if "  " in u.name]


def test_a_unit_is_identified_by_scheme_and_code(legacy, two_tier):
    # GSO reused codes in 2025: 02155 was Thị trấn Yến Lạc, it is now Xã Na Rì.
    assert legacy.get("02155").name == "Thị trấn Yến Lạc"
    assert two_tier.get("02155").name == "Xã Na Rì"
    assert two_tier.get("02155").parent_code == "19"
    assert legacy.get("02155") != two_tier.get("02155")


# -- look-up by name and code -------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "na ri", "Huyện Na Rì", "NA RÌ", "huyen na ri", "  Na   Rì ", "H. Na Rì",
    unicodedata.normalize("NFD", "Huyện Na Rì"), "066",
])
def test_find_is_accent_case_and_form_insensitive(legacy, query):
    assert legacy.find(query).code == "066"


@pytest.mark.parametrize("query", ["Văn Vũ", "Xã Văn Vũ", "van vu", "XA VAN VU", "02137", "2137"])
def test_find_with_or_without_prefix(legacy, query):
    assert legacy.find(query).code == "02137"


def test_d_folds_to_d(legacy):
    assert legacy.find("dong xa", parent="Na Rì").name == "Xã Đổng Xá"
    assert legacy.find("ÐỔNG XÁ", parent="066").code == "02194"  # Ð (eth) typed for Đ


def test_exact_diacritics_win(legacy):
    assert legacy.find("Thị trấn Yến Lạc").code == "02155"
    assert legacy.find("Thị trấn Yên Lạc").code == "09025"
    assert legacy.find("Yến Lạc").code == "02155"
    # Partly accented: only the names that carry every accent typed remain.
    assert legacy.find("Thị trấn Yến Lac").code == "02155"


def test_unaccented_namesakes_are_ambiguous(legacy):
    with pytest.raises(AmbiguousUnit) as err:
        legacy.find("Thi tran Yen Lac")
    assert err.value.message() == (
        "Tên 'Thi tran Yen Lac' trùng với nhiều đơn vị: "
        "Thị trấn Yến Lạc (02155, Huyện Na Rì, Tỉnh Bắc Kạn); "
        "Thị trấn Yên Lạc (09025, Huyện Yên Lạc, Tỉnh Vĩnh Phúc). "
        "Ghi rõ hơn (ví dụ 'Thị trấn Yến Lạc'), dùng mã đơn vị, hoặc thêm --parent.")
    assert err.value.exit_code == ExitCode.USAGE


def test_ambiguity_lists_every_candidate(legacy):
    with pytest.raises(AmbiguousUnit) as err:
        legacy.find("Yên Lạc")
    message = err.value.message()
    for label in ("Xã Yên Lạc (01732, Huyện Nguyên Bình, Tỉnh Cao Bằng)",
                  "Xã Yên Lạc (05623, Huyện Phú Lương, Tỉnh Thái Nguyên)",
                  "Huyện Yên Lạc (251, Tỉnh Vĩnh Phúc)",
                  "Thị trấn Yên Lạc (09025, Huyện Yên Lạc, Tỉnh Vĩnh Phúc)",
                  "Xã Yên Lạc (16267, Huyện Như Thanh, Tỉnh Thanh Hóa)"):
        assert label in message
    assert "Yến" not in message  # the exact spelling excluded Thị trấn Yến Lạc
    assert err.value.message("en").startswith("'Yên Lạc' matches several units: Xã Yên Lạc (01732")


@pytest.mark.parametrize("query, code", [
    ("Liêm Thủy", "02197"), ("Liêm Thuỷ", "02197"), ("LIÊM THỦY", "02197"),
    ("Trâu Qùy", "00565"), ("Trâu Quỳ", "00565"),
    (unicodedata.normalize("NFD", "Liêm Thủy"), "02197"),
])
def test_tone_placement_old_and_new_are_one_name(legacy, query, code):
    assert legacy.find(query).code == code


def test_tone_placement_with_parent(legacy):
    # The data itself mixes both styles: "Xã Đông Hòa" in Thanh Hóa, "Xã Đông Hoà" in Đồng Nai.
    assert legacy.find("Xã Đông Hoà", parent="38").code == "16390"
    assert legacy.find("Xã Đông Hòa", parent="Đồng Nai").code == "26266"


def test_parent_narrows_at_any_depth(legacy):
    assert legacy.find("yen lac", parent="Na Rì").code == "02155"
    assert legacy.find("Văn Vũ", parent="Tỉnh Bắc Kạn").code == "02137"
    assert legacy.find("Văn Vũ", parent=legacy.get("06")).code == "02137"
    assert legacy.find("Yên Lạc", parent="Vĩnh Phúc", tier="xa").code == "09025"
    # As a parent, "Vĩnh Phúc" is the province, not Phường/Xã Vĩnh Phúc (which have no units).
    assert legacy.find("Vĩnh Phúc", as_parent=True).code == "26"


def test_tier_filter(legacy):
    assert legacy.find("Yên Lạc", tier="huyen").code == "251"
    assert legacy.find("Bắc Kạn", tier="tinh").code == "06"
    with pytest.raises(TierMismatch) as err:
        legacy.find("Na Rì", tier="xa")
    assert err.value.message() == ("Huyện Na Rì (066, Tỉnh Bắc Kạn) là đơn vị cấp huyện, không "
                                   "phải cấp xã. Bỏ --tier hoặc chọn đúng đơn vị.")


def test_not_found_suggests_close_names(legacy):
    with pytest.raises(UnitNotFound) as err:
        legacy.find("Van Vux", parent="Na Rì")
    assert err.value.message() == ("Không tìm thấy đơn vị 'Van Vux' trong Huyện Na Rì. "
                                   "Có phải: Xã Văn Vũ (02137, Huyện Na Rì, Tỉnh Bắc Kạn)?")
    assert err.value.message("en") == (
        "No unit 'Van Vux' in Huyện Na Rì. "
        "Did you mean: Xã Văn Vũ (02137, Huyện Na Rì, Tỉnh Bắc Kạn)?")
    assert err.value.exit_code == ExitCode.USAGE


def test_not_found_under_the_wrong_parent_points_to_the_unit(legacy):
    with pytest.raises(UnitNotFound) as err:
        legacy.find("Văn Vũ", parent="Ngân Sơn")
    assert err.value.message() == ("Không tìm thấy đơn vị 'Văn Vũ' trong Huyện Ngân Sơn. "
                                   "Có phải: Xã Văn Vũ (02137, Huyện Na Rì, Tỉnh Bắc Kạn)?")


def test_get_is_exact_and_suggests_the_padded_code(legacy):
    assert legacy.get("02137").name == "Xã Văn Vũ"
    with pytest.raises(UnitNotFound) as err:
        legacy.get("2137")
    assert err.value.message() == ("Không tìm thấy đơn vị '2137'. "
                                   "Có phải: Xã Văn Vũ (02137, Huyện Na Rì, Tỉnh Bắc Kạn)?")


def test_districts_are_gone_in_two_tier(two_tier):
    with pytest.raises(UnitNotFound) as err:
        two_tier.find("Huyện Na Rì")
    assert err.value.message() == (
        "Không tìm thấy đơn vị 'Huyện Na Rì'. Từ 1/7/2025 không còn cấp huyện và thị trấn "
        "(hệ thống two-tier-2025). Có phải: Xã Na Rì (02155, Tỉnh Thái Nguyên)?")
    assert two_tier.find("na ri").code == "02155"


def test_unknown_name_without_anything_close(two_tier):
    with pytest.raises(UnitNotFound) as err:
        two_tier.find("Qwzx", parent="Thái Nguyên")
    assert err.value.message() == (
        "Không tìm thấy đơn vị 'Qwzx' trong Tỉnh Thái Nguyên. Xem danh sách đơn vị bằng lệnh: "
        "kh-excel units --scheme two-tier-2025 --parent 19")


def test_find_is_fast_enough_to_call_per_row(legacy):
    # Not a timing assertion (timings live in the benchmark): a name hit must be a dict look-up.
    key = fold_key("Xã Văn Vũ")
    assert [u.code for u in legacy._index[key]] == ["02137"]


# -- text normalisation -------------------------------------------------------------------------

def test_textnorm_keys():
    assert fold_key("Huyện Na Rì") == "huyen na ri"
    nfd = unicodedata.normalize("NFD", "xã đổng xá")
    assert fold_key("Xã Đổng Xá") == fold_key(nfd) == "xa dong xa"
    assert canonical_key("Thủy") == canonical_key("Thuỷ") != canonical_key("Thụy")
    assert canonical_key("Hòa") == canonical_key("Hoà")
    assert canonical_key("Qùy") == canonical_key("Quỳ")
    assert canonical_key("Yến") != canonical_key("Yên")
    assert fold_key("Xã K' Dang") == fold_key("Xã K’Dang") == "xa kdang"
    assert compatible("Yến Lac", "Yến Lạc") and not compatible("Yến Lac", "Yên Lạc")


@pytest.mark.parametrize("name, slug", [
    ("Văn Vũ", "van-vu"), ("Xã Đổng Xá", "xa-dong-xa"),
    ("Hội Khuyến học Công an huyện", "hoi-khuyen-hoc-cong-an-huyen"),
    ("Phường Văn Miếu - Quốc Tử Giám", "phuong-van-mieu-quoc-tu-giam"),
    ("=1+1", "1-1"), ("???", "don-vi"),
])
def test_ascii_slug(name, slug):
    assert ascii_slug(name) == slug


def test_unit_slug(legacy):
    assert legacy.get("02137").slug == "van-vu"


# -- extra units --------------------------------------------------------------------------------

CSV_VI = ("Mã,Tên,Cấp,Trực thuộc\n"
          "HKH-CA-066,Hội Khuyến học Công an huyện,xã,Na Rì\n"
          "BKH-066-YT,\"=HYPERLINK(\"\"http://x\"\")\",,066\n"
          "HKH-CA-06,Hội Khuyến học Công an tỉnh,Cấp huyện,Tỉnh Bắc Kạn\n")


def test_extra_units_from_csv(tmp_path):
    path = tmp_path / "bo_sung.csv"
    path.write_text(CSV_VI, encoding="utf-8-sig")  # "CSV UTF-8" from Excel has a BOM
    registry = load_registry(LEGACY, path)
    police = registry.get("HKH-CA-066")
    assert (police.name, police.tier, police.parent_code, police.extra, police.division) == (
        "Hội Khuyến học Công an huyện", "xa", "066", True, "")
    formula = registry.get("BKH-066-YT")
    assert formula.name == '=HYPERLINK("http://x")'  # user text stays text, never evaluated
    assert registry.get("HKH-CA-06").tier == "huyen"
    children = registry.children("066")
    assert len(children) == 19 and [u.code for u in children[-2:]] == ["BKH-066-YT", "HKH-CA-066"]
    assert registry.find("hoi khuyen hoc cong an huyen").code == "HKH-CA-066"
    assert registry.province_of(police).code == "06"
    assert len(registry) == len(load_registry(LEGACY)) + 3
    assert len(load_registry(LEGACY).children("066")) == 17  # the cached base is untouched


def test_extra_units_from_xlsx_with_english_headers(tmp_path):
    path = tmp_path / "extra.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Code", "Name", "Tier", "Parent"])
    ws.append(["CA19", "Hội Khuyến học Công an tỉnh", "", "Thái Nguyên"])
    ws.append(["BAN-1", "=SUM(A1:A3)", "xa", "19"])
    ws["B3"].data_type = "s"  # a text cell that starts with "=", as a user can type with a '
    wb.save(path)
    registry = load_registry(TWO_TIER, path)
    assert registry.get("CA19").parent_code == "19"
    assert registry.get("BAN-1").name == "=SUM(A1:A3)"
    assert registry.children("19")[-2:] == [registry.get("BAN-1"), registry.get("CA19")]


def _cp1258(text: str) -> bytes:
    """Encode as Windows does: precomposed vowels, tone marks as combining characters."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if ch in tones or not unicodedata.combining(ch):
            out.append(ch)
        else:  # circumflex, breve, horn: recompose with the letter before
            out[-1] = unicodedata.normalize("NFC", out[-1] + ch)
    return "".join(out).encode("cp1258")


def test_extra_units_csv_in_cp1258_with_semicolons(tmp_path):
    path = tmp_path / "ansi.csv"
    path.write_bytes(_cp1258("ma;ten;truc_thuoc\nX1;Ban Khuyến học Đồn Biên phòng;Na Rì\n"))
    unit = load_registry(LEGACY, path).get("X1")
    assert unit.name == "Ban Khuyến học Đồn Biên phòng"
    assert unicodedata.is_normalized("NFC", unit.name)


def test_bad_extra_file_lists_every_bad_row(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("ma,ten,cap,truc_thuoc\n"
                    "02137,Trùng mã,xa,Na Rì\n"
                    "OK1,Đúng,xa,Na Rì\n"
                    "OK1,Trùng dòng,xa,Na Rì\n"
                    "có dấu,,tinh,Na Rì\n"
                    "X2,Không rõ cấp trên,xa,Qwzx\n", encoding="utf-8")
    with pytest.raises(BadDataFile) as err:
        load_registry(LEGACY, path)
    assert err.value.exit_code == ExitCode.BAD_INPUT
    assert err.value.message() == (
        f"Tệp {path} không dùng được: 4 dòng có lỗi: "
        "dòng 2: mã '02137' trùng với Xã Văn Vũ (02137, Huyện Na Rì, Tỉnh Bắc Kạn); "
        "dòng 4: mã 'OK1' trùng với dòng 3; "
        "dòng 5: mã 'có dấu' không hợp lệ (cần 1–40 chữ không dấu, số, '-', '_', '.'), "
        "chưa ghi tên (cột ten), đơn vị cấp tỉnh không thể trực thuộc Huyện Na Rì; "
        "dòng 6: đơn vị trực thuộc: Không tìm thấy đơn vị 'Qwzx'. "
        "Xem danh sách đơn vị bằng lệnh: kh-excel units --scheme legacy-3tier")


def test_bad_extra_file_ambiguous_parent(tmp_path):
    path = tmp_path / "amb.csv"
    path.write_text("code,name,parent\nA1,Ban A,Chợ Mới\n", encoding="utf-8")
    with pytest.raises(BadDataFile) as err:
        load_registry(LEGACY, path)
    assert ("dòng 2: đơn vị trực thuộc: Tên 'Chợ Mới' trùng với nhiều đơn vị: Huyện Chợ Mới "
            "(065, Tỉnh Bắc Kạn); Huyện Chợ Mới (893, Tỉnh An Giang).") in err.value.message()


@pytest.mark.parametrize("name, content, detail", [
    ("cols.csv", "ma,ten\nA,B\n", "dòng tiêu đề (dòng 1) thiếu cột: cần các cột ma, ten, "
                                  "truc_thuoc và (nếu cần) cap; hoặc code, name, parent, tier."),
    ("empty.csv", "\n\n", "tệp trống."),
    ("header_only.csv", "ma,ten,truc_thuoc\n", "không có đơn vị nào dưới dòng tiêu đề."),
    ("units.txt", "ma,ten,truc_thuoc\n", "chỉ nhận tệp .csv, .xlsx, .xlsm hoặc .xls."),
    ("broken.xlsx", "not a zip", "không phải tệp Excel hợp lệ (tệp hỏng hoặc sai đuôi)."),
    ("district.csv", "ma,ten,cap,truc_thuoc\nA,B,huyen,Thái Nguyên\n",
     "1 dòng có lỗi: dòng 2: cấp 'huyen' không hợp lệ trong two-tier-2025: ghi tinh hoặc xa"),
])
def test_bad_extra_files(tmp_path, name, content, detail):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BadDataFile) as err:
        load_registry(TWO_TIER, path)
    assert err.value.message() == f"Tệp {path} không dùng được: {detail}"


def test_missing_extra_file():
    with pytest.raises(BadDataFile) as err:
        load_registry(LEGACY, "khong_co.csv")
    assert err.value.message() == ("Tệp khong_co.csv không dùng được: không tìm thấy tệp này. "
                                   "Kiểm tra đường dẫn.")


def test_registry_is_cached_and_an_edited_file_is_read_again(tmp_path):
    assert load_registry(LEGACY) is load_registry(LEGACY)
    path = tmp_path / "e.csv"
    path.write_text("ma,ten,truc_thuoc\nA1,Ban A,Na Rì\n", encoding="utf-8")
    first = load_registry(LEGACY, path)
    assert load_registry(LEGACY, str(path)) is first
    path.write_text("ma,ten,truc_thuoc\nA1,Ban A mới,Na Rì\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different mtime even on coarse file-system clocks
    assert load_registry(LEGACY, path).get("A1").name == "Ban A mới"


# -- the legacy data file and the script that builds it ----------------------------------------

def test_legacy_file_records_its_source():
    head = (ROOT / "kh_excel/data/units_legacy-3tier.csv").read_text("utf-8").splitlines()[:4]
    assert head[1].startswith("# source: vietnam-provinces 0.6.0, "
                              "vietnam_provinces/data/nested-divisions.json, sha256 ")
    assert head[3] == "code,parent_code,name"


def _build_script():
    spec = importlib.util.spec_from_file_location("build_legacy_units",
                                                  ROOT / "scripts/build_legacy_units.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_script_derives_divisions_and_is_deterministic():
    script = _build_script()
    data = [{"code": 6, "name": "Tỉnh  Bắc Kạn", "districts": [
        {"code": 66, "name": "Huyện Na Rì", "wards": [
            {"code": 2155, "name": "Thị trấn Yến Lạc"}, {"code": 2137, "name": "Xã Văn Vũ"}]},
        {"code": 58, "name": "Thành Phố Bắc Kạn", "wards": [{"code": 1843, "name": "Phường X"}]},
    ]}]
    rows, problems = script.build_rows(data)
    assert rows == [("06", "", "Tỉnh Bắc Kạn"), ("058", "06", "Thành phố Bắc Kạn"),
                    ("01843", "058", "Phường X"), ("066", "06", "Huyện Na Rì"),
                    ("02137", "066", "Xã Văn Vũ"), ("02155", "066", "Thị trấn Yến Lạc")]
    assert problems == ["counts {'tinh': 1, 'huyen': 2, 'xa': 3} != expected "
                        "{'tinh': 63, 'huyen': 696, 'xa': 10051}"]
    assert script.render(rows, "abc") == script.render(list(rows), "abc")
    assert script.render(rows, "abc").endswith("02155,066,Thị trấn Yến Lạc\n")
    _, bad = script.build_rows([{"code": 1, "name": "Vùng X", "districts": []}])
    assert bad[0] == "tinh 'Vùng X': no prefix among ('Thành phố', 'Tỉnh')"


# -- names with their parents, and namesakes at several tiers (issue 12 §1) ---------------------

@pytest.mark.parametrize("query, code", [
    ("Chợ Mới, Bắc Kạn", "065"), ("Huyện Chợ Mới, An Giang", "893"),
    ("huyen cho moi, bac kan", "065"),
    ("Văn Vũ, Na Rì, Bắc Kạn", "02137"), ("Văn Vũ, Na Rì", "02137"),
    ("Bắc Kạn, Bắc Kạn", "058"),  # the city inside the province
])
def test_a_name_may_carry_its_parents(legacy, query, code):
    assert legacy.find(query).code == code


def test_a_name_with_its_parent_and_a_parent_option(legacy):
    assert legacy.find("Yên Lạc, Yên Lạc", parent="Vĩnh Phúc").code == "09025"
    with pytest.raises(UnitNotFound):
        legacy.find("Chợ Mới, Bắc Kạn", parent="An Giang")


def test_province_and_city_namesakes(legacy):
    # As a parent or with a tier, "Bắc Kạn" is the province; a prefix names either one.
    assert legacy.find("Bắc Kạn", as_parent=True).code == "06"
    assert legacy.find("Bắc Kạn", tier="tinh").code == "06"
    assert legacy.find("Bắc Kạn", tier="huyen").code == "058"
    assert legacy.find("Thành phố Bắc Kạn", as_parent=True).code == "058"
    assert legacy.find("TP Bắc Kạn").code == "058"
    assert legacy.find("Tỉnh Bắc Kạn").code == "06"
    assert legacy.find("Xuất Hóa", parent="Bắc Kạn").code == "01855"
    # Namesakes of one tier stay ambiguous as parents: the two Huyện Chợ Mới.
    with pytest.raises(AmbiguousUnit):
        legacy.find("Chợ Mới", as_parent=True)


def test_ambiguity_hint_fits_the_candidates(legacy):
    with pytest.raises(AmbiguousUnit) as err:
        legacy.find("Chợ Mới")
    message = err.value.message()
    assert message == (
        "Tên 'Chợ Mới' trùng với nhiều đơn vị: Huyện Chợ Mới (065, Tỉnh Bắc Kạn); "
        "Huyện Chợ Mới (893, Tỉnh An Giang); Thị trấn Chợ Mới (30628, Huyện Chợ Mới, "
        "Tỉnh An Giang). Ghi rõ hơn (ví dụ 'Huyện Chợ Mới, Bắc Kạn'), dùng mã đơn vị, hoặc "
        "thêm --parent.")
    assert legacy.find("Huyện Chợ Mới, Bắc Kạn").code == "065"  # the hint works
    with pytest.raises(AmbiguousUnit) as err:
        legacy.find("Bắc Kạn")
    assert "(ví dụ 'Tỉnh Bắc Kạn')" in err.value.message()
    assert "(e.g. 'Tỉnh Bắc Kạn')" in err.value.message("en")


def test_a_name_with_a_comma_of_its_own(tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text('ma,ten,cap,truc_thuoc\nNR-1,"Ban Khuyến học, Công an huyện",xa,066\n',
                    encoding="utf-8")
    registry = load_registry(LEGACY, path)
    assert registry.find("Ban Khuyến học, Công an huyện").code == "NR-1"
    assert registry.find("Văn Vũ, Na Rì").code == "02137"


@pytest.mark.parametrize("scheme", [LEGACY, "two-tier-2025"])
def test_every_ambiguity_hint_resolves_to_the_first_candidate(scheme):
    registry = load_registry(scheme)
    seen = 0
    for name in sorted({u.bare_name for u in registry if u.tier != "tw"}):
        try:
            registry.find(name)
        except AmbiguousUnit as err:
            seen += 1
            first = err.params["matches"].split("; ")[0]    # "Huyện Chợ Mới (065, Tỉnh …)"
            code = first.rsplit(" (", 1)[1].split(",")[0].rstrip(")")
            assert registry.find(err.params["example"]).code == code, (name, err.params["example"])
    assert seen > 100  # namesakes are common: the check is not vacuous
