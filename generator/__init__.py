"""newsdesk: market news from a snapshot, checked against publishing rules before release."""

__version__ = "0.1.0"
