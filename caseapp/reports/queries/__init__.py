"""SQL for the indicators: one module per field of work, the shared building blocks in common."""
