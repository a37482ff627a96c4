"""The web pages (plain HTML, CSS and JS from api/static, no CDN): questions at /, the library at /library,
a document with its cited spans at /documents/{doc_id}, and the API docs at /docs and /redoc with local assets."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
DOCS_ASSETS = "/docs-assets"
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

router = APIRouter(include_in_schema=False)


def swagger_assets_dir() -> Path:
    """Swagger UI's and ReDoc's files from the `fastapi-offline` package (served locally: /docs works offline)."""
    import fastapi_offline

    return Path(fastapi_offline.__file__).resolve().parent / "static"


@router.get("/")
async def page() -> FileResponse:
    """The question page."""
    return FileResponse(STATIC_DIR / "index.html", headers=PAGE_HEADERS)


@router.get("/library")
async def library_page() -> FileResponse:
    """The library page: indexed documents, index version and (for admins) knowledge gaps."""
    return FileResponse(STATIC_DIR / "library.html", headers=PAGE_HEADERS)


@router.get("/documents/{doc_id}")
async def document_page(doc_id: str) -> FileResponse:
    """A document's full text with its cited spans highlighted (the page reads /v1/documents/{doc_id})."""
    return FileResponse(STATIC_DIR / "document.html", headers=PAGE_HEADERS)


@router.get("/docs")
async def api_docs() -> HTMLResponse:
    """Swagger UI over /openapi.json, with its scripts and styles served by this server."""
    return get_swagger_ui_html(openapi_url="/openapi.json", title="reelqa API",
                               swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
                               swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
                               swagger_favicon_url="data:,")


@router.get("/redoc")
async def api_reference() -> HTMLResponse:
    """ReDoc over /openapi.json, with its script served by this server."""
    return get_redoc_html(openapi_url="/openapi.json", title="reelqa API",
                          redoc_js_url=f"{DOCS_ASSETS}/redoc.standalone.js", redoc_favicon_url="data:,",
                          with_google_fonts=False)
