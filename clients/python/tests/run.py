"""Runs every tests/test_*.py with unittest and writes the counts where the Node runner
(../runAgainstCollector.mjs) reads them (DRIFTSCOPE_CLIENT_RESULTS), so that `npm test`
tallies them. Exit code 0 only when everything passed."""

import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

suite = unittest.defaultTestLoader.discover(HERE, pattern="test_*.py", top_level_dir=os.path.join(HERE, ".."))
result = unittest.TextTestRunner(verbosity=2).run(suite)
failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
skipped = len(result.skipped)
counts = {"passed": result.testsRun - failed - skipped, "failed": failed, "skipped": skipped}
if os.environ.get("DRIFTSCOPE_CLIENT_RESULTS"):
    with open(os.environ["DRIFTSCOPE_CLIENT_RESULTS"], "w") as out:
        json.dump(counts, out)
sys.exit(0 if result.wasSuccessful() else 1)
