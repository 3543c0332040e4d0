"""Router: strategies (few-shot, RAG, fine-tuned), providers, validation and ROI (pipeline stage 2).

May import `harvest`, never `server`.
"""
