"""Problems found in an import file, Vietnamese first then English."""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in an import file, located as precisely as it can be."""

    vi: str
    en: str
    row: int | None = None
    line_based: bool = False  # a CSV line rather than the n-th item of a JSON list
    code: str = ""
    field: str = ""

    def __str__(self) -> str:
        where_vi: list[str] = []
        where_en: list[str] = []
        if self.code:
            where_vi.append(f"Thủ tục {self.code}")
            where_en.append(f"Procedure {self.code}")
        if self.row is not None:
            row_vi = f"dòng {self.row}" if self.line_based else f"mục {self.row}"
            row_en = f"line {self.row}" if self.line_based else f"item {self.row}"
            where_vi.append(f"({row_vi})" if self.code else row_vi.capitalize())
            where_en.append(f"({row_en})" if self.code else row_en.capitalize())
        prefix_vi = " ".join(where_vi) or "Tệp danh mục"
        prefix_en = " ".join(where_en) or "Catalogue file"
        if self.field:
            prefix_vi += f", trường {self.field}"
            prefix_en += f", field {self.field}"
        text = f"{prefix_vi}: {self.vi} / {prefix_en}: {self.en}"
        # One line whatever the file held: the command prints exactly one line on stderr.
        return " ".join(text.split())


class CatalogImportError(Exception):
    """The file cannot be imported; nothing was written. ``issues`` lists every problem."""

    def __init__(self, issues: Iterable[Issue]):
        self.issues = list(issues)
        super().__init__(str(self))

    def __str__(self) -> str:
        if not self.issues:
            return "Không nhập được danh mục / The catalogue could not be imported"
        first = str(self.issues[0])
        more = len(self.issues) - 1
        if more:
            first += f" (và {more} lỗi khác / and {more} more)"
        return first

    @property
    def messages(self) -> list[str]:
        return [str(issue) for issue in self.issues]
