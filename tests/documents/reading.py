"""Reading the rendered PDFs back with an independent library (pypdf), not with fpdf2."""

import io
import unicodedata

import pypdf


def reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    """Each page's text, NFC, whitespace collapsed (table cells and wrapped lines join)."""
    return [
        " ".join(unicodedata.normalize("NFC", page.extract_text()).split())
        for page in reader(data).pages
    ]


def all_text(data: bytes) -> str:
    return " ".join(page_texts(data))


def fonts(data: bytes) -> list[dict]:
    """Every font resource of every page, with its descendant's font descriptor."""
    found = []
    for page in reader(data).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            found.append({"font": font, "descriptor": descriptor})
    return found


def image_xobjects(page: pypdf.PageObject) -> list:
    resources = page["/Resources"]
    if "/XObject" not in resources:
        return []
    return [
        xobject.get_object()
        for xobject in resources["/XObject"].values()
        if xobject.get_object()["/Subtype"] == "/Image"
    ]


def link_uris(page: pypdf.PageObject) -> list[str]:
    return [
        annotation.get_object()["/A"]["/URI"]
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]


def dark_modules(image) -> list[list[bool]]:
    """The QR image, one pixel per module, as rows of dark (True) / light (False)."""
    grey = image.convert("L")
    width, height = grey.size
    return [[grey.getpixel((x, y)) < 128 for x in range(width)] for y in range(height)]
