"""Command line: ``python -m resetlab build-data | check-data | grade | make-exercises | execute | release | site | site-links | links | environment | lab-settings``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import ResetLabError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m resetlab", description="Reset Lab course tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build-data", help="extract data/statements.csv from the raw sources")
    build.add_argument("--data", help="data folder (default: the repository's data/)")
    build.add_argument("--out", help="where to write (default: statements.csv in the data folder)")
    check = sub.add_parser("check-data", help="validate every data file; exit 1 on the first problem")
    check.add_argument("--data", help="data folder (default: the repository's data/)")
    execute = sub.add_parser("execute", help="(maintainers) run notebooks in a fresh kernel and save them")
    execute.add_argument("notebooks", nargs="+")
    exercises = sub.add_parser("make-exercises", help="(maintainers) make learner copies from the solutions notebooks and run them")
    exercises.add_argument("solutions", help="folder of solutions notebooks (read only)")
    exercises.add_argument("exercises", help="folder to write the exercises notebooks to")
    exercises.add_argument("--no-execute", action="store_true", help="write the copies without running them")
    release = sub.add_parser("release", help="(maintainers) write the learner edition: lessons, exercises, data, package; no answers")
    release.add_argument("dest", nargs="?", default="build/learner-edition",
                         help="a new or empty folder, or a previous edition (default: build/learner-edition)")
    site = sub.add_parser("site", help="(maintainers) build the course website from the learner edition; runs nothing")
    site.add_argument("dest", nargs="?", default="build/site", help="a new or empty folder, or a previous site (default: build/site)")
    site.add_argument("--python", help="the site generator's Python (default: .venv-site/bin/python, made by make site)")
    site_links = sub.add_parser("site-links", help="list the links in the website's prose that leave the site (never fetched)")
    site_links.add_argument("site", nargs="?", default="build/site", help="a built site (default: build/site)")
    links = sub.add_parser("links", help="print the Binder and nbgitpuller links of the learner edition (config/launch.toml)")
    links.add_argument("--hub", default="HUB", help="the hub's host name for the nbgitpuller link, like hub.example.edu")
    for part in ("owner", "repo", "tag", "branch"):
        links.add_argument(f"--{part}", help=f"build the links for another {part} than config/launch.toml's")
    links.add_argument("--write", nargs="+", metavar="FILE", help="rewrite the Binder and nbgitpuller links in these files")
    lab = sub.add_parser("lab-settings", help="(maintainers) write config/lab-overrides.json's shortcuts from the installed JupyterLab")
    lab.add_argument("--check", action="store_true", help="only say whether the file is up to date (exit 1 if not)")
    environment = sub.add_parser("environment", help="(maintainers) write environment.yml from requirements/runtime.txt")
    environment.add_argument("--check", action="store_true", help="only say whether environment.yml is up to date (exit 1 if not)")
    grade = sub.add_parser("grade", help="grade a folder of submitted exercise notebooks into a CSV (exit 2 on a usage error)")
    from .grader import add_arguments

    add_arguments(grade)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; print a plain sentence, never a traceback, on failure."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "build-data":
            from ._paths import data_dir
            from .statements import build_statements, write_statements

            frame = build_statements(args.data)
            out = write_statements(frame, args.out or data_dir(args.data) / "statements.csv")
            print(f"wrote {len(frame)} statements to {out.name}")
        elif args.command == "check-data":
            from .data import check_data

            for line in check_data(args.data):
                print(line)
            print("all data files are valid")
        elif args.command == "execute":
            from ._notebooks import execute_in_place

            for path in args.notebooks:
                execute_in_place(path)
                print(f"executed {path}")
        elif args.command == "make-exercises":
            from ._exercises import make_exercises

            for path in make_exercises(args.solutions, args.exercises, execute=not args.no_execute):
                print(f"wrote {path}")
        elif args.command == "release":
            from ._release import build_edition

            print(build_edition(args.dest).summary())
        elif args.command == "site":
            from .website import build_site

            print(build_site(args.dest, python=args.python).summary())
        elif args.command == "site-links":
            from .website import link_report

            for line in link_report(args.site):
                print(line)
        elif args.command == "links":
            from ._launch import check_hub, describe, load_launch, with_overrides, write_links

            launch = with_overrides(load_launch(), owner=args.owner, repo=args.repo, tag=args.tag, branch=args.branch)
            lines = write_links(args.write, launch) if args.write else describe(launch, check_hub(args.hub))
            for line in lines:
                print(line)
        elif args.command == "environment":
            from ._environment import write_environment

            path = write_environment(check=args.check)
            print(f"{path.name} is up to date" if args.check else f"wrote {path.name} from requirements/runtime.txt")
        elif args.command == "lab-settings":
            from ._lab_settings import write

            path, same = write(Path(__file__).resolve().parents[2] / "config" / "lab-overrides.json", check=args.check)
            if args.check and not same:
                print(f"error: {path.name} does not match this JupyterLab's shortcuts; run 'python -m resetlab lab-settings'.", file=sys.stderr)
                return 1
            print(f"{path.name} is up to date" if same else f"wrote {path.name}: notebook shortcuts leave keys on widgets to the widgets")
        elif args.command == "grade":
            from .grader import run_command

            return run_command(args)
    except ResetLabError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
