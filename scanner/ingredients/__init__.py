"""From OCR text to ingredients: find and split the list, then match each item to the lexicon."""
