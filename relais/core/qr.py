"""QR codes for printed notices and posters, as SVG (``qrcode``, already installed for the
TOTP set-up of allauth): embedded in Typst documents as bytes and in pages inline."""

import io

import qrcode
import qrcode.image.svg


def qr_svg(text: str) -> str:
    """``text`` as a QR code (error correction M, a 2-module border): an SVG element with its
    viewBox, without XML declaration (so it can sit inside an HTML page)."""
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]
