"""What an editor may upload for the day's intake, and keeping it until it is imported.

An upload is several files (Markdown pages and their scans) or zip archives of them. Every
file is checked before anything is kept: its name (a plain file name; folders inside a zip
are dropped, a name that tries to leave its folder is refused), its kind (a page, ``.md`` or
``.txt``, or a scan beside a page), its size (``INTAKE_MAX_FILE_BYTES``), the upload's total
(``INTAKE_MAX_TOTAL_BYTES``, counted as a zip is expanded, so a zip bomb stops at the limit)
and its number of files (``INTAKE_MAX_FILES``). A scan must have its page in the same upload.
A refused upload keeps nothing and says which file and why (``UploadError``). Scans are
checked by decoding when the preview imports them (newsroom/scans/formats.py), not here.

Accepted files are written to the ``intake`` storage under ``<intake id>/<name>`` and listed as
IntakeFile rows; the rows and the files come together or not at all.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils.translation import gettext as _

from importers.load.files import PAGE_SUFFIXES, SCAN_SUFFIXES
from newsroom.models import Intake, IntakeFile

ZIP_SUFFIX = ".zip"
# The part of a file read at a time while a zip member is expanded (the limits are checked
# after each, so a member that inflates without end stops at the limit).
_CHUNK = 1024 * 1024


class UploadError(ValueError):
    """An upload refused: ``message`` names the file and says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Upload:
    """One file of an upload: its plain name and its bytes."""

    name: str
    data: bytes

    @property
    def suffix(self) -> str:
        return posixpath.splitext(self.name)[1].lower()

    @property
    def stem(self) -> str:
        return posixpath.splitext(self.name)[0]

    @property
    def is_page(self) -> bool:
        return self.suffix in PAGE_SUFFIXES


def intake_storage():
    return storages["intake"]


@dataclass
class _Budget:
    """What is left of the upload's limits as files are read."""

    files: int
    bytes: int

    def take(self, name: str, size: int) -> None:
        if size > settings.INTAKE_MAX_FILE_BYTES:
            raise UploadError(_("%(name)s：文件过大（%(size)s 字节，单个文件最多 %(limit)s 字节）。") % {
                "name": name, "size": f"{size:,}", "limit": f"{settings.INTAKE_MAX_FILE_BYTES:,}"})
        self.bytes -= size
        if self.bytes < 0:
            raise UploadError(_("%(name)s：上传的文件合计超过 %(limit)s 字节。") % {
                "name": name, "limit": f"{settings.INTAKE_MAX_TOTAL_BYTES:,}"})

    def count(self, name: str) -> None:
        self.files -= 1
        if self.files < 0:
            raise UploadError(_("%(name)s：一次最多上传 %(limit)s 个文件。") % {
                "name": name, "limit": settings.INTAKE_MAX_FILES})


def plain_name(name: str, *, within: str = "") -> str:
    """Return a file's own name (no folders); refuse a name that is empty or tries to leave its folder."""
    shown = f"{within}: {name}" if within else name
    normalized = name.replace("\\", "/")
    parts = [part for part in normalized.split("/") if part not in ("", ".")]
    if not parts or ".." in parts or normalized.startswith("/") or ":" in parts[0] or "\x00" in name:
        raise UploadError(_("%(name)s：文件名不可接受。") % {"name": shown})
    base = parts[-1].strip()
    if not base or base.startswith(".") or len(base) > 200 or any(ord(c) < 32 for c in base):
        raise UploadError(_("%(name)s：文件名不可接受。") % {"name": shown})
    return base


def _accept(name: str, data: bytes, found: list[Upload], budget: _Budget) -> None:
    upload = Upload(name, data)
    if upload.suffix not in PAGE_SUFFIXES + SCAN_SUFFIXES:
        raise UploadError(_("%(name)s：只接受版面文件（.md、.txt）、版面图（.jpg、.png、.tif、.pdf）或它们的 zip 压缩包。")
                          % {"name": name})
    budget.count(name)
    found.append(upload)


def _expand_zip(name: str, data: bytes, found: list[Upload], budget: _Budget) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadError(_("%(name)s：不是可读的 zip 压缩包。") % {"name": name}) from None
    for member in members:
        if member.is_dir():
            continue
        if member.flag_bits & 0x1:
            raise UploadError(_("%(name)s：压缩包中的 %(member)s 已加密，无法读取。") % {"name": name, "member": member.filename})
        member_name = plain_name(member.filename, within=name)
        if member_name.startswith("__MACOSX") or member.filename.startswith("__MACOSX/"):
            continue
        if posixpath.splitext(member_name)[1].lower() == ZIP_SUFFIX:
            raise UploadError(_("%(name)s：压缩包中不能再有压缩包（%(member)s）。") % {"name": name, "member": member.filename})
        shown = f"{name}: {member.filename}"
        budget.take(shown, member.file_size)  # what the zip says; checked again as it inflates
        chunks, size = [], 0
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    size += len(chunk)
                    if size > member.file_size:
                        raise UploadError(_("%(name)s：压缩包中的 %(member)s 比它声明的大小更大。") % {
                            "name": name, "member": member.filename})
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
            raise UploadError(_("%(name)s：压缩包中的 %(member)s 无法解压。") % {"name": name, "member": member.filename}) from None
        if member_name in {u.name for u in found}:
            raise UploadError(_("%(name)s：文件名重复（%(file)s）。") % {"name": shown, "file": member_name})
        _accept(member_name, b"".join(chunks), found, budget)


def read_uploads(files: Iterable) -> list[Upload]:
    """Return the files of an upload (Django UploadedFiles, or objects with ``name`` and ``read()``),
    zips expanded, checked; raise UploadError naming the first file refused."""
    budget = _Budget(files=settings.INTAKE_MAX_FILES, bytes=settings.INTAKE_MAX_TOTAL_BYTES)
    found: list[Upload] = []
    for file in files:
        name = plain_name(file.name or "")
        size = getattr(file, "size", None)
        if size is not None and size > max(settings.INTAKE_MAX_FILE_BYTES, settings.INTAKE_MAX_TOTAL_BYTES):
            raise UploadError(_("%(name)s：文件过大。") % {"name": name})
        data = file.read()
        if posixpath.splitext(name)[1].lower() == ZIP_SUFFIX:
            if len(data) > settings.INTAKE_MAX_TOTAL_BYTES:
                raise UploadError(_("%(name)s：上传的文件合计超过 %(limit)s 字节。") % {
                    "name": name, "limit": f"{settings.INTAKE_MAX_TOTAL_BYTES:,}"})
            _expand_zip(name, data, found, budget)
            continue
        budget.take(name, len(data))
        if name in {u.name for u in found}:
            raise UploadError(_("%(name)s：文件名重复。") % {"name": name})
        _accept(name, data, found, budget)
    check_together(found)
    return found


def check_together(uploads: list[Upload]) -> None:
    """Refuse an upload with no page, or with a scan whose page is not in it."""
    if not any(upload.is_page for upload in uploads):
        raise UploadError(_("上传中没有版面文件（.md 或 .txt）。"))
    pages = {upload.stem for upload in uploads if upload.is_page}
    for upload in uploads:
        if not upload.is_page and upload.stem not in pages:
            raise UploadError(_("%(name)s：版面图须与同名的版面文件一起上传（未找到 %(stem)s.md）。") % {
                "name": upload.name, "stem": upload.stem})


def keep_intake(uploads: list[Upload], user) -> Intake:
    """Write the uploads to the intake storage and record them as a new Intake; all or nothing."""
    storage = intake_storage()
    written: list[str] = []
    try:
        with transaction.atomic():
            intake = Intake.objects.create(
                uploaded_by=user if getattr(user, "is_authenticated", False) else None,
                files_total=sum(1 for upload in uploads if upload.is_page),
            )
            rows = []
            for upload in uploads:
                stored = storage.save(f"{intake.pk}/{upload.name}", ContentFile(upload.data))
                written.append(stored)
                rows.append(IntakeFile(intake=intake, name=upload.name, stored_name=stored,
                                       size=len(upload.data), sha256=hashlib.sha256(upload.data).hexdigest()))
            IntakeFile.objects.bulk_create(rows)
    except BaseException:
        for name in written:
            try:
                storage.delete(name)
            except Exception:
                pass
        raise
    return intake
