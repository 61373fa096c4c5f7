"""Fine-tuning benchmark: the paper's full 60-step LoRA run through finetune/train.py, then the evaluation.

    .venv/bin/python bench/finetune.py                          # SmolLM2-135M (bundled GGUF) on the CPU, ~10 min
    .venv/bin/python bench/finetune.py --layouts packed         # only the default layout, ~6 min
    .venv/bin/python bench/finetune.py --threads 1              # one torch thread (faster on a crowded CPU)
    .venv/bin/python bench/finetune.py --base falcon-7b-random  # QLoRA on a 7B Falcon, CUDA only (see below)

CPU mode trains twice, side by side: with the default layout (several pairs packed into each 256-token row) and with
one pair per row, every other argument the paper's. For each it prints s/step, tokens/s, peak RSS, wall time and the
validation loss of base vs adapter with its relative reduction, and writes the evaluation report. Targets, for the
default layout: whole run (train + evaluate) <= 10 minutes; adapter validation loss >= 20% below the base model's;
report generated.

`--base falcon-7b-random` builds a Falcon with the real 7B FalconConfig (4544 wide, 32 layers, 71 heads, vocab
65024) and random weights, since weights cannot be downloaded, saves it, and trains it through the same train.py in
4-bit NF4 + double quantisation + bf16 compute with paged_adamw_32bit at the paper's batch settings (2 x 2). It
prints peak GPU memory, steps/s and tokens/s beside the paper's 60 steps in 376 s (0.16 steps/s). Targets: >= 5x
the paper's steps/s, < 16 GB peak GPU memory. Loss figures of random weights mean nothing and are not printed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("TQDM_DISABLE", "1")

from finetune.config import DataArguments, ModelArguments, TrainArguments  # noqa: E402
from finetune.evaluate import evaluate  # noqa: E402
from finetune.train import main as train  # noqa: E402

OUT = ROOT / "bench" / "out"
TARGET_WALL_S = 600
TARGET_LOSS_REDUCTION = 0.20
PAPER_STEPS, PAPER_SECONDS = 60, 376  # the paper's Falcon-7B QLoRA run
TARGET_SPEEDUP = 5.0
TARGET_GPU_GB = 16.0
EVAL_EXAMPLES = 16
FALCON_7B_RANDOM = "falcon-7b-random"


def peak_rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # Linux reports KiB


LAYOUTS = {"packed": True, "unpacked": False}  # DataArguments.packing; "packed" is the default


def cpu_run(args: argparse.Namespace, layout: str) -> dict:
    start = time.perf_counter()
    out = OUT / ("finetune-smollm2" if layout == "packed" else f"finetune-smollm2-{layout}")
    shutil.rmtree(out, ignore_errors=True)
    result = train(ModelArguments(), DataArguments(packing=LAYOUTS[layout]),
                   TrainArguments(output_dir=str(out), max_steps=args.max_steps, threads=args.threads))
    evaluation, report = evaluate(out, examples=args.examples, threads=args.threads)
    wall = time.perf_counter() - start
    figures = {
        "layout": layout, "base": "embedded (SmolLM2-135M-Instruct GGUF, dequantised fp32, bf16 autocast)",
        "steps": result.steps, "train_s": round(result.seconds, 1),
        "s_per_step": round(result.seconds / result.steps, 2),
        "tokens_per_s": round(result.tokens / result.seconds, 1), "input_tokens": result.tokens,
        "trainable_params": result.trainable_params, "peak_rss_gb": round(peak_rss_gb(), 2),
        "eval_s": evaluation.seconds, "wall_s": round(wall, 1),
        "val_loss_base": round(evaluation.base.loss, 4), "val_loss_adapter": round(evaluation.tuned.loss, 4),
        "loss_reduction": round(evaluation.loss_reduction(), 4),
        "rouge_l": [round(evaluation.base.rouge_l, 3), round(evaluation.tuned.rouge_l, 3)],
        "key_terms": [round(evaluation.base.key_term_accuracy, 3), round(evaluation.tuned.key_term_accuracy, 3)],
        "report": str(report), "threads": args.threads or "torch default",
    }
    print(f"[{layout}] {result.steps} steps: {figures['s_per_step']} s/step, {figures['tokens_per_s']} tokens/s, "
          f"peak RSS {figures['peak_rss_gb']} GB, wall {wall:.0f} s (target <= {TARGET_WALL_S} s: "
          f"{'met' if wall <= TARGET_WALL_S else 'MISSED'})")
    print(f"[{layout}] validation loss {evaluation.base.loss:.3f} (base) -> {evaluation.tuned.loss:.3f} (adapter): "
          f"{evaluation.loss_reduction():.1%} lower (target >= {TARGET_LOSS_REDUCTION:.0%}: "
          f"{'met' if evaluation.loss_reduction() >= TARGET_LOSS_REDUCTION else 'MISSED'})")
    print(f"[{layout}] ROUGE-L {figures['rouge_l'][0]} -> {figures['rouge_l'][1]}, key-term accuracy "
          f"{figures['key_terms'][0]} -> {figures['key_terms'][1]}; report {report}")
    return figures


def print_side_by_side(runs: list[dict]) -> None:
    rows = [("train s", "train_s"), ("s/step", "s_per_step"), ("tokens/s", "tokens_per_s"),
            ("input tokens", "input_tokens"), ("wall s", "wall_s"), ("val loss base", "val_loss_base"),
            ("val loss adapter", "val_loss_adapter"), ("loss reduction", "loss_reduction")]
    print("\n| | " + " | ".join(r["layout"] for r in runs) + " |")
    print("|---|" + "---|" * len(runs))
    for label, key in rows:
        print(f"| {label} | " + " | ".join(str(r[key]) for r in runs) + " |")


def random_falcon_7b(folder: Path) -> Path:
    """A Falcon with the real 7B config and random bf16 weights, saved with the SmolLM2 tokenizer (ids < vocab)."""
    import torch
    from transformers import FalconConfig, FalconForCausalLM

    from chatbot.models import bundled_gguf, load_tokenizer

    if (folder / "config.json").is_file():
        return folder
    gguf = bundled_gguf()
    tokenizer = load_tokenizer(gguf.parent, gguf.name)
    config = FalconConfig(bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id)  # 7B defaults
    torch.set_default_dtype(torch.bfloat16)
    try:
        with torch.device("cuda"):
            model = FalconForCausalLM(config)
    finally:
        torch.set_default_dtype(torch.float32)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    del model
    torch.cuda.empty_cache()
    return folder


def gpu_run(args: argparse.Namespace) -> dict:
    import torch

    if not torch.cuda.is_available():
        raise SystemExit(f"--base {FALCON_7B_RANDOM} needs a CUDA GPU")
    start = time.perf_counter()
    base = random_falcon_7b(Path(args.work_dir))
    build_s = time.perf_counter() - start
    torch.cuda.reset_peak_memory_stats()
    result = train(ModelArguments(base=str(base)), DataArguments(),
                   TrainArguments(output_dir=str(OUT / "finetune-falcon-7b-random"), max_steps=args.max_steps,
                                  save_steps=args.max_steps), progress=False)
    peak_gb = torch.cuda.max_memory_allocated() / 2**30
    steps_per_s = result.steps / result.seconds
    paper = PAPER_STEPS / PAPER_SECONDS
    figures = {"base": "Falcon-7B architecture, random weights, 4-bit NF4 + double quant, bf16 compute",
               "gpu": torch.cuda.get_device_name(), "steps": result.steps, "train_s": round(result.seconds, 1),
               "steps_per_s": round(steps_per_s, 3), "tokens_per_s": round(result.tokens / result.seconds, 1),
               "peak_gpu_gb": round(peak_gb, 2), "paper_steps_per_s": round(paper, 3),
               "speedup_vs_paper": round(steps_per_s / paper, 2), "build_and_save_s": round(build_s, 1),
               "trainable_params": result.trainable_params, "wall_s": round(time.perf_counter() - start, 1)}
    print(f"{figures['gpu']}: {result.steps} steps in {result.seconds:.0f} s = {steps_per_s:.3f} steps/s "
          f"({figures['speedup_vs_paper']}x the paper's {paper:.2f}; target >= {TARGET_SPEEDUP}x), "
          f"{figures['tokens_per_s']} tokens/s, peak GPU memory {peak_gb:.1f} GB (target < {TARGET_GPU_GB} GB)")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", choices=["embedded", FALCON_7B_RANDOM], default="embedded")
    parser.add_argument("--max-steps", type=int, default=PAPER_STEPS, help="Optimizer steps (the paper's 60).")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads; 0 = torch's default.")
    parser.add_argument("--examples", type=int, default=EVAL_EXAMPLES, help="Questions answered in the report.")
    parser.add_argument("--layouts", nargs="+", choices=list(LAYOUTS), default=list(LAYOUTS),
                        help="CPU mode: which training layouts to run, side by side.")
    parser.add_argument("--work-dir", default="/tmp/finchat-falcon-7b-random", help="Where the random 7B is saved.")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.base == FALCON_7B_RANDOM:
        figures = gpu_run(args)
    else:
        runs = [cpu_run(args, layout) for layout in args.layouts]
        print_side_by_side(runs)
        figures = {"runs": runs}
    path = OUT / f"finetune-{args.base}.json"
    path.write_text(json.dumps({"command": " ".join(sys.argv), **figures}, indent=2) + "\n", encoding="utf-8")
    print(f"figures: {path}")


if __name__ == "__main__":
    main()
