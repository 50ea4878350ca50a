"""Tavlen: the board page, its item models, its dialogs and its card painting."""
