"""OCR engines behind one interface (tesseract, RapidOCR), and choosing among their readings."""
