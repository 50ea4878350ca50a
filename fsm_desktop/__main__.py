from fsm_desktop.cli import entry

entry()
