"""`idiom mcp`: the team's conventions, retrieval, checks and routed answers for coding agents, over the
Model Context Protocol (stdio). `state` holds what is loaded once per server, `tools` answers each tool,
`app` declares the tools, resources and prompt to the SDK, `command` is the CLI."""
