"""Pieces shared by every API endpoint."""

from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """Give every API error the same shape: {"detail": "...", "code": "..."}.

    Field errors keep their per-field messages under "errors" so a client can show them
    beside the right input.
    """
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    code = getattr(exc, "default_code", "error")
    if isinstance(data, dict) and "detail" in data:
        detail = data["detail"]
        code = getattr(detail, "code", code)
        response.data = {"detail": str(detail), "code": str(code)}
    else:
        codes = exc.get_codes() if hasattr(exc, "get_codes") else None
        response.data = {
            "detail": "Some of the values sent are not valid.",
            "code": "invalid",
            "errors": data,
        }
        if isinstance(codes, dict | list):
            response.data["error_codes"] = codes
    return response
