"""JSON errors for every API failure: field messages for 400, else a reason in `detail`
and what kind of error it is in `code`."""

from __future__ import annotations

import math
import re

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from kombu.exceptions import OperationalError as BrokerUnreachable
from rest_framework import status
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from claims.workflow import ClaimGone, Conflict, InvalidTransition, NotAllowed, WorkflowError


def exception_handler(exc, context):
    if isinstance(exc, Conflict):
        from claims.api.serializers import ClaimDetailSerializer

        request = context.get("request")
        body = {"detail": str(exc), "code": "conflict"}
        if exc.claim is not None:
            body["current"] = ClaimDetailSerializer(exc.claim, context={"request": request}).data
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, NotAllowed):
        return Response({"detail": str(exc), "code": "forbidden"}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, ClaimGone):
        return Response({"detail": str(exc), "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, InvalidTransition):
        return Response(
            {"detail": str(exc), "code": "invalid_state"}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, WorkflowError):
        body = {exc.field: [str(exc)]} if exc.field else {"detail": str(exc), "code": "invalid"}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, BrokerUnreachable):
        return Response(
            {"detail": "The task queue is unreachable; try again shortly.", "code": "unavailable"},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = _writable(response.data)
        detail = response.data.get("detail") if isinstance(response.data, dict) else None
        if detail is not None:
            # DRF's own errors (401, 404, 405, 406, 415, 429...) in the shape ours have.
            response.data.setdefault("code", getattr(detail, "code", None) or "error")
    return response


_SURROGATE = re.compile("[\ud800-\udfff]")


def _writable(data):
    """Error messages with any lone surrogate they repeat from the request ("\\ud800" is
    not a valid choice) replaced by U+FFFD: no UTF-8 holds one, so the answer was a 500."""
    if isinstance(data, dict):
        return {key: _writable(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_writable(value) for value in data]
    if isinstance(data, str) and _SURROGATE.search(data):
        text = _SURROGATE.sub("\ufffd", data)
        return ErrorDetail(text, data.code) if isinstance(data, ErrorDetail) else text
    return data


def lockout_response(request, original_response, credentials):
    """What django-axes answers once a login is locked out: JSON for the API, a page else."""
    from django.http import JsonResponse
    from django.shortcuts import render

    minutes = max(1, math.ceil(settings.AXES_COOLOFF_TIME * 60))
    message = (
        "Too many failed logins for this account; try again in "
        f"{minutes} minute{'s' if minutes != 1 else ''}."
    )
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "code": "locked_out"}, status=429)
    else:
        response = render(request, "claims/locked_out.html", {"message": message}, status=429)
    # As a throttled request says it, for a client that waits and tries again by itself.
    response["Retry-After"] = str(math.ceil(settings.AXES_COOLOFF_TIME * 3600))
    return response
