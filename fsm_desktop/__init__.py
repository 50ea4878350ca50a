"""FSM Desktop: follow a state-funded employment initiative month by month, offline."""

__version__ = "0.1.0"
