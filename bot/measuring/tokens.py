"""Count tokens with tiktoken, offline, on encodings verified by their published hash.

tiktoken normally downloads its BPE files on first use. Wattson ships the two
encodings it needs in ``bot/measuring/data/tiktoken/``, named by tiktoken's own cache key
(the SHA-1 of the file's official URL), and hands them to tiktoken through its
documented cache directory. Before tiktoken sees a file, its SHA-256 is checked
against the hash tiktoken itself publishes (``tiktoken_ext.openai_public``): a
missing or altered file is an error, never a download, and tiktoken's fallback of
deleting a bad cache entry and fetching it again is never reached.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.foundation.errors import DataIntegrityError

if TYPE_CHECKING:
    import tiktoken

ENCODINGS_DIR = Path(__file__).parent / "data" / "tiktoken"
FALLBACK_ENCODING = "o200k_base"


@dataclass(frozen=True, slots=True)
class EncodingFile:
    """One shipped BPE file: where tiktoken would fetch it and what it must hash to."""

    name: str
    url: str
    sha256: str

    @property
    def cache_key(self) -> str:
        """Name tiktoken gives the cached file: the SHA-1 of its URL."""
        return hashlib.sha1(self.url.encode()).hexdigest()

    @property
    def path(self) -> Path:
        return ENCODINGS_DIR / self.cache_key


# URLs and SHA-256 exactly as in tiktoken_ext/openai_public.py (tiktoken 0.14);
# tests/test_tokens.py checks them against the installed tiktoken.
OFFLINE_ENCODINGS: dict[str, EncodingFile] = {
    "o200k_base": EncodingFile(
        name="o200k_base",
        url="https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
        sha256="446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
    "cl100k_base": EncodingFile(
        name="cl100k_base",
        url="https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
        sha256="223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
}

_load_lock = threading.Lock()


def verify_encoding_file(spec: EncodingFile) -> None:
    """Raise :class:`DataIntegrityError` unless the shipped file has its published hash."""
    try:
        data = spec.path.read_bytes()
    except OSError as error:
        raise DataIntegrityError(
            f"tiktoken encoding {spec.name} is missing at {spec.path}: reinstall Wattson"
        ) from error
    digest = hashlib.sha256(data).hexdigest()
    if digest != spec.sha256:
        raise DataIntegrityError(
            f"tiktoken encoding {spec.name} at {spec.path} has SHA-256 {digest}, "
            f"expected {spec.sha256}: reinstall Wattson"
        )


@cache
def load_encoding(name: str) -> tiktoken.Encoding:
    """Return the tiktoken encoding ``name`` from the verified offline files."""
    spec = OFFLINE_ENCODINGS.get(name)
    if spec is None:
        raise DataIntegrityError(f"encoding {name} is not shipped for offline use")
    verify_encoding_file(spec)
    import tiktoken

    with _load_lock:
        previous = os.environ.get("TIKTOKEN_CACHE_DIR")
        os.environ["TIKTOKEN_CACHE_DIR"] = str(ENCODINGS_DIR)
        try:
            return tiktoken.get_encoding(name)
        finally:
            if previous is None:
                del os.environ["TIKTOKEN_CACHE_DIR"]
            else:
                os.environ["TIKTOKEN_CACHE_DIR"] = previous


@dataclass(frozen=True, slots=True)
class Tokenizer:
    """How a model's text is counted: which encoding, and whether it is the model's own."""

    encoding_name: str
    exact: bool


@lru_cache(maxsize=4096)
def tokenizer_for(provider: str, model_name: str) -> Tokenizer:
    """Pick the model's own tokenizer when tiktoken knows it and it ships offline.

    tiktoken maps OpenAI model names to encodings (``gpt-4o`` → o200k_base,
    ``gpt-4`` → cl100k_base). Other providers' tokenizers are not available
    offline, so their text is counted with o200k_base and marked approximate.
    """
    if provider == "openai":
        from tiktoken.model import encoding_name_for_model

        try:
            name = encoding_name_for_model(model_name)
        except KeyError:
            name = None
        if name in OFFLINE_ENCODINGS:
            return Tokenizer(encoding_name=name, exact=True)
    return Tokenizer(encoding_name=FALLBACK_ENCODING, exact=False)


def count_tokens(text: str, encoding_name: str) -> int:
    """Count the tokens of ``text``; special-token markers in user text count as text."""
    return len(load_encoding(encoding_name).encode_ordinary(text))


def split_tokens(text: str, encoding_name: str) -> list[str]:
    """Cut ``text`` into its tokens, decoded for display.

    A token may hold part of a multi-byte character; such fragments are shown
    as U+FFFD rather than hidden, so the pieces still add up to the count.
    """
    encoding = load_encoding(encoding_name)
    return [
        encoding.decode_single_token_bytes(token).decode("utf-8", errors="replace")
        for token in encoding.encode_ordinary(text)
    ]
