"""The main window: its bars, the welcome page, the page registry and the project dialogs."""
