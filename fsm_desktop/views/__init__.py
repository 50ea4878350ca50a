"""Qt: the main window, pages, item models, delegates, dialogs. Never runs SQL: talks to
storage through repositories and to domain through plain calls."""
