"""ROI reports: what each strategy costs and earns at the team's volume, with charts, as HTML,
Markdown and JSON under `.idiom/reports/`."""
