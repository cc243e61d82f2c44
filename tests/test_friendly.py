"""Tests for resetlab.friendly: one plain sentence under a learner's Python error, the real error shown first."""

from __future__ import annotations

import subprocess
import sys

import pytest

from resetlab import friendly

IPython = pytest.importorskip("IPython")
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
from IPython.utils.capture import capture_output  # noqa: E402

# cell -> the words the added sentence must carry (the cases issue 11 names, and two more)
CASES = {
    "q1_3 = 003": "put it in quotes, '003'",
    "q2_1 = \u201cDepartment of State\u201d": "curly quote mark",
    "q2_1 = \"Department of State\u201d": "a curly quote from a word processor does not count",
    "pd.Timestamp('2009-04-01')": "import pandas as pd",
    "check('q1.1', 2)": "run the imports cell at the top of the notebook first",
    "q1_1 + 1": "run the cell that says q1_1 = ... first",
    "Load_statements()": "this one is spelled load_statements",
    "import pandas as pd\npd.DataFrame({'speaker': ['Bush']})['Speaker']": "spell this one 'speaker'",
}


@pytest.fixture()
def shell():
    """IPython's own shell, in this process, with plain (uncoloured) tracebacks and no custom handler."""
    ip = InteractiveShell.instance()
    ip.colors = "nocolor"
    friendly.uninstall(ip)
    ip.set_custom_exc((), None)
    yield ip
    friendly.uninstall(ip)
    ip.set_custom_exc((), None)


def _run(ip, code):
    with capture_output() as out:
        result = ip.run_cell(code, store_history=False)
    return result, out.stdout


@pytest.mark.parametrize("code", list(CASES))
def test_the_real_error_comes_first_and_one_sentence_follows(shell, code):
    """With the layer on, the output is IPython's own, unchanged, then one sentence; the cell still fails the same way."""
    plain, before = _run(shell, code)
    assert friendly.install(shell)
    hinted, after = _run(shell, code)
    assert after.startswith(before.rstrip("\n")), (before, after)
    added = after[len(before.rstrip("\n")):].strip()
    assert CASES[code] in added and added.count("\n") == 0 and added.endswith(".")
    assert not hinted.success
    assert type(hinted.error_before_exec or hinted.error_in_exec) is type(plain.error_before_exec or plain.error_in_exec)


def test_syntax_errors_are_caught_when_the_cell_compiles(shell):
    """A SyntaxError fails before the cell runs (error_before_exec); the sentence still follows it."""
    friendly.install(shell)
    result, text = _run(shell, "q1_3 = 003")
    assert isinstance(result.error_before_exec, SyntaxError) and result.error_in_exec is None
    assert "SyntaxError: leading zeros" in text and text.strip().endswith("'003'.")


def test_other_errors_are_shown_as_always(shell):
    """An error with no sentence (1/0, an indentation slip) looks exactly as it does without the layer."""
    for code in ("1/0", "def f():\nreturn 1", "raise KeyError(3)"):
        _, before = _run(shell, code)
        friendly.install(shell)
        _, after = _run(shell, code)
        friendly.uninstall(shell)
        assert after == before, code


def test_the_import_installs_it_once_and_keeps_others_handlers(shell):
    """from resetlab import check turns it on; installing again changes nothing; another tool's handler is left alone."""
    _run(shell, "import importlib, resetlab\nimportlib.reload(resetlab)\nfrom resetlab import check")
    assert shell._resetlab_friendly and shell.custom_exceptions == friendly.EXCEPTIONS
    handler = shell.CustomTB
    assert friendly.install(shell) and shell.CustomTB is handler
    friendly.uninstall(shell)
    shell.set_custom_exc((ZeroDivisionError,), lambda *a, **k: None)
    assert not friendly.install(shell) and shell.custom_exceptions == (ZeroDivisionError,)


def test_a_comma_in_a_number_is_the_checks_message(shell):
    """`q6_3 = 2,200` raises nothing: check names the tuple and shows the number without its comma."""
    friendly.install(shell)
    result, text = _run(shell, "from resetlab import check\nq6_3 = 2,200\nprint(check('q6.3', q6_3))")
    assert result.success and "Write the number without commas: 2200." in text


def test_outside_ipython_nothing_happens():
    """A script importing resetlab (even with IPython imported) gets no handler, and plain import never loads the layer."""
    code = ("import sys, resetlab\nprint('resetlab.friendly' in sys.modules)\nimport IPython\n"
            "from resetlab.friendly import install\nprint(install())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


def test_hints_never_raise():
    """Odd errors (no name, a non-text key, a SyntaxError with nothing in it) get no sentence, not a second error."""
    assert friendly.hint(NameError()) is None
    assert friendly.hint(KeyError(("a", 1))) is None
    assert friendly.hint(SyntaxError()) is None
    assert friendly.hint(KeyError("speaker")) is None  # a real column: nothing plain to add


@pytest.mark.slow
def test_in_a_real_kernel_the_error_output_stays_and_the_sentence_follows(tmp_path):
    """Through ipykernel and nbclient: each cell's error output is kept (ename intact), then one stream line."""
    import nbclient
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("from resetlab import check"),
                                         nbformat.v4.new_code_cell("q1_3 = 003"),
                                         nbformat.v4.new_code_cell("pd.DataFrame()")])
    nbclient.NotebookClient(nb, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}).execute()
    for cell, ename, words in ((nb.cells[1], "SyntaxError", "'003'"), (nb.cells[2], "NameError", "import pandas as pd")):
        kinds = [o.output_type for o in cell.outputs]
        assert kinds == ["error", "stream"], kinds
        assert cell.outputs[0].ename == ename and words in cell.outputs[1].text
