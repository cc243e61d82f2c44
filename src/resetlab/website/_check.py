"""Reading a built course website back: broken internal links and anchors, resources from outside
hosts, the prose's links that leave the site (``python -m resetlab site-links``), and page weight."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import UsageError
from ._build import DEFAULT_DEST


@dataclass
class Page:
    """What one built HTML page holds: its anchors, the links it follows and the resources it loads."""

    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, str]] = field(default_factory=list)       # (href, link text) of every <a>
    resources: list[tuple[str, str]] = field(default_factory=list)   # (what, url): scripts, styles, images, fonts
    prose_links: list[tuple[str, str]] = field(default_factory=list)  # <a> inside the page's article
    headings: list[int] = field(default_factory=list)                 # h1..h6 levels inside the article, in order
    images: list[dict] = field(default_factory=list)                  # the attributes of every <img>
    text: list[str] = field(default_factory=list)                     # what a reader sees (no scripts or styles)


class _Reader(HTMLParser):
    #: tag -> the attributes that make the browser fetch something
    FETCHES = {"script": ("src",), "img": ("src", "srcset"), "source": ("src", "srcset"), "iframe": ("src",),
               "embed": ("src",), "object": ("data",), "video": ("src", "poster"), "audio": ("src",), "track": ("src",),
               "input": ("src",)}
    LOADED_RELS = {"stylesheet", "icon", "shortcut", "preload", "prefetch", "modulepreload", "apple-touch-icon", "manifest"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._article = 0
        self._link: list | None = None
        self._hidden = 0  # inside <script> or <style>

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name") if tag in ("a",) else ("id",):
            if a.get(key):
                self.page.ids.add(a[key])
        if tag == "article":
            self._article += 1
        if tag in ("script", "style"):
            self._hidden += 1
        if tag == "img":
            self.page.images.append(a)
        if self._article and re.fullmatch(r"h[1-6]", tag):
            self.page.headings.append(int(tag[1]))
        if tag == "a" and a.get("href") is not None:
            self._link = [a["href"], ""]
        for attr in self.FETCHES.get(tag, ()):
            value = (a.get(attr) or "").strip()
            # a srcset lists "url width" candidates; a data: URL holds a comma of its own
            urls = [c.split()[0] for c in re.split(r",\s+", value) if c.strip()] if attr == "srcset" else [value]
            self.page.resources += [(f"<{tag} {attr}>", url) for url in urls if url]
        if tag == "link" and a.get("href") and self.LOADED_RELS & set((a.get("rel") or "").lower().split()):
            self.page.resources.append((f"<link rel={a.get('rel')}>", a["href"]))
        if a.get("style"):
            self.page.resources += [("style attribute", u) for u in css_urls(a["style"])]

    def handle_endtag(self, tag):
        if tag == "article":
            self._article -= 1
        if tag in ("script", "style"):
            self._hidden = max(0, self._hidden - 1)
        if tag == "a" and self._link is not None:
            href, text = self._link
            self.page.links.append((href, text.strip()))
            if self._article:
                self.page.prose_links.append((href, " ".join(text.split())))
            self._link = None

    def handle_data(self, data):
        if self._link is not None:
            self._link[1] += data
        if not self._hidden:
            self.page.text.append(data)


def css_urls(css: str) -> list[str]:
    """The addresses a style sheet (or a style attribute) loads: ``url(...)`` and ``@import``.

    >>> css_urls('a { background: url("x.png") } @import "https://cdn.example/y.css"; b { c: url(data:image/svg+xml;d) }')
    ['x.png', 'https://cdn.example/y.css', 'data:image/svg+xml;d']
    """
    found = []
    for match in re.finditer(r"url\(\s*(['\"]?)(.*?)\1\s*\)|@import\s+(['\"])(.*?)\3", css, re.S):
        found.append(match.group(2) if match.group(2) is not None else match.group(4))
    return found


def read_page(path: Path) -> Page:
    reader = _Reader()
    reader.feed(path.read_text(encoding="utf-8"))
    reader.close()
    return reader.page


def _outside(url: str) -> bool:
    """True when loading *url* would leave the site: any scheme or host but data:, blob: or a relative path."""
    parts = urlsplit(url.strip())
    return bool(parts.netloc) or parts.scheme not in ("", "data", "blob", "about")


def check_site(folder: str | os.PathLike[str]) -> list[str]:
    """Every problem with a built site, one sentence each: a broken internal link or anchor, an outside resource.

    Internal links are relative hrefs (``page.html#anchor``, ``#anchor``); each must name a file of
    the site and, with a fragment, an id on that page.  A resource is anything the browser loads by
    itself (script, style sheet, image, font, icon, ``url()`` or ``@import`` in a style sheet); each
    must be on the site or inline (``data:``).
    """
    folder = Path(folder)
    pages = {p.relative_to(folder).as_posix(): read_page(p) for p in sorted(folder.rglob("*.html"))}
    problems = []
    for rel, page in pages.items():
        here = Path(rel).parent
        for what, url in page.resources:
            if _outside(url):
                problems.append(f"{rel}: {what} loads {url} from outside the site")
            elif not url.startswith(("data:", "blob:")):
                target = _resolve(folder, here, url)
                if target is None or not target.is_file():
                    problems.append(f"{rel}: {what} {url} is not in the site")
        for href, text in page.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith("mailto:"):
                continue
            target = _resolve(folder, here, href) if parts.path else folder / rel
            if target is None or not target.exists():
                problems.append(f"{rel}: the link {href!r} ({text!r}) goes to a page that is not in the site")
                continue
            if target.is_dir():
                target = target / "index.html"
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html":
                ids = pages.get(target.relative_to(folder).as_posix(), Page()).ids
                if fragment not in ids:
                    problems.append(f"{rel}: the link {href!r} ({text!r}) names #{fragment}, which "
                                    f"{target.relative_to(folder).as_posix()} does not have")
    for sheet in sorted(folder.rglob("*.css")):
        rel = sheet.relative_to(folder).as_posix()
        for url in css_urls(sheet.read_text(encoding="utf-8", errors="replace")):
            if _outside(url):
                problems.append(f"{rel}: the style sheet loads {url} from outside the site")
            elif not url.startswith(("data:", "#")):
                target = _resolve(folder, Path(rel).parent, url)
                if target is None or not target.is_file():
                    problems.append(f"{rel}: the style sheet loads {url}, which is not in the site")
    return problems


def _resolve(folder: Path, here: Path, url: str) -> Path | None:
    path = unquote(urlsplit(url).path)
    target = Path(os.path.normpath(folder / here / path))
    return target if target.is_relative_to(folder) else None


def external_links(folder: str | os.PathLike[str]) -> list[tuple[str, list[str]]]:
    """The links in the pages' prose (inside each page's article) that leave the site, with the pages that hold them."""
    folder = Path(folder)
    found: dict[str, set[str]] = {}
    for path in sorted(folder.rglob("*.html")):
        rel = path.relative_to(folder).as_posix()
        for href, _ in read_page(path).prose_links:
            if urlsplit(href).scheme in ("http", "https", "mailto"):
                found.setdefault(href, set()).add(rel)
    return [(url, sorted(pages)) for url, pages in sorted(found.items())]


def link_report(folder: str | os.PathLike[str] = DEFAULT_DEST) -> list[str]:
    """The lines ``python -m resetlab site-links`` prints: each outside link of the prose and where it is; never fetched."""
    folder = Path(folder)
    if not (folder / "index.html").is_file():
        raise UsageError(f"There is no built website in {folder} (no index.html); run 'make site' first.")
    links = external_links(folder)
    lines = [f"{url}  ({', '.join(pages)})" for url, pages in links]
    lines.append(f"{len(links)} outside link(s) in the prose of {folder}; listed, not fetched (there is no network at build time).")
    return lines


def page_weight(folder: str | os.PathLike[str], page: str) -> int:
    """Bytes of one built page and of the files only it loads: its HTML and local resources, less the shared ``_static/``.

    Figures embedded as ``data:`` URLs count inside the HTML; the theme's shared files do not.
    """
    folder = Path(folder)
    path = folder / page
    total = path.stat().st_size
    seen = set()
    for _, url in read_page(path).resources:
        target = None if _outside(url) or url.startswith(("data:", "blob:")) else _resolve(folder, Path(page).parent, url)
        if target is not None and target.is_file() and target not in seen and target.relative_to(folder).parts[0] != "_static":
            seen.add(target)
            total += target.stat().st_size
    return total
