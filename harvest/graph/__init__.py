"""The code graph, built during harvest: what each file defines, what it imports, and which repository
file every import resolves to (through tsconfig aliases, workspace packages, barrels and `__init__.py`
re-exports; Go packages through go.mod; Java classes through package clauses). RAG follows it to the
code a request depends on; it is saved next to the units."""

from harvest.graph.graph import (
           CodeGraph,
           Resolution,
           build_graph,
           document_bindings,
           file_facts,
           on_demand_graph,
           parse_text,
)
from harvest.graph.model import EVERYTHING, MODULE, Binding, Definition, FileFacts

__all__ = ["EVERYTHING", "MODULE", "Binding", "CodeGraph", "Definition", "FileFacts", "Resolution", "build_graph",
           "document_bindings", "file_facts", "on_demand_graph", "parse_text"]
