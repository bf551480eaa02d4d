"""Scheduled jobs (`psi <job>`), each runnable once or on an interval."""
