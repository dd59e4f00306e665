"""The offline image generator: renders real JPEG files with Pillow into the media folder."""

import hashlib
import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

from autopost.providers.base import ImageGenerator

# Instagram's portrait carousel size: 4:5 at 1080 px wide.
WIDTH, HEIGHT = 1080, 1350
IMAGES_PER_CAROUSEL = 3


def image_path(post, index):
    return (
        f"posts/{post.character_id}/{post.scheduled_date.isoformat()}/"
        f"{post.scheduled_time:%H%M}-{post.pk}-{index + 1}.jpg"
    )


class LocalImageGenerator(ImageGenerator):
    def generate(self, post, *, claim):
        count = IMAGES_PER_CAROUSEL if post.post_type == "carousel" else 1
        urls = []
        for index in range(count):
            name = image_path(post, index)
            if default_storage.exists(name):
                default_storage.delete(name)
            saved = default_storage.save(name, ContentFile(render(post, index)))
            urls.append(default_storage.url(saved))
        return urls


def render(post, index):
    """Return JPEG bytes of a card showing the slot's content, coloured by its location."""
    digest = hashlib.sha256(f"{post.location_key}:{index}".encode()).digest()
    top, bottom = digest[:3], digest[3:6]
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    for y in range(0, HEIGHT, 10):
        share = y / HEIGHT
        colour = tuple(int(a * (1 - share) + b * share) for a, b in zip(top, bottom, strict=True))
        draw.rectangle([0, y, WIDTH, y + 10], fill=colour)

    font = ImageFont.load_default(size=56)
    small = ImageFont.load_default(size=36)
    lines = [
        (post.character_id.capitalize(), font),
        (f"{post.scheduled_date:%d/%m/%Y} {post.scheduled_time:%H:%M}", small),
        (post.location_name or post.location_key, small),
        (post.action[:60], small),
        (f"{index + 1}/{IMAGES_PER_CAROUSEL if post.post_type == 'carousel' else 1}", small),
    ]
    y = 120
    for text, face in lines:
        draw.text((80, y), text, fill="white", font=face, stroke_width=2, stroke_fill="black")
        y += 110

    output = io.BytesIO()
    image.save(output, format="JPEG", quality=85)
    return output.getvalue()
