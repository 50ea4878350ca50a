"""The shared kit of the views: the page base class, background tasks, messages, wording,
tables and row models, file dialogs, dates, error labels and the page header."""
