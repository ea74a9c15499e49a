"""The photo page's picture of what the model found: numbered regions and the words that name them.

``regions(result)`` turns a photo's typed stored result (``results.StoredResult``) into the
numbered regions the page lists (stated and possible objects only, numbered 1, 2, ... in
instance order), each with its colour, its sentence ("2: dog, lower left, 12 % of the photo")
and the phrases of the description that name it. ``linked_text`` splits the alt text or long
description into plain and linked pieces. ``draw_overlay`` paints the regions on the photo with
Pillow: filled translucent shapes when the model made masks, outlined boxes when it made boxes
only; each region carries its number in a tag, so the picture, the legend and the list agree.
The region sentences and the overlay's alt are said in the language of the result's description
(the page's alt text language): the nouns, hedge and position phrases from that language's
captioning module, the percentages in its locale's format (babel), the few framing words from
the message catalogues (``translation.override``: they follow the alt text, not the interface).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np
from babel.numbers import format_percent
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from captioning import Description
from captioning.lang import DEFAULT_LANGUAGE, language
from captioning.lang.words import Noun
from segmentation.result import Instances
from webapp.photos.results import StoredResult

# Okabe–Ito colours (distinguishable with the common colour-vision deficiencies), then a few more.
# Each has at least 3:1 contrast with white (the page background in light mode) or is used with
# a dark outline, and the number tags pick black or white text for 4.5:1 on the colour.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
    "#7F3C8D",
    "#11A579",
    "#E73F74",
)
MASK_ALPHA = 110  # of 255: the photo stays visible under the fill
MAX_WIDTH = 1280


@dataclass(frozen=True)
class Mention:
    """A phrase of one of the texts that names some regions."""

    id: str  # "mention-<field>-<n>", the phrase's element id on the page
    text: str
    field: str
    start: int
    end: int
    numbers: tuple[int, ...]  # region numbers it stands for


@dataclass(frozen=True)
class Region:
    number: int  # 1, 2, ... as shown on the overlay and in the list
    index: int  # instance id in the stored result
    label: str
    score: float
    box: tuple[float, float, float, float]  # xyxy in original pixels
    area_fraction: float
    position: str
    possible: bool
    colour: str
    text_colour: str
    box_percent: tuple[float, float, float, float]  # left, top, width, height in % of the photo
    from_masks: bool
    mentions: list[Mention] = field(default_factory=list)
    # Text read in the photo (``Description.text``): the string when quoted, "" when it could not
    # be read clearly; ``None`` for an object. Text regions are outlined boxes, never masks.
    text: str | None = None
    lang: str = DEFAULT_LANGUAGE  # the language of ``name``, ``sentence`` and ``percent``

    @property
    def percent(self) -> str:
        """The region's share of the photo, whole per cent, in the locale's format ("12 %", "12%")."""
        share = round(self.area_fraction * 100)
        if self.area_fraction * 100 < 1:
            with translation.override(self.lang):
                return _("under %(percent)s") % {"percent": format_percent(0.01, locale=self.lang)}
        return format_percent(share / 100, locale=self.lang)

    @property
    def name(self) -> str:
        words = language(self.lang)
        if self.text is not None:
            with translation.override(self.lang):
                if self.text:
                    return _("Text: '%(text)s'") % {"text": self.text}
                return _("Text that could not be read clearly")
        noun = _noun(words, self.label)
        return f"{noun} ({words.HEDGE})" if self.possible else noun

    @property
    def sentence(self) -> str:
        """``"2: dog, in the lower left, 12% of the photo"`` ("2: Hund, unten links, 12 % des
        Fotos"); boxes-only results say it is the box; ``"3: Text: 'GLADYS'"`` for text read in
        the photo."""
        if self.text is not None:
            with translation.override(self.lang):
                return _("%(number)s: %(name)s") % {"number": self.number, "name": self.name}
        where = language(self.lang).position_phrase(self.position)
        values = {"number": self.number, "name": self.name, "position": where, "share": self.percent}
        with translation.override(self.lang):
            if self.from_masks:
                return _("%(number)s: %(name)s, %(position)s, %(share)s of the photo") % values
            return _("%(number)s: %(name)s, %(position)s, its box covers %(share)s of the photo") % values


def _noun(words: object, label: str) -> str:
    """``label``'s noun (singular) in a captioning language module; the label itself when the
    language has no noun for it."""
    noun: Noun | None = words.NOUNS.get(label) or words.FAMILY_NOUNS.get(label)  # type: ignore[attr-defined]
    return noun.singular if noun is not None else label


def _luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def text_colour_on(hex_colour: str) -> str:
    """Black or white, whichever contrasts more with the colour."""
    lum = _luminance(hex_colour)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


def colour_for(number: int) -> str:
    return PALETTE[(number - 1) % len(PALETTE)]


def _clamped(box: tuple[float, float, float, float], width: int, height: int) -> tuple[float, float, float, float]:
    """``box`` (x0, y0, x1, y1 in pixels) clipped to the photo."""
    x0, y0, x1, y1 = box
    x0, x1 = max(0.0, min(x0, width)), max(0.0, min(x1, width))
    y0, y1 = max(0.0, min(y0, height)), max(0.0, min(y1, height))
    return x0, y0, x1, y1


def _box_percent(box: tuple[float, float, float, float], width: int, height: int) -> tuple[float, float, float, float]:
    """``box`` (x0, y0, x1, y1 in pixels) as left, top, width, height in % of the photo."""
    x0, y0, x1, y1 = box
    return (
        round(100 * x0 / width, 2),
        round(100 * y0 / height, 2),
        round(100 * (x1 - x0) / width, 2),
        round(100 * (y1 - y0) / height, 2),
    )


def regions(result: StoredResult | None) -> list[Region]:
    """The numbered regions of a stored result (see ``results.read_result``), with the mentions
    naming them."""
    if result is None:
        return []
    width, height = result.image_size
    lang = result.description.lang or DEFAULT_LANGUAGE
    shown = sorted((o for o in result.description.objects if o.certainty != "dropped"), key=lambda o: o.index)
    out: list[Region] = []
    for number, obj in enumerate(shown, start=1):
        x0, y0, x1, y1 = _clamped(obj.box, width, height)
        colour = colour_for(number)
        out.append(
            Region(
                number=number,
                index=obj.index,
                label=obj.label,
                score=obj.score,
                box=(x0, y0, x1, y1),
                area_fraction=obj.area_fraction,
                position=obj.position,
                possible=obj.certainty == "possible",
                colour=colour,
                text_colour=text_colour_on(colour),
                box_percent=_box_percent((x0, y0, x1, y1), width, height),
                from_masks=result.has_masks,
                lang=lang,
            )
        )
    by_index = {r.index: r for r in out}
    for m in mentions(result.description, by_index):
        for number in m.numbers:
            out[number - 1].mentions.append(m)
    # Text read in the photo: quoted or unclear (never a number plate, nor what its object's name says).
    for piece in result.description.text:
        if piece.status not in ("quoted", "unclear"):
            continue
        number = len(out) + 1
        colour = colour_for(number)
        x0, y0, x1, y1 = _clamped(piece.box, width, height)
        out.append(
            Region(
                number=number,
                index=-1,
                label="text",
                score=1.0,
                box=(x0, y0, x1, y1),
                area_fraction=(x1 - x0) * (y1 - y0) / float(width * height),
                position="",
                possible=False,
                colour=colour,
                text_colour=text_colour_on(colour),
                box_percent=_box_percent((x0, y0, x1, y1), width, height),
                from_masks=False,
                text=piece.text if piece.status == "quoted" else "",
                lang=lang,
            )
        )
    return out


def mentions(description: Description, by_index: dict[int, Region]) -> list[Mention]:
    """The description's mentions that name at least one shown region and match their text."""
    found: list[Mention] = []
    counters: dict[str, int] = {}
    for raw in description.mentions:
        text = getattr(description, raw.field)
        if text[raw.start : raw.end] != raw.text:
            continue  # the text changed since the mention was made: no link rather than a wrong one
        numbers = tuple(sorted({by_index[i].number for i in raw.instance_ids if i in by_index}))
        if not numbers:
            continue
        counters[raw.field] = counters.get(raw.field, 0) + 1
        found.append(
            Mention(
                id=f"mention-{raw.field.replace('_', '-')}-{counters[raw.field]}",
                text=raw.text,
                field=raw.field,
                start=raw.start,
                end=raw.end,
                numbers=numbers,
            )
        )
    return found


def numbers_phrase(numbers: tuple[int, ...]) -> str:
    """``(2,)`` → ``"region 2"``; ``(1, 2, 3)`` → ``"regions 1, 2 and 3"``."""
    if len(numbers) == 1:
        return f"region {numbers[0]}"
    return f"regions {', '.join(map(str, numbers[:-1]))} and {numbers[-1]}"


@dataclass(frozen=True)
class Piece:
    text: str
    mention: Mention | None = None

    @property
    def label(self) -> str:
        """Accessible name of a linked phrase: its words, then which regions they name."""
        assert self.mention is not None
        return f"{self.text} ({numbers_phrase(self.mention.numbers)})"


def linked_text(text: str, field_name: str, region_list: list[Region]) -> list[Piece]:
    """``text`` split into plain pieces and pieces linked to regions, in order."""
    seen: dict[str, Mention] = {}
    for region in region_list:
        for m in region.mentions:
            if m.field == field_name:
                seen[m.id] = m
    pieces: list[Piece] = []
    cursor = 0
    for m in sorted(seen.values(), key=lambda m: m.start):
        if m.start < cursor:
            continue  # overlapping phrases: keep the first
        if m.start > cursor:
            pieces.append(Piece(text[cursor : m.start]))
        pieces.append(Piece(text[m.start : m.end], m))
        cursor = m.end
    if cursor < len(text):
        pieces.append(Piece(text[cursor:]))
    return pieces


def overlay_alt(region_list: list[Region], from_masks: bool) -> str:
    """Alt text of the overlay picture itself: what is drawn, not what the photo shows; in the
    regions' language (English when there are none)."""
    if not region_list:
        return "The photo with no regions marked: the model found nothing it could name."
    count = len(region_list)
    with translation.override(region_list[0].lang):
        names = pgettext("between the regions of the overlay's alt", "; ").join(
            f"{r.number} {r.name}" for r in region_list
        )
        if from_masks:
            text = ngettext(
                "The photo with %(count)s numbered region shaded in colour: %(names)s.",
                "The photo with %(count)s numbered regions shaded in colour: %(names)s.",
                count,
            )
        else:
            text = ngettext(
                "The photo with %(count)s numbered region outlined with a coloured box: %(names)s.",
                "The photo with %(count)s numbered regions outlined with coloured boxes: %(names)s.",
                count,
            )
    return text % {"count": count, "names": names}


# -- drawing ------------------------------------------------------------------------------------


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType: the fixed bitmap font
        return ImageFont.load_default()


def draw_overlay(photo: Image.Image, region_list: list[Region], instances: Instances | None) -> Image.Image:
    """The photo (any size) with each region painted in its colour and tagged with its number.

    Masks (``instances.masks``, at working resolution, whole photo) become translucent fills with
    a solid edge; without masks each box is outlined, with a dark and a light stroke so it shows
    on any background. Boxes are given in original pixels and scaled to ``photo``'s size.
    """
    base = photo.convert("RGBA")
    width, height = base.size
    original_w, original_h = instances.image_size if instances is not None else (width, height)
    sx, sy = width / original_w, height / original_h
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    stroke = max(3, round(min(width, height) / 150))
    masks = instances.masks if instances is not None and instances.masks is not None else None

    for region in region_list:
        colour = _rgb(region.colour)
        if masks is not None and region.text is None and region.index < len(masks):
            mask = Image.fromarray(masks[region.index].astype(np.uint8) * 255).resize((width, height), Image.NEAREST)
            fill = Image.new("RGBA", base.size, (*colour, MASK_ALPHA))
            layer.paste(fill, (0, 0), mask)
            edge = mask.filter(ImageFilter.FIND_EDGES).filter(ImageFilter.MaxFilter(3))
            layer.paste(Image.new("RGBA", base.size, (*colour, 255)), (0, 0), edge)
        else:
            x0, y0, x1, y1 = region.box
            rect = [x0 * sx, y0 * sy, max(x0 * sx, x1 * sx - 1), max(y0 * sy, y1 * sy - 1)]
            draw.rectangle(rect, outline=(0, 0, 0, 255), width=stroke + 2)
            draw.rectangle(
                [rect[0] + 1, rect[1] + 1, max(rect[0] + 1, rect[2] - 1), max(rect[1] + 1, rect[3] - 1)],
                outline=(*colour, 255),
                width=stroke,
            )

    font_size = max(14, round(min(width, height) / 28))
    font = _font(font_size)
    for region in region_list:
        x0, y0 = region.box[0] * sx, region.box[1] * sy
        label = str(region.number)
        left, top, right, bottom = draw.textbbox((0, 0), label, font=font)
        pad = max(3, font_size // 4)
        tag_w, tag_h = right - left + 2 * pad, bottom - top + 2 * pad
        tx = min(max(0, x0), width - tag_w)
        ty = min(max(0, y0), height - tag_h)
        draw.rectangle([tx, ty, tx + tag_w, ty + tag_h], fill=(*_rgb(region.colour), 255), outline=(0, 0, 0, 255))
        draw.text((tx + pad - left, ty + pad - top), label, font=font, fill=(*_rgb(region.text_colour), 255))

    return Image.alpha_composite(base, layer).convert("RGB")


def render_overlay(image: bytes, result: StoredResult | None, *, max_width: int = MAX_WIDTH) -> bytes:
    """JPEG bytes of the stored photo (``image``, its JPEG bytes as read from storage) at most
    ``max_width`` wide with its regions drawn."""
    with Image.open(io.BytesIO(image)) as opened:
        opened.draft("RGB", (max_width, max_width))
        picture = opened.convert("RGB")
    if picture.width > max_width:
        picture = picture.resize((max_width, round(picture.height * max_width / picture.width)), Image.LANCZOS)
    drawn = draw_overlay(picture, regions(result), result.instances if result is not None else None)
    buffer = io.BytesIO()
    drawn.save(buffer, format="JPEG", quality=90, subsampling=0)  # 4:4:4 keeps thin coloured lines true
    return buffer.getvalue()
