"""`idiom api`: the team server. One HTTP server (FastAPI on uvicorn) for several repositories, their request
log, feedback, jobs and tokens in one database; see docs/team.md#the-team-server."""
