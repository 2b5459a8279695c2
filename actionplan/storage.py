"""Storage faults: telling a full disk apart from other errors, and uploads that leave nothing
half-written when it happens."""

import errno

from django.core.files.uploadhandler import TemporaryFileUploadHandler


def disk_full(exc: BaseException | None) -> bool:
    """Whether an exception, or one it was raised from, is the kernel saying the disk (or the
    user's quota) is full."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


class CleanTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Django's handler for large uploads, but a write that fails (ENOSPC) closes and so deletes
    the partial temporary file at once, instead of whenever it is garbage-collected."""

    def receive_data_chunk(self, raw_data, start):
        try:
            self.file.write(raw_data)
        except OSError:
            self.file.close()  # a NamedTemporaryFile: closing deletes it
            raise
