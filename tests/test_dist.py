"""Issue 24.1–2: the frozen program. `make dist` builds dist/fsm-desktop/ with PyInstaller from
packaging/fsm-desktop.spec and smoke-tests the built executable (packaging/smoke_test.py). The
build takes a minute or two and installs PyInstaller: the test that runs it is marked slow and
runs only with FSM_DIST=1 (as `.ci/run` does then). The quick tests here check the spec and the
build's guard without building."""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "fsm-desktop.spec"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "packaging" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _calls(tree: ast.AST, name: str) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
    ]


def _keyword(call: ast.Call, name: str):
    return next(k.value for k in call.keywords if k.arg == name)


def test_the_spec_takes_all_resources_qtagg_and_the_icon():
    tree = ast.parse(SPEC.read_text("utf-8"), str(SPEC))
    (analysis,) = _calls(tree, "Analysis")
    # Every resource, whatever folder it is in (templates, guide, icons, licences, new ones).
    datas = _keyword(analysis, "datas")
    assert isinstance(datas, ast.Call) and datas.func.id == "collect_data_files"
    assert ast.literal_eval(datas.args[0]) == "fsm_desktop.resources"
    assert ast.literal_eval(_keyword(analysis, "hooksconfig")) == {
        "matplotlib": {"backends": "QtAgg"}
    }
    # Nothing on the import path but the installed package (not the source tree's, which has
    # no resources); the entry script and the icons it names exist.
    assert ast.literal_eval(_keyword(analysis, "pathex")) == []
    text = SPEC.read_text("utf-8")
    assert (
        '"fsm_desktop_main.py"' in text and (ROOT / "packaging" / "fsm_desktop_main.py").is_file()
    )
    for name in ('"fsm-desktop.ico"', '"fsm-desktop-256.png"'):
        assert name in text
        assert (ROOT / "resources" / "icons" / name.strip('"')).is_file()
    (exe,) = _calls(tree, "EXE")
    assert ast.literal_eval(_keyword(exe, "console")) is True
    (collect,) = _calls(tree, "COLLECT")
    assert isinstance(_keyword(collect, "name"), ast.Name)  # NAME, "fsm-desktop"
    assert 'NAME = "fsm-desktop"' in text


def test_the_entry_script_runs_the_command_line():
    tree = ast.parse((ROOT / "packaging" / "fsm_desktop_main.py").read_text("utf-8"))
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert [(n.module, [a.name for a in n.names]) for n in imports] == [
        ("fsm_desktop.cli", ["entry"])
    ]
    assert [c.func.id for c in _calls(tree, "entry")] == ["entry"]


def _distribution(name: str):
    return SimpleNamespace(metadata={"Name": name})


@pytest.mark.parametrize(
    ("installed", "refused"),
    [
        (["PySide6_Essentials", "pyinstaller", "fsm-desktop"], False),
        (["PySide6_Essentials", "PyQt6", "pyinstaller", "fsm-desktop"], True),
        (["PySide6_Essentials", "PySide6_Addons", "pyinstaller", "fsm-desktop"], True),
        (["PyQt5", "pyinstaller", "fsm-desktop"], True),
        (["PySide6_Essentials", "fsm-desktop"], True),
    ],
)
def test_the_build_wants_exactly_one_qt_binding(monkeypatch, installed, refused):
    build_dist = _load("build_dist")
    monkeypatch.setattr(
        build_dist.importlib.metadata,
        "distributions",
        lambda: [_distribution(name) for name in installed],
    )
    if refused:
        with pytest.raises(SystemExit):
            build_dist.check_environment()
    else:
        build_dist.check_environment()


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("FSM_DIST") != "1",
    reason="the frozen build (make dist, about a minute, installs PyInstaller) runs with FSM_DIST=1",
)
def test_make_dist_builds_a_program_that_passes_its_smoke_test(capsys):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MAKEFLAGS")}
    prepared = subprocess.run(
        ["make", "--no-print-directory", "dist-env"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if prepared.returncode != 0:
        output = prepared.stdout + prepared.stderr
        if "pyinstaller" in output.lower() and (
            "no matching distribution" in output.lower() or "could not find" in output.lower()
        ):
            pytest.skip(f"PyInstaller cannot be installed here: {output.strip()[-300:]}")
        pytest.fail(f"make dist-env failed:\n{output[-3000:]}")
    built = subprocess.run(
        ["make", "--no-print-directory", "dist"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    output = built.stdout + built.stderr
    assert built.returncode == 0, output[-5000:]
    with capsys.disabled():  # the smoke test's lines, the build time and the size, in the log
        lines = built.stdout.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("Smoke test of"))
        print("\n" + "\n".join(lines[start:]))
    assert "Smoke test passed." in built.stdout
    assert "FAILED" not in output
    assert (ROOT / "dist" / "fsm-desktop" / "licenses" / "packages" / "INDEX.txt").is_file()


#: Builds the spec's Windows version resource with the build environment's PyInstaller: the
#: numbers and texts Explorer shows. (Its binary form is Windows' own: PyInstaller packs it
#: with the platform's long, 8 bytes here, so it is not read back on Linux.)
_VERSION_CHECK = """
import importlib.metadata, json, re, sys, types
# pefile and win32api (reading and writing .exe files) come with PyInstaller on Windows only;
# the resource's own structures use neither.
sys.modules.setdefault("pefile", types.ModuleType("pefile"))
import PyInstaller.compat
PyInstaller.compat.win32api = getattr(PyInstaller.compat, "win32api", None)
from PyInstaller.utils.win32.versioninfo import VSVersionInfo
NAME = "fsm-desktop"
exec(sys.argv[1])
info = _windows_version(importlib.metadata.version(NAME))
assert isinstance(info, VSVersionInfo) and info.toRaw()
strings = {s.name: s.val for s in info.kids[0].kids[0].kids}
ms, ls = info.ffi.fileVersionMS, info.ffi.fileVersionLS
print(json.dumps({"filevers": [ms >> 16, ms & 0xFFFF, ls >> 16, ls & 0xFFFF], "strings": strings}))
"""


def _version_function() -> str:
    tree = ast.parse(SPEC.read_text("utf-8"), str(SPEC))
    (function,) = [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name == "_windows_version"
    ]
    return ast.unparse(function)


def test_the_windows_executable_gets_the_version_resource():
    tree = ast.parse(SPEC.read_text("utf-8"), str(SPEC))
    (exe,) = _calls(tree, "EXE")
    version = ast.unparse(_keyword(exe, "version"))
    assert version.startswith("_windows_version(VERSION)") and "win32" in version
    assert "importlib.metadata.version(NAME)" in SPEC.read_text("utf-8")


@pytest.mark.slow
@pytest.mark.skipif(
    not (ROOT / "build" / "dist-venv" / "bin" / "python").exists(),
    reason="needs the build environment (make dist-env) with PyInstaller",
)
def test_the_version_resource_carries_pyprojects_version():
    import json
    import tomllib

    python = ROOT / "build" / "dist-venv" / "bin" / "python"
    done = subprocess.run(
        [str(python), "-c", _VERSION_CHECK, _version_function()],
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(done.stdout)
    version = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert found["filevers"] == [*(int(n) for n in version.split(".")), 0]
    assert found["strings"]["FileVersion"] == found["strings"]["ProductVersion"] == version
    assert found["strings"]["OriginalFilename"] == "fsm-desktop.exe"
    assert "beskæftigelsesindsatser" in found["strings"]["FileDescription"]
