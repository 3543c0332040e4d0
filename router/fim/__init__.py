"""Fill-in-the-middle serving: how each model family infills (families.yml), the prompt text for it, and
the one entry point the strategies use for an infill request (`prompt_for`, in router/fim/prompt.py)."""
