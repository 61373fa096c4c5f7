"""Fine-tuning: LoRA/QLoRA adapters trained on question-answer pairs, evaluated against the base model, published;
the chatbot serves them (FINCHAT_ADAPTER)."""
