"""The API's docs page: the generated OpenAPI schema rendered as a plain, accessible page in the
site's layout (no JavaScript, nothing loaded from a CDN: the app runs on machines offline)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

METHODS = ("get", "post", "put", "patch", "delete")


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        return spec.get("components", {}).get("schemas", {}).get(name, {})
    return schema


def type_text(schema: dict[str, Any], spec: dict[str, Any]) -> str:
    """A short human description of a JSON schema type: ``string``, ``list of integer``, ``Photo``…"""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(type_text(s, spec) for s in schema["anyOf"])
    if "enum" in schema:
        return "one of " + ", ".join(map(str, schema["enum"]))
    if schema.get("type") == "array":
        return "list of " + type_text(schema.get("items", {}), spec)
    if schema.get("format") == "binary":
        return "file"
    return str(schema.get("type", "any"))


def _fields(schema: dict[str, Any], spec: dict[str, Any]) -> list[dict[str, Any]]:
    schema = _resolve(schema, spec)
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": type_text(prop, spec),
            "required": name in required,
            "description": prop.get("description", ""),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    result = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = []
            for content_type, content in op.get("requestBody", {}).get("content", {}).items():
                body.append({"content_type": content_type, "fields": _fields(content.get("schema", {}), spec)})
            result.append(
                {
                    "id": op.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "tag": (op.get("tags") or ["api"])[0],
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": p.get("required", False),
                            "type": type_text(p.get("schema", {}), spec),
                            "description": p.get("description", "") or p.get("schema", {}).get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "body": body,
                    "responses": [
                        {
                            "status": status,
                            "description": r.get("description", ""),
                            "types": ", ".join(r.get("content", {})) or "no body",
                        }
                        for status, r in op.get("responses", {}).items()
                    ],
                }
            )
    return result


class AccessibleDocs(DocsBase):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        spec = api.get_openapi_schema(path_params=kwargs)
        return render(
            request,
            "integrations/api_docs.html",
            {
                "spec": spec,
                "operations": operations(spec),
                "openapi_url": self.get_openapi_url(api, kwargs),
                "schemas": [
                    {"name": name, "fields": _fields(schema, spec), "description": schema.get("description", "")}
                    for name, schema in spec.get("components", {}).get("schemas", {}).items()
                ],
            },
        )
