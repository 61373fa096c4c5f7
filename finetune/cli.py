"""`finchat finetune train|evaluate|publish`: adapters in, reports and shareable packages out.

Nothing heavy is imported here, so `finchat --help` stays fast; each command imports what it needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(help="Fine-tune LoRA adapters on question-answer pairs, evaluate them against the base model, "
                       "publish them.", no_args_is_help=True)
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
             add_help_option=False)
def train(ctx: typer.Context) -> None:
    """Train a LoRA adapter (the paper's QLoRA settings); --help lists every option.

    Example: finchat finetune train --output-dir adapters/smollm2-finchat
    """
    from chatbot.models import GeneratorError
    from finetune.dataset import DatasetError
    from finetune.train import main, parse

    try:
        arguments = parse(ctx.args, prog="finchat finetune train")  # argparse prints --help (with examples), exits
        result = main(*arguments)
    except (DatasetError, GeneratorError, ValueError) as error:
        err.print(str(error), markup=False, highlight=False)
        raise typer.Exit(1) from None
    per_step = result.seconds / max(result.steps, 1)
    console.print(f"{result.steps} steps in {result.seconds:.0f} s ({per_step:.2f} s/step, "
                  f"{result.tokens / result.seconds:.0f} tokens/s), training loss {result.train_loss:.3f}; "
                  f"adapter in {result.output_dir}", highlight=False)
    console.print(f"Next: finchat finetune evaluate {result.output_dir}", highlight=False, markup=False)


@app.command()
def evaluate(
    adapter: Annotated[Path, typer.Argument(help="Output folder of `finchat finetune train`.", show_default=False)],
    out: Annotated[Path | None, typer.Option("--out", help="Report folder; default ADAPTER/eval.")] = None,
    examples: Annotated[int, typer.Option("--examples", min=1, help="Validation questions both models answer.")] = 16,
    max_new_tokens: Annotated[int, typer.Option("--max-new-tokens", min=1, help="Longest generated answer.")] = 64,
    threads: Annotated[int, typer.Option("--threads", min=0, help="torch CPU threads; 0 = torch's default.")] = 0,
) -> None:
    """Compare base model and base + adapter on the validation split; write a Markdown report with plots.

    Example: finchat finetune evaluate adapters/smollm2-finchat --examples 16
    """
    from chatbot.models import GeneratorError
    from finetune.dataset import DatasetError
    from finetune.evaluate import evaluate as run

    try:
        result, report = run(adapter, out, examples, max_new_tokens, threads)
    except (FileNotFoundError, DatasetError, GeneratorError) as error:
        err.print(str(error), markup=False, highlight=False)
        raise typer.Exit(1) from None
    b, t = result.base, result.tuned
    console.print(f"validation loss {b.loss:.3f} -> {t.loss:.3f} ({result.loss_reduction():+.0%} reduction), "
                  f"ROUGE-L {b.rouge_l:.3f} -> {t.rouge_l:.3f}, key terms {b.key_term_accuracy:.2f} -> "
                  f"{t.key_term_accuracy:.2f}"
                  + (f", answer accuracy {b.answer_accuracy:.2f} -> {t.answer_accuracy:.2f}"
                     if t.answer_accuracy is not None else "") + f"; report: {report}", highlight=False, markup=False)


@app.command()
def publish(
    adapter: Annotated[Path, typer.Argument(help="Output folder of `finchat finetune train`.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="Folder to create with the package.", show_default=False)],
    push_to_hub: Annotated[str | None, typer.Option("--push-to-hub", metavar="REPO",
                                                    help="Also upload to this Hugging Face repo (needs a token "
                                                         "and network).")] = None,
    public: Annotated[bool, typer.Option("--public", help="Create the hub repo public (default private).")] = False,
) -> None:
    """Package adapter weights, adapter_config.json and a model card with the evaluation; optionally upload.

    Example: finchat finetune publish adapters/smollm2-finchat --out dist/smollm2-finchat
    """
    from finetune.dataset import DatasetError
    from finetune.publish import PublishError, publish as run

    try:
        folder = run(adapter, out, push_to_hub, private=not public)
    except (PublishError, DatasetError) as error:
        err.print(str(error), markup=False, highlight=False)
        raise typer.Exit(1) from None
    pushed = f" and pushed to {push_to_hub}" if push_to_hub else ""
    console.print(f"adapter package written to {folder}{pushed}", highlight=False, markup=False)


@app.command()
def reader(
    out: Annotated[Path, typer.Option("--out", help="Folder for the trained reader.")] = Path("data/reader"),
    institutions: Annotated[int, typer.Option("--institutions", min=1, help="Synthetic institutions to generate "
                                                                             "(~84 pairs each).")] = 300,
    epochs: Annotated[int, typer.Option("--epochs", min=1)] = 1,
    threads: Annotated[int, typer.Option("--threads", min=0, help="torch CPU threads; 0 = torch's default.")] = 0,
) -> None:
    """Train the evidence reader: a cross-encoder from the bundled MiniLM weights on synthetic (question, record)
    pairs with hard negatives (finetune/reader_data.py). Serve it with FINCHAT_ASSISTANT__READER=OUT.

    Example: finchat finetune reader --out data/reader
    """
    import logging

    from finetune.train_reader import train_reader

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    report = train_reader(out, n_institutions=institutions, epochs=epochs, threads=threads)
    console.print(f"{report['pairs']} pairs, {report['steps']} steps in {report['seconds']:.0f} s, loss "
                  f"{report['first_loss']:.3f} -> {report['last_loss']:.3f}, held-out pair accuracy "
                  f"{report['held_out_accuracy']:.3f}; reader in {out}", highlight=False, markup=False)
    console.print(f"Serve it: FINCHAT_ASSISTANT__READER={out} finchat serve", highlight=False, markup=False)


@app.command("raft-data")
def raft_data(
    out: Annotated[Path, typer.Option("--out", help="JSONL file to write.")] = Path("data/raft.jsonl"),
    institutions: Annotated[int, typer.Option("--institutions", min=1, help="Synthetic institutions to generate "
                                                                             "(~13 examples each).")] = 240,
    seed: Annotated[int, typer.Option("--seed")] = 7,
) -> None:
    """Write RAFT examples for the generator (finetune/raft_data.py): a question over numbered records, the
    answering one among distractors or none, answered "[n] one sentence" or "I don't know". Train on them with
    `finchat finetune train --data OUT`, serve with FINCHAT_GENERATION__ADAPTER=… FINCHAT_ASSISTANT__MODEL_PICKS=true.

    Example: finchat finetune raft-data --out data/raft.jsonl --institutions 240
    """
    from finetune.dataset import QAPair, write_jsonl
    from finetune.raft_data import make_examples

    examples = make_examples(institutions, seed=seed)
    write_jsonl([QAPair(**e) for e in examples], out)
    abstain = sum(e["answer"].startswith("I'm sorry") for e in examples)
    console.print(f"{len(examples)} examples ({abstain} answered \"I don't know\") from {institutions} synthetic "
                  f"institutions in {out}", highlight=False, markup=False)
    console.print(f"Next: finchat finetune train --data {out} --max-length 512 --max-steps 80 --learning-rate 3e-4 "
                  f"--output-dir data/adapters/smollm2-raft",
                  highlight=False, markup=False)
