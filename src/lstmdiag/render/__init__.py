"""Output formats: each turns one result object into text (or rich renderables)."""
