"""The use cases of kh-excel, one function each: what the three front ends call.

The command line (``cli/``), the local web page (``web/``) and the Excel panel (``excel/``) parse
their input, call one function of this module and render what it returns. Each function takes
plain arguments (paths, names, codes, periods as text) and returns the data objects of the
library: :class:`~kh_excel.model.CheckReport`, :class:`~kh_excel.rollups.RollupResult`,
:class:`~kh_excel.report.Report`, lists of :class:`~kh_excel.units.Unit` and paths written.
Errors that stop a use case are :class:`~kh_excel.errors.KhError` subclasses.

``store`` is the path of the history store. In check, rollup, write_rollup and draft_report the
front ends pass :func:`store_location` (``--store``, ``KH_EXCEL_STORE`` or the user's data
folder) or ``None`` for no store: the library records nothing unless asked. status, history,
export, store_verify and store_backup read the store at :func:`store_location` of ``store``.

Heavy modules (openpyxl, python-docx, the process pool) are imported inside the functions that
need them, so that importing this module stays cheap for every front end.
"""
from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ExitCode, NothingToRollUp, UsageError, WrongPeriod
from .periods import Period, scheme_for

if TYPE_CHECKING:  # pragma: no cover - names for the annotations only
    from .annotation import Annotated
    from .catalogue import Catalogue
    from .model import CheckReport
    from .report import Report
    from .rollups import RollupResult
    from .units import Unit

__all__ = ["FormsMade", "annotate", "check", "check_output", "draft_report", "export",
           "find_units", "history", "list_indicators", "make_forms", "rollup", "status",
           "store_backup", "store_location", "store_verify", "unit_label", "write_report",
           "write_rollup", "write_status_workbook"]

PathLike = str | os.PathLike
Progress = Callable[[int, int], None]


# What each kind of output is, and the one suffix it may have (Excel warns about an xlsx file
# named .xls; Word will not open a .doc that is a docx).
OUTPUT_KINDS = {
    "form": (".xlsx", "biểu mẫu Excel", "an Excel form"),
    "rollup": (".xlsx", "tệp tổng hợp Excel", "an Excel roll-up"),
    "report": (".docx", "văn bản Word", "a Word document"),
    "text": (".md", "bản chữ Markdown", "a Markdown text"),
    "trace": (".json", "tệp JSON", "a JSON file"),
}


def check_output(path: PathLike, kind: str, *, force: bool = False) -> Path:
    """Refuse an output whose suffix does not fit its format, or that exists without ``force``.

    ``kind`` is one of :data:`OUTPUT_KINDS` (``form``, ``rollup``, ``report``, ``text``,
    ``trace``); called before any work, so that a wrong name costs nothing."""
    from .outputs import check_writable

    suffix, what, what_en = OUTPUT_KINDS[kind]
    path = Path(path)
    if path.suffix.lower() != suffix:
        given = f"'{path.suffix}'" if path.suffix else "không có đuôi"
        given_en = f"'{path.suffix}'" if path.suffix else "none"
        better = path.with_suffix(suffix).name if path.name not in ("", ".", "..") else suffix
        raise UsageError(
            detail=f"Tệp kết quả {path} là {what} nên phải có đuôi {suffix} (đuôi hiện tại: "
                   f"{given}). Hãy đặt tên như {better}.",
            detail_en=f"The output {path} is {what_en}, so its name must end in {suffix} (it "
                      f"ends in {given_en}). Name it like {better}.")
    return check_writable(path, force)


@dataclass
class FormsMade:
    """The forms written by :func:`make_forms`: for ``unit`` itself, or for its children."""

    unit: Unit
    period: Period
    scheme: str
    paths: list[Path] = field(default_factory=list)
    children: bool = False


def make_forms(*, period: str, unit: str | None = None, parent: str | None = None,
               tier: str | None = None, scheme: str | None = None,
               children_of: str | None = None, output: PathLike | None = None,
               out_dir: PathLike | None = None, extra_units: PathLike | None = None,
               force: bool = False) -> FormsMade:
    """Pre-filled forms: the form of ``unit`` into ``output``, or one form per child unit of
    ``children_of`` into ``out_dir``."""
    from .forms.children import write_children_forms
    from .forms.spec import FormSpec
    from .registry import load_registry

    period_ = Period.parse(period)
    scheme = scheme_for(period_, scheme)
    if children_of:
        if unit or output or tier:
            raise UsageError(detail="--children-of không dùng cùng --unit, --tier hay -o.",
                             detail_en="--children-of cannot be used with --unit, --tier or -o.")
        if out_dir is None:
            raise UsageError(detail="Thiếu --out-dir: thư mục chứa các biểu sẽ tạo.",
                             detail_en="Missing --out-dir: the folder for the forms.")
        registry = load_registry(scheme, extra_units)
        owner = registry.find(children_of, parent=parent, as_parent=True)
        paths = write_children_forms(out_dir, owner, period_, scheme, registry, force=force)
        return FormsMade(owner, period_, scheme, paths, children=True)
    if not unit or output is None:
        raise UsageError(
            detail="Cần --unit và -o (một biểu), hoặc --children-of và --out-dir (nhiều biểu).",
            detail_en="Give --unit and -o (one form), or --children-of and --out-dir (many).")
    check_output(output, "form", force=force)
    registry = load_registry(scheme, extra_units)
    found = registry.find(unit, parent=parent, tier=tier)
    spec = FormSpec(found.tier, scheme, period_, found, registry.parent(found))
    from .forms.writer import write_form  # openpyxl: only for one form
    return FormsMade(found, period_, scheme, [write_form(output, spec, force=force)])


def find_units(query: str | None = None, *, scheme: str, parent: str | None = None,
               extra_units: PathLike | None = None, as_parent: bool = False) -> list[Unit]:
    """The unit named ``query`` (a one-element list), or the units directly under ``parent``
    (the provinces when no parent is given).

    Names may carry their parents ("Chợ Mới, Bắc Kạn"); ``as_parent`` reads ``query`` as a
    parent would be read ("Bắc Kạn" is then the province, not the city)."""
    from .registry import load_registry

    registry = load_registry(scheme, extra_units)
    if query is not None:
        return [registry.find(query, parent=parent, as_parent=as_parent)]
    top = registry.find(parent, as_parent=True) if parent is not None else registry.nation
    return list(registry.children(top))


def unit_label(unit: Unit, *, extra_units: PathLike | None = None) -> str:
    """"Xã Văn Vũ (02137, Huyện Na Rì, Tỉnh Bắc Kạn)": a unit with its code and parents."""
    from .registry import load_registry

    return load_registry(unit.scheme, extra_units).label(unit)


def list_indicators() -> Catalogue:
    """The indicator catalogue (codes, labels, units, how each is rolled up)."""
    from .catalogue import load_catalogue

    return load_catalogue()


def check(paths: Iterable[PathLike], *, rules: PathLike | None = None, lang: str = "vi",
          exclude: Iterable[PathLike] = (), jobs: int | None = None,
          progress: Progress | None = None, store: PathLike | None = None) -> CheckReport:
    """Read and check every form in ``paths`` (files or folders, recursively); with ``store``
    (a path), record them in the history store and say what changed in a resubmitted form."""
    from .checking import check_paths

    report = check_paths(paths, rules=None if rules is None else str(rules), lang=lang,
                         jobs=jobs, progress=progress, exclude=exclude)
    if store is not None and report.files:
        _record_check(report, store, lang)
    return report


def annotate(report: CheckReport, out_dir: PathLike, *, force: bool = False) -> Annotated:
    """Marked-up copies of the checked files that have findings, written into ``out_dir``."""
    from .annotation import annotate_report, plan_copies

    plan_copies(report, out_dir, force)  # every target is checked before the first is written
    return annotate_report(report, out_dir, force=force)


def rollup(paths: Iterable[PathLike], *, unit: str, period: str, scheme: str | None = None,
           own: PathLike | None = None, previous: PathLike | None = None,
           prefer_newest: bool = False, rules: PathLike | None = None,
           extra_units: PathLike | None = None, lang: str = "vi", jobs: int | None = None,
           progress: Progress | None = None, parent: str | None = None,
           store: PathLike | None = None) -> RollupResult:
    """Check the children's forms and the unit's own form in ``paths`` and add them up.

    ``parent`` tells namesakes apart ("Chợ Mới" in ``parent="Bắc Kạn"``). With ``store`` (a
    path), last period comes from the history store when ``previous`` is not given, resubmitted
    forms say what changed, and :func:`write_rollup` records the run."""
    from .rollups import rollup as _rollup

    if parent is not None:
        from .registry import load_registry

        registry = load_registry(scheme_for(Period.parse(period), scheme), extra_units)
        unit = registry.find(unit, parent=parent, as_parent=True)
    paths = list(paths)
    result = _rollup(paths, unit=unit, period=period, scheme=scheme, own=own, previous=previous,
                     prefer_newest=prefer_newest, rules=None if rules is None else str(rules),
                     extra_units=extra_units, lang=lang, jobs=jobs, progress=progress)
    _refuse_an_empty_rollup(result, [*paths, *([own] if own else [])])
    if store is not None:
        _rollup_from_store(result, store, use_previous=previous is None, lang=lang)
    return result


def _refuse_an_empty_rollup(result: RollupResult, paths: list[PathLike]) -> None:
    """Stop when most forms are for another period, or when no form at all could be used."""
    where = ", ".join(str(p) for p in paths)
    subs = [r.submission for r in result.files if r.submission is not None]
    periods = Counter(s.period for s in subs if s.period)
    if periods:
        found, count = periods.most_common(1)[0]
        if found != str(result.period) and count * 2 > len(subs):
            raise WrongPeriod(count=count, files=len(subs), paths=where, found=found,
                              period=result.period)
    if result.received or result.own_path:
        return
    why = ("Không có tệp biểu mẫu nào (.xlsx, .xlsm, .xls)." if not result.files else
           "Xem lỗi của từng tệp bằng lệnh: kh-excel check " + where)
    why_en = ("There are no form files (.xlsx, .xlsm, .xls)." if not result.files else
              "See each file's errors with: kh-excel check " + where)
    up = result.parent
    unit = f"{result.unit.name} ({result.unit.code}" + (
        f", {up.name})" if up is not None and up.tier != "tw" else ")")
    error = NothingToRollUp(unit=unit, period=result.period, paths=where,
                            files=len(subs), why=why, why_en=why_en)
    if result.files and not subs:  # nothing could even be read: unreadable input, exit code 3
        error.exit_code = ExitCode.BAD_INPUT
    raise error


def write_rollup(result: RollupResult, path: PathLike, *, force: bool = False,
                 store: PathLike | None = None, lang: str = "vi") -> Path:
    """Write the roll-up workbook (the next tier's input) atomically; returns its path. With
    ``store``, record the files read and the roll-up made, in one transaction."""
    from .rollups import write_rollup_workbook

    check_output(path, "rollup", force=force)
    written = write_rollup_workbook(result, path, force=force)
    if store is not None:
        _record_rollup(result, written, store, lang)
    return written


def draft_report(source: PathLike, style: str = "bao-cao", *, templates: PathLike | None = None,
                 allow_errors: bool = False, config: PathLike | None = None,
                 period: str | None = None, lang: str = "vi", previous: PathLike | None = None,
                 store: PathLike | None = None, final: bool = False, strict: bool = False,
                 **document: str | None) -> Report:
    """Draft the báo cáo (``bao-cao``) or the news item (``tin-bai``) of a roll-up or a form.

    ``document`` holds the document details (``so``, ``ngay``, ``nguoi_ky``, …) and the event
    of a news item (``su_kien``, ``ngay_to_chuc``, ``dia_diem``, ``thanh_phan``); ``final``
    leaves out the mark "DỰ THẢO"; ``strict`` refuses a draft with prompts for the author.
    ``previous`` is last period's roll-up or form of the unit (comparisons without a roll-up);
    with ``store``, an input without last period's figures (and no ``previous``) gets them
    from the history store."""
    from .report import draft_report as _draft
    from .report.inputs import load_report_input

    inp = load_report_input(source, period=period, lang=lang)
    if store is not None and previous is None and not inp.previous:
        _report_previous_from_store(inp, store, lang)
    return _draft(inp, style, templates=templates, allow_errors=allow_errors, config=config,
                  period=period, lang=lang, final=final, strict=strict, previous=previous,
                  **document)


def write_report(report: Report, docx: PathLike, *, text: PathLike | None = None,
                 trace: PathLike | None = None, force: bool = False) -> list[Path]:
    """Write the drafted report as Word (and Markdown and the trace JSON if asked)."""
    from .report import write_report as _write

    # The Word file's suffix, and outputs named twice, are checked by the report writer.
    given = [Path(p).resolve() for p in (docx, text, trace) if p is not None]
    for path, kind in ((text, "text"), (trace, "trace")):
        if path is not None and len(set(given)) == len(given):
            check_output(path, kind, force=force)
    return _write(report, docx, text=text, trace=trace, force=force)


# --- The history store -------------------------------------------------------------------------

def store_location(path: PathLike | None = None) -> Path:
    """Where the history store is: ``path`` if given, else ``KH_EXCEL_STORE``, else the user's
    data folder (``kh-excel/kh-excel.sqlite``)."""
    from .store import default_path

    return Path(path) if path is not None else default_path()


def _existing_store(store: PathLike | None) -> Path:
    """The store to read; a usage error when there is none yet (a wrong --store, most likely)."""
    path = store_location(store)
    if not path.exists():
        raise UsageError(detail=f"Chưa có kho lịch sử {path}: kho được tạo khi chạy kh-excel "
                                "check hoặc rollup lần đầu. Kiểm tra lại --store hoặc "
                                "KH_EXCEL_STORE.",
                         detail_en=f"No history store at {path} yet: it is made by the first "
                                   "kh-excel check or rollup. Check --store or KH_EXCEL_STORE.")
    return path


def _record_check(report: CheckReport, store: PathLike, lang: str) -> None:
    from .store import open_store
    from .store.outliers import outlier_findings
    from .store.record import known_files, record_files

    with open_store(store) as db, db.transaction() as conn:
        subs = [r.submission for r in report.files if r.submission is not None]
        outliers = outlier_findings(conn, subs, lang, known_files(conn, [s.sha256 for s in subs]))
        for result in report.files:
            if result.submission is not None:
                result.findings.extend(outliers.get(result.submission.sha256, ()))
        recorded = record_files(conn, report.files, lang)
    notes = {sha: p.note for sha, (_id, p) in recorded.items() if p is not None and p.note}
    for result in report.files:
        sub = result.submission
        if sub is not None and sub.sha256 in notes:
            result.findings.append(notes.pop(sub.sha256))


def _rollup_from_store(result: RollupResult, store: PathLike, use_previous: bool,
                       lang: str) -> None:
    """What the store adds to a roll-up before it is written (nothing is written to it here)."""
    from .store import open_store
    from .store.outliers import outlier_findings
    from .store.queries import versions_by_hash
    from .store.record import known_files, plan
    from .store.yoy import attach_stored_previous

    db = open_store(store, create=False)
    if db is None:  # nothing stored yet: no last period, no earlier versions
        return
    from .store.connection import guard
    with db:
        with guard(db.path):
            subs = [r.submission for r in result.files if r.submission is not None]
            known = known_files(db.conn, [s.sha256 for s in subs])
            planned = plan(db.conn, subs, lang, known)
            outliers = outlier_findings(db.conn, subs, lang, known)
            if use_previous:
                attach_stored_previous(result, db.conn, lang)
            versions = versions_by_hash(db.conn, str(result.period))
    for child in result.children:
        if child.sha256 in planned:
            child.version = planned[child.sha256].version
        elif child.sha256 in versions:
            child.version = versions[child.sha256]
    result.findings.extend(p.note for p in planned.values() if p.note)
    result.findings.extend(f for found in outliers.values() for f in found)
    for file in result.files:  # recorded with the file by write_rollup
        if file.submission is not None:
            file.findings.extend(outliers.get(file.submission.sha256, ()))


def _record_rollup(result: RollupResult, written: Path, store: PathLike, lang: str) -> None:
    import hashlib

    from .store import open_store
    from .store.rollups import record_rollup
    from .store.yoy import find_previous

    sha = hashlib.sha256(written.read_bytes()).hexdigest()
    with open_store(store) as db, db.transaction() as conn:
        previous = find_previous(conn, result.unit.code, result.unit.tier, result.scheme,
                                 result.period) if result.previous_source else None
        record_rollup(conn, result, written, sha, previous.id if previous else None, lang)


def _report_previous_from_store(inp, store: PathLike, lang: str) -> None:
    from .store import open_store
    from .store.connection import guard
    from .store.yoy import find_previous

    db = open_store(store, create=False)
    if db is None:
        return
    with db, guard(db.path):
        found = find_previous(db.conn, inp.unit.code, inp.tier, inp.scheme, inp.period)
    if found is not None:
        inp.previous = dict(found.values)
        inp.previous_period = Period.parse(found.period)
        inp.previous_source = found.describe(lang)


def status(*, unit: str, period: str, deadline: str | None = None,
           scheme: str | None = None, extra_units: PathLike | None = None,
           store: PathLike | None = None):
    """The collection overview of ``unit`` for ``period``: who has sent what, from the store."""
    from datetime import date

    from .registry import load_registry
    from .store import open_store
    from .store.connection import guard
    from .store.status import collection_status

    period_ = Period.parse(period)
    scheme = scheme_for(period_, scheme)
    registry = load_registry(scheme, extra_units)
    owner = registry.find(unit, as_parent=True)
    due = None
    if deadline:
        try:
            due = date.fromisoformat(deadline)
        except ValueError:
            raise UsageError(detail=f"Hạn nộp '{deadline}' không hợp lệ: ghi dạng YYYY-MM-DD "
                                    "(ví dụ 2024-01-10).",
                             detail_en=f"Invalid deadline '{deadline}': use YYYY-MM-DD.") from None
    children = list(registry.children(owner))
    db = open_store(_existing_store(store), create=False)
    with db, guard(db.path):
        return collection_status(db.conn, owner, children, period_, due)


def write_status_workbook(overview, path: PathLike, *, force: bool = False) -> Path:
    """The overview as an xlsx for the office wall."""
    from .store.wall import write_wall

    return write_wall(overview, path, force=force)


def history(*, unit: str, scheme: str | None = None, indicator: str | None = None,
            parent: str | None = None, extra_units: PathLike | None = None,
            store: PathLike | None = None):
    """Every stored period of a unit: its versions and values (of one indicator if given)."""
    from .store.history import unit_history_view

    return unit_history_view(unit=unit, scheme=scheme, indicator=indicator, parent=parent,
                             extra_units=extra_units, store=_existing_store(store))


def export(*, unit: str, periods: Iterable[str] = (), scheme: str | None = None,
           long: bool = False, labels: bool = False, extra_units: PathLike | None = None,
           store: PathLike | None = None):
    """Every stored value of every child unit of ``unit``, as a pandas DataFrame."""
    from .store.export import export_table

    return export_table(unit=unit, periods=list(periods), scheme=scheme, long=long,
                        labels=labels, extra_units=extra_units, store=_existing_store(store))


def store_verify(store: PathLike | None = None, *, check_files: bool = True):
    """Check the store's database and the files it points to."""
    from .store import open_store
    from .store.maintenance import verify

    with open_store(_existing_store(store), create=False) as db:
        return verify(db, check_files=check_files)


def store_backup(target: PathLike, store: PathLike | None = None) -> Path:
    """A consistent copy of the store (SQLite's backup API) into ``target``."""
    from .store import open_store
    from .store.maintenance import backup

    with open_store(_existing_store(store), create=False) as db:
        return backup(db, Path(target))


# -- for the local web page (kh_excel/web); not exported from the package root ---------------

def suggest_units(text: str, *, period: str, limit: int = 8) -> list[tuple[Unit, str]]:
    """Units that can roll up (the nation, provinces, districts) whose name holds ``text``,
    accents and case ignored, with a label that tells namesakes apart: for a search field."""
    from .registry import TIER_RANK, load_registry
    from .textnorm import fold_key

    registry = load_registry(scheme_for(Period.parse(period)))
    key = fold_key(text)
    if not key:
        return []
    ranked = []
    for unit in registry:
        if unit.tier == "xa":
            continue
        name = fold_key(unit.name)
        bare = fold_key(unit.bare_name)
        if key == unit.code or bare.startswith(key):
            ranked.append((0, unit))
        elif key in name:
            ranked.append((1, unit))
    ranked.sort(key=lambda r: (r[0], -TIER_RANK[r[1].tier], r[1].code))
    return [(u, registry.label(u)) for _rank, u in ranked[:limit]]


@dataclass
class Receipt:
    """The forms received for a roll-up, by child unit: one row per child with its files, the
    unit's own form, and the files that cannot be used (the reason is among their findings)."""

    result: RollupResult
    rows: list[tuple[object, list]] = field(default_factory=list)  # (ChildRow, [FileResult])
    own: list = field(default_factory=list)                          # [FileResult]
    unused: list = field(default_factory=list)                       # [FileResult]
    by_file: dict[str, list] = field(default_factory=dict)           # path → [Finding]

    def findings_of(self, path: str) -> list:
        """Every finding about one file: reading and rules, then the roll-up's (wrong period…)."""
        return self.by_file.get(path, [])


def receive(result: RollupResult) -> Receipt:
    """Sort the files of a roll-up by the child unit they belong to (a commune's form goes to
    its district's row when a province is rolled up from commune forms)."""
    from .registry import load_registry

    registry = load_registry(result.scheme)
    rows = {child.unit.code: (child, []) for child in result.children}
    receipt = Receipt(result)
    for file in result.files:
        receipt.by_file[file.path] = list(file.findings)
    for f in result.findings:  # the roll-up's own findings about a file (wrong period…)
        found = receipt.by_file.get(f.file)
        if found is not None and f not in found:
            found.append(f)
    for file in result.files:
        sub = file.submission
        code = sub.unit_code if sub else None
        left_out = any(f.rule in _LEFT_OUT for f in receipt.by_file[file.path])
        if sub is None or left_out or code not in registry:
            receipt.unused.append(file)
        elif code == result.unit.code:
            receipt.own.append(file)
        else:
            homes = [code, *(a.code for a in registry.ancestors(code))]
            row = next((rows[c] for c in homes if c in rows), None)
            (receipt.unused if row is None else row[1]).append(file)
    receipt.rows = list(rows.values())
    return receipt


# The roll-up's reasons for leaving a readable form out (kh_excel/rollups/collect.py).
_LEFT_OUT = ("sai_ky_bao_cao", "sai_he_thong", "don_vi_khong_ro", "sai_cap_bieu", "ngoai_don_vi")


def rollup_file_name(result: RollupResult) -> str:
    """``2023_066_huyen-na-ri_tong-hop.xlsx``: named like the unit's form, with ``_tong-hop``."""
    from .forms.writer import form_file_name

    return form_file_name(result.period, result.unit).removesuffix(".xlsx") + "_tong-hop.xlsx"
