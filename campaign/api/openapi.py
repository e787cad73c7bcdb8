"""The OpenAPI 3.0 document of the public API v1 (served at /api/v1/openapi.json, checked by schemathesis)."""

from campaign.galleries.services import EMBED_LABELS

_ID = {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,32}$"}
_PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10000}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
]
_IMAGE = {
    "type": "object",
    "required": ["url", "width", "height"],
    "properties": {
        "url": {"type": "string", "format": "uri"},
        "width": {"type": "integer"},
        "height": {"type": "integer"},
    },
    "additionalProperties": False,
}
_PHOTO_PROPERTIES = {
    "id": {"type": "string"},
    "nickname": {"type": "string", "nullable": True},
    "anonymous": {"type": "boolean"},
    "rating": {"type": "integer", "minimum": 1, "maximum": 5, "nullable": True},
    "caption": {"type": "string"},
    "date": {"type": "string", "format": "date"},
    "campaign": {
        "type": "object",
        "required": ["id", "title"],
        "properties": {"id": {"type": "string"}, "title": {"type": "string"}},
        "additionalProperties": False,
    },
    "incentivized": {"type": "boolean", "enum": [True]},
    "width": {"type": "integer", "minimum": 1},
    "height": {"type": "integer", "minimum": 1},
    "placeholder": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
    "images": {
        "type": "object",
        "required": ["webp", "jpeg"],
        "properties": {
            "webp": {"type": "array", "items": _IMAGE},
            "jpeg": {"type": "array", "items": _IMAGE},
        },
        "additionalProperties": False,
    },
    "product": {
        "type": "object",
        "nullable": True,
        "description": "The product the photo shows, with its page on the brand's site (galleries only).",
        "required": ["id", "name", "url"],
        "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "url": {"type": "string"}},
        "additionalProperties": False,
    },
}
_PAGE = {
    "total": {"type": "integer", "minimum": 0},
    "page": {"type": "integer", "minimum": 1},
    "pages": {"type": "integer", "minimum": 1},
}
_LABELS = tuple(EMBED_LABELS)  # the embed's words, as the gallery answer gives them
_ERROR = {"type": "object", "properties": {"error": {"type": "string"}, "message": {"type": "string"}}}


def _responses(schema_ref: str) -> dict:
    json_error = {"content": {"application/json": {"schema": _ERROR}}}
    return {
        "200": {
            "description": "OK. Cache for 60 s; revalidate with If-None-Match.",
            "headers": {"ETag": {"schema": {"type": "string"}}},
            "content": {"application/json": {"schema": {"$ref": schema_ref}}},
        },
        "304": {"description": "Not modified (the ETag matched)."},
        "400": {"description": "Invalid paging.", **json_error},
        "404": {"description": "Unknown id.", **json_error},
    }


DOCUMENT = {
    "openapi": "3.0.3",
    "info": {
        "title": "Kuchikomi public API",
        "version": "1.0.0",
        "description": "Approved customer photos and reviews. No personal data beyond a chosen nickname. "
        "Every item comes from an incentivised campaign and must be labelled as such where shown.",
    },
    "paths": {
        "/api/v1/galleries/{gallery_id}": {
            "get": {
                "operationId": "getGallery",
                "parameters": [
                    {"name": "gallery_id", "in": "path", "required": True, "schema": _ID},
                    *_PAGING,
                ],
                "responses": _responses("#/components/schemas/Gallery"),
            }
        },
        "/api/v1/products/{product_id}/reviews": {
            "get": {
                "operationId": "listProductReviews",
                "parameters": [
                    {"name": "product_id", "in": "path", "required": True, "schema": _ID},
                    *_PAGING,
                ],
                "responses": _responses("#/components/schemas/ProductReviews"),
            }
        },
    },
    "components": {
        "schemas": {
            "Photo": {
                "type": "object",
                "required": [name for name in _PHOTO_PROPERTIES if name != "product"],
                "properties": _PHOTO_PROPERTIES,
                "additionalProperties": False,
            },
            "Gallery": {
                "type": "object",
                "required": ["id", "name", "layout", "label", "labels", "items", *_PAGE],
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "layout": {"type": "string", "enum": ["grid", "carousel"]},
                    "label": {"type": "string"},
                    "labels": {
                        "type": "object",
                        "description": "The embed's words, in the language of the answer.",
                        "required": list(_LABELS),
                        "properties": {name: {"type": "string"} for name in _LABELS},
                        "additionalProperties": False,
                    },
                    **_PAGE,
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Photo"}},
                },
                "additionalProperties": False,
            },
            "Review": {
                "allOf": [
                    {"$ref": "#/components/schemas/Photo"},
                ],
            },
            "ProductReviews": {
                "type": "object",
                "required": ["product", "rating", "items", *_PAGE],
                "properties": {
                    "product": {"type": "object"},
                    "rating": {
                        "type": "object",
                        "description": "Over the reviews that carry a rating: a photo review (a post "
                        "collected from Instagram or X) has none and is not counted as a zero.",
                        "properties": {
                            "count": {"type": "integer", "description": "Ratings averaged."},
                            "average": {"type": "number", "nullable": True},
                        },
                    },
                    **_PAGE,
                    "items": {
                        "type": "array",
                        "items": {"type": "object", "required": ["review_id", "label"]},
                    },
                },
            },
        }
    },
}
