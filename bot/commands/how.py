"""/how: the method in plain words, with the assumptions read from EcoLogits itself."""

from __future__ import annotations

from bot.dispatch import Command, Context
from bot.foundation.formatting import number_format
from bot.foundation.i18n import N_, _
from bot.measuring.energy import ecologits_version
from bot.messages import Reply


def method_text() -> str:
    """Explain how an estimate is made; every number comes from the EcoLogits code."""
    from ecologits.impacts import llm

    fmt = number_format()
    lifespan_years = llm.HARDWARE_LIFESPAN / (365 * 24 * 60 * 60)
    paragraphs = [
        _(
            "How a model writes: a language model produces its answer one token at a time "
            "(a token is a piece of a word, about four characters of English). For every "
            "token it runs a full computation through its parameters, the numbers learned in "
            "training. So the energy of an answer grows with its length, and with the number "
            "of parameters that compute each token."
        ),
        _(
            "Why active parameters matter: a dense model uses all its parameters for every "
            "token. A mixture-of-experts model holds many “experts” but routes each token "
            "through only a few of them, so only part of its parameters compute each token. "
            "Its memory (and so the machine it needs) follows the total; its energy per token "
            "follows the active part."
        ),
        _(
            "The method: Wattson uses EcoLogits {version} (GenAI Impact), the method behind "
            "the French government’s compar:IA. It models GPUs with {gpu_memory} GB of memory "
            "in servers of {server_gpus} GPUs drawing {server_power} kW, weights stored on "
            "{bits} bits, {batch} requests served at once, hardware kept {lifespan} years, "
            "and the data centre’s overhead (PUE) and water use (WUE) of each provider. "
            "Greenhouse gases and water include the electricity mix of the country and the "
            "manufacturing of the hardware (for gases)."
        ).format(
            version=ecologits_version(),
            gpu_memory=fmt.integer(llm.GPU_MEMORY),
            server_gpus=fmt.integer(llm.SERVER_GPUS),
            server_power=fmt.significant(llm.SERVER_POWER),
            bits=fmt.integer(llm.MODEL_QUANTIZATION_BITS),
            batch=fmt.integer(llm.BATCH_SIZE),
            lifespan=fmt.significant(lifespan_years),
        ),
        _(
            "What the ranges mean: providers rarely publish their models’ size or their data "
            "centres’ efficiency, so EcoLogits gives a low and a high value; the truth is "
            "likely in between. Wattson counts the text you show it as if a model had "
            "generated it (the prompt you sent is not counted), and the request time is "
            "unknown, so the modelled generation time is used. These are estimates, not "
            "measurements."
        ),
        _("Method documentation: https://ecologits.ai"),
    ]
    return "\n\n".join(paragraphs)


async def how(context: Context) -> Reply:
    """Explain the method behind every estimate."""
    return Reply(text=method_text(), links=(("EcoLogits", "https://ecologits.ai"),))


COMMAND = Command(
    name="how",
    aliases=("comment", "methode", "méthode"),
    handler=how,
    summary=N_("how the estimates are made"),
)
