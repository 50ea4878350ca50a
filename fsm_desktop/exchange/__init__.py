"""Files in and out: import of case-system extracts (openpyxl, csv), Excel export, changesets
for the offline merge. Imports no Qt. (Filled by the import, status-sheet and merge issues.)"""
