"""Photos sent with a request: checked (count, size, type) and re-encoded as JPEG so that what
we store carries no metadata (the phone's GPS position, its owner's name) and no payload hidden
in a file that only claims to be an image.

Pure functions on uploaded files; the errors name the file, in French through gettext.
"""

import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTOS = 5
MAX_BYTES = 10 * 1024 * 1024  # per file, as sent by the phone
MAX_PIXELS = 50_000_000  # larger claims are refused before decoding (decompression bombs)
MAX_SIDE = 2048  # stored photos are scaled down to this longest side
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


@dataclass(frozen=True)
class Photo:
    """A re-encoded photo: JPEG ``content`` without metadata, its size in pixels and the
    name the tenant's file had (shown to staff)."""

    name: str
    content: bytes
    width: int
    height: int


def _refuse(name: str, message: str) -> ValidationError:
    return ValidationError(message % {"name": name})


def reencode(upload) -> Photo:
    """``upload`` (an ``UploadedFile``) → :class:`Photo`; raises ValidationError naming the
    file when it is too large, not a JPEG, PNG or WebP image, or unreadable."""
    name = (upload.name or "photo")[:200]
    if upload.size > MAX_BYTES:
        raise _refuse(name, _("“%(name)s” is larger than 10 MB."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            if image.format not in ACCEPTED_FORMATS:
                raise _refuse(name, _("“%(name)s” is not a JPEG, PNG or WebP photo."))
            if image.width * image.height > MAX_PIXELS:
                raise _refuse(name, _("“%(name)s” has too many pixels for a photo."))
            image.load()
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        SyntaxError,
    ):
        raise _refuse(name, _("“%(name)s” is not a JPEG, PNG or WebP photo.")) from None
    # Turn the pixels as the phone meant (EXIF orientation), then drop every metadata block:
    # a new image from the pixels only, saved without ``exif``/``icc_profile``.
    image = ImageOps.exif_transpose(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    clean = Image.new("RGB", image.size, "white")
    clean.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
    buffer = io.BytesIO()
    clean.save(buffer, format="JPEG", quality=85, optimize=True)
    return Photo(name, buffer.getvalue(), clean.width, clean.height)


def reencode_all(uploads) -> list[Photo]:
    """Every upload re-encoded; raises ValidationError (all messages) beyond ``MAX_PHOTOS``
    files or for any refused file."""
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError(
            _("Send at most %(max)d photos (you chose %(count)d).")
            % {"max": MAX_PHOTOS, "count": len(uploads)}
        )
    photos, errors = [], []
    for upload in uploads:
        try:
            photos.append(reencode(upload))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return photos
