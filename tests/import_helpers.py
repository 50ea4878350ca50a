"""Shared by the import tests: the saved template, filled in as a user would (with openpyxl,
not with the program's own writer)."""

from __future__ import annotations

from openpyxl import load_workbook

from fsm_desktop.exchange.template import write_template


def fill_template(path, citizens=(), periods=(), hours=(), staff=()):
    write_template(path)
    workbook = load_workbook(path)
    for name, rows in (
        ("Medarbejdere", staff),
        ("Borgere", citizens),
        ("Forløb", periods),
        ("Løntimer", hours),
    ):
        for row in rows:
            workbook[name].append(list(row))
    workbook.save(path)
    return path
