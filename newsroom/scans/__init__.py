"""Page scans: the printed page an OCR file was read from, kept beside its text.

``formats`` checks a file really is a scan we can serve (decoded, within limits: no Django);
``store`` keeps scans in their own storage, named by content hash; ``raster`` turns a stored
scan into pixels (a PDF page rendered once); ``iiif`` reads an IIIF Image API request and
makes the image it asks for; ``derivatives`` caches what it made. Which scans a reader may
see is a model rule (``Page.objects.with_public_scan()``, newsroom/models/scans.py); the
views are in newsroom/iiif/.
"""
