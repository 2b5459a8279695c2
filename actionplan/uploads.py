"""Upload handling that leaves nothing half-written when the disk fills up."""

from django.core.files.uploadhandler import TemporaryFileUploadHandler


class CleanTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django's handler for large uploads, but a write that fails (ENOSPC) closes and so deletes
    the partial temporary file at once, instead of whenever it is garbage-collected."""

    def receive_data_chunk(self, raw_data, start):
        try:
            self.file.write(raw_data)
        except OSError:
            self.file.close()  # a NamedTemporaryFile: closing deletes it
            raise
