"""commitment-tracker: an event-sourced, bitemporal tracker of diplomatic commitments."""

__version__ = "0.1.0"
