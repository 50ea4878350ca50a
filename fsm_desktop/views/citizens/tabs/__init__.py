"""The citizen window's tabs: each builds its page of the window and does its work."""
