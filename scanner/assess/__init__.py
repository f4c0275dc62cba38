"""Assessment: the milia-risk score, the label's context (product type, claims, avoid
list), routines."""
