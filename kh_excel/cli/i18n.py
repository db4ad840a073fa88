"""The command line in two languages: click's own messages in Vietnamese, help in English.

click words its usage errors and help headings in English through ``gettext``, looked up when a
message is made. We give its modules a ``_``/``ngettext`` that answer from :data:`CLICK_VI` when
the language is Vietnamese (the default), so that "No such option", "Missing argument",
"Usage:", "Try … for help" and the rest read in the user's language. The language is known
before click parses anything (``--lang`` anywhere on the line, else ``KH_EXCEL_LANG``), because
click reports a bad flag before any command runs.

Help in English sits beside the Vietnamese docstring of each command, in ``@english(text,
option=...)`` (a test checks that every command and option has both).
"""
from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence

import click

LANGS = ("vi", "en")
ENV = "KH_EXCEL_LANG"
_current = ["vi"]

# click 8.x message ids → Vietnamese. Messages about how a program declares its options (a
# developer's mistake, never a user's) are left in English.
CLICK_VI = {
    "Aborted!": "Đã dừng.",
    "deprecated": "không còn dùng",
    "Missing command.": "Thiếu tên lệnh.",
    "Options": "Tuỳ chọn",
    "Positional arguments": "Tham số",
    "Commands": "Các lệnh",
    "Value must be an iterable.": "Giá trị phải là một danh sách.",
    "env var: {var}": "biến môi trường: {var}",
    "default: {default}": "mặc định: {default}",
    "required": "bắt buộc",
    "(dynamic)": "(tuỳ lúc chạy)",
    "Missing argument": "Thiếu tham số",
    "Missing option": "Thiếu tuỳ chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing {param_type}": "Thiếu {param_type}",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "unknown error": "lỗi không rõ",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Xem hướng dẫn bằng lệnh: {command} {option}",
    "No such option {name!r}.": "Không có tuỳ chọn {name!r}.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "Invalid start character for option ({option})":
        "Tuỳ chọn phải bắt đầu bằng dấu '-' ({option})",
    "Option {name!r} does not take a value.": "Tuỳ chọn {name!r} không nhận giá trị.",
    "Argument {name!r} takes {nargs} values.": "Tham số {name!r} cần {nargs} giá trị.",
    "file": "tệp",
    "directory": "thư mục",
    "path": "đường dẫn",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} không phải giá trị đúng/sai. Các giá trị được nhận: {states}",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải số hợp lệ ({number_type}).",
    "{value!r} is not a valid UUID.": "{value!r} không phải UUID hợp lệ.",
    "{name} {filename!r} is a file.": "{name} {filename!r} là một tệp, cần một thư mục.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} là một thư mục, cần một tệp.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} không đọc được (không có quyền).",
    "{name} {filename!r} is not writable.": "{name} {filename!r} không ghi được (không có quyền).",
    "{name} {filename!r} is not executable.": "{name} {filename!r} không chạy được.",
    "{name} {filename!r} does not exist.": "Không có {name} {filename!r}. Kiểm tra đường dẫn.",
    "Do you want to continue?": "Tiếp tục?",
    "Confirm the action without prompting.": "Đồng ý mà không hỏi lại.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "Show the version and exit.": "In phiên bản rồi thoát.",
    "Show this message and exit.": "In hướng dẫn này rồi thoát.",
    "Usage:": "Cách dùng:",
    "Press any key to continue...": "Nhấn một phím bất kỳ để tiếp tục...",
    "Repeat for confirmation": "Nhập lại để xác nhận",
    "Error: The two entered values do not match.": "Lỗi: Hai giá trị đã nhập không khớp nhau.",
    "Error: invalid input": "Lỗi: dữ liệu nhập không hợp lệ",
}
# Plural messages: the English singular → (Vietnamese for one, for several).
CLICK_VI_PLURAL = {
    "Got unexpected extra argument ({args})": ("Thừa tham số ({args})",) * 2,
    "Takes {nargs} values but 1 was given.": ("Cần {nargs} giá trị nhưng chỉ có 1.",
                                              "Cần {nargs} giá trị nhưng có {len}."),
    "Did you mean {possibility}?": ("Có phải {possibility}?",
                                    "(Có phải một trong: {possibilities}?)"),
    "Option {name!r} requires an argument.": ("Tuỳ chọn {name!r} cần một giá trị.",
                                              "Tuỳ chọn {name!r} cần {nargs} giá trị."),
    "{value!r} is not {choice}.": ("{value!r} không hợp lệ: chỉ nhận {choice}.",
                                   "{value!r} không hợp lệ: chọn một trong {choices}."),
    "{value!r} does not match the format {format}.": (
        "{value!r} không đúng dạng {format}.", "{value!r} không đúng các dạng {formats}."),
    "{len_type} values are required, but {len_value} was given.": (
        "Cần {len_type} giá trị, nhưng có {len_value}.",) * 2,
}
# Left in English on purpose: they describe a program's own declaration mistakes.
DEVELOPER_MESSAGES = {
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}",
    "Could not determine name for option with declarations {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument "
    "instead? Did you mean to pass '--{name}'?",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Name '{name}' defined twice",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "Choice({choices})", "Unknown color {colour!r}", "Unknown standard stream '{name}'",
}
_ENGLISH = {vi: en for en, vi in CLICK_VI.items()}
CLICK_MODULES = ("core", "exceptions", "parser", "types", "decorators", "formatting", "termui")


def current() -> str:
    """The language of this run: ``vi`` or ``en``."""
    return _current[0]


def set_lang(lang: str) -> None:
    _current[0] = lang if lang in LANGS else "vi"


def lang_from(args: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language asked for on the command line (``--lang en``, ``--lang=en``), else in
    ``KH_EXCEL_LANG``, else Vietnamese. No command but the group has ``--lang``."""
    for n, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and n + 1 < len(args):
            return args[n + 1] if args[n + 1] in LANGS else "vi"
        if arg.startswith("--lang="):
            return arg.partition("=")[2] if arg.partition("=")[2] in LANGS else "vi"
    value = environ.get(ENV, "").strip().lower()
    return value if value in LANGS else "vi"


class _Noun(str):
    """"file", "directory", "path": click names its Path type once, when a command is defined,
    and capitalises the name when it reports an error; the name then follows the language."""

    def title(self) -> str:
        word = CLICK_VI[str(self)] if _current[0] == "vi" else str(self)
        return word[:1].upper() + word[1:]


_NOUNS = ("file", "directory", "path")


def gettext(message: str) -> str:
    if message in _NOUNS:
        return _Noun(message)
    return CLICK_VI.get(message, message) if _current[0] == "vi" else message


def ngettext(singular: str, plural: str, n: int) -> str:
    if _current[0] == "vi" and singular in CLICK_VI_PLURAL:
        one, many = CLICK_VI_PLURAL[singular]
        return one if n == 1 else many
    return singular if n == 1 else plural


def localized(text: str | None) -> str | None:
    """A help text of click's own (the --help option's) in the current language."""
    if text is None:
        return None
    return gettext(text) if _current[0] == "vi" else _ENGLISH.get(text, text)


def install() -> None:
    """Give click's modules our ``_`` and ``ngettext`` (idempotent)."""
    import importlib

    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext


def english(text: str, **options: str) -> Callable[[click.Command], click.Command]:
    """The English help of a command (its docstring's twin) and of its options, by parameter
    name: ``@english("Check filled forms...", rules="A rulebook...")`` above the command."""
    def attach(command: click.Command) -> click.Command:
        command.help_en = inspect.cleandoc(text)  # type: ignore[attr-defined]
        names = {p.name for p in command.params}
        unknown = set(options) - names
        if unknown:
            raise TypeError(f"{command.name}: no parameter {sorted(unknown)}")
        for param in command.params:
            if param.name in options:
                param.help_en = options[param.name]  # type: ignore[attr-defined]
        return command
    return attach


class Bilingual:
    """Help in the run's language: a mixin for click commands and groups."""

    def _swap(self, ctx: click.Context) -> list:
        """Put the English (or click's localized) help texts in place; returns what to restore."""
        saved = [(self, "help", self.help)]
        if _current[0] == "en" and getattr(self, "help_en", None):
            self.help = self.help_en
        for param in self.get_params(ctx):
            saved.append((param, "help", getattr(param, "help", None)))
            en = getattr(param, "help_en", None)
            param.help = en if _current[0] == "en" and en else localized(param.help)
        return saved

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        saved = self._swap(ctx)
        try:
            super().format_help(ctx, formatter)  # type: ignore[misc]
        finally:
            for obj, attr, value in saved:
                setattr(obj, attr, value)

    def get_short_help_str(self, limit: int = 45) -> str:
        if _current[0] == "en" and getattr(self, "help_en", None):
            saved, self.help = self.help, self.help_en
            try:
                return super().get_short_help_str(limit)  # type: ignore[misc]
            finally:
                self.help = saved
        return super().get_short_help_str(limit)  # type: ignore[misc]

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)  # type: ignore[misc]
        if _current[0] == "vi":
            words = {"[OPTIONS]": "[TUỲ_CHỌN]", "COMMAND": "LỆNH", "[ARGS]...": "[THAM_SỐ]..."}
            pieces = [" ".join(words.get(w, w) for w in p.split(" ")) for p in pieces]
        return pieces


class KhCommand(Bilingual, click.Command):
    """A kh-excel command: help in Vietnamese or English."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as exc:
            if exc.option_name.split("=")[0] == "--lang":  # the group's option, put too late
                exc.message = (
                    f"--lang goes before the command: kh-excel --lang en {self.name} …"
                    if _current[0] == "en" else
                    f"--lang đặt ngay sau kh-excel, trước tên lệnh: kh-excel --lang en "
                    f"{self.name} …")
            raise
