"""Outputs: the JSON contract, terminal, Markdown and HTML reports, annotated photos, exports."""
