"""Import: the import page, its models and its dialogs."""
