"""``motcua catalog import|export|seed``: the procedure catalogue from and to files.

Bad input ends with one line on stderr and exit code 2, never a traceback (PRODUCT.md,
non-negotiables); ``-v 2`` lists every problem of a rejected file first.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.exchange import CatalogImportError
from motcua.catalog.services import catalog_export, catalog_import_text, catalog_seed

_FORMATS = {".json": "json", ".csv": "csv"}


class Command(BaseCommand):
    help = "Import, export or seed the procedure catalogue (JSON or CSV; see docs/catalog.md)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        imports = actions.add_parser(
            "import", help="import a .json or .csv catalogue file (upsert by procedure code)"
        )
        imports.add_argument("file", help="path to the .json or .csv file")
        exports = actions.add_parser("export", help="write the whole catalogue")
        exports.add_argument("--format", choices=sorted(_FORMATS.values()), default="json")
        exports.add_argument("--output", help="file to write (default: standard output)")
        seed = actions.add_parser("seed", help="import the catalogue shipped with motcua")
        seed.add_argument(
            "--force", action="store_true", help="re-apply even if this version is loaded"
        )

    def handle(self, *args, action: str, **options):
        if action == "import":
            self._import(options["file"], verbosity=options["verbosity"])
        elif action == "export":
            self._export(options["format"], options.get("output"))
        else:
            self._seed(force=options["force"], verbosity=options["verbosity"])

    def _import(self, file: str, *, verbosity: int) -> None:
        path = Path(file)
        format = _FORMATS.get(path.suffix.lower())
        if format is None:
            raise CommandError(
                f"{path}: chỉ nhập được tệp .json hoặc .csv / only .json or .csv files "
                "can be imported",
                returncode=2,
            )
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except OSError as error:
            raise CommandError(
                f"{path}: không đọc được tệp ({error.strerror}) / cannot read the file "
                f"({error.strerror})",
                returncode=2,
            ) from None
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{path}: tệp không phải UTF-8 (byte {error.start}) / the file is not UTF-8 "
                f"(byte {error.start})",
                returncode=2,
            ) from None
        try:
            report = catalog_import_text(text=text, format=format, source=str(path))
        except CatalogImportError as error:
            self._fail(error, verbosity)
        self.stdout.write(report.summary())

    def _export(self, format: str, output: str | None) -> None:
        text = catalog_export(format=format)
        if not output:
            self.stdout.write(text, ending="")
            return
        # Excel opens a CSV as UTF-8 only when it starts with a byte-order mark.
        encoding = "utf-8-sig" if format == "csv" else "utf-8"
        try:
            Path(output).write_text(text, encoding=encoding, newline="")
        except OSError as error:
            raise CommandError(
                f"{output}: không ghi được tệp ({error.strerror}) / cannot write the file "
                f"({error.strerror})",
                returncode=2,
            ) from None
        self.stdout.write(f"{output}: đã ghi danh mục / catalogue written")

    def _seed(self, *, force: bool, verbosity: int) -> None:
        try:
            report = catalog_seed(force=force)
        except CatalogImportError as error:
            self._fail(error, verbosity)
        self.stdout.write(report.summary())

    def _fail(self, error: CatalogImportError, verbosity: int):
        if verbosity >= 2:
            for message in error.messages:
                self.stderr.write(message)
        raise CommandError(str(error), returncode=2) from None
