"""The learner edition: what learners get, with no answers in it.

``python -m resetlab release DIR`` (``make release``; default DIR
``build/learner-edition``) writes the lessons (``notebooks/``), the learner
copies (``exercises/``), ``data/``, the package (``src/resetlab``, whose
``questions.json`` holds answers only as salted digests), ``config/``, the
runtime pins, the set-up files (``pyproject.toml`` without its test settings,
``environment.yml``, ``postBuild``, the learners' part of the ``Makefile``), the
licences, ``CITATION.cff`` and a README for learners (from
``docs/learner-edition/README.md``, links filled in from ``config/launch.toml``).

Left out: ``solutions/``, ``docs/`` (the instructors' pack: answers, marking
notebook, workshop plan, grading), ``tests/`` (they hold answers in clear),
``bench/``, CI, the test pins and every cell tagged ``instructor-note``.

The folder must be new, empty (a ``.git`` alone is fine: a fresh clone of the
edition's repository) or a previous edition, recognised by its manifest
``.resetlab-edition.json``; a previous edition's files (those its manifest
lists) are replaced and anything else in the folder is kept and named.  It
must not be inside the repository's own tracked folders.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ._paths import REPO_ROOT
from ._version import __version__
from .errors import UsageError

MANIFEST = ".resetlab-edition.json"
DEFAULT_DEST = Path("build") / "learner-edition"
README_TEMPLATE = Path("docs") / "learner-edition" / "README.md"
NOTE_TAG = "instructor-note"
MAINTAINERS_ONLY = "# ---- maintainers only"  # the Makefile's learner part ends at this line
LEARNER_KINDS = {"notebooks": "lesson", "exercises": "exercise"}
#: Files copied as they are, from the repository's top.
TOP_FILES = ("environment.yml", "postBuild", "LICENSE", "LICENSE-content.md", "CITATION.cff",
             "requirements/runtime.txt", "config/lab-overrides.json", "config/launch.toml",
             "notebooks/glossary.md")
#: Folders copied whole (minus caches and hidden files).
TREES = ("data", "src/resetlab")
_SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache"}
_GITIGNORE = """\
# Made on a learner's machine; never part of the course.
.venv/
__pycache__/
*.egg-info/
.ipynb_checkpoints/
"""


@dataclass(frozen=True)
class Edition:
    """What :func:`build_edition` wrote."""

    dest: Path
    files: tuple[str, ...]
    kept: tuple[str, ...]
    seconds: float
    placeholder: str | None = None  # the address its links name, while config/launch.toml says it is one

    def summary(self) -> str:
        count = {name: sum(f.startswith(f"{name}/") for f in self.files) for name in ("notebooks", "exercises", "data")}
        line = (f"wrote the learner edition to {self.dest} in {self.seconds:.2f} s: {len(self.files)} files "
                f"({count['notebooks']} lessons, {count['exercises']} exercises, {count['data']} data files, "
                f"the package and the set-up files), version {__version__}, no solutions, tests or instructor notes")
        if self.kept:
            shown = ", ".join(self.kept[:5]) + (", ..." if len(self.kept) > 5 else "")
            line += f"; kept {len(self.kept)} file(s) it did not write: {shown}"
        if self.placeholder:
            line += (f"; its links name {self.placeholder}, a placeholder until it is published there "
                     "(config/launch.toml, published = false)")
        return line


def build_edition(dest: str | os.PathLike[str] = DEFAULT_DEST, root: str | os.PathLike[str] = REPO_ROOT) -> Edition:
    """Write the learner edition of the repository at *root* into *dest*; return what was written.

    Raises:
        UsageError: for a folder that is not empty and not a previous edition, a folder
            inside the repository's tracked files, or a repository not ready to release
            (a notebook of another version, a stale environment.yml, solution text in a
            learner notebook).
    """
    started = time.perf_counter()
    root = Path(root).resolve()
    dest = Path(dest).expanduser().resolve()
    _check_source(root)
    previous = _check_dest(dest, root)
    files = _plan(root)
    _check_ready(root, files)
    if previous is not None:
        _remove_previous(dest, previous)
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for rel, source in files.items():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, Path):
            if source.suffix == ".ipynb":
                target.write_bytes(_learner_notebook(source))
            else:
                shutil.copyfile(source, target)
                shutil.copymode(source, target)
        else:
            target.write_text(source, encoding="utf-8")
        written.append(rel)
    manifest = {"format": 1, "version": __version__, "note": "Written by python -m resetlab release; "
                "the files below are replaced by the next release into this folder.", "files": sorted(written)}
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    kept = sorted(p for p in _all_files(dest) if p not in set(written) | {MANIFEST})
    from ._launch import load_launch

    launch = load_launch(root / "config" / "launch.toml")
    return Edition(dest, tuple(sorted(written)), tuple(kept), time.perf_counter() - started,
                   None if launch.published else launch.address)


# --------------------------------------------------------------------------- where from, where to


def _check_source(root: Path) -> None:
    missing = [p for p in ("notebooks", "exercises", "data", "src/resetlab", README_TEMPLATE.as_posix(), "Makefile", "pyproject.toml")
               if not (root / p).exists()]
    if missing:
        raise UsageError(f"{root} is not the course's full repository ({missing[0]} is missing); run the release from a clone of the repository.")


def check_output_folder(dest: Path, root: Path, what: str, example: Path, mark: str) -> bool:
    """Refuse *dest* for *what* (the learner edition, the website) unless it is safe to write; say whether it holds *mark*.

    Safe: a folder that does not exist yet, is empty (a ``.git`` alone is fine), or holds *mark*
    (a previous build); outside the repository, or inside it only where git ignores it.
    """
    if dest.exists() and not dest.is_dir():
        raise UsageError(f"{dest} is a file, not a folder; give a folder for {what}, like {example}.")
    if dest == root or root.is_relative_to(dest):
        raise UsageError(f"{dest} holds the repository itself; give a folder of its own for {what}, like {example}.")
    if dest.is_relative_to(root) and not _ignored(dest, root):
        raise UsageError(f"{dest} is inside the repository's own tracked folders; write {what} to a git-ignored "
                         f"folder such as {example} or outside the repository.")
    entries = [p.name for p in dest.iterdir() if p.name != ".git"] if dest.is_dir() else []
    if entries and mark not in entries:
        raise UsageError(f"{dest} is not empty and is not {what} (no {mark}); choose a new or empty "
                         "folder, since the build never deletes files it did not write.")
    return bool(entries)


def _check_dest(dest: Path, root: Path) -> dict | None:
    """Return the previous edition's manifest, None for a new or empty folder; refuse anything else."""
    if not check_output_folder(dest, root, "a learner edition", DEFAULT_DEST, MANIFEST):
        return None
    try:
        manifest = json.loads((dest / MANIFEST).read_text(encoding="utf-8"))
        listed = manifest["files"]
        assert isinstance(listed, list) and all(isinstance(f, str) for f in listed)
    except (OSError, ValueError, KeyError, TypeError, AssertionError):
        raise UsageError(f"{dest / MANIFEST} cannot be read as an edition's list of files; choose a new or empty folder.") from None
    return manifest


def _ignored(dest: Path, root: Path) -> bool:
    """Whether *dest* (inside *root*) is git-ignored and under no folder holding tracked files.

    Without git (a copy of the repository, not a clone), only ``build/`` counts.
    """
    top = root / dest.relative_to(root).parts[0]
    try:
        tracked = subprocess.run(["git", "ls-files", "--", str(top)], cwd=root, capture_output=True, text=True, timeout=30)
        ignored = subprocess.run(["git", "check-ignore", "-q", "--no-index", str(dest)], cwd=root, capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        tracked = None
    if tracked is None or tracked.returncode != 0:
        return dest.is_relative_to(root / "build")
    return ignored.returncode == 0 and not tracked.stdout.strip()


def _remove_previous(dest: Path, manifest: dict) -> None:
    for rel in manifest["files"]:
        path = Path(os.path.normpath(dest / rel))
        if path.is_relative_to(dest) and path != dest and (path.is_file() or path.is_symlink()):
            path.unlink()
    for folder in sorted((p for p in dest.rglob("*") if p.is_dir() and ".git" not in p.relative_to(dest).parts),
                         key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


def _all_files(folder: Path) -> list[str]:
    return [p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(folder).parts]


# --------------------------------------------------------------------------- what goes in


def _plan(root: Path) -> dict[str, Path | str]:
    """Map each edition path to its source file (a Path) or its generated text (a str)."""
    files: dict[str, Path | str] = {}
    for folder in LEARNER_KINDS:
        for path in sorted((root / folder).glob("[0-9][0-9]-*.ipynb")):
            files[f"{folder}/{path.name}"] = path
    for tree in TREES:
        for path in sorted((root / tree).rglob("*")):
            rel = path.relative_to(root)
            if path.is_file() and not (_SKIP_PARTS & set(rel.parts)) and not path.name.startswith(".") and path.suffix != ".pyc":
                files[rel.as_posix()] = path
    for name in TOP_FILES:
        files[name] = root / name
    files["pyproject.toml"] = _learner_pyproject((root / "pyproject.toml").read_text(encoding="utf-8"))
    files["Makefile"] = _learner_makefile((root / "Makefile").read_text(encoding="utf-8"))
    files["README.md"] = learner_readme(root)
    files[".gitignore"] = _GITIGNORE
    return files


def _learner_pyproject(text: str) -> str:
    """The project's pyproject.toml without the test settings (learners have no tests or pytest)."""
    parts = re.split(r"(?m)^(?=\[)", text)
    kept = [p for p in parts if not p.startswith("[tool.pytest")]
    return "".join(kept).rstrip("\n") + "\n"


def _learner_makefile(text: str) -> str:
    """The Makefile down to its maintainers-only part."""
    if MAINTAINERS_ONLY not in text:
        raise UsageError(f"The Makefile has no '{MAINTAINERS_ONLY}' line, so the learners' part cannot be told apart; restore it.")
    return text.split(MAINTAINERS_ONLY, 1)[0].rstrip("\n") + "\n"


def learner_readme(root: str | os.PathLike[str] = REPO_ROOT) -> str:
    """The learner edition's README: the template with its links and the lessons table filled in."""
    from ._launch import load_launch

    root = Path(root)
    launch = load_launch(root / "config" / "launch.toml")
    readme = (root / "README.md").read_text(encoding="utf-8")
    table = re.search(r"(?ms)^## The lessons\n+(\|.*?)\n\n", readme)
    if not table:
        raise UsageError("README.md has no '## The lessons' table for the learner README to copy; restore the section.")
    values = {"version": __version__, "binder": launch.binder, "address": launch.address, "tag": launch.tag,
              "branch": launch.branch, "repo": launch.repo, "lessons": table.group(1)}
    template = (root / README_TEMPLATE).read_text(encoding="utf-8")

    def fill(match: re.Match) -> str:
        if match.group(1) not in values:
            raise UsageError(f"{README_TEMPLATE}: unknown field {{{match.group(1)}}}; use one of {', '.join(sorted(values))}.")
        return values[match.group(1)]

    return re.sub(r"\{(\w+)\}", fill, template)


def _check_ready(root: Path, files: dict[str, Path | str]) -> None:
    from ._environment import write_environment

    write_environment(root, check=True)
    for rel, source in files.items():
        if isinstance(source, Path) and source.suffix == ".ipynb":
            nb = json.loads(source.read_text(encoding="utf-8"))
            meta = nb.get("metadata", {}).get("resetlab", {})
            folder = rel.split("/", 1)[0]
            if meta.get("version") != __version__ or meta.get("kind") != LEARNER_KINDS[folder]:
                raise UsageError(f"{rel} records {meta.get('kind', 'no kind')} {meta.get('version', 'of no version')}, not "
                                 f"{LEARNER_KINDS[folder]} {__version__}; run 'make notebooks' and 'make exercises' before 'make release'.")
            for cell in nb.get("cells", []):
                source_text = "".join(cell.get("source", []))
                if "# BEGIN SOLUTION" in source_text or "# END SOLUTION" in source_text:
                    raise UsageError(f"{rel} holds a solution region; regenerate it with 'make exercises' (learner copies have none).")


def _learner_notebook(path: Path) -> bytes:
    """The notebook's bytes, less any cell tagged instructor-note (kept byte for byte when it has none)."""
    raw = path.read_bytes()
    nb = json.loads(raw)
    cells = [c for c in nb["cells"] if NOTE_TAG not in c.get("metadata", {}).get("tags", [])]
    if len(cells) == len(nb["cells"]):
        return raw
    nb["cells"] = cells
    return (json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
