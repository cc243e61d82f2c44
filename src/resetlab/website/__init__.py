"""The course website: every lesson readable without a kernel, built offline.

``python -m resetlab site [DEST]`` (``make site``; default ``build/site``) writes a static,
read-only HTML site of the course from the learner edition, so it holds nothing learners may not
receive.  The package has three parts:

* :mod:`._build` stages the pages (lessons, exercises, glossary, data pages, workshop plan less its
  key, home page, statements page) and runs Sphinx with MyST-NB and Furo in ``.venv-site``;
* :mod:`._sphinx` is the Sphinx side (configuration and the course's extension);
* :mod:`._check` reads a built site back: internal links and anchors, outside resources, the
  prose's outside links (``python -m resetlab site-links``) and page weight.
"""

from ._build import (
    DEFAULT_DEST, KEY_HEADING, MARK, WIDGET_VIEW, Site, build_site, check_executed, citation, home_page,
    lesson_pages, licence, site_python, sources_page, stage, statements_page, static_widgets, without_key,
)
from ._check import Page, check_site, css_urls, external_links, link_report, page_weight, read_page

__all__ = [
    "DEFAULT_DEST", "KEY_HEADING", "MARK", "WIDGET_VIEW", "Page", "Site", "build_site", "check_executed", "check_site",
    "citation", "css_urls", "external_links", "home_page", "lesson_pages", "licence", "link_report", "page_weight",
    "read_page", "site_python", "sources_page", "stage", "statements_page", "static_widgets", "without_key",
]
