"""Pictures for the demo brand (a green-tea maker), drawn with Pillow: no stock photos, no text."""

import io
import math

from PIL import Image, ImageDraw, ImageFilter

TEA = (47, 107, 58)
LEAF = (108, 160, 72)
CREAM = (250, 246, 234)


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _gradient(size: tuple[int, int], top: tuple, bottom: tuple) -> Image.Image:
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / (height - 1)
        draw.line(
            [(0, y), (width, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    return image


def bottle(draw: ImageDraw.ImageDraw, x: int, y: int, scale: float, label=TEA) -> None:
    """A PET bottle of green tea standing with its base at (x, y)."""

    def s(v: float) -> int:
        return round(v * scale)

    draw.rounded_rectangle(
        [x - s(70), y - s(420), x + s(70), y],
        radius=s(36),
        fill=(196, 222, 150),
        outline=(90, 120, 70),
        width=max(2, s(4)),
    )
    draw.polygon(
        [(x - s(70), y - s(400)), (x - s(30), y - s(480)), (x + s(30), y - s(480)), (x + s(70), y - s(400))],
        fill=(196, 222, 150),
    )
    draw.rectangle([x - s(32), y - s(530), x + s(32), y - s(478)], fill=label)
    draw.rectangle([x - s(72), y - s(300), x + s(72), y - s(140)], fill=CREAM)
    draw.ellipse([x - s(34), y - s(262), x + s(34), y - s(178)], fill=label)
    draw.ellipse([x - s(12), y - s(246), x + s(22), y - s(196)], fill=LEAF)


def hero() -> bytes:
    """A tea field at dawn with the product in front: 1800 × 900."""
    width, height = 1800, 900
    image = _gradient((width, height), (255, 226, 186), (222, 240, 214))
    draw = ImageDraw.Draw(image)
    draw.ellipse([1240, 120, 1460, 340], fill=(255, 244, 214))  # the sun
    for i, hill in enumerate(((150, 470, (140, 182, 120)), (80, 560, (112, 160, 96)))):
        amplitude, base, colour = hill
        points = [
            (x, base - amplitude * 0.35 * math.sin(x / (260 + 90 * i))) for x in range(0, width + 20, 20)
        ]
        draw.polygon([*points, (width, height), (0, height)], fill=colour)
    for row in range(7):  # rounded rows of tea bushes, nearer ones larger
        y = 560 + row * 52
        r = 22 + row * 6
        shade = tuple(max(0, c - row * 9) for c in (86, 140, 70))
        for x in range(-r, width + r, r * 2 - 4):
            draw.ellipse([x - r, y - r * 0.7, x + r, y + r * 0.7], fill=shade)
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    draw = ImageDraw.Draw(image)
    draw.ellipse([560, 820, 980, 880], fill=(60, 90, 50))  # the bottles' shadow
    bottle(draw, 680, 850, 1.05)
    bottle(draw, 860, 860, 0.9, label=(140, 90, 40))
    return _jpeg(image)


def logo() -> bytes:
    """A round seal with a tea leaf: 512 × 512 PNG."""
    image = Image.new("RGB", (512, 512), CREAM)
    draw = ImageDraw.Draw(image)
    draw.ellipse([16, 16, 496, 496], fill=TEA)
    draw.ellipse([56, 56, 456, 456], outline=CREAM, width=10)
    draw.chord([150, 120, 390, 420], start=300, end=120, fill=(168, 208, 110))
    draw.chord([130, 100, 370, 400], start=120, end=300, fill=(140, 190, 90))
    draw.line([(180, 380), (340, 150)], fill=TEA, width=12)
    return _png(image)


def prize(kind: int) -> bytes:
    """Square prize pictures: 0 a case of bottles, 1 a tea set."""
    image = _gradient((900, 900), (252, 248, 238), (232, 226, 210))
    draw = ImageDraw.Draw(image)
    if kind == 0:
        draw.rectangle([170, 470, 730, 780], fill=(196, 160, 110), outline=(120, 90, 60), width=6)
        for i, x in enumerate(range(250, 700, 110)):
            bottle(draw, x, 520 + (i % 2) * 8, 0.55)
        draw.rectangle([170, 520, 730, 600], fill=(206, 172, 122))
    else:
        draw.ellipse([160, 640, 740, 760], fill=(200, 190, 170))
        draw.ellipse([270, 360, 630, 700], fill=(96, 120, 84), outline=(60, 80, 50), width=6)  # a kyusu
        draw.rectangle([400, 300, 500, 370], fill=(70, 90, 60))
        draw.polygon([(630, 500), (760, 430), (770, 455), (640, 540)], fill=(96, 120, 84))
        draw.arc([170, 400, 330, 600], start=100, end=260, fill=(60, 80, 50), width=20)
        for x in (200, 620):
            draw.rounded_rectangle(
                [x, 640, x + 110, 740], radius=18, fill=CREAM, outline=(120, 110, 90), width=4
            )
            draw.ellipse([x + 12, 646, x + 98, 672], fill=(170, 200, 90))
    return _jpeg(image)
