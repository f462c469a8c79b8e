"""The dashboard's file upload stops at MAX_UPLOAD_BYTES while it arrives.

Django keeps an upload past 2.5 MB in a temporary file and only then hands it to the form,
so a size check in the form came after a file of any size had been written to disk.
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, SkipFile

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
TOO_LARGE = f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB."


class SizeLimitedUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: passes chunks on until the file grows past the
    limit, then drops it (the rest is read and thrown away) and marks the request, so the
    form can say why the file is missing."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > MAX_UPLOAD_BYTES:
            self.request.upload_refused = {self.field_name: TOO_LARGE}
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler builds the file
