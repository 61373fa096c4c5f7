"""The evaluation as a Markdown report with a PNG training-loss curve and PNG metric bars (the paper's Figure 15)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING

from finetune.config import row_layout
from finetune.train import METRICS_FILE, TRAIN_ARGS_FILE

if TYPE_CHECKING:
    from finetune.evaluate import EvalResult, SideMetrics

REPORT_FILE = "report.md"
LOSS_PLOT = "loss_curve.png"
METRICS_PLOT = "metrics.png"
FIGURE_DPI = 120


def metrics_table(b: SideMetrics, t: SideMetrics) -> str:
    """The side-by-side metric table (Markdown), also used by the model card."""
    rows = [("Validation loss (answer tokens)", b.loss, t.loss, "lower is better"),
            ("Perplexity", b.perplexity, t.perplexity, "lower is better"),
            ("ROUGE-L F1", b.rouge_l, t.rouge_l, "higher is better"),
            ("Key-term accuracy", b.key_term_accuracy, t.key_term_accuracy, "higher is better")]
    if b.answer_accuracy is not None and t.answer_accuracy is not None:
        rows.append(("Answer accuracy (right record and figures, or a refusal)", b.answer_accuracy,
                     t.answer_accuracy, "higher is better"))
    lines = ["| Metric | Base model | Base + adapter | Change | |", "|---|---:|---:|---:|---|"]
    for name, base, tuned, better in rows:
        change = f"{(tuned - base) / base:+.0%}" if base else f"{tuned - base:+.3f}"
        lines.append(f"| {name} | {base:.3f} | {tuned:.3f} | {change} | {better} |")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|") or "*(empty)*"


def _plot_loss(metrics_csv: Path, result: EvalResult, path: Path) -> bool:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not metrics_csv.is_file():
        return False
    with metrics_csv.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["loss"]]
    if not rows:
        return False
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot([int(r["step"]) for r in rows], [float(r["loss"]) for r in rows], marker="o", label="training loss")
    ax.axhline(result.base.loss, color="grey", linestyle="--", label="base validation loss")
    ax.axhline(result.tuned.loss, color="green", linestyle="--", label="adapter validation loss")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("loss (answer tokens)")
    ax.set_title("Training loss")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=FIGURE_DPI)
    plt.close(fig)
    return True


def _plot_metrics(result: EvalResult, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.5))
    width = 0.38
    left.bar([-width / 2], [result.base.loss], width, label="base")
    left.bar([width / 2], [result.tuned.loss], width, label="base + adapter")
    left.set_xticks([0], ["validation loss"])
    left.set_title("lower is better")
    names = ["ROUGE-L F1", "key-term accuracy"]
    xs = range(len(names))
    right.bar([x - width / 2 for x in xs], [result.base.rouge_l, result.base.key_term_accuracy], width, label="base")
    right.bar([x + width / 2 for x in xs], [result.tuned.rouge_l, result.tuned.key_term_accuracy], width,
              label="base + adapter")
    right.set_xticks(list(xs), names)
    right.set_ylim(0, 1)
    right.set_title("higher is better")
    right.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=FIGURE_DPI)
    plt.close(fig)


def write_report(result: EvalResult, adapter: Path, out_dir: Path) -> Path:
    """Write report.md, loss_curve.png and metrics.png into out_dir; the path of report.md."""
    config = json.loads((adapter / TRAIN_ARGS_FILE).read_text(encoding="utf-8"))
    has_curve = _plot_loss(adapter / METRICS_FILE, result, out_dir / LOSS_PLOT)
    _plot_metrics(result, out_dir / METRICS_PLOT)
    run, train, model = config.get("run", {}), config["train"], config["model"]
    lines = [
        f"# Fine-tuning evaluation: {result.base_model} vs {result.base_model} + adapter",
        "",
        f"Adapter `{adapter}`, trained for {run.get('steps', '?')} steps ({run.get('seconds', '?')} s on "
        f"{run.get('device', '?')}) on {run.get('train_pairs', '?')} pairs of `{config['data']['data']}`; "
        f"LoRA r={model['lora_r']}, alpha={model['lora_alpha']}, dropout={model['lora_dropout']}, "
        f"lr={train['learning_rate']}, batch {train['per_device_train_batch_size']} x "
        f"{train['gradient_accumulation_steps']} rows of up to {config['data']['max_length']} tokens, "
        f"{row_layout(config['data'])}.",
        f"Loss and perplexity over all {result.validation_pairs} held-out pairs; ROUGE-L, key-term accuracy and the "
        f"answers below over the first {result.examples} (greedy decoding; "
        + ("each asked over its numbered records, in the assistant's prompt)."
           if result.tuned.answer_accuracy is not None else "question only, no retrieved context)."),
        "",
        metrics_table(result.base, result.tuned),
        "",
        f"Validation loss is **{result.loss_reduction():.0%} lower** with the adapter."
        if result.loss_reduction() > 0 else "The adapter does **not** lower the validation loss.",
        "",
    ]
    if has_curve:
        lines += [f"![training loss]({LOSS_PLOT})", ""]
    lines += [f"![metrics]({METRICS_PLOT})", "", "## Answers to the same questions", "",
              "| Question | Reference | Base model | Base + adapter |", "|---|---|---|---|"]
    lines += [f"| {_cell(g.question)} | {_cell(g.reference)} | {_cell(g.base)} | {_cell(g.adapter)} |"
              for g in result.generations]
    lines += ["", "Key terms per question (stems): " + "; ".join(", ".join(g.key_terms) for g in result.generations),
              "", f"Evaluation took {result.seconds} s.", ""]
    path = out_dir / REPORT_FILE
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
