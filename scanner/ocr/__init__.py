"""OCR engines behind one interface (tesseract, PP-OCR), and choosing among their readings."""
