"""Mining, the harvester's first half: a repository's files at HEAD, its history, pull requests and reviews
→ scrubbed records under `.idiom/harvest/<name>/` (`idiom harvest`, pipeline.py, which then runs the dataset
build of harvest/dataset/build.py).

Only this stage reads git; every text it keeps goes through the scrubber first (redact.py).
"""
