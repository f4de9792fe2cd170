"""The store: the only module that talks to the database."""
