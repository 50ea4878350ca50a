"""Medarbejdere: the staff page, its models, its dialogs and its caseload chart."""
