"""The learner edition's public address (``config/launch.toml``) and the links built from it.

``python -m resetlab links [--hub HOST]`` prints the Binder link, the nbgitpuller
link, what a hub needs, and the tag and branch to create when publishing;
``--owner``/``--repo``/``--tag``/``--branch`` build the same links for any other
address, and ``--write FILE ...`` rewrites the Binder and nbgitpuller links in
those files (README.md, docs/launch.md) from the configuration.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote, urlencode

from ._paths import REPO_ROOT
from ._version import __version__
from .errors import UsageError

CONFIG = Path("config") / "launch.toml"
START_HERE = "notebooks/01-start-here.ipynb"
HUB_TEMPLATE = "HUB"  # stands for the hub's host name in the documented template
_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,99})")
_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,99}")
_SITE = re.compile(r"https://[A-Za-z0-9.-]+(?::\d{1,5})?/(?:[A-Za-z0-9._~-]+/)*")
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?")


@dataclass(frozen=True)
class Launch:
    """Where the learner edition is published, and the refs its links name."""

    owner: str
    repo: str
    tag: str
    branch: str
    published: bool = False
    site_address: str | None = None  # config/launch.toml's [site] address; None: the edition's GitHub Pages address

    @property
    def site(self) -> str:
        """Where the course website (``make site``) is published, ending in ``/``."""
        return self.site_address or f"https://{self.owner}.github.io/{self.repo}/"

    @property
    def address(self) -> str:
        """The edition's repository address, as ``git clone`` and nbgitpuller take it."""
        return f"https://github.com/{self.owner}/{self.repo}"

    @property
    def binder(self) -> str:
        """mybinder.org, built from the tag, opening JupyterLab on lesson 1."""
        return self.binder_to(START_HERE)

    def binder_to(self, path: str) -> str:
        """mybinder.org, built from the tag, opening JupyterLab on *path* (a notebook of the edition)."""
        return f"https://mybinder.org/v2/gh/{self.owner}/{self.repo}/{self.tag}?" + urlencode(
            {"urlpath": f"lab/tree/{path}"}, quote_via=quote, safe="")

    def nbgitpuller(self, hub: str = HUB_TEMPLATE) -> str:
        """The link that pulls the edition into ``~/<repo>`` on *hub* and opens lesson 1."""
        query = {"repo": self.address, "branch": self.branch, "urlpath": f"lab/tree/{self.repo}/{START_HERE}"}
        return f"https://{hub}/hub/user-redirect/git-pull?" + urlencode(query, quote_via=quote, safe="")

    @property
    def data_folder(self) -> str:
        """``RESETLAB_DATA`` for a hub: the data folder inside the pulled copy."""
        return f"~/{self.repo}/data"

    def raw_file(self, path: str) -> str:
        """The address of one file of the edition at its tag (for a hub image's ``pip install -r``)."""
        return f"https://raw.githubusercontent.com/{self.owner}/{self.repo}/{self.tag}/{path}"

    @property
    def pip_package(self) -> str:
        """What a hub image installs the course package from: the edition at its tag."""
        return f"git+{self.address}@{self.tag}"


def series(version: str = __version__) -> str:
    """The minor series of a version: ``series("0.2.0") == "0.2"``."""
    return ".".join(version.split(".")[:2])


def _fill(template: str, key: str, file: str) -> str:
    try:
        return template.format(version=__version__, series=series())
    except (KeyError, IndexError, ValueError):
        raise UsageError(f"{file}, key 'edition.{key}': only {{version}} and {{series}} can be filled in (got {template!r}); fix the value.") from None


def load_launch(path: str | Path | None = None) -> Launch:
    """Read ``config/launch.toml`` (or *path*) and fill in the version.

    >>> launch = load_launch()
    >>> launch.tag == "v" + __version__
    True
    """
    path = Path(path) if path is not None else REPO_ROOT / CONFIG
    file = path.name
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"No launch configuration at {str(path)!r}; restore it with 'git checkout -- {CONFIG.as_posix()}'.") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{file} is not valid TOML ({exc}); fix the line it names.") from None
    edition = config.get("edition")
    if not isinstance(edition, dict):
        raise UsageError(f"{file} needs an [edition] table with owner, repo, tag and branch; copy it from the repository's {CONFIG.as_posix()}.")
    values = {}
    for key in ("owner", "repo", "tag", "branch"):
        value = edition.get(key)
        if not isinstance(value, str) or not value.strip():
            raise UsageError(f"{file}, [edition]: '{key}' must be a non-empty text value (got {value!r}); set it.")
        values[key] = _fill(value.strip(), key, file) if key in ("tag", "branch") else value.strip()
    published = config.get("published", False)
    if not isinstance(published, bool):
        raise UsageError(f"{file}: 'published' must be true or false (got {published!r}); set it.")
    site = config.get("site", {})
    address = site.get("address") if isinstance(site, dict) else site
    if address is not None and not (isinstance(address, str) and _SITE.fullmatch(address.strip())):
        raise UsageError(f"{file}, [site]: 'address' must be a web address ending in '/', like "
                         f"'https://{values['owner']}.github.io/{values['repo']}/' (got {address!r}); fix it.")
    return check_launch(Launch(**values, published=published, site_address=address and address.strip()), file)


def check_launch(launch: Launch, where: str = "the address") -> Launch:
    """Return *launch* if its parts can go into a URL unchanged, else raise a UsageError."""
    for key in ("owner", "repo"):
        value = getattr(launch, key)
        if not _NAME.fullmatch(value):
            raise UsageError(f"{where}: {key} {value!r} is not a GitHub name (letters, digits, '.', '-', '_'); fix it.")
    for key in ("tag", "branch"):
        value = getattr(launch, key)
        if not _REF.fullmatch(value) or ".." in value or value.endswith((".", "/", ".lock")):
            raise UsageError(f"{where}: {key} {value!r} is not a git ref name; use something like 'v{__version__}'.")
    return launch


def check_hub(hub: str) -> str:
    """Return a hub host name (``hub.example.edu``, no scheme or path), else raise a UsageError."""
    host = hub.strip()
    for prefix in ("https://", "http://"):
        host = host.removeprefix(prefix)
    host = host.rstrip("/")
    if host != HUB_TEMPLATE and not _HOST.fullmatch(host):
        raise UsageError(f"--hub expects the hub's host name, like 'hub.example.edu' (got {hub!r}); leave out any path.")
    return host


def with_overrides(launch: Launch, **overrides: str | None) -> Launch:
    """*launch* with any given part replaced (the ``links --owner/--repo/--tag/--branch`` options)."""
    given = {k: v for k, v in overrides.items() if v is not None}
    return check_launch(replace(launch, **given), "links") if given else launch


def describe(launch: Launch, hub: str = HUB_TEMPLATE) -> list[str]:
    """The lines ``python -m resetlab links`` prints."""
    lines = [
        f"learner edition: {launch.address} (tag {launch.tag}, branch {launch.branch})",
        f"binder: {launch.binder}",
        f"nbgitpuller: {launch.nbgitpuller(hub)}",
        f"hub image: pip install -r {launch.raw_file('requirements/runtime.txt')} nbgitpuller",
        f"           pip install --no-deps {launch.pip_package}",
        f'hub config: c.Spawner.environment = {{"RESETLAB_DATA": "{launch.data_folder}"}}',
        f"site: {launch.site} (make site builds it into build/site; docs/launch.md, 'Publishing the website')",
        f"publish: make release, then push build/learner-edition to {launch.address} as branch {launch.branch} "
        f"with tag {launch.tag} (the commands: docs/launch.md, 'Publishing the learner edition')",
    ]
    if not launch.published:
        lines.append(f"note: {CONFIG.as_posix()} says this address is a placeholder (published = false); "
                     "the links work once the edition is pushed there.")
    return lines


_BINDER = re.compile(r"https://mybinder\.org/v2/gh/[^\s)>\]`\"']+")
_PULLER = re.compile(r"https://([^/\s)>`\"']+)/hub/user-redirect/git-pull\?[^\s)>\]`\"']+")
#: The website's address in a document: an autolink followed by this marker, ``<https://...> <!-- site address -->``.
SITE_MARK = "<!-- site address -->"
_SITE_LINK = re.compile(r"(?<=<)https://[^\s<>]+(?=> ?" + re.escape(SITE_MARK) + ")")


def rewrite_links(text: str, launch: Launch) -> str:
    """Replace every Binder and nbgitpuller link in *text* by the one built from *launch*.

    Each nbgitpuller link keeps its hub (``HUB`` in a template, a host in an example); the
    website's address is the one marked ``<!-- site address -->``.
    """
    text = _SITE_LINK.sub(launch.site, text)
    text = _BINDER.sub(launch.binder, text)
    return _PULLER.sub(lambda m: launch.nbgitpuller(m.group(1)), text)


def find_links(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The Binder links in *text*, and its nbgitpuller links as (hub, link) pairs."""
    return _BINDER.findall(text), [(m.group(1), m.group(0)) for m in _PULLER.finditer(text)]


def find_site_links(text: str) -> list[str]:
    """The website addresses in *text* (each an autolink marked ``<!-- site address -->``).

    >>> find_site_links("Read it at <https://example.org/course/> <!-- site address -->.")
    ['https://example.org/course/']
    """
    return _SITE_LINK.findall(text)


def write_links(paths: list[str], launch: Launch) -> list[str]:
    """Rewrite the links in each of *paths*; return a line per file saying what changed."""
    said = []
    for name in paths:
        path = Path(name)
        try:
            text = path.read_text(encoding="utf-8")
        except (FileNotFoundError, IsADirectoryError, UnicodeDecodeError):
            raise UsageError(f"--write expects Markdown files such as README.md (cannot read {name!r}); give a file that exists.") from None
        new = rewrite_links(text, launch)
        binder, puller = find_links(new)
        if new != text:
            path.write_text(new, encoding="utf-8")
        state = "rewrote" if new != text else "already up to date:"
        said.append(f"{state} {name} ({len(binder)} Binder and {len(puller)} nbgitpuller links)")
    return said
