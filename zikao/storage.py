"""Static files in production: WhiteNoise's compressed, hashed files, with their URLs memoised.

Every page renders eight ``{% static %}`` URLs, and each one walks the manifest (name cleaning,
unquoting, the hashed-name look-up, joining with STATIC_URL): about a tenth of a cached page's
CPU. The manifest cannot change while a process runs (``collectstatic`` is followed by a restart,
docs/deployment.md), so a URL, once made, is kept for the life of the process.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class PortalStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        url = self._urls.get(name)
        if url is None:
            url = self._urls[name] = super().url(name)  # a missing file raises and is not kept
        return url
