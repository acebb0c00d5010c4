"""tmdbsync: mirror TMDb (and OMDb ratings) into a relational database, within quota."""

__version__ = "0.1.0"
