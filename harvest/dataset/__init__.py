"""Datasets, the harvester's second half: scrubbed records → units, pairs (deduplicated, filtered, split
without leaks, optionally formatted), conventions and the dataset written as OpenAI chat, TRL
prompt/completion and instruction/input/output JSONL, with the readable DATASET.md card, and
`idiom dataset validate` for checking a file before paying to train."""
