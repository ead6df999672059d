"""The day's intake through the desk: upload, preview, import in the background.

``uploads``: what may be uploaded and keeping it (``read_uploads``, ``keep_intake``);
``jobs``: the steps over an Intake (``preview``, ``confirm``, ``run``); ``tasks``: the job the
queue's workers run. The desk's pages are newsroom/admin/intake.py.
"""
