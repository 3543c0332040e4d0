"""`idiom harvest --repos`: many repositories, one harvest and dataset each, on a process pool or a Ray
cluster, with an optional merged dataset (listing, job, run, merge, report)."""
