"""The only way WeasyPrint reads a file: local files inside the allowed folders; the build never goes online."""

from pathlib import Path

from weasyprint.urls import URLFetcher


class LocalFetcher(URLFetcher):
    """Resolve only local files inside the allowed folders."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"file", "data"})
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(url.removeprefix("file://")).resolve()
            if not any(path.is_relative_to(root) for root in self.roots):
                raise ValueError(f"refusing to read {path}: outside the book and cjkpress's own files")
        return super().fetch(url, headers)
