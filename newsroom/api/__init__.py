"""The REST API (/api/v1/): DRF viewsets over the core's querysets."""
