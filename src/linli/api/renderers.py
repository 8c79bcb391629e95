from ninja.renderers import JSONRenderer


class Utf8JSONRenderer(JSONRenderer):
    """Chinese text as UTF-8, not \\u escapes: readable in logs and by people."""

    json_dumps_params = {"ensure_ascii": False}
