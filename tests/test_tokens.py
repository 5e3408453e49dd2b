"""Token counting: tiktoken's own encodings, loaded offline and verified by hash."""

from __future__ import annotations

import hashlib
import inspect
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import tiktoken_ext.openai_public as openai_public

from bot.foundation.errors import DataIntegrityError
from bot.measuring import tokens
from bot.measuring.tokens import (
    OFFLINE_ENCODINGS,
    count_tokens,
    load_encoding,
    split_tokens,
    tokenizer_for,
    verify_encoding_file,
)


@pytest.mark.parametrize("name", sorted(OFFLINE_ENCODINGS))
def test_shipped_hashes_and_urls_are_the_ones_tiktoken_publishes(name: str) -> None:
    source = inspect.getsource(getattr(openai_public, name))
    spec = OFFLINE_ENCODINGS[name]
    assert f'"{spec.url}"' in source
    assert f'expected_hash="{spec.sha256}"' in source


@pytest.mark.parametrize("name", sorted(OFFLINE_ENCODINGS))
def test_shipped_files_match_their_published_hash(name: str) -> None:
    spec = OFFLINE_ENCODINGS[name]
    assert hashlib.sha256(spec.path.read_bytes()).hexdigest() == spec.sha256
    assert spec.path.name == hashlib.sha1(spec.url.encode()).hexdigest()


def test_altered_encoding_file_is_refused_not_downloaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for spec in OFFLINE_ENCODINGS.values():
        shutil.copy(spec.path, tmp_path / spec.path.name)
    target = tmp_path / OFFLINE_ENCODINGS["cl100k_base"].path.name
    target.write_bytes(target.read_bytes().replace(b" 0\n", b" 1\n", 1))
    monkeypatch.setattr(tokens, "ENCODINGS_DIR", tmp_path)
    with pytest.raises(DataIntegrityError, match="SHA-256"):
        verify_encoding_file(OFFLINE_ENCODINGS["cl100k_base"])
    assert target.exists(), "the bad file is reported, not deleted behind the user's back"


def test_missing_encoding_file_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tokens, "ENCODINGS_DIR", tmp_path)
    with pytest.raises(DataIntegrityError, match="missing"):
        verify_encoding_file(OFFLINE_ENCODINGS["o200k_base"])


def test_encodings_load_in_a_process_that_cannot_open_a_socket(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import socket
        def refuse(*args, **kwargs):
            raise OSError("network access attempted")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        from bot.measuring.tokens import count_tokens
        print(count_tokens("Bonjour le monde", "o200k_base"),
              count_tokens("Bonjour le monde", "cl100k_base"))
        """
    )
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(tmp_path / "empty-cache")}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "3"]
    assert not (tmp_path / "empty-cache").exists(), "nothing was written to tiktoken's cache"


@pytest.mark.parametrize(
    ("provider", "model", "encoding", "exact"),
    [
        ("openai", "gpt-4o", "o200k_base", True),
        ("openai", "gpt-4o-mini", "o200k_base", True),
        ("openai", "gpt-4.1", "o200k_base", True),
        ("openai", "o3-mini", "o200k_base", True),
        ("openai", "gpt-4", "cl100k_base", True),
        ("openai", "gpt-3.5-turbo", "cl100k_base", True),
        ("anthropic", "claude-sonnet-4-5", "o200k_base", False),
        ("mistralai", "mistral-large-latest", "o200k_base", False),
        ("huggingface_hub", "mistralai/Mixtral-8x7B-v0.1", "o200k_base", False),
    ],
)
def test_each_model_is_counted_with_its_own_encoding_or_marked_approximate(
    provider: str, model: str, encoding: str, exact: bool
) -> None:
    tokenizer = tokenizer_for(provider, model)
    assert (tokenizer.encoding_name, tokenizer.exact) == (encoding, exact)


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("hello world", "o200k_base", 2),
        ("hello world", "cl100k_base", 2),
        ("Bonjour le monde", "o200k_base", 3),
        ("", "o200k_base", 0),
    ],
)
def test_counts_match_tiktoken(text: str, encoding: str, expected: int) -> None:
    assert count_tokens(text, encoding) == expected
    assert count_tokens(text, encoding) == len(load_encoding(encoding).encode(text))


def test_special_token_markers_in_user_text_are_counted_as_plain_text() -> None:
    text = "<|endoftext|> hello"
    assert count_tokens(text, "o200k_base") == len(
        load_encoding("o200k_base").encode(text, disallowed_special=())
    )


def test_split_tokens_shows_every_token_in_order() -> None:
    assert split_tokens("Bonjour le monde", "o200k_base") == ["Bonjour", " le", " monde"]


def test_split_tokens_keeps_one_piece_per_token_inside_multibyte_characters() -> None:
    text = "𓀀𓀁𓀂 énergie"
    pieces = split_tokens(text, "o200k_base")
    assert len(pieces) == count_tokens(text, "o200k_base")
    assert pieces[-1].endswith("ie")
