"""Normalising images to what Instagram accepts for feed and carousel photos.

Limits as publishing services document Instagram's feed images
(ayrshare.com/docs/media-guidelines/instagram, docs.getlate.dev media
guidelines): aspect ratio from 4:5 to 1.91:1, at most 1440 px wide, at most
8 MB. Images are stored as JPEG in sRGB, the format those guidelines list
first and the colour space browsers assume.
"""

import io

from PIL import Image, ImageCms, ImageOps

MIN_RATIO = 4 / 5
MAX_RATIO = 1.91
MAX_WIDTH = 1440
MAX_BYTES = 8 * 1024 * 1024
QUALITIES = (90, 80, 70, 60)


class ImageInvalid(ValueError):
    """The bytes are not an image Pillow can read."""


def normalise_for_instagram(data):
    """Return JPEG bytes in sRGB, cropped to 4:5 when outside Instagram's ratios, resized and compressed."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (OSError, Image.DecompressionBombError) as error:
        raise ImageInvalid(f"not a readable image: {error}") from None

    image = to_srgb(ImageOps.exif_transpose(image))
    image = crop_to_allowed_ratio(image)
    if image.width > MAX_WIDTH:
        height = round(image.height * MAX_WIDTH / image.width)
        image = image.resize((MAX_WIDTH, height), Image.Resampling.LANCZOS)
    return encode_under_limit(image)


def to_srgb(image):
    profile = image.info.get("icc_profile")
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            image = ImageCms.profileToProfile(
                image.convert("RGB") if image.mode not in ("RGB", "CMYK") else image,
                source,
                ImageCms.createProfile("sRGB"),
                outputMode="RGB",
            )
        except (ImageCms.PyCMSError, OSError):
            # A broken embedded profile: keep the pixels as they are, read as sRGB.
            pass
    if image.mode != "RGB":
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    image.info.pop("icc_profile", None)
    return image


def crop_to_allowed_ratio(image):
    """Return the image unchanged when its ratio is allowed, else its centre cropped to 4:5."""
    ratio = image.width / image.height
    if MIN_RATIO <= ratio <= MAX_RATIO:
        return image
    if ratio < MIN_RATIO:
        width, height = image.width, round(image.width * 5 / 4)
    else:
        width, height = round(image.height * 4 / 5), image.height
    left = (image.width - width) // 2
    top = (image.height - height) // 2
    return image.crop((left, top, left + width, top + height))


def encode_under_limit(image):
    for quality in QUALITIES:
        output = io.BytesIO()
        image.save(output, format="JPEG", quality=quality, optimize=True)
        if output.tell() < MAX_BYTES:
            return output.getvalue()
    # Still too large at the lowest quality: halve the size until it fits.
    return encode_under_limit(image.resize((image.width // 2, image.height // 2)))
