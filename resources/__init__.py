"""Assets read through importlib.resources: program templates, style sheet, icons."""
