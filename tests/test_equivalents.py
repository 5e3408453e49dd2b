"""Everyday equivalents: sourced factors from data, converted honestly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.measuring.catalog import default_catalog
from bot.measuring.energy import Impacts, Range
from bot.measuring.equivalents import DATA_FILE, human_scale, load_equivalents
from bot.measuring.machines import load_machines, memory_rule, required_memory_gb, smallest_machine

FIGURES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "figures.md"


def test_every_equivalent_has_a_complete_source() -> None:
    for equivalent in load_equivalents():
        source = equivalent.source
        assert source.publisher and source.title and source.claim
        assert str(source.url).startswith(("http://", "https://"))


def test_equivalent_ids_are_unique() -> None:
    ids = [e.id for e in load_equivalents()]
    assert len(ids) == len(set(ids))


@pytest.mark.skipif(not FIGURES.exists(), reason="reference list not beside the repository")
def test_every_factor_points_to_a_figure_of_the_reference_list() -> None:
    known = set(re.findall(r"^### ([a-z0-9-]+)$", FIGURES.read_text(), flags=re.MULTILINE))
    claims = {e.claim for e in load_equivalents()} | {m.claim for m in load_machines()}
    claims.add(memory_rule().claim)
    assert claims <= known, claims - known


def test_google_comparison_round_trips_to_nine_seconds_of_tv() -> None:
    tv = next(e for e in load_equivalents() if e.id == "tv-seconds")
    assert tv.convert(Range(0.24, 0.24)) == pytest.approx(Range(9.0, 9.0))


def test_a_factor_range_widens_the_result() -> None:
    led = next(e for e in load_equivalents() if e.id == "led-bulb-minutes")
    minutes = led.convert(Range(0.3, 0.3))
    assert minutes.low == pytest.approx(0.3 * 60 / 10)  # 10 W bulb: shortest
    assert minutes.high == pytest.approx(0.3 * 60 / 8)  # 8 W bulb: longest


def test_human_scale_prefers_numbers_a_person_can_picture() -> None:
    impacts = Impacts(Range(0.25, 0.41), Range(0.10, 0.17), Range(0.9, 1.5))
    chosen = human_scale(impacts)
    assert len(chosen) == 2
    assert all(1 <= item.value.mean <= 100 for item in chosen)
    assert len({item.equivalent.claim for item in chosen}) == 2


def test_human_scale_still_answers_for_tiny_and_huge_impacts() -> None:
    tiny = Impacts(Range(1e-6, 2e-6), Range(1e-7, 2e-7), Range(1e-6, 2e-6))
    huge = Impacts(Range(5e6, 6e6), Range(1e6, 2e6), Range(1e6, 2e6))
    assert len(human_scale(tiny)) == 2
    assert len(human_scale(huge)) == 2


def test_broken_data_file_is_rejected_with_the_field_named(tmp_path: Path) -> None:
    from pydantic import ValidationError

    broken = tmp_path / "equivalents.toml"
    broken.write_text(
        DATA_FILE.read_text().replace('url = "https://arxiv.org', 'url = "ftp://arxiv.org', 1)
    )
    with pytest.raises(ValidationError, match="url"):
        load_equivalents(broken)


@pytest.mark.parametrize(
    ("model", "machine"),
    [
        ("huggingface_hub:google/gemma-2-2b-it", "laptop"),
        ("huggingface_hub:meta-llama/Meta-Llama-3.1-8B-Instruct", "tower-one-gpu"),
        ("huggingface_hub:meta-llama/Meta-Llama-3.1-70B-Instruct", "server-eight-gpus"),
        ("huggingface_hub:mistralai/Mixtral-8x7B-Instruct-v0.1", "server-eight-gpus"),
    ],
)
def test_smallest_machine_holds_the_weights_as_ecologits_sizes_them(
    model: str, machine: str
) -> None:
    info = default_catalog().resolve(model)
    fit = smallest_machine(info)
    assert fit.machine is not None and fit.machine.id == machine
    assert fit.required_gb == pytest.approx(1.2 * info.total_parameters.high * 2)


@pytest.mark.parametrize("billions", [0.5, 8.03, 46.7, 70.55, 671.0, 1760.0])
def test_memory_rule_is_the_one_ecologits_uses(billions: float) -> None:
    from ecologits.impacts.llm import MODEL_QUANTIZATION_BITS, model_required_memory

    expected = model_required_memory(
        model_total_parameter_count=billions, model_quantization_bits=MODEL_QUANTIZATION_BITS
    )
    assert required_memory_gb(billions) == pytest.approx(expected, rel=1e-12)


def test_models_larger_than_one_server_need_several() -> None:
    assert required_memory_gb(671) > max(m.memory_gb for m in load_machines())
    gpt4 = default_catalog().resolve("openai:gpt-4")  # 1,760 B in EcoLogits' estimate
    assert smallest_machine(gpt4).machine is None
