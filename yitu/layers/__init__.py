"""The domain: layer schemas, loading and validation, the project store, grading, registers."""
