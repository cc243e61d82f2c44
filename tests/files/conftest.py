"""Keep pytest (nbval) away from the grader's fixture submissions.

Several of them are broken on purpose (empty, cut-off JSON, endless loops);
tests/test_grader.py grades them, nbval must not try to run them.
"""

collect_ignore_glob = ["submissions/*"]
