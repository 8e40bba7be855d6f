"""The web edge: server-rendered pages, the JSON API and their security.

``create_app(settings)`` returns the FastAPI application.
"""

from attune.web.app import create_app

__all__ = ["create_app"]
