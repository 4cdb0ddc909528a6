"""Completing papers from the web: the arXiv API and the DOI resolver (issue 9).

Nothing here touches the database or Qt: `complete.py` turns papers' identifiers
into drafts by asking the services (through `http.py`, one rate limiter per
service), and the library merges those drafts. Only the configured base URLs are
ever asked, and only when the user asks for a completion.
"""
