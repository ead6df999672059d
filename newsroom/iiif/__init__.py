"""IIIF for page scans: the Image API 3.0 service (``images``) and issues' Presentation 3.0
manifests (``manifests``, built by ``presentation``). The image work itself (reading a request,
decoding a scan, the derivative cache) is in newsroom/scans/.
"""
