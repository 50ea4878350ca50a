"""The frozen program's entry point (packaging/fsm-desktop.spec): the ``fsm-desktop`` console
script, which PyInstaller needs as a file."""

from fsm_desktop.cli import entry

if __name__ == "__main__":
    entry()
