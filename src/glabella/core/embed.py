"""The script a clinic puts on its own site to embed one of Glabella's public pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def embed_script_response(request: HttpRequest, template: str) -> HttpResponse:
    """``template`` rendered as JavaScript with this site's address, cached for an hour."""
    site = request.build_absolute_uri("/").rstrip("/")
    script = render_to_string(template, {"site": site})
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response
