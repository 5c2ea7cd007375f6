"""The ``motcua`` command.

``motcua run`` and ``motcua demo`` prepare the database and serve the product; every other
word is a Django management command (``motcua load-units`` runs ``load_units``). A broken
configuration or an unreachable database ends with one clear line, not a traceback.
"""

import os
import sys

USAGE = """\
motcua — hệ thống một cửa / one-stop service center platform

  motcua run  [--bind HOST:PORT] [--workers N]   chuẩn bị CSDL và phục vụ / set up and serve
  motcua demo [--bind HOST:PORT] [--workers N]   như run, kèm tỉnh mẫu / run with a demo province
  motcua setup                                   chỉ chuẩn bị / migrate and load reference data
  motcua load-units [--force]                    nạp đơn vị hành chính / load administrative units
  motcua deadline --received … --days N          tính hạn / compute a due moment
  motcua calendar show YEAR                      lịch làm việc / working calendar
  motcua <django command> …                      any manage.py command
"""


def _fail(message: str) -> None:
    print(f"motcua: {message}", file=sys.stderr)
    raise SystemExit(2)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")
    from motcua.config.env import ConfigError

    try:
        import django

        django.setup()
    except ConfigError as error:
        _fail(f"lỗi cấu hình / configuration error: {error}")


def _serve(argv: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="motcua run")
    parser.add_argument("--bind", default=os.environ.get("MOTCUA_BIND", "127.0.0.1:8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2)))
    options = parser.parse_args(argv)
    print(f"motcua: phục vụ tại / serving on http://{options.bind}/", flush=True)
    # exec replaces this process with gunicorn, so signals reach the server directly.
    os.execv(  # noqa: S606 (fixed argv, no shell)
        sys.executable,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "motcua.config.wsgi",
            "--bind",
            options.bind,
            "--workers",
            str(options.workers),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "10",
        ],
    )


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return
    command, rest = argv[0], argv[1:]
    if command == "demo":
        os.environ["MOTCUA_DEMO"] = "1"
    _setup_django()

    from django.core.management import call_command, execute_from_command_line
    from django.db import DatabaseError

    try:
        if command in {"run", "demo"}:
            call_command("setup", demo=command == "demo")
            _serve(rest)
            return
        execute_from_command_line(["motcua", command.replace("-", "_"), *rest])
    except DatabaseError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        _fail(f"lỗi cơ sở dữ liệu / database error: {first_line}")


if __name__ == "__main__":
    main()
