import io

import pytest
from PIL import Image, ImageCms

from autopost.providers.imaging import MAX_BYTES, ImageInvalid, normalise_for_instagram


def encode(image, fmt="PNG", **options):
    output = io.BytesIO()
    image.save(output, format=fmt, **options)
    return output.getvalue()


def open_jpeg(data):
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    return image


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((1080, 1350), (1080, 1350)),  # 4:5, kept
        ((1440, 754), (1440, 754)),  # 1.91:1, kept
        ((1000, 2000), (1000, 1250)),  # too tall: cropped to 4:5
        ((3000, 1000), (800, 1000)),  # too wide: cropped to 4:5
        ((2160, 2700), (1440, 1800)),  # 4:5 but too wide: resized
    ],
)
def test_ratio_and_width(size, expected):
    data = normalise_for_instagram(encode(Image.new("RGB", size, "red")))

    assert open_jpeg(data).size == expected


def test_png_with_alpha_becomes_rgb_jpeg():
    data = normalise_for_instagram(encode(Image.new("RGBA", (800, 1000), (0, 0, 255, 128))))

    assert open_jpeg(data).mode == "RGB"


def test_icc_profile_converted_to_srgb():
    lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    source = encode(Image.new("RGB", (800, 1000), "green"), "JPEG", icc_profile=lab.tobytes())

    image = open_jpeg(normalise_for_instagram(source))

    assert "icc_profile" not in image.info


def test_noisy_large_image_stays_under_8_mb():
    noise = Image.frombytes("RGB", (1440, 1800), bytes(range(256)) * (1440 * 1800 * 3 // 256))

    data = normalise_for_instagram(encode(noise))

    assert len(data) < MAX_BYTES


def test_not_an_image_is_rejected():
    with pytest.raises(ImageInvalid):
        normalise_for_instagram(b"<html>not found</html>")
