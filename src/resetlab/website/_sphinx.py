"""The Sphinx side of the course website (see :mod:`resetlab.website`, which stages the sources).

Runs inside the site generator's own environment (``.venv-site``: Sphinx, MyST-NB, Furo); Sphinx
and docutils are imported only there, so the package imports without them.

:func:`configure` fills in the generated ``conf.py`` from ``site.json``: MyST-NB reads the stored
outputs and executes nothing, and widget views have no renderer and no widget JavaScript (the
CDN require.js MyST-NB would add).  :func:`setup` adds, on each page: the lesson's time to learn
under its title, a note where the page says one, links from every statement id in the prose
(```000-08```) to its entry on the statements page, and plain text for links to repository files
that are not on the site.  Headings answer to two anchors: GitHub's (MyST's own, which the docs
use) and JupyterLab's (:func:`resetlab._notebooks.header_id`, which the lessons' glossary links use).
"""

from __future__ import annotations

import json
from pathlib import Path

from .._version import __version__


def configure(namespace: dict) -> None:
    """Set the Sphinx configuration in *namespace* (a ``conf.py``'s globals) from ``site.json`` beside it."""
    here = Path(namespace.get("__file__", "conf.py")).resolve().parent
    settings = json.loads((here / "site.json").read_text(encoding="utf-8"))
    namespace.update(
        project="Reset Lab",
        author="Reset Lab contributors",
        version=settings["version"],
        release=settings["version"],
        language="en",
        smartquotes=False,  # quotations stay as the sources and notebooks have them (offsets point at those characters)
        extensions=["myst_nb", "sphinx.ext.githubpages", "resetlab.website._sphinx"],
        exclude_patterns=["_build", "site.json"],
        html_theme="furo",
        html_title=f"Reset Lab {settings['version']}",
        html_static_path=["_static"],
        html_css_files=["resetlab.css"],
        templates_path=["_templates"],
        html_show_sphinx=False,
        html_show_copyright=False,
        html_show_sourcelink=False,
        html_copy_source=False,
        html_use_index=False,  # the course has no index entries; an empty index page would only mislead
        html_context={"resetlab_citation": settings["citation"], "resetlab_licence": settings["licence"]},
        # The committed outputs are the pages: nothing runs at build time.
        nb_execution_mode="off",
        # No widget JavaScript from a CDN, and no renderer for widget views (the site replaced them by text).
        nb_ipywidgets_js={},
        nb_mime_priority_overrides=[("html", settings["widget_view"], None)],
        myst_heading_anchors=4,
        resetlab_site=settings,
    )


def setup(app) -> dict:
    app.add_config_value("resetlab_site", {}, "env", types=[dict])
    app.connect("doctree-read", decorate)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}


def decorate(app, doctree) -> None:
    """Add the course's own parts to one page's doctree (see the module's docstring)."""
    from docutils import nodes
    from sphinx import addnodes

    from .._notebooks import header_id

    settings = app.config.resetlab_site
    docname = app.env.docname
    slugs = app.env.metadata.get(docname, {}).get("myst_slugs")  # slug -> (line, section id, heading text)
    for value in list((slugs or {}).values()):
        slugs.setdefault(header_id(value[2]), value)
    page = settings.get("pages", {}).get(docname, {})
    outside = set(page.get("outside", ()))
    for xref in list(doctree.findall(addnodes.pending_xref)):
        if xref.get("reftype") == "myst" and xref.get("reftarget", "").split("#")[0] in outside:
            xref.replace_self(xref.children)
    if docname != "data/statements":
        ids = set(settings.get("statement_ids", ()))
        for literal in list(doctree.findall(nodes.literal)):
            if literal.astext() in ids and not _inside_link(literal, nodes, addnodes):
                xref = addnodes.pending_xref("", refdomain="std", reftype="ref", reftarget=f"stmt-{literal.astext()}",
                                             refexplicit=True, refwarn=True, refdoc=docname)
                literal.replace_self(xref)
                xref += literal
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    where = 1 if section.children and isinstance(section[0], nodes.title) else 0
    for key, classes in (("note", ["rl-note"]), ("minutes", ["rl-time"])):
        if page.get(key):
            section.insert(where, nodes.paragraph(page[key], page[key], classes=classes))


def _inside_link(node, nodes, addnodes) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, (nodes.reference, addnodes.pending_xref, nodes.title)):
            return True
        parent = parent.parent
    return False
