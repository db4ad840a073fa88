"""The unit registry (đơn vị hành chính) of a scheme: look-up by code or name, and the tree.

``two-tier-2025`` comes from the installed ``vietnam-provinces`` package (its JSON file, read
directly: importing the package costs ~80 ms); ``legacy-3tier`` from the data file built by
``scripts/build_legacy_units.py``. Each scheme has a root unit "VN" (Việt Nam, tier ``tw``) above
its provinces. Users may add their own units (hội, ban khuyến học trực thuộc) from a CSV/XLSX file.
"""
from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from python_calamine import load_workbook

from .errors import AmbiguousUnit, BadDataFile, KhError, TierMismatch, UnitNotFound, UsageError
from .packaged import packaged
from .periods import LEGACY, TWO_TIER, check_scheme
from .textnorm import canonical_key, clean_text, compatible, fold_key
from .tiers import TIER_NAMES, TIER_NAMES_EN
from .units import PREFIXES, Unit

NATION_CODE = "VN"
NATION_NAME = "Việt Nam"
TIER_RANK = {"xa": 0, "huyen": 1, "tinh": 2, "tw": 3}
SCHEME_TIERS = {LEGACY: ("tinh", "huyen", "xa"), TWO_TIER: ("tinh", "xa")}
LEGACY_FILE = "data/units_legacy-3tier.csv"
_TIER_BY_WIDTH = {2: "tinh", 3: "huyen", 5: "xa"}
_DIVISION_2025 = {"tỉnh": "Tỉnh", "thành phố trung ương": "Thành phố", "xã": "Xã",
                  "phường": "Phường", "đặc khu": "Đặc khu"}
# Abbreviations people write in front of names: "TP. Huế", "TT Yến Lạc", "H. Na Rì".
_ABBREVIATION = re.compile(r"^(tp|tx|tt|q|p|h|x)\s*\.\s*|^(tp|tx|tt)\s+", re.IGNORECASE)
_EXPANSION = {"tp": "Thành phố", "tx": "Thị xã", "tt": "Thị trấn", "q": "Quận", "p": "Phường",
              "h": "Huyện", "x": "Xã"}
_FOLDED_PREFIXES = tuple(fold_key(p) + " " for p in PREFIXES)
# Prefixes that no longer exist from 1/7/2025 (districts and towns were abolished).
_GONE_IN_2025 = ("huyen ", "quan ", "thi xa ", "thi tran ")


# One regex call per name: a loop of startswith over the prefixes doubled the load time.
_PREFIX = re.compile("(" + "|".join(PREFIXES) + ") ")


def _division(name: str) -> str:
    m = _PREFIX.match(name)
    return m.group(1) if m else ""


def _load_legacy() -> list[Unit]:
    text = packaged(LEGACY_FILE).read_text("utf-8")
    lines = (line for line in text.splitlines() if not line.startswith("#"))
    reader = csv.reader(lines)
    next(reader)  # header: code,parent_code,name
    return [Unit(LEGACY, code, name, _TIER_BY_WIDTH[len(code)], parent or NATION_CODE,
                 _division(name))
            for code, parent, name in reader]


def _load_two_tier() -> list[Unit]:
    # find_spec locates the package without running its __init__ (which imports the big tables).
    spec = importlib.util.find_spec("vietnam_provinces")
    places = list(spec.submodule_search_locations or ()) if spec else []
    path = Path(places[0] if places else "vietnam_provinces") / "data" / "nested-divisions.json"
    data = json.loads(path.read_bytes()) if path.is_file() else None
    if not data or "wards" not in data[0]:
        raise BadDataFile(path=path, detail="cần cài gói vietnam-provinces bản >= 2025.8.1.",
                          detail_en="vietnam-provinces >= 2025.8.1 must be installed.")
    units = []
    for province in sorted(data, key=lambda p: p["code"]):
        division = _DIVISION_2025[province["division_type"]]
        name = clean_text(province["name"])
        # The package writes "Thành phố Hà Nội" but plain "Cao Bằng": give every name its prefix.
        if not name.startswith(division + " "):
            name = f"{division} {name}"
        p_code = f"{province['code']:02d}"
        units.append(Unit(TWO_TIER, p_code, name, "tinh", NATION_CODE, division))
        for ward in sorted(province["wards"], key=lambda w: w["code"]):
            units.append(Unit(TWO_TIER, f"{ward['code']:05d}", clean_text(ward["name"]), "xa",
                              p_code, _DIVISION_2025[ward["division_type"]]))
    return units


class Registry:
    """Every unit of one scheme, nation root first, then the GSO tree in code order, then extras.

    ``len()`` and iteration include the nation root ("VN") and any extra units.
    """

    _explaining = False  # True while an ambiguity's example spelling is being tried

    def __init__(self, scheme: str, units: Iterable[Unit]) -> None:
        self.scheme = scheme
        self._units: list[Unit] = []
        self._by_code: dict[str, Unit] = {}
        self._children: dict[str, list[Unit]] = {}
        self._index: dict[str, list[Unit]] = {}   # folded full name and folded bare name
        self._bare_key: dict[str, str] = {}       # code -> folded bare name, for suggestions
        self._add(units)

    def _add(self, units: Iterable[Unit]) -> None:
        touched = set()
        for unit in units:
            self._units.append(unit)
            self._by_code[unit.code] = unit
            if unit.parent_code is not None:
                self._children.setdefault(unit.parent_code, []).append(unit)
                touched.add(unit.parent_code)
            full = fold_key(unit.name)
            bare = full
            prefix = unit.division if not unit.extra else _division(unit.name)
            if prefix and unit.name.startswith(prefix + " "):
                n_words = prefix.count(" ") + 1  # folding keeps the words of a prefix apart
                bare = full.split(" ", n_words)[n_words]
            self._bare_key[unit.code] = bare
            self._index.setdefault(full, []).append(unit)
            if bare != full:
                self._index.setdefault(bare, []).append(unit)
        for code in touched:
            self._children[code].sort(key=lambda u: (u.extra, u.code))

    def _extended(self, extras: list[Unit]) -> Registry:
        """A copy with extra units added; the base registry stays as it was (it is cached)."""
        new = Registry.__new__(Registry)
        new.scheme = self.scheme
        new._units = list(self._units)
        new._by_code = dict(self._by_code)
        new._bare_key = dict(self._bare_key)
        new._children = {k: list(v) for k, v in self._children.items()}
        new._index = {k: list(v) for k, v in self._index.items()}
        new._add(extras)
        return new

    # -- the tree ---------------------------------------------------------------------------

    @property
    def nation(self) -> Unit:
        """The root unit "VN" (Việt Nam), parent of every province."""
        return self._by_code[NATION_CODE]

    def __iter__(self) -> Iterator[Unit]:
        return iter(self._units)

    def __len__(self) -> int:
        return len(self._units)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> Unit:
        """The unit with exactly this code; :class:`UnitNotFound` otherwise."""
        unit = self._by_code.get(str(code).strip())
        if unit is None:
            raise self._not_found(str(code).strip(), None, None)
        return unit

    def _unit(self, unit: Unit | str) -> Unit:
        if isinstance(unit, Unit):
            if unit.scheme != self.scheme or unit.code not in self._by_code:
                raise ValueError(f"{unit.name} ({unit.scheme}, {unit.code}) is not in the registry")
            return self._by_code[unit.code]
        return self.get(unit)

    def children(self, unit: Unit | str) -> list[Unit]:
        """Direct children ordered by code, extra units after the GSO ones."""
        return list(self._children.get(self._unit(unit).code, ()))

    def descendants(self, unit: Unit | str, tier: str | None = None) -> list[Unit]:
        """Every unit below ``unit`` (of ``tier`` if given), depth first in children order."""
        out: list[Unit] = []
        stack = list(reversed(self._children.get(self._unit(unit).code, ())))
        while stack:
            node = stack.pop()
            if tier is None or node.tier == tier:
                out.append(node)
            stack.extend(reversed(self._children.get(node.code, ())))
        return out

    def parent(self, unit: Unit | str) -> Unit | None:
        """The parent unit; None for the nation root."""
        code = self._unit(unit).parent_code
        return None if code is None else self._by_code[code]

    def ancestors(self, unit: Unit | str) -> list[Unit]:
        """Parent, grandparent, … up to the nation root (nearest first)."""
        out = []
        node = self.parent(unit)
        while node is not None:
            out.append(node)
            node = self._by_code.get(node.parent_code) if node.parent_code else None
        return out

    def province_of(self, unit: Unit | str) -> Unit | None:
        """The province (tỉnh/thành phố) the unit belongs to, itself for a province."""
        unit = self._unit(unit)
        for node in (unit, *self.ancestors(unit)):
            if node.tier == "tinh" and not node.extra:
                return node
        return None

    def label(self, unit: Unit) -> str:
        """"Xã Văn Vũ (02137, Huyện Na Rì, Tỉnh Bắc Kạn)": enough to tell namesakes apart."""
        chain = [a.name for a in self.ancestors(unit) if a.tier != "tw"]
        return f"{unit.name} ({', '.join([unit.code, *chain])})"

    def _within(self, unit: Unit, scope: Unit | None) -> bool:
        if scope is None:
            return True
        code = unit.parent_code
        while code is not None:
            if code == scope.code:
                return True
            code = self._by_code[code].parent_code
        return False

    # -- look-up ----------------------------------------------------------------------------

    def find(self, query: str, parent: str | Unit | None = None, tier: str | None = None, *,
             as_parent: bool = False) -> Unit:
        """The one unit matching a code or a name (any accents/case, with or without prefix).

        ``parent`` (a unit, code or name at any depth above) narrows the search; ``tier`` filters;
        ``as_parent`` prefers, among namesakes, units that have units under them (how a
        ``--parent`` value is read: "Vĩnh Phúc" is the province, not Phường Vĩnh Phúc).
        Raises :class:`UnitNotFound`, :class:`AmbiguousUnit` or :class:`TierMismatch`.
        """
        text = clean_text(str(query))
        if not text:
            raise UsageError(detail="Chưa ghi tên hoặc mã đơn vị.",
                             detail_en="No unit name or code given.")
        if tier is not None and tier not in TIER_RANK:
            raise UsageError(detail=f"Cấp '{tier}' không hợp lệ: dùng xa, huyen hoặc tinh.",
                             detail_en=f"Invalid tier '{tier}': use xa, huyen or tinh.")
        scope = None if parent is None else self._unit(parent) if isinstance(parent, Unit) \
            else self.find(parent, as_parent=True)
        name, _, above = text.partition(",")
        if name.strip() and above.strip() and not self._candidates(text, scope, tier, as_parent):
            # "Chợ Mới, Bắc Kạn" (or "Văn Vũ, Na Rì, Bắc Kạn"): the name, then its parents;
            # a name that itself holds a comma (a user's extra unit) is found as it is.
            return self.find(name, parent=self.find(above, parent=scope, as_parent=True),
                             tier=tier, as_parent=as_parent)
        found = self._candidates(text, scope, tier, as_parent)
        if not found and tier is not None:
            any_tier = self._candidates(text, scope, None, as_parent)
            if len(any_tier) == 1:
                unit = any_tier[0]
                raise TierMismatch(unit=self.label(unit), actual=TIER_NAMES[unit.tier],
                                   wanted=TIER_NAMES[tier], actual_en=TIER_NAMES_EN[unit.tier],
                                   wanted_en=TIER_NAMES_EN[tier])
        if len(found) == 1:
            return found[0]
        where, where_en = self._where(scope, tier)
        if found:
            raise AmbiguousUnit(query=text, where=where, where_en=where_en,
                                matches="; ".join(self.label(u) for u in found),
                                example="" if self._explaining else self._example(found))
        raise self._not_found(text, scope, tier)

    def _candidates(self, text: str, scope: Unit | None, tier: str | None,
                    as_parent: bool = False) -> list[Unit]:
        """The best-ranked matches: exact code, zero-padded code, then names by closeness."""
        def ok(u: Unit) -> bool:
            return (tier is None or u.tier == tier) and self._within(u, scope)

        if text in self._by_code:
            unit = self._by_code[text]
            return [unit] if ok(unit) else []
        if text.isdigit():
            # Excel drops leading zeros: "2137" is "02137" (or "002137"…), if that is a unit.
            padded = [self._by_code[c] for c in dict.fromkeys(text.zfill(w) for w in (2, 3, 5))
                      if c in self._by_code and ok(self._by_code[c])]
            if padded:
                return padded
        hits = [u for u in self._index.get(fold_key(text), ()) if ok(u)]
        if not hits:
            m = _ABBREVIATION.match(text)
            if m:
                expanded = _EXPANSION[(m.group(1) or m.group(2)).lower()] + " " + text[m.end():]
                hits = [u for u in self._index.get(fold_key(expanded), ()) if ok(u)]
                text = expanded
        if as_parent and len(hits) > 1:
            # A parent has units under it; of namesakes at several tiers ("Bắc Kạn": the
            # province and its city), the highest ("Thành phố Bắc Kạn" names the city).
            hits = [u for u in hits if u.code in self._children] or hits
            top = max(TIER_RANK[u.tier] for u in hits)
            hits = [u for u in hits if TIER_RANK[u.tier] == top]
        if len(hits) <= 1:
            return hits
        # Several names fold alike: an exact spelling wins, then names that have every accent typed.
        key = canonical_key(text)
        exact = [u for u in hits if key in (canonical_key(u.name), canonical_key(u.bare_name))]
        if exact:
            return exact
        fitting = [u for u in hits if compatible(text, u.name) or compatible(text, u.bare_name)]
        return fitting or hits

    def _example(self, units: list[Unit]) -> str:
        """A spelling that picks the first namesake: its full name if that differs from the
        others' ("Tỉnh Bắc Kạn"), else with as many parents as it takes ("Huyện Chợ Mới, Bắc
        Kạn")."""
        unit = units[0]
        above = [a.bare_name for a in self.ancestors(unit) if a.tier != "tw"]
        self._explaining = True  # the trials below raise without looking for examples
        try:
            for depth in range(len(above) + 1):  # as few parents as it takes
                text = ", ".join([unit.name, *above[:depth]])
                try:
                    if self.find(text) == unit:
                        return text
                except KhError:
                    pass
        finally:
            self._explaining = False
        return unit.code

    def _where(self, scope: Unit | None, tier: str | None) -> tuple[str, str]:
        where = where_en = ""
        if tier is not None:
            where, where_en = f" {TIER_NAMES[tier]}", f" at {TIER_NAMES_EN[tier]} level"
        if scope is not None and scope.tier != "tw":
            where, where_en = f"{where} trong {scope.name}", f"{where_en} in {scope.name}"
        return where, where_en

    def _not_found(self, text: str, scope: Unit | None, tier: str | None) -> UnitNotFound:
        where, where_en = self._where(scope, tier)
        note = note_en = ""
        key = fold_key(text)
        if self.scheme == TWO_TIER and (tier == "huyen" or key.startswith(_GONE_IN_2025)):
            note = " Từ 1/7/2025 không còn cấp huyện và thị trấn (hệ thống two-tier-2025)."
            note_en = " Districts and towns were abolished on 1/7/2025 (scheme two-tier-2025)."
        # Matches outside the parent or tier asked for (a wrong --parent, a lost leading zero)
        # are the best suggestions; failing those, the names that look alike.
        units = self._candidates(text, None, None) or self._suggestions(key, scope, tier)
        if units:
            listed = "; ".join(self.label(u) for u in units)
            return UnitNotFound(query=text, where=where, where_en=where_en,
                                suggest=f"{note} Có phải: {listed}?",
                                suggest_en=f"{note_en} Did you mean: {listed}?")
        command = f"kh-excel units --scheme {self.scheme}"
        if scope is not None and scope.tier != "tw":
            command += f" --parent {scope.code}"
        return UnitNotFound(query=text, where=where, where_en=where_en,
                            suggest=f"{note} Xem danh sách đơn vị bằng lệnh: {command}",
                            suggest_en=f"{note_en} List the units with: {command}")

    def _suggestions(self, key: str, scope: Unit | None, tier: str | None,
                     n: int = 6) -> list[Unit]:
        """Closest names in scope: same name with another prefix first, then difflib matches."""
        bare = key
        for prefix in _FOLDED_PREFIXES:
            if key.startswith(prefix):
                bare = key[len(prefix):]
                break
        pool = self.descendants(scope) if scope is not None else self._units[1:]
        by_key: dict[str, list[Unit]] = {}
        for unit in pool:
            by_key.setdefault(self._bare_key[unit.code], []).append(unit)
        import difflib  # only for a name that was not found
        keys = difflib.get_close_matches(bare, by_key, n=n, cutoff=0.75)
        if bare in by_key and bare not in keys:
            keys.insert(0, bare)
        units = [u for k in keys for u in by_key[k]]
        # Units of the tier asked for come first; the sort is stable, so closeness order remains.
        units.sort(key=lambda u: tier is not None and u.tier != tier)
        return units[:n]


# -- extra units (hội, ban khuyến học trực thuộc) from a user's CSV or XLSX ------------------

_COLUMNS = {"ma": "code", "ma don vi": "code", "code": "code", "ten": "name", "ten don vi": "name",
            "name": "name", "cap": "tier", "tier": "tier", "truc thuoc": "parent",
            "don vi truc thuoc": "parent", "don vi cap tren": "parent", "parent": "parent"}
_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.-]{0,39}")  # codes end up in file names
MAX_EXTRA_BYTES = 5_000_000        # a list of a few hundred units is a few kilobytes
MAX_UNZIPPED_BYTES = 50_000_000    # refuse zip bombs before any parser sees them


def _cell(value: object) -> str:
    # Excel stores a typed 2155 as 2155.0; user text is kept as text, never evaluated.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text("" if value is None else str(value))


def _read_table(path: Path) -> list[list[str]]:
    """The cells of a CSV file or of the first sheet of a workbook, as text, by row."""
    def bad(vi: str, en: str) -> BadDataFile:
        return BadDataFile(path=str(path), detail=vi, detail_en=en)

    if not path.is_file():
        raise bad("không phải một tệp.", "not a file.")
    if path.stat().st_size > MAX_EXTRA_BYTES:
        raise bad("tệp quá lớn cho một danh sách đơn vị (trên 5 MB).",
                  "too large for a list of units (over 5 MB).")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:  # "CSV" saved by Excel on a Vietnamese Windows is cp1258
            text = raw.decode("cp1258", errors="replace")
        first = next((line for line in text.splitlines() if line.strip()), "")
        # Excel writes ";" where the decimal comma is local (Vietnamese settings).
        delimiter = max(",;\t", key=first.count)
        rows = csv.reader(io.StringIO(text), delimiter=delimiter)
        return [[_cell(v) for v in row] for row in rows]
    if suffix not in (".xlsx", ".xlsm", ".xls"):
        raise bad("chỉ nhận tệp .csv, .xlsx, .xlsm hoặc .xls.", "only .csv, .xlsx, .xlsm or .xls.")
    if suffix != ".xls":
        try:
            with zipfile.ZipFile(path) as zf:
                unzipped = sum(info.file_size for info in zf.infolist())
        except (zipfile.BadZipFile, OSError):
            raise bad("không phải tệp Excel hợp lệ (tệp hỏng hoặc sai đuôi).",
                      "not a valid Excel file (damaged or wrong extension).") from None
        if unzipped > MAX_UNZIPPED_BYTES:
            raise bad("nội dung giải nén quá lớn; tệp không được mở.",
                      "its unzipped content is too large; it was not opened.")
    try:
        sheet = load_workbook(str(path)).get_sheet_by_index(0)
        return [[_cell(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
    except Exception as exc:  # calamine raises several unrelated types for a damaged file
        raise bad(f"không đọc được ({exc}).", f"unreadable ({exc}).") from None


def _tier_of(text: str) -> str | None:
    key = fold_key(text).removeprefix("cap ")
    return "xa" if not key else key if key in ("xa", "huyen", "tinh") else None


def _extras(base: Registry, path: Path) -> list[Unit]:
    """Units from an extra-units file, checked against ``base``; every bad row reported at once."""
    table = _read_table(path)
    head = next((i for i, row in enumerate(table) if any(row)), None)
    if head is None:
        raise BadDataFile(path=str(path), detail="tệp trống.", detail_en="the file is empty.")
    columns: dict[str, int] = {}
    for j, title in enumerate(table[head]):
        columns.setdefault(_COLUMNS.get(fold_key(title), ""), j)
    missing = [f for f in ("code", "name", "parent") if f not in columns]
    if missing:
        raise BadDataFile(
            path=str(path),
            detail=f"dòng tiêu đề (dòng {head + 1}) thiếu cột: cần các cột ma, ten, "
                   "truc_thuoc và (nếu cần) cap; hoặc code, name, parent, tier.",
            detail_en=f"the header (row {head + 1}) lacks columns: code, name, parent (and tier).")
    tiers = SCHEME_TIERS[base.scheme]
    units: list[Unit] = []
    problems: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for line, cells in enumerate(table[head + 1:], start=head + 2):
        if not any(cells):
            continue
        # A short row (trailing cells left empty) or an absent "cap" column reads as "".
        code, name, parent, tier_text = (
            cells[columns[f]] if columns.get(f, len(cells)) < len(cells) else ""
            for f in ("code", "name", "parent", "tier"))
        tier = _tier_of(tier_text)
        row: list[tuple[str, str]] = []
        if not _CODE.fullmatch(code):
            row.append((f"mã '{code}' không hợp lệ (cần 1–40 chữ không dấu, số, '-', '_', '.')",
                        f"invalid code '{code}' (1-40 ASCII letters, digits, '-', '_', '.')"))
        elif code in base or code in seen:
            other = base.label(base.get(code)) if code in base else f"dòng {seen[code]}"
            row.append((f"mã '{code}' trùng với {other}", f"code '{code}' repeats {other}"))
        seen.setdefault(code, line)
        if not name:
            row.append(("chưa ghi tên (cột ten)", "no name (column name)"))
        if tier not in tiers:
            row.append((f"cấp '{tier_text}' không hợp lệ trong {base.scheme}: ghi "
                        + " hoặc ".join(tiers), f"invalid tier '{tier_text}' in {base.scheme}"))
        try:
            up = base.find(parent, as_parent=True) if parent else None
        except KhError as exc:
            up = None
            row.append((f"đơn vị trực thuộc: {exc.message('vi')}", f"parent: {exc.message('en')}"))
        if not parent:
            row.append(("chưa ghi đơn vị trực thuộc (cột truc_thuoc)", "no parent (column parent)"))
        elif up is not None and tier in tiers and TIER_RANK[up.tier] <= TIER_RANK[tier]:
            row.append((f"đơn vị {TIER_NAMES[tier]} không thể trực thuộc {up.name}",
                        f"a {TIER_NAMES_EN[tier]} unit cannot be under {up.name}"))
        if row:
            problems.append((f"dòng {line}: " + ", ".join(r[0] for r in row),
                             f"row {line}: " + ", ".join(r[1] for r in row)))
        else:
            units.append(Unit(base.scheme, code, name, tier, up.code, "", extra=True))
    if problems:
        raise BadDataFile(
            path=str(path),
            detail=f"{len(problems)} dòng có lỗi: " + "; ".join(p[0] for p in problems),
            detail_en=f"{len(problems)} bad rows: " + "; ".join(p[1] for p in problems))
    if not units:
        raise BadDataFile(path=str(path), detail="không có đơn vị nào dưới dòng tiêu đề.",
                          detail_en="no units below the header row.")
    return units


@lru_cache(maxsize=16)
def _registry(scheme: str, extra: Path | None = None, stamp: tuple | None = None) -> Registry:
    if extra is None:
        units = _load_legacy() if scheme == LEGACY else _load_two_tier()
        return Registry(scheme, [Unit(scheme, NATION_CODE, NATION_NAME, "tw", None), *units])
    base = _registry(scheme)
    return base._extended(_extras(base, extra))


def load_registry(scheme: str, extra: str | Path | None = None) -> Registry:
    """The registry of a scheme, with the units of an extra-units file if given (cached)."""
    check_scheme(scheme)
    if extra is None:
        return _registry(scheme)
    path = Path(extra)
    try:
        stat = path.stat()
    except OSError:
        raise BadDataFile(path=str(extra), detail="không tìm thấy tệp này. Kiểm tra đường dẫn.",
                          detail_en="no such file. Check the path.") from None
    # The absolute path, size and mtime are part of the key: an edited file is read again. The
    # path as given stays in the key too, for the messages.
    return _registry(scheme, path, (str(path.resolve()), stat.st_mtime_ns, stat.st_size))
