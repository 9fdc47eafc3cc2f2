import json
import subprocess
import sys

# Imports every module of both packages in a fresh interpreter, then prints the
# modules loaded.
SCRIPT = """
import importlib, json, pkgutil, sys
import questionnaires, scoring
for package in (questionnaires, scoring):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
print(json.dumps(sorted(sys.modules)))
"""


def test_pure_packages_never_import_flask():
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    modules = json.loads(completed.stdout)

    assert "scoring.engine" in modules
    assert "questionnaires.checks" in modules
    assert [name for name in modules if name.split(".")[0] == "flask"] == []
