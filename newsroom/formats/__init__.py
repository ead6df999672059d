"""The desk's own date formats per language (settings.FORMAT_MODULE_PATH), over Django's."""
