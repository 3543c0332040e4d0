"""The language server (`idiom serve`): the editor's way into the router and the mined conventions.

One module per feature, all state on `IdiomServer` (state.py); `app.build_server()` wires them up.
The protocol the editor clients speak is docs/editor-protocol.md.
"""
