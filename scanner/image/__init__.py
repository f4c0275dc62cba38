"""Image preparation: decode a photo safely, then orient, unroll, flatten and even it for OCR."""
