"""MongoDB adapters (PyMongo async)."""
